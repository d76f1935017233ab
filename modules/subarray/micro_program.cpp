#include "subarray/micro_program.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace mrampim {

const char* to_string(OpKind k) {
  switch (k) {
    case OpKind::Stateful: return "write";
    case OpKind::Nor: return "nor";
    case OpKind::Shift: return "shift";
    case OpKind::Search: return "search";
  }
  return "?";
}

namespace {

std::uint8_t kind_bits(const MicroOp& op) {
  std::uint8_t bits = 0;
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    if (op.cells_per_row[k] != 0) bits = std::uint8_t(bits | (1u << k));
  }
  return bits;
}

std::uint16_t u16(std::size_t v) { return static_cast<std::uint16_t>(v); }

}  // namespace

ActivityCounts PhaseCharge::counts(const ActiveRows& active_rows) const {
  ActivityCounts c;
  c.compute_steps = compute_steps;
  c.steps = steps;
  for (std::size_t m = 0; m < active_rows.size(); ++m) {
    for (std::size_t k = 0; k < kStepKinds; ++k) c.cells[k] += cells_per_row_by_mask[m][k] * active_rows[m];
    c.row_lines += raises_by_mask[m] * active_rows[m];
  }
  c.column_lines = column_lines;
  return c;
}

double MicroProgram::step_latency_ns(std::size_t step, const StepPrices& prices) const {
  double t = prices.step_ns;
  for (std::size_t k = 0; k < kStepKinds; ++k) t += double(steps_[step].phases[k]) * prices.latency_ns[k];
  return t;
}

ActivityCounts MicroProgram::cost(std::uint32_t active_rows, std::optional<Phase> phase) const {
  ActiveRows rows;
  rows.fill(active_rows);
  ActivityCounts c;
  for (const PhaseCharge& pc : charges_) {
    if (!phase || pc.phase == *phase) c += pc.counts(rows);
  }
  return c;
}

std::uint32_t MicroProgram::cells_written_per_row() const {
  return popcount_words(written_.data(), written_.size());
}

std::string MicroProgram::listing() const {
  std::ostringstream out;
  out << "program " << name_ << " (" << to_string(shape_.family) << ", partitions of " << shape_.partition_cols << " columns): " << steps_.size() << " steps, "
      << ops_.size() << " ops\n";
  for (std::size_t s = 0; s < steps_.size(); ++s) {
    const MicroStep& st = steps_[s];
    out << "  " << s << " [" << to_string(st.phase) << "]";
    for (std::size_t k = 0; k < kStepKinds; ++k) {
      if (st.has(StepKind(k))) out << ' ' << to_string(StepKind(k));
      if (st.phases[k] > 1) out << " x" << st.phases[k];  // phases: the row's partitions are shared
    }
    out << ":";
    for (std::uint32_t i = 0; i < st.op_count; ++i) {
      const MicroOp& op = ops_[st.first_op + i];
      out << (i ? "; " : " ");
      switch (op.kind) {
        case OpKind::Stateful:
          out << to_string(op.gate) << " c" << op.dst;
          if (SheMtj::reads_x(SheMtj::drive_of(op.gate).a) || SheMtj::reads_x(SheMtj::drive_of(op.gate).c)) {
            out << " <- c" << op.src[0];
          }
          break;
        case OpKind::Nor:
          out << "nor c" << op.dst << " <-";
          for (std::uint8_t j = 0; j < op.n_src; ++j) out << " c" << op.src[j];
          break;
        case OpKind::Shift:
          out << "shift c" << op.dst << "+" << op.width << " <- c" << op.src[0] << " by " << op.amount;
          break;
        case OpKind::Search:
          out << "search c" << op.src[0] << "+" << op.width << " == 0x" << std::hex << op.key << std::dec
              << " -> m" << unsigned(op.out_mask);
          break;
      }
      out << " @m" << unsigned(op.mask);
    }
    out << '\n';
  }
  return out.str();
}

ProgramBuilder::ProgramBuilder(std::string name, const ArrayShape& shape) : cols_(shape.cols), col_use_(shape.cols, 0) {
  prog_.name_ = std::move(name);
  if (shape.partition_cols == 0) throw std::invalid_argument(prog_.name_ + ": a row partition has no columns");
  prog_.shape_ = shape;
}

ProgramBuilder& ProgramBuilder::step(Phase phase) {
  for (Column c : touched_) col_use_[c] = 0;
  touched_.clear();
  masks_written_ = masks_read_ = 0;
  MicroStep s;
  s.first_op = static_cast<std::uint32_t>(prog_.ops_.size());
  s.phase = phase;
  prog_.steps_.push_back(s);
  open_ = true;
  return *this;
}

ProgramBuilder& ProgramBuilder::mask(std::uint8_t reg) {
  if (reg >= kRowEnableRegisters) throw std::invalid_argument("row-enable register " + std::to_string(reg) + " does not exist");
  mask_ = reg;
  return *this;
}

void ProgramBuilder::check_column(Column c, std::uint16_t width, const char* what) const {
  if (width == 0 || std::uint32_t(c) + width > cols_) {
    throw std::invalid_argument(prog_.name_ + ": " + what + " columns " + std::to_string(c) + ".." +
                                std::to_string(std::uint32_t(c) + width) + " outside the array's " +
                                std::to_string(cols_) + " columns");
  }
}

void ProgramBuilder::use(Column c, std::uint16_t width, bool write) {
  prog_.columns_needed_ = std::max(prog_.columns_needed_, std::uint32_t(c) + width);
  for (std::uint16_t i = 0; i < width; ++i) {
    std::uint8_t& u = col_use_[Column(c + i)];
    if (u == 0) touched_.push_back(Column(c + i));
    if (write) u = 2;
    else if (u == 0) u = 1;
  }
}

MicroOp& ProgramBuilder::add(MicroOp op) {
  if (!open_) throw std::logic_error(prog_.name_ + ": an op was added before the first step()");
  // Hazards against the other ops of this step.
  auto reads_of = [&](auto&& f) {
    switch (op.kind) {
      case OpKind::Stateful: {
        const GateDrive d = SheMtj::drive_of(op.gate);
        if (SheMtj::reads_x(d.a) || SheMtj::reads_x(d.c)) f(op.src[0], std::uint16_t(1));
        break;
      }
      case OpKind::Nor:
        for (std::uint8_t j = 0; j < op.n_src; ++j) f(op.src[j], std::uint16_t(1));
        break;
      case OpKind::Shift:
      case OpKind::Search: f(op.src[0], op.width); break;
    }
  };
  auto writes_of = [&](auto&& f) {
    if (op.kind == OpKind::Stateful || op.kind == OpKind::Nor) f(op.dst, std::uint16_t(1));
    if (op.kind == OpKind::Shift) f(op.dst, op.width);
  };
  const std::string where = prog_.name_ + ": step " + std::to_string(prog_.steps_.size() - 1) + ": ";
  writes_of([&](Column c, std::uint16_t w) {
    for (std::uint16_t i = 0; i < w; ++i) {
      if (col_use_[Column(c + i)] != 0) {
        throw std::invalid_argument(where + "column " + std::to_string(c + i) +
                                    " is written while another op of the same step uses it");
      }
    }
  });
  reads_of([&](Column c, std::uint16_t w) {
    for (std::uint16_t i = 0; i < w; ++i) {
      if (col_use_[Column(c + i)] == 2) {
        throw std::invalid_argument(where + "column " + std::to_string(c + i) +
                                    " is read while another op of the same step writes it");
      }
    }
  });
  const std::uint8_t mbit = std::uint8_t(1u << op.mask);
  if (masks_written_ & mbit) {
    throw std::invalid_argument(where + "row-enable register m" + std::to_string(op.mask) +
                                " is used while a search of the same step writes it");
  }
  if (op.kind == OpKind::Search) {
    const std::uint8_t obit = std::uint8_t(1u << op.out_mask);
    if ((masks_read_ | masks_written_) & obit) {
      throw std::invalid_argument(where + "row-enable register m" + std::to_string(op.out_mask) +
                                  " is written by a search while the same step uses it");
    }
    masks_written_ = std::uint8_t(masks_written_ | obit);
  }
  masks_read_ = std::uint8_t(masks_read_ | mbit);
  reads_of([&](Column c, std::uint16_t w) { use(c, w, false); });
  writes_of([&](Column c, std::uint16_t w) { use(c, w, true); });

  prog_.ops_.push_back(op);
  MicroStep& s = prog_.steps_.back();
  if (s.op_count == 0) s.mask = op.mask;
  else if (s.mask != op.mask) s.uniform_mask = false;
  ++s.op_count;
  s.masks_used = std::uint8_t(s.masks_used | (1u << op.mask));
  s.kinds = std::uint8_t(s.kinds | kind_bits(op));
  for (std::size_t k = 0; k < kStepKinds; ++k) s.cells_per_row[k] += op.cells_per_row[k];
  return prog_.ops_.back();
}

ProgramBuilder& ProgramBuilder::gate(StatefulGate g, Column dst, Column x) {
  check_column(dst, 1, "destination");
  check_column(x, 1, "operand");
  if (prog_.shape_.family == LogicFamily::ReramNor && g != StatefulGate::Copy && g != StatefulGate::Set0 &&
      g != StatefulGate::Set1) {
    throw std::invalid_argument(prog_.name_ + ": '" + std::string(to_string(g)) +
                                "' is a stateful SOT write; a ReRAM array computes with NOR");
  }
  MicroOp op;
  op.kind = OpKind::Stateful;
  op.gate = g;
  op.mask = mask_;
  op.dst = dst;
  op.src[0] = x;
  // Cells read: the operand cell if A or C follows x, the destination itself
  // if they follow its stored y (XOR); one cell written per row.
  const GateDrive d = SheMtj::drive_of(g);
  const bool rx = SheMtj::reads_x(d.a) || SheMtj::reads_x(d.c);
  const bool ry = SheMtj::reads_y(d.a) || SheMtj::reads_y(d.c);
  op.cells_per_row[std::size_t(StepKind::Read)] = u16(std::size_t(rx) + std::size_t(ry));
  op.cells_per_row[std::size_t(StepKind::Write)] = 1;
  add(op);
  return *this;
}

ProgramBuilder& ProgramBuilder::nor(Column dst, std::initializer_list<Column> inputs) {
  if (prog_.shape_.family != LogicFamily::ReramNor) {
    throw std::invalid_argument(prog_.name_ + ": NOR is the ReRAM array's logic; SOT-MRAM uses stateful writes");
  }
  if (inputs.size() == 0 || inputs.size() > 3) {
    throw std::invalid_argument(prog_.name_ + ": a NOR takes 1 to 3 inputs");
  }
  check_column(dst, 1, "NOR output");
  MicroOp op;
  op.kind = OpKind::Nor;
  op.mask = mask_;
  op.dst = dst;
  for (Column c : inputs) {
    check_column(c, 1, "NOR input");
    if (c == dst) throw std::invalid_argument(prog_.name_ + ": a MAGIC NOR output cannot be one of its inputs");
    op.src[op.n_src++] = c;
  }
  // The output cell is evaluated (switched or not) in every active row.
  op.cells_per_row[std::size_t(StepKind::Nor)] = 1;
  add(op);
  return *this;
}

ProgramBuilder& ProgramBuilder::shift(Column dst, Column src, std::uint16_t width, std::int16_t amount) {
  check_column(dst, width, "shift destination");
  check_column(src, width, "shift source");
  if (dst != src && std::max(dst, src) < std::min(dst, src) + width) {
    throw std::invalid_argument(prog_.name_ + ": shift source and destination groups partly overlap");
  }
  if (std::abs(int(amount)) > width) {
    throw std::invalid_argument(prog_.name_ + ": shift by " + std::to_string(amount) + " exceeds the group width " +
                                std::to_string(width));
  }
  MicroOp op;
  op.kind = OpKind::Shift;
  op.mask = mask_;
  op.dst = dst;
  op.src[0] = src;
  op.width = width;
  op.amount = amount;
  // Positions shifted in are driven to 0 without a read.
  op.cells_per_row[std::size_t(StepKind::Read)] = u16(width - std::abs(int(amount)));
  op.cells_per_row[std::size_t(StepKind::Write)] = width;
  add(op);
  return *this;
}

ProgramBuilder& ProgramBuilder::search(Column first, std::uint16_t width, std::uint64_t key, std::uint8_t out_reg) {
  check_column(first, width, "search");
  if (width > 64) throw std::invalid_argument(prog_.name_ + ": a search key holds at most 64 bits");
  if (out_reg >= kRowEnableRegisters) {
    throw std::invalid_argument("row-enable register " + std::to_string(out_reg) + " does not exist");
  }
  if (width < 64 && (key >> width) != 0) {
    throw std::invalid_argument(prog_.name_ + ": search key has bits beyond the group width");
  }
  MicroOp op;
  op.kind = OpKind::Search;
  op.mask = mask_;
  op.out_mask = out_reg;
  op.src[0] = first;
  op.width = width;
  op.key = key;
  op.cells_per_row[std::size_t(StepKind::Search)] = width;
  add(op);
  return *this;
}

namespace {

// Every column an op touches, with the step kind it touches it for: what its
// cells_per_row counts, column by column.
template <class F>
void for_each_column(const MicroOp& op, F f) {
  switch (op.kind) {
    case OpKind::Stateful: {
      const GateDrive d = SheMtj::drive_of(op.gate);
      if (SheMtj::reads_x(d.a) || SheMtj::reads_x(d.c)) f(StepKind::Read, op.src[0]);
      if (SheMtj::reads_y(d.a) || SheMtj::reads_y(d.c)) f(StepKind::Read, op.dst);
      f(StepKind::Write, op.dst);
      break;
    }
    case OpKind::Nor:  // the inputs at V0 and the output: the NOR's lines
      for (std::uint8_t j = 0; j < op.n_src; ++j) f(StepKind::Nor, op.src[j]);
      f(StepKind::Nor, op.dst);
      break;
    case OpKind::Shift: {
      const int a = op.amount, w = op.width;
      for (int i = 0; i < w; ++i) {
        const int from = i + a;  // dst[i] takes src[i + amount]; vacated positions are driven to 0
        if (from >= 0 && from < w) f(StepKind::Read, Column(op.src[0] + from));
        f(StepKind::Write, Column(op.dst + i));
      }
      break;
    }
    case OpKind::Search:
      for (std::uint16_t i = 0; i < op.width; ++i) f(StepKind::Search, Column(op.src[0] + i));
      break;
  }
}

}  // namespace

MicroProgram ProgramBuilder::finish() {
  // Column lines: the distinct columns of each kind each step touches.
  std::array<std::vector<Column>, kStepKinds> touched;
  for (MicroStep& s : prog_.steps_) {
    for (auto& t : touched) t.clear();
    for (std::uint32_t i = 0; i < s.op_count; ++i) {
      for_each_column(prog_.ops_[s.first_op + i], [&](StepKind k, Column c) { touched[std::size_t(k)].push_back(c); });
    }
    for (std::size_t k = 0; k < kStepKinds; ++k) {
      std::sort(touched[k].begin(), touched[k].end());
      s.column_lines[k] = std::uint32_t(std::unique(touched[k].begin(), touched[k].end()) - touched[k].begin());
    }
  }
  // Phases: how the step's ops share the rows' partitions (the header's
  // "Line sharing").
  const std::uint32_t part_cols = prog_.shape_.partition_cols;
  // Per kind, each use spans partitions [lo, hi]: an event opens it at lo
  // and closes it after hi (2 p + 1 opens, 2 p closes, so a use closing at p
  // is gone before one opening there counts). A kind's phases are the most
  // uses open at once.
  std::array<std::vector<std::uint64_t>, kStepKinds> uses;
  std::vector<Column> reads;
  for (MicroStep& s : prog_.steps_) {
    for (auto& u : uses) u.clear();
    reads.clear();
    bool sensed_write = false, any_write = false;
    auto occupy = [&](StepKind k, Column lo, Column hi) {
      uses[std::size_t(k)].push_back(2 * std::uint64_t(lo / part_cols) + 1);
      uses[std::size_t(k)].push_back(2 * std::uint64_t(hi / part_cols + 1));
    };
    for (std::uint32_t i = 0; i < s.op_count; ++i) {
      const MicroOp& op = prog_.ops_[s.first_op + i];
      switch (op.kind) {
        case OpKind::Stateful: {
          const GateDrive d = SheMtj::drive_of(op.gate);
          const bool rx = SheMtj::reads_x(d.a) || SheMtj::reads_x(d.c);
          const bool ry = SheMtj::reads_y(d.a) || SheMtj::reads_y(d.c);
          if (rx) reads.push_back(op.src[0]);
          if (ry) reads.push_back(op.dst);
          sensed_write = sensed_write || rx || ry;
          any_write = true;
          break;
        }
        case OpKind::Nor: {
          Column lo = op.dst, hi = op.dst;
          for (std::uint8_t j = 0; j < op.n_src; ++j) {
            lo = std::min(lo, op.src[j]);
            hi = std::max(hi, op.src[j]);
          }
          occupy(StepKind::Nor, lo, hi);
          break;
        }
        case OpKind::Shift:
          for (int b = 0; b < int(op.width); ++b) {
            const int from = b + op.amount;
            if (from >= 0 && from < int(op.width)) reads.push_back(Column(op.src[0] + from));
          }
          sensed_write = sensed_write || std::abs(int(op.amount)) < int(op.width);
          any_write = true;
          break;
        case OpKind::Search:
          occupy(StepKind::Search, op.src[0], Column(op.src[0] + op.width - 1));
          break;
      }
    }
    std::sort(reads.begin(), reads.end());
    reads.erase(std::unique(reads.begin(), reads.end()), reads.end());
    for (const Column c : reads) occupy(StepKind::Read, c, c);
    for (std::size_t k = 0; k < kStepKinds; ++k) {
      std::sort(uses[k].begin(), uses[k].end());
      std::uint32_t open = 0, most = 0;
      for (const std::uint64_t e : uses[k]) {
        if (e & 1u) most = std::max(most, ++open);
        else --open;
      }
      s.phases[k] = most;
    }
    const std::size_t r = std::size_t(StepKind::Read), w = std::size_t(StepKind::Write);
    s.phases[w] = any_write ? (sensed_write ? std::max(1u, s.phases[r]) : 1u) : 0u;
    for (std::size_t k = 0; k < kStepKinds; ++k) {
      if ((s.phases[k] != 0) != s.has(StepKind(k))) {
        throw std::logic_error(prog_.name_ + ": step phases disagree with its kinds");
      }
    }
  }
  // Word lines: which registers each step raises (MicroStep::masks_raised).
  std::uint8_t previous = 0, rewritten = 0;
  for (MicroStep& s : prog_.steps_) {
    s.masks_raised = std::uint8_t(s.masks_used & (~previous | rewritten));
    rewritten = std::uint8_t(rewritten & ~s.masks_used);
    for (std::uint32_t i = 0; i < s.op_count; ++i) {
      const MicroOp& op = prog_.ops_[s.first_op + i];
      if (op.kind == OpKind::Search) rewritten = std::uint8_t(rewritten | (1u << op.out_mask));
    }
    previous = s.masks_used;
  }
  for (const MicroStep& s : prog_.steps_) {
    if (s.op_count == 0) throw std::logic_error(prog_.name_ + ": a step has no ops");
    auto it = std::find_if(prog_.charges_.begin(), prog_.charges_.end(),
                           [&](const PhaseCharge& pc) { return pc.phase == s.phase; });
    if (it == prog_.charges_.end()) {
      prog_.charges_.push_back(PhaseCharge{});
      it = prog_.charges_.end() - 1;
      it->phase = s.phase;
    }
    ++it->compute_steps;
    for (std::size_t k = 0; k < kStepKinds; ++k) it->steps[k] += s.phases[k];
    for (std::uint32_t i = 0; i < s.op_count; ++i) {
      const MicroOp& op = prog_.ops_[s.first_op + i];
      for (std::size_t k = 0; k < kStepKinds; ++k) it->cells_per_row_by_mask[op.mask][k] += op.cells_per_row[k];
    }
    for (std::size_t m = 0; m < kRowEnableRegisters; ++m) it->raises_by_mask[m] += (s.masks_raised >> m) & 1u;
    for (std::size_t k = 0; k < kStepKinds; ++k) it->column_lines[k] += s.column_lines[k];
  }
  prog_.written_.assign((prog_.columns_needed_ + 63) / 64, 0);
  for (const MicroOp& op : prog_.ops_) {
    if (op.kind == OpKind::Search) prog_.has_search_ = true;
    const std::uint16_t width = op.kind == OpKind::Shift ? op.width : (op.kind == OpKind::Search ? 0 : 1);
    for (std::uint32_t c = op.dst; c < std::uint32_t(op.dst) + width; ++c) {
      prog_.written_[c >> 6] |= std::uint64_t{1} << (c & 63);
    }
  }
  open_ = false;
  return std::move(prog_);
}

}  // namespace mrampim
