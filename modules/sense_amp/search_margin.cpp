#include "sense_amp/search_margin.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mrampim {

SearchMargin search_margin(const SenseAmp& sa, std::uint32_t width, double spread) {
  if (width == 0) throw std::invalid_argument("search_margin: a search of zero bits");
  if (!(spread >= 0.0 && spread < 1.0)) throw std::invalid_argument("search_margin: the spread must lie in [0, 1)");
  // Path currents: a match is the high-resistance state's current (direct
  // path) or the mirror of the low-resistance state's (complementary key).
  const double i0 = sa.current_of_bit_uA(false), i1 = sa.current_of_bit_uA(true);
  const double i_low = std::min(i0, i1), i_high = std::max(i0, i1);  // match, mismatch (nominal)
  const double r_high_i = i_low, r_low_i = i_high;                   // the cells' own currents
  const double w = width, s = spread;
  SearchMargin m;
  m.width = width;
  m.spread = spread;
  m.offset_uA = sa.offset_uA();
  m.all_match_uA = w * i_low;
  m.one_mismatch_uA = (w - 1) * i_low + i_high;
  m.reference_uA = 0.5 * (m.all_match_uA + m.one_mismatch_uA);
  m.nominal_margin_uA = 0.5 * (i_high - i_low);
  // Worst corners: a cell's current at R (1 - s) is I / (1 - s), at R (1 + s) I / (1 + s).
  const double match_max = std::max(r_high_i / (1 - s), i_low + i_high - r_low_i / (1 + s));
  const double match_min = std::min(r_high_i / (1 + s), i_low + i_high - r_low_i / (1 - s));
  const double mismatch_min = std::min(r_low_i / (1 + s), i_low + i_high - r_high_i / (1 - s));
  m.worst_margin_uA = std::min(m.reference_uA - w * match_max, (w - 1) * match_min + mismatch_min - m.reference_uA);
  m.sigma_uA = std::sqrt(w) * i_high * s;
  const double clearance = m.nominal_margin_uA - m.offset_uA;
  if (m.sigma_uA == 0) {
    m.error_probability = clearance > 0 ? 0.0 : 1.0;
  } else {
    m.error_probability = 0.5 * std::erfc(clearance / (m.sigma_uA * std::sqrt(2.0)));  // Q(clearance / sigma)
  }
  return m;
}

double search_error_probability(const SearchMargin& m, std::uint32_t mismatches) {
  const double distance = (mismatches == 0 ? 1.0 : 2.0 * double(mismatches) - 1.0) * m.nominal_margin_uA;
  const double clearance = distance - m.offset_uA;
  if (m.sigma_uA == 0) return clearance > 0 ? 0.0 : 1.0;
  return 0.5 * std::erfc(clearance / (m.sigma_uA * std::sqrt(2.0)));
}

}  // namespace mrampim
