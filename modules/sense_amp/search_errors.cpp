#include "sense_amp/search_errors.hpp"

#include "sense_amp/search_margin.hpp"
#include "support/fnv1a.hpp"

namespace mrampim {


SearchErrors::SearchErrors(const Technology& t, const SenseAmp& sa, const std::string& stream)
    : enabled_(t.sense.spread > 0) {
  if (!enabled_) return;
  probability_.resize(65);
  for (std::uint16_t w = 1; w <= 64; ++w) {
    const SearchMargin m = search_margin(sa, w, t.sense.spread);
    probability_[w].resize(std::size_t(w) + 1);
    for (std::uint32_t k = 0; k <= w; ++k) probability_[w][k] = search_error_probability(m, k);
  }
  rng_.state = fnv1a64(stream) ^ (std::uint64_t(t.sense.seed) * 0x9e3779b97f4a7c15ull);
}

void SearchErrors::draw(std::uint64_t* out, const std::uint64_t* m, std::size_t words,
                        const std::uint64_t* const* columns, std::uint64_t key, std::uint16_t width) {
  const std::vector<double>& p = probability_.at(width);
  for (std::size_t w = 0; w < words; ++w) {
    for (std::uint64_t rows = m[w]; rows != 0; rows &= rows - 1) {
      const unsigned b = unsigned(__builtin_ctzll(rows));
      std::uint32_t mismatches = 0;
      for (std::uint16_t i = 0; i < width; ++i) {
        mismatches += unsigned((SenseAmp::mismatch_word(columns[i][w], (key >> i) & 1u) >> b) & 1u);
      }
      ++decisions_;
      if (rng_.uniform() < p[mismatches]) {
        out[w] ^= std::uint64_t{1} << b;
        ++flips_;
      }
    }
  }
}

}  // namespace mrampim
