// Counting over bit-sliced words: the storage, the row-enable registers and
// the ledger's occupancy all keep one bit per row or column, 64 to a word.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mrampim {

// Set bits in `n` words.
inline std::uint32_t popcount_words(const std::uint64_t* w, std::size_t n) {
  std::uint32_t count = 0;
  for (std::size_t i = 0; i < n; ++i) count += static_cast<std::uint32_t>(__builtin_popcountll(w[i]));
  return count;
}

// Transposes a 64 x 64 bit matrix in place: bit j of a[i] trades places with
// bit i of a[j]. Turns 64 rows' words of bit-sliced columns into those rows'
// row-major words and back, in 6 x 32 word operations instead of 4096 bit moves.
inline void transpose64(std::uint64_t a[64]) {
  std::uint64_t m = 0x00000000FFFFFFFFull;
  for (int j = 32; j != 0; j >>= 1, m ^= (m << j)) {
    for (int k = 0; k < 64; k = ((k | j) + 1) & ~j) {
      const std::uint64_t t = ((a[k] >> j) ^ a[k | j]) & m;
      a[k] ^= t << j;
      a[k | j] ^= t;
    }
  }
}

}  // namespace mrampim
