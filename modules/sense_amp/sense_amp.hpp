// Current-mode sense amplifier (Bashir et al., VLSI Design and Test 2015, as
// used by the paper; facts sec. 1). It reads and *searches*.
//
// Read: the cell current I = V_read / R is compared with a reference midway
// between the currents of the two resistance states.
// Search (the paper's Figure 4a): the key bit selects which of two paths the
// cell is sensed through -- the cell itself or its mirror against the
// complementary reference -- so that a match leaves the path current low and a
// mismatch makes it high. Mismatch currents of a row's searched cells add on
// the match line: a row matches only if no cell mismatches.
//
// Latency and energy per sense are the technology's read and search step
// prices; the ledger charges them (one step per operation, energy per bit).
#pragma once

#include <cstdint>

#include "tech/technology.hpp"

namespace mrampim {

// Latency of one sense (a whole step, all columns at once) and energy per
// sensed bit. They are the technology's read and search step prices.
struct SenseCost {
  double latency_ns = 0;
  double energy_fJ = 0;
};

class SenseAmp {
 public:
  // r_bit0 / r_bit1: resistance that stores logic 0 / logic 1.
  SenseAmp(double r_bit0_ohm, double r_bit1_ohm, double v_read_V, double offset_uA, SenseCost read = {},
           SenseCost search = {});
  static SenseAmp for_technology(const Technology& t);

  const SenseCost& read_cost() const { return read_cost_; }
  const SenseCost& search_cost() const { return search_cost_; }

  double current_uA(double r_ohm) const { return v_read_V_ / r_ohm * 1e6; }
  double current_of_bit_uA(bool bit) const { return current_uA(bit ? r1_ : r0_); }
  double reference_uA() const { return 0.5 * (current_of_bit_uA(false) + current_of_bit_uA(true)); }

  // The stored bit a cell current stands for.
  bool read(double i_cell_uA) const;
  // Current on the search path for a key bit: low on a match, high otherwise.
  double search_path_uA(bool key, double i_cell_uA) const;
  bool search_match(bool key, double i_cell_uA) const { return search_path_uA(key, i_cell_uA) < reference_uA(); }

  // The same decisions on 64 stored bits at once: bit set = mismatch.
  static constexpr std::uint64_t mismatch_word(std::uint64_t stored, bool key) {
    return key ? ~stored : stored;
  }

  // Worst-case margin (uA) between the reference and a cell whose resistance
  // deviates by a fraction `variation` toward the reference in either state.
  double margin_uA(double variation) const;
  bool senses_reliably(double variation) const { return margin_uA(variation) > offset_uA_; }
  // Largest relative resistance variation that still senses reliably.
  double max_variation() const;

  double offset_uA() const { return offset_uA_; }

 private:
  double r0_, r1_, v_read_V_, offset_uA_;
  SenseCost read_cost_, search_cost_;
};

}  // namespace mrampim
