// The sensing margin of a multi-bit search: a row's searched cells put their
// path currents on one match line (sense_amp.hpp), so a w-bit search must
// tell a row with no mismatch, w x I_match, from a row with one,
// (w - 1) x I_match + I_mismatch. The difference is one cell's current step
// whatever w is, while the cells' spread grows with w: wide searches are
// where sensing fails first.
//
// Owns: nothing. Exposes: search_margin() for a width and a resistance spread.
// Costs: nothing (a check on the array's physics, docs/fp-step-counts.md).
//
// The reference sits midway between the two nominal currents (a search
// circuit for width w is built for it). With a spread s:
//   worst case   every cell at a resistance corner, R x (1 +- s), the
//                direction that pushes the row toward the reference: both
//                key paths are considered (the direct path, and the mirror
//                I0 + I1 - I of the complementary key), the worse taken;
//   statistical  s is the relative standard deviation of each cell's
//                resistance, cells independent: to first order a cell's
//                path current varies by I x s, I the larger of the two
//                state currents (the mirror path carries the low-resistance
//                cell's spread into a match), so a row's current has the
//                standard deviation sqrt(w) x I_high x s; the sense
//                amplifier errs when the row current lands within its
//                offset of the reference or beyond, with probability
//                Q((margin - offset) / sigma) for each of the two rows.
#pragma once

#include <cstdint>

#include "sense_amp/sense_amp.hpp"

namespace mrampim {

struct SearchMargin {
  std::uint32_t width = 0;
  double spread = 0;              // relative resistance spread
  double all_match_uA = 0;        // nominal row currents
  double one_mismatch_uA = 0;
  double reference_uA = 0;
  double nominal_margin_uA = 0;   // (one_mismatch - all_match) / 2
  double worst_margin_uA = 0;     // every cell at its worst corner (negative: the decision flips)
  double sigma_uA = 0;            // standard deviation of a row's current
  double error_probability = 0;   // of one row's decision, statistical
  double offset_uA = 0;           // the sense amplifier's
  bool worst_case_reliable() const { return worst_margin_uA > offset_uA; }
};

// Throws std::invalid_argument for a zero width or a spread outside [0, 1).
SearchMargin search_margin(const SenseAmp& sa, std::uint32_t width, double spread);

// The probability that the decision of a row whose searched bits hold
// `mismatches` mismatches flips: its current sits (2 k - 1) nominal margins
// from the reference for k >= 1 mismatches (one margin for k = 0), with the
// row's sigma: Q((distance - offset) / sigma).
double search_error_probability(const SearchMargin& m, std::uint32_t mismatches);

}  // namespace mrampim
