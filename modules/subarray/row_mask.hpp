// A set of rows, one bit per row, 64 rows per word -- the same slicing as the
// subarray's storage, so masking a column operation is one AND per word.
// In hardware this is the row-enable latch bank the decoder and the search
// sense amplifiers drive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "support/bit_words.hpp"

namespace mrampim {

// Row-enable registers per subarray: one the host sets, and room for a search
// result, its complement and a saved mask, which the floating-point
// alignment (one search per shift amount) needs at once.
inline constexpr std::size_t kRowEnableRegisters = 4;

class RowMask {
 public:
  RowMask() = default;
  explicit RowMask(std::uint32_t rows, bool all = false)
      : rows_(rows), words_((rows + 63) / 64, all ? ~std::uint64_t{0} : 0) {
    trim();
  }
  static RowMask range(std::uint32_t rows, std::uint32_t first, std::uint32_t count) {
    RowMask m(rows);
    for (std::uint32_t r = first; r < first + count && r < rows; ++r) m.set(r, true);
    return m;
  }

  std::uint32_t rows() const { return rows_; }
  std::size_t words() const { return words_.size(); }
  const std::uint64_t* data() const { return words_.data(); }
  std::uint64_t* data() { return words_.data(); }

  bool test(std::uint32_t row) const { return (words_[row >> 6] >> (row & 63)) & 1u; }
  void set(std::uint32_t row, bool on) {
    const std::uint64_t bit = std::uint64_t{1} << (row & 63);
    words_[row >> 6] = on ? (words_[row >> 6] | bit) : (words_[row >> 6] & ~bit);
  }
  std::uint32_t count() const { return popcount_words(words_.data(), words_.size()); }
  bool operator==(const RowMask& o) const { return rows_ == o.rows_ && words_ == o.words_; }

 private:
  // Rows beyond `rows_` in the last word stay clear.
  void trim() {
    if (rows_ % 64 != 0 && !words_.empty()) words_.back() &= (std::uint64_t{1} << (rows_ % 64)) - 1;
  }
  std::uint32_t rows_ = 0;
  std::vector<std::uint64_t> words_;
};

}  // namespace mrampim
