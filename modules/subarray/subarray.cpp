#include "subarray/subarray.hpp"

#include <algorithm>

#include "support/bit_words.hpp"
#include <stdexcept>
#include <string>

#include "device/reram_memristor.hpp"
#include "device/she_mtj.hpp"

namespace mrampim {

namespace {

constexpr std::uint64_t kAllOnes = ~std::uint64_t{0};

// One stateful write over all words of a column, the gate's A and C drives
// resolved at compile time so the loop is plain word logic. Rows outside the
// mask are not gated (A = 0) and keep their bit, exactly as the MTJ rule says.
template <StatefulGate G, bool Masked>
void stateful_loop(std::uint64_t* __restrict y, const std::uint64_t* x, const std::uint64_t* __restrict m,
                   std::size_t words) {
  constexpr GateDrive d = SheMtj::drive_of(G);
  for (std::size_t w = 0; w < words; ++w) {
    const std::uint64_t xv = x[w], yv = y[w];
    std::uint64_t a = SheMtj::resolve(d.a, xv, yv);
    if constexpr (Masked) a &= m[w];
    y[w] = SheMtj::next_state_word(a, yv, SheMtj::resolve(d.c, xv, yv));
  }
}

// With every row enabled the mask is all ones; dropping the AND leaves the
// same result and one fewer memory stream.
template <StatefulGate G>
void stateful(std::uint64_t* y, const std::uint64_t* x, const std::uint64_t* m, std::size_t words, bool full) {
  if (full) stateful_loop<G, false>(y, x, m, words);
  else stateful_loop<G, true>(y, x, m, words);
}

}  // namespace

Subarray::Subarray(const Technology& tech, CostAccount& account)
    : tech_(tech),
      account_(account),
      sense_(SenseAmp::for_technology(tech)),
      rows_(tech.array.rows),
      cols_(tech.array.cols),
      words_(tech.array.rows / 64),
      bits_(std::size_t(tech.array.cols) * (tech.array.rows / 64), 0),
      search_errors_(tech, sense_, account.name()),
      search_enabled_(search_errors_.enabled() ? tech.array.rows / 64 : 0) {
  // Geometry and sensing are validated when a technology is read
  // (technology.cpp), so a bad --set never gets this far; a Technology built
  // by hand in code is checked here for what storage depends on.
  if (rows_ == 0 || rows_ % 64 != 0 || cols_ == 0 || cols_ > 65535) {
    throw std::logic_error("subarray of " + std::to_string(rows_) + " x " + std::to_string(cols_) +
                           ": rows must be a positive multiple of 64 and columns 1..65535");
  }
  for (std::size_t r = 0; r < kRowEnableRegisters; ++r) {
    masks_[r] = RowMask(rows_, true);
    mask_rows_[r] = rows_;
  }
}

void Subarray::set_mask(std::size_t reg, const RowMask& m) {
  if (reg >= kRowEnableRegisters) throw std::out_of_range("row-enable register " + std::to_string(reg) + " does not exist");
  if (m.rows() != rows_) {
    throw std::invalid_argument("row mask of " + std::to_string(m.rows()) + " rows for a subarray of " +
                                std::to_string(rows_));
  }
  masks_[reg] = m;
  mask_rows_[reg] = m.count();
}

void Subarray::check_access(std::uint32_t row, Column col, std::uint16_t width) const {
  if (row >= rows_ || width == 0 || width > 64 || std::uint32_t(col) + width > cols_) {
    throw std::out_of_range("access to row " + std::to_string(row) + ", columns " + std::to_string(col) + ".." +
                            std::to_string(std::uint32_t(col) + width) + " outside the " + std::to_string(rows_) +
                            " x " + std::to_string(cols_) + " subarray");
  }
}

bool Subarray::peek(std::uint32_t row, Column col) const {
  check_access(row, col, 1);
  return (column_words(col)[row >> 6] >> (row & 63)) & 1u;
}

void Subarray::poke(std::uint32_t row, Column col, bool bit) {
  check_access(row, col, 1);
  std::uint64_t& w = column_words(col)[row >> 6];
  const std::uint64_t b = std::uint64_t{1} << (row & 63);
  w = bit ? (w | b) : (w & ~b);
}

std::uint64_t Subarray::peek_field(std::uint32_t row, Column col, std::uint16_t width) const {
  check_access(row, col, width);
  std::uint64_t v = 0;
  for (std::uint16_t i = 0; i < width; ++i) {
    v |= ((column_words(Column(col + i))[row >> 6] >> (row & 63)) & 1u) << i;
  }
  return v;
}

void Subarray::poke_field(std::uint32_t row, Column col, std::uint16_t width, std::uint64_t value) {
  check_access(row, col, width);
  const std::uint64_t b = std::uint64_t{1} << (row & 63);
  for (std::uint16_t i = 0; i < width; ++i) {
    std::uint64_t& w = column_words(Column(col + i))[row >> 6];
    w = ((value >> i) & 1u) ? (w | b) : (w & ~b);
  }
}

void Subarray::charge_host_access(StepKind kind, std::uint32_t cells) {
  // One step of one row: its word line and a column line per cell. One
  // phase: a single row's cells are told apart by their column lines, the
  // memory's ordinary access path, not by the row's partitions.
  std::array<std::uint32_t, kStepKinds> per_row{}, phases{};
  per_row[std::size_t(kind)] = cells;
  phases[std::size_t(kind)] = 1;
  account_.charge(Phase::HostAccess, phases, per_row, 1);
  account_.charge_column_lines(Phase::HostAccess, per_row);
  account_.charge_row_lines(Phase::HostAccess, 1);
}

std::uint64_t Subarray::read_field(std::uint32_t row, Column col, std::uint16_t width) {
  const std::uint64_t v = peek_field(row, col, width);
  charge_host_access(StepKind::Read, width);
  return v;
}

void Subarray::write_field(std::uint32_t row, Column col, std::uint16_t width, std::uint64_t value) {
  poke_field(row, col, width, value);
  charge_host_access(StepKind::Write, width);
}

void Subarray::read_row(std::uint32_t row, std::uint64_t* out) {
  check_access(row, 0, 1);
  peek_rows(row, 1, out);
  charge_host_access(StepKind::Read, cols_);
}

void Subarray::write_row(std::uint32_t row, const std::uint64_t* in) {
  check_access(row, 0, 1);
  poke_rows(row, 1, in);
  charge_host_access(StepKind::Write, cols_);
}

void Subarray::check_rows(std::uint32_t first, std::uint32_t count) const {
  if (first >= rows_ || count > rows_ - first) {
    throw std::out_of_range("rows " + std::to_string(first) + "+" + std::to_string(count) + " of a " +
                            std::to_string(rows_) + "-row subarray");
  }
}

void Subarray::load_block(std::size_t g, std::size_t cb, std::uint64_t block[64]) const {
  for (std::size_t j = 0; j < 64; ++j) {
    const std::size_t c = cb * 64 + j;
    block[j] = c < cols_ ? bits_[c * words_ + g] : 0;
  }
  transpose64(block);
}

void Subarray::store_block(std::size_t g, std::size_t cb, std::uint64_t block[64]) {
  transpose64(block);
  for (std::size_t j = 0; j < 64 && cb * 64 + j < cols_; ++j) bits_[(cb * 64 + j) * words_ + g] = block[j];
}

void Subarray::peek_rows(std::uint32_t first, std::uint32_t count, std::uint64_t* out, std::size_t first_word,
                         std::size_t words) const {
  check_rows(first, count);
  const std::size_t rw = row_words();
  const std::size_t end_word = first_word + std::min(words, rw - std::min(first_word, rw));
  std::uint64_t block[64];
  for (std::size_t g = first / 64; g * 64 < std::size_t(first) + count; ++g) {
    for (std::size_t cb = first_word; cb < end_word; ++cb) {
      load_block(g, cb, block);
      for (std::size_t i = 0; i < 64; ++i) {
        const std::size_t r = g * 64 + i;
        if (r >= first && r < std::size_t(first) + count) out[(r - first) * rw + cb] = block[i];
      }
    }
  }
}

void Subarray::poke_rows(std::uint32_t first, std::uint32_t count, const std::uint64_t* in, std::size_t first_word,
                         std::size_t words) {
  check_rows(first, count);
  const std::size_t rw = row_words();
  const std::size_t end_word = first_word + std::min(words, rw - std::min(first_word, rw));
  const std::uint64_t last_mask = cols_ % 64 ? (std::uint64_t{1} << (cols_ % 64)) - 1 : ~std::uint64_t{0};
  std::uint64_t block[64];
  for (std::size_t g = first / 64; g * 64 < std::size_t(first) + count; ++g) {
    for (std::size_t cb = first_word; cb < end_word; ++cb) {
      load_block(g, cb, block);  // rows of the group outside the range keep theirs
      for (std::size_t i = 0; i < 64; ++i) {
        const std::size_t r = g * 64 + i;
        if (r >= first && r < std::size_t(first) + count) {
          block[i] = in[(r - first) * rw + cb] & (cb + 1 == rw ? last_mask : ~std::uint64_t{0});
        }
      }
      store_block(g, cb, block);
    }
  }
}

void Subarray::check_program(const MicroProgram& program) const {
  if (program.family() != tech_.family) {
    throw std::invalid_argument("program '" + program.name() + "' was built for " + to_string(program.family()) +
                                " but this subarray is " + to_string(tech_.family));
  }
  if (program.columns_needed() > cols_) {
    throw std::invalid_argument("program '" + program.name() + "' uses " + std::to_string(program.columns_needed()) +
                                " columns but this subarray has " + std::to_string(cols_));
  }
}

void Subarray::execute(const MicroProgram& program) {
  check_program(program);
  if (program.has_search()) {
    for (std::size_t s = 0; s < program.steps().size(); ++s) run_step(program, s, false);
    account_.occupy(program.written_columns());
    return;
  }
  // No search: the active rows stay as they are for the whole program, so its
  // precomputed charges are exact and the ops run back to back.
  for (const PhaseCharge& pc : program.charges()) account_.charge(pc.phase, pc.counts(mask_rows_));
  account_.occupy(program.written_columns());
  for (const MicroOp& op : program.ops()) apply(op);
}

void Subarray::execute_step(const MicroProgram& program, std::size_t step) {
  check_program(program);
  if (step >= program.steps().size()) {
    throw std::out_of_range("program '" + program.name() + "' has no step " + std::to_string(step));
  }
  run_step(program, step, true);
}

void Subarray::run_step(const MicroProgram& program, std::size_t step, bool record_occupancy) {
  const MicroStep& st = program.steps()[step];
  // Energy follows the rows enabled when the step starts: the builder forbids
  // an op from using a register a search of the same step rewrites.
  const MicroOp* ops = program.ops().data() + st.first_op;
  std::uint64_t raised = 0;
  for (std::size_t m = 0; m < kRowEnableRegisters; ++m) {
    if ((st.masks_raised >> m) & 1u) raised += mask_rows_[m];
  }
  if (raised != 0) account_.charge_row_lines(st.phase, raised);
  account_.charge_column_lines(st.phase, st.column_lines);
  if (st.uniform_mask) {
    account_.charge(st.phase, st.phases, st.cells_per_row, mask_rows_[st.mask]);
  } else {
    account_.charge(st.phase, st.phases, {}, 0);
    for (std::uint32_t i = 0; i < st.op_count; ++i) {
      const std::uint64_t active = mask_rows_[ops[i].mask];
      for (std::size_t k = 0; k < kStepKinds; ++k) {
        if (ops[i].cells_per_row[k] != 0) {
          account_.charge_cells(st.phase, StepKind(k), ops[i].cells_per_row[k] * active);
        }
      }
    }
  }
  for (std::uint32_t i = 0; i < st.op_count; ++i) apply(ops[i]);
  if (!record_occupancy) return;
  for (std::uint32_t i = 0; i < st.op_count; ++i) {
    if (ops[i].kind == OpKind::Shift) account_.occupy(ops[i].dst, ops[i].width);
    else if (ops[i].kind != OpKind::Search) account_.occupy(ops[i].dst, 1);
  }
}

void Subarray::apply(const MicroOp& op) {
  switch (op.kind) {
    case OpKind::Stateful: apply_stateful(op); break;
    case OpKind::Nor: apply_nor(op); break;
    case OpKind::Shift: apply_shift(op); break;
    case OpKind::Search: apply_search(op); break;
  }
}

void Subarray::enable_write_errors(std::uint64_t seed, bool variation) {
  write_errors_.enable(tech_, seed, account_.name(), variation);
  write_before_.assign(words_, 0);
}

void Subarray::attach_sampled_write_errors(SampledWriteErrors* errors) {
  if (errors != nullptr && write_errors_.enabled()) {
    throw std::logic_error("Subarray::attach_sampled_write_errors: its own write errors are already drawn");
  }
  sampled_errors_ = errors;
  if (write_before_.size() != words_) write_before_.assign(words_, 0);  // attached once per replay: no allocation after the first
}

void Subarray::draw_write_errors(std::uint64_t* words, Column col) {
  if (sampled_errors_ != nullptr) {
    sampled_errors_->draw(words, write_before_.data(), words_, col);
  } else {
    write_errors_.draw(words, write_before_.data(), words_, col);
  }
}

void Subarray::apply_stateful(const MicroOp& op) {
  std::uint64_t* y = column_words(op.dst);
  const std::uint64_t* x = column_words(op.src[0]);
  const std::uint64_t* m = masks_[op.mask].data();
  const bool full = mask_rows_[op.mask] == rows_;
  const bool errors = drawing_write_errors();
  if (errors) std::copy(y, y + words_, write_before_.begin());
  switch (op.gate) {
    case StatefulGate::Copy: stateful<StatefulGate::Copy>(y, x, m, words_, full); break;
    case StatefulGate::CopyNot: stateful<StatefulGate::CopyNot>(y, x, m, words_, full); break;
    case StatefulGate::Set0: stateful<StatefulGate::Set0>(y, x, m, words_, full); break;
    case StatefulGate::Set1: stateful<StatefulGate::Set1>(y, x, m, words_, full); break;
    case StatefulGate::And: stateful<StatefulGate::And>(y, x, m, words_, full); break;
    case StatefulGate::Or: stateful<StatefulGate::Or>(y, x, m, words_, full); break;
    case StatefulGate::Xor: stateful<StatefulGate::Xor>(y, x, m, words_, full); break;
  }
  if (errors) draw_write_errors(y, op.dst);
}

void Subarray::apply_nor(const MicroOp& op) {
  std::uint64_t* __restrict out = column_words(op.dst);
  const std::uint64_t* m = masks_[op.mask].data();
  const std::uint64_t* a = column_words(op.src[0]);
  const std::uint64_t* b = column_words(op.n_src > 1 ? op.src[1] : op.src[0]);
  const std::uint64_t* c = column_words(op.n_src > 2 ? op.src[2] : op.src[0]);
  for (std::size_t w = 0; w < words_; ++w) {
    out[w] = ReramMemristor::next_state_nor_word(out[w], (a[w] | b[w] | c[w]) & m[w]);
  }
}

void Subarray::apply_shift(const MicroOp& op) {
  const std::uint64_t* m = masks_[op.mask].data();
  const int width = op.width, k = op.amount;
  // dst[i] = src[i + k]. Walking away from the source side keeps an in-place
  // shift from reading a column it has already overwritten.
  const bool errors = drawing_write_errors();
  auto move_column = [&](int i) {
    std::uint64_t* __restrict d = column_words(Column(op.dst + i));
    if (errors) std::copy(d, d + words_, write_before_.begin());
    const int from = i + k;
    if (from < 0 || from >= width) {
      for (std::size_t w = 0; w < words_; ++w) d[w] &= ~m[w];
    } else {
      const std::uint64_t* s = column_words(Column(op.src[0] + from));
      for (std::size_t w = 0; w < words_; ++w) d[w] = (d[w] & ~m[w]) | (s[w] & m[w]);
    }
    if (errors) draw_write_errors(d, Column(op.dst + i));
  };
  if (k >= 0) {
    for (int i = 0; i < width; ++i) move_column(i);
  } else {
    for (int i = width - 1; i >= 0; --i) move_column(i);
  }
}

void Subarray::apply_search(const MicroOp& op) {
  // Column by column, so each pass is a straight word loop; `out` may be the
  // register that enables the search (a chained search narrows it in place).
  const std::uint64_t* m = masks_[op.mask].data();
  std::uint64_t* out = masks_[op.out_mask].data();
  if (search_errors_.enabled()) std::copy(m, m + words_, search_enabled_.begin());
  if (out != m) std::copy(m, m + words_, out);
  for (std::uint16_t i = 0; i < op.width; ++i) {
    const std::uint64_t* c = column_words(Column(op.src[0] + i));
    const bool key = (op.key >> i) & 1u;
    for (std::size_t w = 0; w < words_; ++w) out[w] &= ~SenseAmp::mismatch_word(c[w], key);
  }
  if (search_errors_.enabled()) {
    for (std::uint16_t i = 0; i < op.width; ++i) search_columns_[i] = column_words(Column(op.src[0] + i));
    search_errors_.draw(out, search_enabled_.data(), words_, search_columns_.data(), op.key, op.width);
  }
  mask_rows_[op.out_mask] = popcount_words(out, words_);
}

}  // namespace mrampim
