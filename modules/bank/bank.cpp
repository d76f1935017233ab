#include "bank/bank.hpp"

#include <stdexcept>

namespace mrampim {

Bank::Bank(std::string name, const Technology& tech, std::uint32_t subarrays, CostLedger& ledger)
    : name_(std::move(name)), tech_(tech), transfer_(ledger.open_account(name_ + ".transfer", StepPrices::from(tech))) {
  if (subarrays == 0) throw std::invalid_argument("bank " + name_ + ": needs at least one subarray");
  for (std::uint32_t i = 0; i < subarrays; ++i) {
    CostAccount& account = ledger.open_account(name_ + ".subarray" + std::to_string(i), StepPrices::from(tech));
    subarrays_.emplace_back(tech_, account);
  }
}

Subarray& Bank::subarray(std::uint32_t i) {
  if (i >= subarrays_.size()) {
    throw std::out_of_range("bank " + name_ + " has no subarray " + std::to_string(i) + " (it has " +
                            std::to_string(subarrays_.size()) + ")");
  }
  return subarrays_[i];
}

const Subarray& Bank::subarray(std::uint32_t i) const { return const_cast<Bank*>(this)->subarray(i); }

void transfer_rows(const Subarray& from, Column src_col, Subarray& to, Column dst_col, std::uint16_t width,
                   const RowMask& rows, CostAccount& path) {
  const std::uint64_t* m = rows.data();
  const std::size_t words = from.words_per_column();
  for (std::uint16_t i = 0; i < width; ++i) {
    const std::uint64_t* s = from.column_words(Column(src_col + i));
    std::uint64_t* d = to.column_words(Column(dst_col + i));
    for (std::size_t w = 0; w < words; ++w) d[w] = (d[w] & ~m[w]) | (s[w] & m[w]);
  }
  // 2b cycles: per bit a read step at the source and a write step at the
  // destination, each on every selected row.
  const std::uint64_t n = rows.count();
  std::array<std::uint32_t, kStepKinds> one_read{}, one_write{};  // one phase, one cell per row
  one_read[std::size_t(StepKind::Read)] = 1;
  one_write[std::size_t(StepKind::Write)] = 1;
  for (std::uint16_t i = 0; i < width; ++i) {
    path.charge(Phase::Transfer, one_read, one_read, n);
    path.charge(Phase::Transfer, one_write, one_write, n);
    path.charge_column_lines(Phase::Transfer, one_read);
    path.charge_column_lines(Phase::Transfer, one_write);
  }
  path.charge_row_lines(Phase::Transfer, 2 * n);  // the rows raised in both subarrays for the whole transfer
}

void move_rows(Subarray& s, Column src_col, std::uint32_t src_first, Column dst_col, std::uint32_t dst_first,
               std::uint32_t count, std::uint16_t width, CostAccount& path) {
  if (width == 0 || width > 64) throw std::invalid_argument("move_rows: a field of 1 to 64 columns");
  if (src_first >= s.rows() || count > s.rows() - src_first || dst_first >= s.rows() || count > s.rows() - dst_first ||
      std::uint32_t(src_col) + width > s.cols() || std::uint32_t(dst_col) + width > s.cols()) {
    throw std::out_of_range("move_rows: rows or columns outside the subarray");
  }
  const bool rows_overlap = src_first < dst_first + count && dst_first < src_first + count;
  const bool cols_overlap = src_col < dst_col + width && dst_col < src_col + width;
  if (rows_overlap && cols_overlap) throw std::invalid_argument("move_rows: the fields overlap");
  // One row at a time: its cells are told apart by their column lines, one
  // phase each way.
  std::array<std::uint32_t, kStepKinds> read{}, write{}, read_phase{}, write_phase{};
  read[std::size_t(StepKind::Read)] = width;
  write[std::size_t(StepKind::Write)] = width;
  read_phase[std::size_t(StepKind::Read)] = 1;
  write_phase[std::size_t(StepKind::Write)] = 1;
  for (std::uint32_t i = 0; i < count; ++i) {
    s.poke_field(dst_first + i, dst_col, width, s.peek_field(src_first + i, src_col, width));
    path.charge(Phase::Transfer, read_phase, read, 1);
    path.charge(Phase::Transfer, write_phase, write, 1);
    path.charge_column_lines(Phase::Transfer, read);
    path.charge_column_lines(Phase::Transfer, write);
    path.charge_row_lines(Phase::Transfer, 2);  // row-serial: the source row, then the destination row
  }
}

void Bank::transfer(std::uint32_t src, Column src_col, std::uint32_t dst, Column dst_col, std::uint16_t width,
                    const RowMask& rows) {
  Subarray& from = subarray(src);
  Subarray& to = subarray(dst);
  const std::uint32_t cols = tech_.array.cols;
  if (width == 0 || std::uint32_t(src_col) + width > cols || std::uint32_t(dst_col) + width > cols) {
    throw std::out_of_range("bank " + name_ + ": a transfer of columns " + std::to_string(src_col) + ".." +
                            std::to_string(src_col + width) + " to " + std::to_string(dst_col) + ".." +
                            std::to_string(dst_col + width) + " leaves the " + std::to_string(cols) + " columns");
  }
  if (src == dst && src_col < dst_col + width && dst_col < src_col + width) {
    throw std::invalid_argument("bank " + name_ + ": a transfer within subarray " + std::to_string(src) +
                                " must not overlap its own source");
  }
  if (rows.rows() != tech_.array.rows) {
    throw std::invalid_argument("bank " + name_ + ": a row mask of " + std::to_string(rows.rows()) +
                                " rows for subarrays of " + std::to_string(tech_.array.rows));
  }
  transfer_rows(from, src_col, to, dst_col, width, rows, transfer_);
}

}  // namespace mrampim
