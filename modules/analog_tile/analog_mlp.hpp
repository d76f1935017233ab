// The analog tile's circuit (analog-MLP facts sec. 3, 4): a binarized MLP
// held in two synapse arrays (synapse/binary_synapse_array.hpp), a
// differential transimpedance amplifier per neuron and the two-MTJ neurons
// (neuron/sot_sigmoid_neuron.hpp). One inference is one analog cycle: the
// image's rows are driven (vdd for a pixel above 0, else 0 V, the bias row
// at vdd), each column pair's current difference becomes the neuron's input
// through its amplifier, each hidden neuron's output drives a row of the
// second array through a unity-gain row driver (the amplifier's design: its
// bias, area and settling; a neuron could not drive the row's ~375 Ohm of
// devices itself), and the class is the output neuron with the highest
// voltage.
//
// The amplifiers' gain is a design choice, not a fit: one unit of the
// network's weighted sum (one +1 weight at a row at vdd) moves the neuron's
// input by scale_l times the nominal neuron's logistic scale, so the
// circuit's sigmoid is the trained one (training/binarized_mlp.hpp) as far
// as the neuron is a logistic. Amplifier outputs stop at the rails.
//
// Owns: the arrays, the neurons' MTJs (each drawn with the variation), the
// shared inverter design, the amplifiers' gains. Exposes: program(),
// infer(), the costs. Costs (docs/analog-mlp.md): power while evaluating
// (row drivers' currents through the synapses from a rail, the neurons'
// static power at their operating points, the amplifiers' and the hidden
// rows' drivers' bias), latency (per layer: the column line's distributed
// RC to 1%, the amplifier's settling, the neuron's delay into its load, the
// row drivers' settling after the hidden layer), energy = power x latency
// (everything is on for the cycle), area (synapse pairs at the cell
// technology's cell area, neurons, amplifiers), programming (every MTJ an
// SOT write of the cell technology: its counted write price and step time).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "analog_tile/analog_params.hpp"
#include "ledger/cost_ledger.hpp"
#include "neuron/sot_sigmoid_neuron.hpp"
#include "synapse/binary_synapse_array.hpp"
#include "tech/technology.hpp"
#include "training/binarized_mlp.hpp"

namespace mrampim {

struct AnalogInference {
  std::uint32_t predicted = 0;
  std::vector<double> amplifier_V;  // hidden then output neurons' inputs
  std::vector<double> hidden_V;     // hidden neurons' outputs
  std::vector<double> output_V;     // output neurons' outputs
  double array_power_W = 0, neuron_power_W = 0, amplifier_power_W = 0;
  double power_W() const { return array_power_W + neuron_power_W + amplifier_power_W; }
};

class AnalogMlp {
 public:
  // Throws std::invalid_argument when the cell technology has no SOT write path.
  AnalogMlp(const AnalogTileParams& p, const Technology& cell_tech);
  AnalogMlp(const AnalogMlp&) = delete;
  AnalogMlp& operator=(const AnalogMlp&) = delete;

  const AnalogTileParams& params() const { return p_; }
  // Writes the network's weights into the arrays (counted). Throws
  // std::invalid_argument, changing nothing, for a network whose sizes are
  // not the tile's or whose weights are not +1/-1.
  void program(const BinarizedMlp& net);
  bool programmed() const { return programmed_; }
  const BinarizedMlp& network() const { return net_; }

  // `pixels`: params().inputs of them. Throws std::logic_error before program().
  AnalogInference infer(const std::uint8_t* pixels) const;

  // Costs.
  double layer_latency_ns(int layer) const;  // 0: hidden, 1: output
  double latency_ns() const { return layer_latency_ns(0) + layer_latency_ns(1); }
  double energy_pJ(const AnalogInference& r) const { return r.power_W() * latency_ns() * 1e3; }
  double synapse_area_um2() const;
  double neuron_area_um2() const;     // one neuron
  double amplifier_area_um2() const;  // all of them, the hidden rows' drivers included
  double area_um2() const;
  // One nominal neuron at its transfer curve's centre (its highest static
  // power) and its delay into the load a hidden neuron drives.
  double neuron_power_W() const;
  double neuron_delay_ns() const;
  const SotSigmoidNeuron& nominal_neuron() const { return *nominal_; }
  // Programming so far: MTJs written, the write steps (two per row of both
  // arrays each time the weights change: one per state), their energy (the
  // cell technology's write price per MTJ, its decoders per step) and time
  // (per step its write and its decoding): what the tile's ledger account counts.
  std::uint64_t devices_written() const { return layer1_.devices_written() + layer2_.devices_written(); }
  std::uint64_t program_steps() const { return program_steps_; }
  double programming_energy_pJ() const {
    return double(devices_written()) * prices_.energy_fJ[std::size_t(StepKind::Write)] * 1e-3 +
           double(program_steps_) * prices_.periphery_pJ;
  }
  double programming_ns() const {
    return double(program_steps_) * (prices_.latency_ns[std::size_t(StepKind::Write)] + prices_.step_ns);
  }
  // Volts at the neuron's input per unit of the layer's weighted sum.
  double volts_per_unit(int layer) const;

 private:
  double neuron_load_F(int layer) const;

  AnalogTileParams p_;
  CmosInverter inverter_;
  std::unique_ptr<SotSigmoidNeuron> nominal_;
  std::vector<SotSigmoidNeuron> neurons_;  // hidden then output, each with its drawn MTJs
  BinarySynapseArray layer1_, layer2_;
  double centre_V_ = 0, logistic_V_ = 0;
  StepPrices prices_;  // the cell technology's counted prices
  double cell_area_um2_ = 0;
  std::uint64_t program_steps_ = 0;
  BinarizedMlp net_;
  bool programmed_ = false;
};

}  // namespace mrampim
