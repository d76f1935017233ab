// Host values as bit patterns and back, and their hex text: what tests
// compare results by.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "compute/fp_value.hpp"

namespace mrampim::test {

inline std::string hex(std::uint64_t v) { return to_hex(v); }

inline std::uint32_t float_bits(float v) {
  std::uint32_t u = 0;
  std::memcpy(&u, &v, sizeof u);
  return u;
}

inline float float_from_bits(std::uint32_t u) {
  float v = 0;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

inline double double_from_bits(std::uint64_t u) {
  double v = 0;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

}  // namespace mrampim::test
