// SplitMix64: the pseudo-random stream behind every seeded choice of training
// (data order, initial weights). Fully specified, so the same seed gives the
// same numbers on every platform and in the reference scripts (unlike the
// standard library's distributions).
#pragma once

#include <cstdint>

namespace mrampim {

struct SplitMix64 {
  std::uint64_t state;

  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }  // [0, 1)
};

}  // namespace mrampim
