// One layer's binarized synapses (analog-MLP facts sec. 4): `inputs` rows
// plus a bias row (driven at +vdd) by `outputs` columns. Each weight is a
// complementary MTJ pair on its column's two lines: +1 puts the parallel
// (low) state on the positive line and the antiparallel (high) state on the
// negative, -1 the reverse. A row's voltage drives both devices; each line
// ends in its amplifier's virtual ground, so the difference of the two line
// currents is sum_i V_i w_i (G_low - G_high): the layer's weighted sum in
// one analog step.
//
// Lines are not ideal: each cell pitch adds r_wire, so a device far from the
// amplifier sees more of the line (a resistive ladder, solved exactly per
// line by the tridiagonal Thomas algorithm). A layer's rows are split among
// subarrays of rows_per_subarray rows, whose line segments each end at the
// summing amplifier. Each device's resistance
// carries its own spread (1 + sigma z, drawn once from the seed and the
// device's address; both states of a device scale together: the spread is
// its junction's area and RA).
//
// Owns: the weights' device conductances (per device, as programmed), the
// devices' spread factors, the programming counts. Exposes: program(), the
// two line currents per column for a vector of row voltages, the drivers'
// power. Costs: programming counts the devices whose state changed (each an
// SOT write: the tile prices it with its cell technology); evaluation's
// power is what the row drivers deliver from the rails.
#pragma once

#include <cstdint>
#include <vector>

#include "analog_tile/analog_params.hpp"

namespace mrampim {

class BinarySynapseArray {
 public:
  // `stream` names the array's devices for the spread's draws. Throws
  // std::invalid_argument for zero inputs or outputs.
  BinarySynapseArray(const SynapseParams& p, const VariationParams& v, std::uint32_t inputs, std::uint32_t outputs,
                     std::uint64_t stream);

  std::uint32_t inputs() const { return inputs_; }
  std::uint32_t outputs() const { return outputs_; }
  std::uint32_t rows() const { return inputs_ + 1; }  // the bias row last

  // Weights row-major, (inputs + 1) x outputs, each +1 or -1. Throws
  // std::invalid_argument for another size or value (nothing changes).
  void program(const std::vector<std::int8_t>& weights);
  const std::vector<std::int8_t>& weights() const { return weights_; }
  // Devices written by programming so far: every device the first time,
  // then the two of each weight that changes.
  std::uint64_t devices_written() const { return devices_written_; }

  // Row voltages v[0 .. rows()) (the bias row's included) to each column's
  // positive and negative line currents, A (into the amplifier). Returns
  // the power the row drivers deliver, W: each device's current from a rail
  // at vdd.
  double evaluate(const double* v, double vdd, double* i_pos, double* i_neg) const;

  // The time a column line's segment takes to settle to 1% (its
  // distributed RC), ns.
  double line_settle_ns() const;
  // Devices: two per weight.
  std::uint64_t devices() const { return 2ull * rows() * outputs_; }

  // The nominal current difference of one unit of the weighted sum (one +1
  // weight at one row driven at `v`): v (G_low - G_high), A.
  double unit_current_A(double v) const;

 private:
  // One column line: its segments' currents, summed at the amplifier.
  double line_current(const float* g, std::size_t stride, const double* v, double* abs_current) const;
  // The ladder of one segment: devices g[k] from rows k = 0 .. n-1, the
  // amplifier after row n-1. Returns the current into the amplifier and
  // adds the devices' |current| to *abs_current.
  double segment_current(const float* g, std::size_t stride, const double* v, std::size_t n, double* abs_current) const;

  SynapseParams p_;
  std::uint32_t inputs_, outputs_;
  std::vector<float> spread_;          // per device: rows x outputs x 2 (positive, negative line)
  std::vector<std::int8_t> weights_;   // empty until programmed
  std::vector<float> g_pos_, g_neg_;   // per device, row-major
  std::uint64_t devices_written_ = 0;
  mutable std::vector<double> diag_, rhs_;  // the ladder's scratch
};

}  // namespace mrampim
