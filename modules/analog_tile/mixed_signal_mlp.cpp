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
  double array_W = 0;
  std::vector<double> rows(p_.inputs + 1), ip(std::max(p_.hidden, p_.outputs)), in(ip.size());
  for (std::uint32_t i = 0; i < p_.inputs; ++i) rows[i] = pixels[i] > 0 ? vdd : 0.0;
  rows[p_.inputs] = vdd;
  // Layer 1: convert, then the table: h = -tanh(z / 2) (the trained activation).
  array_W += layer1_.evaluate(rows.data(), vdd, ip.data(), in.data());
  const double g1 = vpu_[0] / layer1_.unit_current_A(vdd);
  std::vector<double> next(p_.hidden + 1);
  for (std::uint32_t j = 0; j < p_.hidden; ++j) {
    const double z = convert(g1 * (ip[j] - in[j])) / vpu_[0] * net_.scale1;
    next[j] = vdd * -std::tanh(z / 2);
  }
  next[p_.hidden] = vdd;
  const double e1 = array_W * layer_latency_ns(0) * 1e3;
  // Layer 2: convert; the class is the largest y = 1 / (1 + e^z): the smallest code.
  const double array2_W = layer2_.evaluate(next.data(), vdd, ip.data(), in.data());
  const double g2 = vpu_[1] / layer2_.unit_current_A(vdd);
  double best = 1e300;
  for (std::uint32_t k = 0; k < p_.outputs; ++k) {
    const double v = convert(g2 * (ip[k] - in[k]));
    if (v < best) {
      best = v;
      r.predicted = k;
    }
  }
  const double amps_W = p_.amplifier.power_uW * 1e-6;
  const std::uint32_t neurons = p_.hidden + p_.outputs;
  // The amplifiers while their layer evaluates; the hidden rows' drivers
  // (the tile's, at the table's levels) while the second layer does.
  r.energy_pJ = e1 + array2_W * layer_latency_ns(1) * 1e3 +
                amps_W * (p_.hidden * layer_latency_ns(0) + (p_.outputs + p_.hidden) * layer_latency_ns(1)) * 1e3 +
                neurons * (p_.mixed_signal.adc_energy_pJ + p_.mixed_signal.sigmoid_energy_pJ);
  return r;
}

double MixedSignalMlp::layer_latency_ns(int layer) const {
  // After the hidden layer, its rows' drivers settle too (as the tile's).
  const double drivers_ns = layer == 0 ? p_.amplifier.settle_ns : 0.0;
  return (layer == 0 ? layer1_ : layer2_).line_settle_ns() + p_.amplifier.settle_ns +
         p_.mixed_signal.adc_conversion_ns + p_.mixed_signal.sigmoid_ns + drivers_ns;
}

double MixedSignalMlp::area_um2() const {
  const double synapses = double(layer1_.devices() + layer2_.devices()) * cell_area_um2_;
  const std::uint32_t neurons = p_.hidden + p_.outputs;
  return synapses + neurons * (p_.amplifier.area_um2 + p_.mixed_signal.adc_area_um2) + p_.hidden * p_.amplifier.area_um2;
}

}  // namespace mrampim
