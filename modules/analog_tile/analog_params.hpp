// The analog SOT-MRAM MLP tile's description (analog-MLP facts): its
// neurons' two MTJs and CMOS inverter, its binarized synapses and their
// lines, the per-layer amplifiers, device variation, and the mixed-signal
// baseline's converters. Read from a description file (platforms/analog/
// *.cfg, the project's config grammar, tech/config_file.hpp), validated
// once; every figure the tile reports is computed from these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tech/config_file.hpp"

namespace mrampim {

struct InverterParams {
  double vdd_V = 0;               // the rails are +vdd and -vdd
  double vth_V = 0;               // threshold voltage magnitude (n and p alike)
  double i_on_uA_per_fin = 0;     // saturation current per fin at |V_gs| = |V_ds| = vdd
  double alpha = 0;               // velocity-saturation index of the alpha-power law
  double lambda_per_V = 0;        // channel-length modulation: the inverter's finite gain
  double vdsat_over_vov = 0;      // V_dsat / V_ov (below 1: velocity saturation)
  double subthreshold_mV_per_decade = 0;
  std::uint32_t fins = 0;         // per transistor
  double c_gate_fF_per_fin = 0;   // gate capacitance of one fin
  double fin_pitch_nm = 0;
  double gate_pitch_nm = 0;
};

struct NeuronParams {
  double r_in_ohm = 0;        // the parallel-state MTJ from the amplifier to the inverter's input
  double r_feedback_ohm = 0;  // the antiparallel-state MTJ from the inverter's output back to its input
};

struct SynapseParams {
  double r_low_ohm = 0;   // parallel state
  double r_high_ohm = 0;  // antiparallel state
  double r_wire_ohm = 0;  // column line resistance per cell pitch
  double c_wire_fF = 0;   // column line capacitance per cell it crosses
  // A layer's rows are split among subarrays of at most this many rows; each
  // subarray's column lines end at the layer's summing amplifier (their
  // currents add there), so a line is at most this long.
  std::uint32_t rows_per_subarray = 0;
};

struct AmplifierParams {
  double settle_ns = 0;  // differential transimpedance amplifier: settling to the neuron's accuracy
  double power_uW = 0;   // its static power while the tile evaluates
  double area_um2 = 0;
};

struct VariationParams {
  double sigma_r = 0;      // relative spread (one sigma) of every MTJ's resistance, drawn once per device
  std::uint32_t seed = 0;  // of the draws
};

// The mixed-signal baseline: the same arrays, a SAR converter per column and
// a digital sigmoid in place of the analog neurons (analog-MLP facts sec. 6).
// The hidden layer's activations are digital words; with no converter back
// to analog in that design, they drive the second array a bit-plane at a
// time (bit_serial = 1: 1-bit row drivers, a conversion per plane, shift and
// add, as DAC-less in-memory designs apply multi-bit inputs). bit_serial = 0
// drives them at their levels through an ideal, unpriced DAC: a bound on how
// fast the baseline could be.
struct MixedSignalParams {
  std::uint32_t bit_serial = 1;
  std::uint32_t activation_bits = 0;  // the table's output word, two's complement
  std::uint32_t adc_bits = 0;
  double adc_conversion_ns = 0;  // one conversion
  double adc_energy_pJ = 0;      // per conversion
  double adc_area_um2 = 0;
  double sigmoid_ns = 0;         // the digital sigmoid (a table look-up) per layer
  double sigmoid_energy_pJ = 0;  // per neuron
};

struct AnalogTileParams {
  std::string name;
  std::string source;
  std::string cell_technology;  // the digital technology whose SOT write path programs the MTJs
  std::uint32_t inputs = 0, hidden = 0, outputs = 0;
  InverterParams inverter;
  NeuronParams neuron;
  SynapseParams synapse;
  AmplifierParams amplifier;
  VariationParams variation;
  MixedSignalParams mixed_signal;
};

struct AnalogParamInfo {
  std::string key, unit, meaning;
};
std::vector<AnalogParamInfo> analog_tile_schema();
std::vector<std::string> embedded_analog_tile_names();

// By embedded name ("zand-mlp") or path to a .cfg file, then "key=value"
// overrides (--set). Throws ConfigError naming the key and file for a
// missing, unknown or bad key, or a resistance ratio of 1 or less.
AnalogTileParams load_analog_tile(const std::string& name_or_path, const std::vector<std::string>& overrides = {});
AnalogTileParams parse_analog_tile(const std::string& text, const std::string& origin,
                                   const std::vector<std::string>& overrides = {});

}  // namespace mrampim
