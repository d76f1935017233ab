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

}  // namespace mrampim
