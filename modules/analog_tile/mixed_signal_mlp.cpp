#include "analog_tile/mixed_signal_mlp.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "circuit/array_circuit.hpp"
#include "support/fnv1a.hpp"

namespace mrampim {

MixedSignalMlp::MixedSignalMlp(const AnalogTileParams& p, const Technology& cell_tech)
    : p_(p),
      layer1_(p.synapse, p.variation, p.inputs, p.hidden, fnv1a64("layer1")),
      layer2_(p.synapse, p.variation, p.hidden, p.outputs, fnv1a64("layer2")) {
  if (cell_tech.family != LogicFamily::SotStateful) {
    throw std::invalid_argument("mixed-signal baseline: its MTJs need an SOT write path");
  }
  cell_area_um2_ = ArrayCircuit(cell_tech).cell_area_um2();
}

void MixedSignalMlp::program(const BinarizedMlp& net, double volts_per_unit_1, double volts_per_unit_2) {
  net.check();
  if (net.inputs != p_.inputs || net.hidden != p_.hidden || net.outputs != p_.outputs) {
    throw std::invalid_argument("mixed-signal baseline: a network of another shape than its arrays");
  }
  layer1_.program(net.w1);
  layer2_.program(net.w2);
  vpu_[0] = volts_per_unit_1;
  vpu_[1] = volts_per_unit_2;
  net_ = net;
}

double MixedSignalMlp::convert(double v) const {
  const double vdd = p_.inverter.vdd_V, levels = std::ldexp(1.0, int(p_.mixed_signal.adc_bits)) - 1;
  const double code = std::round((std::clamp(v, -vdd, vdd) + vdd) / (2 * vdd) * levels);
  return code / levels * 2 * vdd - vdd;
}

MixedSignalInference MixedSignalMlp::infer(const std::uint8_t* pixels) const {
  const double vdd = p_.inverter.vdd_V;
  MixedSignalInference r;
  std::vector<double> rows(p_.inputs + 1), ip(std::max(p_.hidden, p_.outputs)), in(ip.size());
  for (std::uint32_t i = 0; i < p_.inputs; ++i) rows[i] = pixels[i] > 0 ? vdd : 0.0;
  rows[p_.inputs] = vdd;
  // Layer 1: convert, then the table: h = -tanh(z / 2) (the trained activation).
  const double array1_W = layer1_.evaluate(rows.data(), vdd, ip.data(), in.data());
  const double g1 = vpu_[0] / layer1_.unit_current_A(vdd);
  std::vector<double> h(p_.hidden);
  for (std::uint32_t j = 0; j < p_.hidden; ++j) {
    const double z = convert(g1 * (ip[j] - in[j])) / vpu_[0] * net_.scale1;
    h[j] = -std::tanh(z / 2);
  }
  double energy_pJ = array1_W * layer_latency_ns(0) * 1e3;
  // Layer 2: each output's weighted sum, in units of one +1 weight at a full-scale input.
  std::vector<double> sum(p_.outputs, 0.0);
  std::vector<double> next(p_.hidden + 1);
  if (p_.mixed_signal.bit_serial) {
    // The table's words, two's complement, full scale (2^(B-1) - 1) being 1.0;
    // the bias row's input is 1.0 too. A plane drives a row at vdd where its
    // bit is set; the amplifier's gain fits a plane's largest sum, every row
    // at vdd, into the converter's range; the MSB plane counts negative.
    const std::uint32_t bits = p_.mixed_signal.activation_bits;
    const auto full = std::int32_t((1u << (bits - 1)) - 1);
    std::vector<std::uint32_t> code(p_.hidden + 1);
    for (std::uint32_t j = 0; j < p_.hidden; ++j) {
      code[j] = std::uint32_t(std::int32_t(std::lround(std::clamp(h[j], -1.0, 1.0) * full)));
    }
    code[p_.hidden] = std::uint32_t(full);
    const double volts_per_unit = vdd / double(p_.hidden + 1);
    const double g2 = volts_per_unit / layer2_.unit_current_A(vdd);
    for (std::uint32_t b = 0; b < bits; ++b) {
      for (std::uint32_t j = 0; j <= p_.hidden; ++j) next[j] = (code[j] >> b) & 1u ? vdd : 0.0;
      energy_pJ += layer2_.evaluate(next.data(), vdd, ip.data(), in.data()) * plane_ns() * 1e3;
      const double weight = b + 1 == bits ? -std::ldexp(1.0, int(b)) : std::ldexp(1.0, int(b));
      for (std::uint32_t k = 0; k < p_.outputs; ++k) sum[k] += weight * convert(g2 * (ip[k] - in[k])) / volts_per_unit;
    }
    for (double& v : sum) v /= full;
  } else {
    for (std::uint32_t j = 0; j < p_.hidden; ++j) next[j] = vdd * h[j];
    next[p_.hidden] = vdd;
    energy_pJ += layer2_.evaluate(next.data(), vdd, ip.data(), in.data()) * layer_latency_ns(1) * 1e3;
    const double g2 = vpu_[1] / layer2_.unit_current_A(vdd);
    for (std::uint32_t k = 0; k < p_.outputs; ++k) sum[k] = convert(g2 * (ip[k] - in[k])) / vpu_[1];
  }
  // The class is the largest y = 1 / (1 + e^z): the smallest sum.
  r.predicted = std::uint32_t(std::min_element(sum.begin(), sum.end()) - sum.begin());
  // The amplifiers while their layer evaluates; with an ideal DAC, the
  // hidden rows' analog drivers (the tile's) while the second layer does.
  const double amps_W = p_.amplifier.power_uW * 1e-6;
  const double drivers = p_.mixed_signal.bit_serial ? 0.0 : double(p_.hidden);
  const std::uint32_t conversions =
      p_.hidden + p_.outputs * (p_.mixed_signal.bit_serial ? p_.mixed_signal.activation_bits : 1u);
  r.energy_pJ = energy_pJ +
                amps_W * (p_.hidden * layer_latency_ns(0) + (p_.outputs + drivers) * layer_latency_ns(1)) * 1e3 +
                conversions * p_.mixed_signal.adc_energy_pJ +
                (p_.hidden + p_.outputs) * p_.mixed_signal.sigmoid_energy_pJ;
  return r;
}

double MixedSignalMlp::plane_ns() const {
  return layer2_.line_settle_ns() + p_.amplifier.settle_ns + p_.mixed_signal.adc_conversion_ns;
}

double MixedSignalMlp::layer_latency_ns(int layer) const {
  if (layer == 1 && p_.mixed_signal.bit_serial) {
    return p_.mixed_signal.activation_bits * plane_ns() + p_.mixed_signal.sigmoid_ns;
  }
  // With an ideal DAC, the hidden rows' analog drivers settle after the
  // hidden layer (as the tile's); 1-bit drivers are logic, their delay not
  // counted (in the baseline's favour).
  const double drivers_ns = layer == 0 && !p_.mixed_signal.bit_serial ? p_.amplifier.settle_ns : 0.0;
  return (layer == 0 ? layer1_ : layer2_).line_settle_ns() + p_.amplifier.settle_ns +
         p_.mixed_signal.adc_conversion_ns + p_.mixed_signal.sigmoid_ns + drivers_ns;
}

double MixedSignalMlp::area_um2() const {
  const double synapses = double(layer1_.devices() + layer2_.devices()) * cell_area_um2_;
  const std::uint32_t neurons = p_.hidden + p_.outputs;
  const double drivers = p_.mixed_signal.bit_serial ? 0.0 : p_.hidden * p_.amplifier.area_um2;
  return synapses + neurons * (p_.amplifier.area_um2 + p_.mixed_signal.adc_area_um2) + drivers;
}

}  // namespace mrampim
