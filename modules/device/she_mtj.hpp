// The voltage-gated spin-Hall MTJ of the paper's 1T-1R cell (facts sec. 1).
//
// A write drives a current through the spin-Hall channel under the MTJ; its
// direction C is the state the cell is pushed toward. A voltage A (Vb or 0) on
// the read bit line lowers the switching threshold: only a gated cell
// switches. B is the stored bit, B' the bit after the write:
//
//     B' = A*C + (not A)*B        (gated: take the current's direction; else keep)
//
// The paper's own example, A = 1 and C = 1 switching the cell to the
// high-resistance state, fixes the bit convention: 1 = antiparallel (high R).
// Choosing A and C from an operand x and the stored y gives the gates of the
// paper's Figure 1. This class is the only place that rule is written; the
// cell module and the bit-sliced subarray both use it.
#pragma once

#include <cstdint>

#include "tech/technology.hpp"

namespace mrampim {

// What a write's A or C input is tied to: a constant, the applied operand x
// (read from another cell), or the stored bit y of the cell being written
// (read first, as in every step's "read then write").
enum class DriveSource : std::uint8_t { Zero, One, X, NotX, NotY };

// The gates a single stateful write computes into the destination cell.
enum class StatefulGate : std::uint8_t {
  Copy,     // y' = x
  CopyNot,  // y' = not x
  Set0,     // y' = 0
  Set1,     // y' = 1
  And,      // y' = x and y
  Or,       // y' = x or y
  Xor,      // y' = x xor y
};
const char* to_string(StatefulGate g);

struct GateDrive {
  DriveSource a;  // gating voltage on RBL
  DriveSource c;  // write-current direction
};

class SheMtj {
 public:
  explicit SheMtj(const DeviceParams& p);

  // The write rule, one cell.
  static constexpr bool next_state(bool a, bool b, bool c) { return a ? c : b; }
  // The same rule on 64 cells at once (one bit-sliced storage word).
  static constexpr std::uint64_t next_state_word(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    return (a & c) | (~a & b);
  }

  // How each gate ties A and C (the paper's Figure 1):
  //   OR:  B = y, A = x,     C = 1      AND: B = y, A = not x, C = 0
  //   XOR: B = y, A = x,     C = not y  copy: A = 1, C = x
  static constexpr GateDrive drive_of(StatefulGate g) {
    switch (g) {
      case StatefulGate::Copy: return {DriveSource::One, DriveSource::X};
      case StatefulGate::CopyNot: return {DriveSource::One, DriveSource::NotX};
      case StatefulGate::Set0: return {DriveSource::One, DriveSource::Zero};
      case StatefulGate::Set1: return {DriveSource::One, DriveSource::One};
      case StatefulGate::And: return {DriveSource::NotX, DriveSource::Zero};
      case StatefulGate::Or: return {DriveSource::X, DriveSource::One};
      case StatefulGate::Xor: return {DriveSource::X, DriveSource::NotY};
    }
    return {DriveSource::Zero, DriveSource::Zero};
  }
  static constexpr std::uint64_t resolve(DriveSource s, std::uint64_t x, std::uint64_t y) {
    switch (s) {
      case DriveSource::Zero: return 0;
      case DriveSource::One: return ~std::uint64_t{0};
      case DriveSource::X: return x;
      case DriveSource::NotX: return ~x;
      case DriveSource::NotY: return ~y;
    }
    return 0;
  }
  static constexpr bool reads_x(DriveSource s) { return s == DriveSource::X || s == DriveSource::NotX; }
  static constexpr bool reads_y(DriveSource s) { return s == DriveSource::NotY; }

  // One gate applied to one cell: operand x, stored y, returns the new bit.
  static constexpr bool apply(StatefulGate g, bool x, bool y) {
    const GateDrive d = drive_of(g);
    const std::uint64_t xw = x ? ~std::uint64_t{0} : 0, yw = y ? ~std::uint64_t{0} : 0;
    return next_state_word(resolve(d.a, xw, yw), yw, resolve(d.c, xw, yw)) & 1u;
  }

  static constexpr bool kHighResistanceBit = true;  // 1 = antiparallel
  double resistance_ohm(bool bit) const { return bit ? p_.r_off_ohm : p_.r_on_ohm; }

  // The spin-Hall channel (device.r_channel_ohm): Table 1's 12 fJ is I^2 R t
  // in it (facts sec. 1, derived), which gives the file's 1.42 kOhm.
  double she_channel_ohm() const;
  // Voltage across the channel that drives the write current.
  double she_drive_V() const { return p_.i_write_uA * 1e-6 * she_channel_ohm(); }
  // A gated cell switches when the channel current reaches the write current.
  bool switches(bool gated, double i_channel_uA) const;

  const DeviceParams& params() const { return p_; }

 private:
  DeviceParams p_;
};

}  // namespace mrampim
