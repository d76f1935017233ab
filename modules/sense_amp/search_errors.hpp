// Search decisions that device variation flips. With cells whose resistance
// spreads (sense.spread > 0), a row's match-line current lands off its
// nominal value; a search decides wrongly when it lands past the reference
// (less the sense amplifier's offset). search_margin.hpp gives the
// probability for a row of each width and number of mismatching bits; this
// draws it, row by row, from a seeded stream.
//
// Owns: the error probability of every width (1..64) and mismatch count, a
// random stream (splitmix64: seeded by sense.seed and the subarray's name,
// so each subarray draws its own sequence and a run repeats exactly), and
// the counts of decisions made and flipped.
// Exposes: draw(), applied by the subarray after each search; the counts.
// Costs: nothing (a search costs what it costs however it decides).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sense_amp/sense_amp.hpp"
#include "support/splitmix64.hpp"
#include "tech/technology.hpp"

namespace mrampim {

class SearchErrors {
 public:
  // `stream` names the drawing subarray (its ledger account).
  SearchErrors(const Technology& t, const SenseAmp& sa, const std::string& stream);

  bool enabled() const { return enabled_; }
  // The rows enabled in `m` hold decisions in `out` (1: matched) from the
  // search of `width` columns `columns[i]` against `key`; flips each with
  // its probability. No allocation.
  void draw(std::uint64_t* out, const std::uint64_t* m, std::size_t words, const std::uint64_t* const* columns,
            std::uint64_t key, std::uint16_t width);

  std::uint64_t decisions() const { return decisions_; }
  std::uint64_t flips() const { return flips_; }
  double probability(std::uint16_t width, std::uint32_t mismatches) const {
    return probability_.at(width).at(mismatches);
  }

 private:
  bool enabled_ = false;
  std::vector<std::vector<double>> probability_;  // [width][mismatches]
  SplitMix64 rng_{0};
  std::uint64_t decisions_ = 0, flips_ = 0;
};

}  // namespace mrampim
