// FNV-1a (64 bit): a fixed, portable hash of bytes. Streams of random draws
// are named by it (a subarray's search and write errors), and weight
// fingerprints use it (training/weights_hash.hpp).
#pragma once

#include <cstdint>
#include <string_view>

namespace mrampim {

inline constexpr std::uint64_t kFnv1aBasis = 0xcbf29ce484222325ULL;

inline std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = kFnv1aBasis) {
  for (const unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace mrampim
