#include "analog_tile/analog_mlp.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "circuit/array_circuit.hpp"
#include "ledger/cost_ledger.hpp"
#include "support/fnv1a.hpp"
#include "support/counter_gauss.hpp"

namespace mrampim {

namespace {

// A neuron MTJ's spread factor, drawn from the seed and its address.
double spread(const VariationParams& v, std::uint64_t device) {
  if (v.sigma_r == 0) return 1;
  // Clamped at 0.05 (as MtjSwitching::draw_cell): no resistance turns zero or negative.
  return std::max(0.05, 1 + v.sigma_r * counter_gauss(v.seed * 0x2545f4914f6cdd1dull ^ fnv1a64("neurons") ^ (device * 0x9e3779b97f4a7c15ull)));
}

}  // namespace

AnalogMlp::AnalogMlp(const AnalogTileParams& p, const Technology& cell_tech)
    : p_(p),
      inverter_(p.inverter),
      layer1_(p.synapse, p.variation, p.inputs, p.hidden, fnv1a64("layer1")),
      layer2_(p.synapse, p.variation, p.hidden, p.outputs, fnv1a64("layer2")) {
  if (cell_tech.family != LogicFamily::SotStateful) {
    throw std::invalid_argument("analog tile: its MTJs are written through an SOT write path; '" + cell_tech.name +
                                "' has none");
  }
  nominal_ = std::make_unique<SotSigmoidNeuron>(inverter_, p.neuron.r_in_ohm, p.neuron.r_feedback_ohm);
  centre_V_ = nominal_->centre_V();
  logistic_V_ = nominal_->logistic_scale_V();
  const std::uint32_t n = p.hidden + p.outputs;
  neurons_.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const double r_in = p.neuron.r_in_ohm * spread(p.variation, 2 * i);
    // A spread that would make the feedback MTJ the smaller is kept just above the input's.
    const double r_f = std::max(p.neuron.r_feedback_ohm * spread(p.variation, 2 * i + 1), r_in * 1.0001);
    neurons_.emplace_back(inverter_, r_in, r_f);
  }
  prices_ = StepPrices::from(cell_tech);
  cell_area_um2_ = ArrayCircuit(cell_tech).cell_area_um2();
}

double AnalogMlp::volts_per_unit(int layer) const {
  return logistic_V_ * (layer == 0 ? net_.scale1 : net_.scale2);
}

void AnalogMlp::program(const BinarizedMlp& net) {
  net.check();
  if (net.inputs != p_.inputs || net.hidden != p_.hidden || net.outputs != p_.outputs) {
    throw std::invalid_argument("analog tile: a " + std::to_string(net.inputs) + "-" + std::to_string(net.hidden) +
                                "-" + std::to_string(net.outputs) + " network for a " + std::to_string(p_.inputs) +
                                "-" + std::to_string(p_.hidden) + "-" + std::to_string(p_.outputs) + " tile");
  }
  const std::uint64_t before = devices_written();
  layer1_.program(net.w1);
  layer2_.program(net.w2);
  // Row by row, each row's devices in two passes (the two write directions).
  if (devices_written() != before) program_steps_ += 2ull * (layer1_.rows() + layer2_.rows());
  net_ = net;
  programmed_ = true;
}

AnalogInference AnalogMlp::infer(const std::uint8_t* pixels) const {
  if (!programmed_) throw std::logic_error("analog tile: inference before its weights were programmed");
  const double vdd = p_.inverter.vdd_V;
  AnalogInference r;
  auto layer = [&](const BinarySynapseArray& a, const std::vector<double>& rows, std::uint32_t first_neuron, int l,
                   std::vector<double>& out) {
    std::vector<double> ip(a.outputs()), in(a.outputs());
    r.array_power_W += a.evaluate(rows.data(), vdd, ip.data(), in.data());
    // The amplifier: one unit of the weighted sum is unit_current_A(vdd) of difference.
    const double gain = volts_per_unit(l) / a.unit_current_A(vdd);
    out.resize(a.outputs());
    for (std::uint32_t c = 0; c < a.outputs(); ++c) {
      const double v_x = std::clamp(centre_V_ + gain * (ip[c] - in[c]), -vdd, vdd);
      const NeuronPoint np = neurons_[first_neuron + c].solve(v_x);
      r.amplifier_V.push_back(v_x);
      out[c] = np.v_out_V;
      r.neuron_power_W += np.power_W;
    }
    // The layer's amplifiers and, after the hidden layer, its row drivers.
    r.amplifier_power_W += p_.amplifier.power_uW * 1e-6 * a.outputs() * (l == 0 ? 2 : 1);
  };
  std::vector<double> rows(p_.inputs + 1);
  for (std::uint32_t i = 0; i < p_.inputs; ++i) rows[i] = pixels[i] > 0 ? vdd : 0.0;
  rows[p_.inputs] = vdd;
  layer(layer1_, rows, 0, 0, r.hidden_V);
  rows.assign(r.hidden_V.begin(), r.hidden_V.end());
  rows.push_back(vdd);
  layer(layer2_, rows, p_.hidden, 1, r.output_V);
  r.predicted = std::uint32_t(std::max_element(r.output_V.begin(), r.output_V.end()) - r.output_V.begin());
  return r;
}

double AnalogMlp::neuron_load_F(int layer) const {
  // A hidden neuron drives its row driver's input, an output neuron its
  // sampling: each an inverter's gates. (The row's devices, about 375 Ohm to
  // the virtual grounds, would load the neuron's output to a fraction of its
  // swing: the row driver carries their current.)
  (void)layer;
  return inverter_.input_capacitance_F();
}

double AnalogMlp::layer_latency_ns(int layer) const {
  const double line_ns = (layer == 0 ? layer1_ : layer2_).line_settle_ns();
  // The hidden layer ends when its row drivers have settled too.
  const double drivers_ns = layer == 0 ? p_.amplifier.settle_ns : 0.0;
  return line_ns + p_.amplifier.settle_ns + nominal_->delay_ns(neuron_load_F(layer)) + drivers_ns;
}

double AnalogMlp::synapse_area_um2() const {
  return double(layer1_.devices() + layer2_.devices()) * cell_area_um2_;
}

double AnalogMlp::neuron_area_um2() const { return nominal_->area_um2(); }

double AnalogMlp::amplifier_area_um2() const { return p_.amplifier.area_um2 * (2.0 * p_.hidden + p_.outputs); }

double AnalogMlp::area_um2() const {
  return synapse_area_um2() + neuron_area_um2() * (p_.hidden + p_.outputs) + amplifier_area_um2();
}

double AnalogMlp::neuron_power_W() const { return nominal_->solve(centre_V_).power_W; }

double AnalogMlp::neuron_delay_ns() const { return nominal_->delay_ns(neuron_load_F(0)); }

}  // namespace mrampim
