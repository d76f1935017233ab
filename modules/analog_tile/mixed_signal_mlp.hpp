// The mixed-signal baseline (analog-MLP facts sec. 6): the analog tile's
// synapse arrays and amplifiers, but a SAR converter per column and a
// digital sigmoid (a table) in place of each analog neuron. The same
// devices as the tile's (the same variation draws). The hidden layer's
// digital activations reach the second array in one of two ways
// (MixedSignalParams::bit_serial):
//  - bit-serial (the design as given, with no DAC): the table's words drive
//    the rows one bit-plane at a time through 1-bit drivers; each plane is
//    converted and shifted and added, the MSB plane negative; the second
//    amplifier's gain fits a plane's largest sum into the converter's range;
//  - at their levels, vdd h, through an ideal DAC (the tile's analog row
//    drivers, the digital-to-analog step itself not priced), with the
//    tile's amplifier gain: a bound on the baseline's speed.
//
// Owns: its arrays. Exposes: program(), infer(), costs. Costs: per layer
// the column line's settling, the amplifier's, a conversion (per plane when
// bit-serial) and the table (latency); the arrays' driver power and the
// amplifiers' bias over that time, the conversions and a table read per
// neuron (energy); the synapse pairs, amplifiers and converters, and
// with the ideal DAC the hidden rows' analog drivers (area; the tables, the
// 1-bit drivers and the shift-and-add registers are not counted).
#pragma once

#include <cstdint>
#include <vector>

#include "analog_tile/analog_params.hpp"
#include "synapse/binary_synapse_array.hpp"
#include "tech/technology.hpp"
#include "training/binarized_mlp.hpp"

namespace mrampim {

struct MixedSignalInference {
  std::uint32_t predicted = 0;
  double energy_pJ = 0;
};

class MixedSignalMlp {
 public:
  MixedSignalMlp(const AnalogTileParams& p, const Technology& cell_tech);
  // `volts_per_unit_*`: the amplifiers' gain per unit of each layer's sum
  // (the analog tile's, AnalogMlp::volts_per_unit), so both designs see the
  // same voltages at their columns.
  void program(const BinarizedMlp& net, double volts_per_unit_1, double volts_per_unit_2);
  MixedSignalInference infer(const std::uint8_t* pixels) const;
  double layer_latency_ns(int layer) const;
  // One bit-plane of the second layer: its line, amplifier and a conversion.
  double plane_ns() const;
  double latency_ns() const { return layer_latency_ns(0) + layer_latency_ns(1); }
  double area_um2() const;

 private:
  // The converter's code of a column voltage over +/-vdd, back in volts.
  double convert(double v) const;

  AnalogTileParams p_;
  BinarySynapseArray layer1_, layer2_;
  double cell_area_um2_ = 0;
  double vpu_[2] = {0, 0};
  BinarizedMlp net_;
};

}  // namespace mrampim
