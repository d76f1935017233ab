// A rows x columns array of cells with column-parallel operations.
//
// Owns: the cells, stored bit-sliced (one column's bits for 64 rows in one
// 64-bit word, so an operation over all rows is rows/64 word operations), the
// row-enable registers that select which rows take part, the sense
// amplifiers of its row partitions (one model, shared: they are identical)
// and, with device variation (sense.spread > 0), the draws that flip search
// decisions (sense_amp/search_errors.hpp).
// Exposes: host row/field access through the data port (costed), debug access
// (not costed, like TLM transport_dbg), and execution of micro-programs.
// Costs: every operation charges this subarray's account in the shared cost
// ledger (steps, cells touched, and the cells per row computation occupies);
// there is no other count.
//
// No SystemC processes and no allocation per operation: the SystemC wrappers
// (cells, banks) call into this plain class.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "ledger/cost_ledger.hpp"
#include "device/cell_write_errors.hpp"
#include "device/sampled_write_errors.hpp"
#include "sense_amp/search_errors.hpp"
#include "sense_amp/sense_amp.hpp"
#include "subarray/micro_program.hpp"
#include "subarray/row_mask.hpp"
#include "tech/technology.hpp"

namespace mrampim {

class Subarray {
 public:
  // Geometry comes from the technology (array.rows, array.cols).
  Subarray(const Technology& tech, CostAccount& account);

  std::uint32_t rows() const { return rows_; }
  std::uint32_t cols() const { return cols_; }
  std::size_t words_per_column() const { return words_; }
  const Technology& technology() const { return tech_; }
  const SenseAmp& sense_amp() const { return sense_; }
  CostAccount& account() { return account_; }
  const CostAccount& account() const { return account_; }

  // Row-enable registers. All rows are enabled at construction.
  const RowMask& mask(std::size_t reg) const { return masks_.at(reg); }
  void set_mask(std::size_t reg, const RowMask& m);

  // Debug access: no cost is charged.
  bool peek(std::uint32_t row, Column col) const;
  void poke(std::uint32_t row, Column col, bool bit);
  std::uint64_t peek_field(std::uint32_t row, Column col, std::uint16_t width) const;
  void poke_field(std::uint32_t row, Column col, std::uint16_t width, std::uint64_t value);
  // Every cell from a 64-bit generator, 64 rows per draw, column by column:
  // the arbitrary contents tests and benches start from.
  template <class Generator>
  void fill_debug(Generator& gen) {
    for (auto& w : bits_) w = gen();
  }
  // Whole rows, row-major, as the data port's host sees them: row r's
  // columns packed 64 to a word, row_words() words per row, the bits past
  // the last column 0. Debug access (not costed), 64 rows at a time through
  // bit-matrix transposes: how a platform keeps a host-visible row image.
  // `words` (in row words, from `first_word`) limits the work to the columns
  // a port access touched; the other words of `out` are left as they are.
  std::size_t row_words() const { return (cols_ + 63) / 64; }
  void peek_rows(std::uint32_t first, std::uint32_t count, std::uint64_t* out, std::size_t first_word = 0,
                 std::size_t words = ~std::size_t{0}) const;
  void poke_rows(std::uint32_t first, std::uint32_t count, const std::uint64_t* in, std::size_t first_word = 0,
                 std::size_t words = ~std::size_t{0});
  const std::uint64_t* column_words(Column col) const { return &bits_[std::size_t(col) * words_]; }
  std::uint64_t* column_words(Column col) { return &bits_[std::size_t(col) * words_]; }

  // Host access through the data port: one read or write step of `width`
  // cells in one row, charged to Phase::HostAccess.
  std::uint64_t read_field(std::uint32_t row, Column col, std::uint16_t width);
  void write_field(std::uint32_t row, Column col, std::uint16_t width, std::uint64_t value);
  // A whole row, packed 64 columns per word (cols/64 words, rounded up).
  void read_row(std::uint32_t row, std::uint64_t* out);
  void write_row(std::uint32_t row, const std::uint64_t* in);

  // Search decisions made and flipped by device variation (0 with ideal cells).
  const SearchErrors& search_errors() const { return search_errors_; }
  // Write errors of computation (device/cell_write_errors.hpp): from now on,
  // every cell a stateful write or shift must switch fails with its pulse's
  // probability. Throws std::invalid_argument on a technology without MTJ
  // switching. Host writes through the port are not affected.
  void enable_write_errors(std::uint64_t seed, bool variation);
  const CellWriteErrors& write_errors() const { return write_errors_; }
  // Fast mode's replays (device/sampled_write_errors.hpp): from now on,
  // every stateful write and shift column is a write event of `errors`,
  // which decides its candidates' failures. nullptr detaches. For a scratch
  // subarray of the model's own, not one of the platform's.
  void attach_sampled_write_errors(SampledWriteErrors* errors);

  // Column-parallel execution.
  void execute(const MicroProgram& program);
  void execute_step(const MicroProgram& program, std::size_t step);

 private:
  void check_program(const MicroProgram& program) const;
  // Executes and charges one step; records the columns it writes as occupied
  // unless the caller records the whole program's at once.
  void run_step(const MicroProgram& program, std::size_t step, bool record_occupancy);
  void check_access(std::uint32_t row, Column col, std::uint16_t width) const;
  void check_rows(std::uint32_t first, std::uint32_t count) const;
  // Row group g (rows 64g..64g+63), columns 64cb..64cb+63 as 64 row words.
  void load_block(std::size_t g, std::size_t cb, std::uint64_t block[64]) const;
  void store_block(std::size_t g, std::size_t cb, std::uint64_t block[64]);
  void apply(const MicroOp& op);
  void apply_stateful(const MicroOp& op);
  void apply_nor(const MicroOp& op);
  void apply_shift(const MicroOp& op);
  void apply_search(const MicroOp& op);
  // Write errors, when drawn: column `col` held write_before_ and now holds `words`.
  bool drawing_write_errors() const { return write_errors_.enabled() || sampled_errors_ != nullptr; }
  void draw_write_errors(std::uint64_t* words, Column col);
  void charge_host_access(StepKind kind, std::uint32_t cells);

  const Technology tech_;
  CostAccount& account_;
  SenseAmp sense_;
  std::uint32_t rows_, cols_;
  std::size_t words_;
  std::vector<std::uint64_t> bits_;   // column-major: column c at [c * words_]
  std::array<RowMask, kRowEnableRegisters> masks_;
  ActiveRows mask_rows_{};  // popcount of each register
  SearchErrors search_errors_;
  // With variation: the rows a search enables, kept while it narrows them in
  // place, and its columns (allocated once).
  std::vector<std::uint64_t> search_enabled_;
  std::array<const std::uint64_t*, 64> search_columns_{};
  CellWriteErrors write_errors_;
  SampledWriteErrors* sampled_errors_ = nullptr;
  std::vector<std::uint64_t> write_before_;  // a column's words before a write (with write errors)
};

}  // namespace mrampim
