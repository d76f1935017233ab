// A fingerprint of a network's parameters: FNV-1a (64 bit) over every
// tensor in layer order, each word as ceil(width / 8) little-endian bytes.
// Reports carry it so that two runs (two modes, two platform shapes, two
// versions of the model) can be checked for the same final weights bit for
// bit without printing 21,690 numbers.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "support/fnv1a.hpp"

namespace mrampim {

inline std::uint64_t weights_fnv1a64(const std::vector<std::vector<std::uint32_t>>& tensors, unsigned width_bits) {
  std::uint64_t h = kFnv1aBasis;
  const unsigned bytes = (width_bits + 7) / 8;
  for (const auto& t : tensors) {
    for (std::uint32_t w : t) {
      for (unsigned k = 0; k < bytes; ++k) {
        h ^= (w >> (8 * k)) & 0xffu;
        h *= 0x100000001b3ULL;
      }
    }
  }
  return h;
}

inline std::string weights_hash_hex(std::uint64_t h) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace mrampim
