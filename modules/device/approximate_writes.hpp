// Approximate writes of stored words (approximate-writes facts): each bit of
// a word belongs to a class with its own write pulse, and a bit that must
// switch switches with the probability its pulse gives on its own cell
// (MtjSwitching with the cell's drawn spread); a failed write keeps the old
// bit, a bit already in the target state is not disturbed.
//
// Owns: the pulse of every bit position, the random stream of the write
// outcomes (seeded: the same seed gives the same bits), each written cell's
// error rate and resistance (computed when the cell is first written, kept
// for the words up to the highest address written), and the counts.
// Exposes: write() of one word over its old value; the safe pulse; counts.
// Costs: the programming energy, I^2 R t per pulsed bit with R the stored
// state's resistance (R_P for 0, R_AP for 1, times the cell's spread).
// With read-before-write (the default) only the bits that must change are
// pulsed; without, every bit of the word is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "device/mtj_switching.hpp"
#include "support/splitmix64.hpp"

namespace mrampim {

struct WritePulse {
  double i_uA = 0;
  double t_ns = 0;
};

struct ApproximateWriteCounts {
  std::uint64_t words = 0;
  std::uint64_t pulsed = 0;     // bits that received a pulse
  std::uint64_t attempted = 0;  // pulsed bits that had to switch
  std::uint64_t failed = 0;     // of those, the ones that kept their old value
  double energy_fJ = 0;         // programming energy of every pulse
  std::uint64_t switched() const { return attempted - failed; }
};

class ApproximateWrites {
 public:
  // `pulses[i]`: the pulse of bit i of a word (LSB first), at most 64 bits.
  // `variation`: whether cells carry their drawn spread. Throws
  // std::invalid_argument for a bad pulse (negative current, duration <= 0).
  ApproximateWrites(const MtjSwitching& switching, double r_p_ohm, double r_ap_ohm, std::vector<WritePulse> pulses,
                    std::uint64_t seed, bool variation, bool read_before_write = true);

  // The stored word after writing `value` over `old` at word address `addr`.
  std::uint64_t write(std::uint64_t addr, std::uint64_t old, std::uint64_t value);

  const ApproximateWriteCounts& counts() const { return counts_; }
  const std::vector<WritePulse>& pulses() const { return pulses_; }
  // The probability that bit `bit` of word `addr` fails a write that must
  // switch it (its cell's spread included when variation is on).
  double error_rate(std::uint64_t addr, unsigned bit) const;
  // The error rate of bit `bit`'s pulse on the nominal cell.
  double nominal_error_rate(unsigned bit) const {
    return switching_.error_rate(pulses_.at(bit).i_uA, pulses_.at(bit).t_ns);
  }

  // The safe pulse at current i_uA: the shortest whose error rate is at most
  // `ber` for a cell `k` sigmas harder to switch than nominal (I_c0 and Delta
  // both 1 + k sigma): the reference approximate writes are measured against.
  static WritePulse safe_pulse(const MtjSwitching& switching, double i_uA, double ber, double k);

 private:
  double uniform();
  // The cell of bit `bit` at `addr`: its error rate under its pulse, and its
  // resistance factor (computed on first use).
  struct Cell {
    double error_rate = -1, resistance = 1;
  };
  const Cell& cell(std::uint64_t addr, unsigned bit);
  std::vector<Cell> cells_;

  const MtjSwitching& switching_;
  double r_p_ohm_, r_ap_ohm_;
  std::vector<WritePulse> pulses_;
  bool variation_, read_before_write_;
  SplitMix64 rng_;
  ApproximateWriteCounts counts_;
};

}  // namespace mrampim
