// Write errors of a subarray's computation: every cell a step's write must
// switch fails with the probability its pulse gives on that cell
// (MtjSwitching, the cell's drawn spread included), and a failed cell keeps
// its old value (approximate-writes facts sec. 2). Bit-accurate runs only.
//
// Owns: the write pulse (the technology's device.i_write_uA for
// device.t_switch_ns, the pulse the counted step prices pay for), its
// nominal error rate, with variation each cell's rate (a float per cell,
// allocated when the first write is drawn and computed when the cell is
// first written: untouched subarrays cost nothing), the random stream
// (seeded; named by the subarray), and the counts.
// Exposes: enable(), draw() after each written column, the counts.
// Costs: nothing: a failed write costs its pulse like any other.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "device/approximate_writes.hpp"
#include "support/splitmix64.hpp"
#include "tech/technology.hpp"

namespace mrampim {

// The pulse computation steps write with, and what it does to a cell: the
// technology's device.i_write_uA for device.t_switch_ns (the pulse the
// counted step prices pay for) and its [switching] model. Shared by the
// bit-level draws (below) and fast mode's (sampled_write_errors.hpp).
struct ComputeWritePulse {
  std::unique_ptr<MtjSwitching> switching;
  WritePulse pulse;
  double nominal_rate = 0;  // on the nominal cell
};
// Throws std::invalid_argument for a technology without MTJ switching.
ComputeWritePulse compute_write_pulse(const Technology& t);

class CellWriteErrors {
 public:
  // Throws std::invalid_argument for a technology without MTJ switching.
  void enable(const Technology& t, std::uint64_t seed, const std::string& stream, bool variation);
  // (rows: the subarray's, for the per-cell rates)
  bool enabled() const { return switching_ != nullptr; }

  // Column `col` (rows 64 w .. 64 w + 63 in word w) held `before` and now
  // holds `words`: every bit that changed had to switch, and fails with its
  // cell's probability, taking its old value back.
  void draw(std::uint64_t* words, const std::uint64_t* before, std::size_t n_words, std::uint32_t col);

  std::uint64_t attempted() const { return attempted_; }
  std::uint64_t failed() const { return failed_; }
  const WritePulse& pulse() const { return pulse_; }
  double nominal_rate() const { return nominal_rate_; }

 private:
  std::unique_ptr<MtjSwitching> switching_;
  WritePulse pulse_;
  double nominal_rate_ = 0;
  bool variation_ = false;
  std::uint64_t stream_ = 0;
  std::uint32_t cols_ = 0, rows_ = 0;
  std::vector<float> cell_rate_;  // with variation: row-major, negative until computed
  SplitMix64 rng_{0};
  std::uint64_t attempted_ = 0, failed_ = 0;
};

}  // namespace mrampim
