// A standard normal drawn from a key by a counter-based hash (SplitMix64
// over the key, Box-Muller over two of its uniforms): the same key always
// gives the same draw and nothing is stored, so a device's spread is drawn
// once from the seed and its address (the analog tile's MTJs).
#pragma once

#include <cmath>
#include <cstdint>

#include "support/splitmix64.hpp"

namespace mrampim {

inline double counter_gauss(std::uint64_t key) {
  SplitMix64 g{key};
  g.next();
  const double u1 = (double(g.next() >> 11) + 0.5) * 0x1.0p-53, u2 = double(g.next() >> 11) * 0x1.0p-53;
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * 3.14159265358979323846 * u2);
}

}  // namespace mrampim
