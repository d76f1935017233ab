#include "compute/logic_emitter.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mrampim {

Column Field::at(std::uint32_t i) const {
  if (i >= width) {
    throw std::out_of_range("bit " + std::to_string(i) + " of a " + std::to_string(width) + "-bit field");
  }
  return Column(first + i);
}

Field Field::slice(std::uint32_t offset, std::uint32_t w) const {
  if (offset + w > width) {
    throw std::out_of_range("bits " + std::to_string(offset) + ".." + std::to_string(offset + w) + " of a " +
                            std::to_string(width) + "-bit field");
  }
  return Field{Column(first + offset), std::uint16_t(w)};
}

Field ColumnAllocator::take(std::uint32_t width, const char* what) {
  if (next_ + width > limit_) {
    throw std::invalid_argument(std::string("the row has no room for ") + what + ": " + std::to_string(width) +
                                " more columns needed at column " + std::to_string(next_) + ", the array has " +
                                std::to_string(limit_));
  }
  const Field f{Column(next_), std::uint16_t(width)};
  next_ += width;
  return f;
}

LogicEmitter::LogicEmitter(ProgramBuilder& b, LogicFamily family, Field temps)
    : b_(b), family_(family), temps_(temps) {}

void LogicEmitter::open_step() {
  b_.step(phase_);
  b_.mask(mask_);
}

void LogicEmitter::parallel(const std::vector<GateOp>& ops) {
  if (ops.empty()) return;
  // The step semantics (all read, then all write) hold for sequential
  // execution, and for ReRAM's staged sequences, only if no gate writes what
  // another reads or writes.
  for (std::size_t i = 0; i < ops.size(); ++i) {
    for (std::size_t j = 0; j < ops.size(); ++j) {
      if (i == j) continue;
      const bool j_reads = ops[j].gate != StatefulGate::Set0 && ops[j].gate != StatefulGate::Set1;
      if (ops[i].dst == ops[j].dst || (j_reads && ops[i].dst == ops[j].src)) {
        throw std::logic_error(b_.name() + ": a parallel operation writes column " + std::to_string(ops[i].dst) +
                               " that another of its gates uses");
      }
    }
  }
  if (family_ == LogicFamily::ReramNor) {
    emit_reram(ops);
    return;
  }
  open_step();
  for (const GateOp& op : ops) {
    if (op.gate == StatefulGate::Set0 || op.gate == StatefulGate::Set1) b_.set(op.dst, op.gate == StatefulGate::Set1);
    else b_.gate(op.gate, op.dst, op.src);
  }
}

namespace {

// One action of a ReRAM stage.
struct ReramAction {
  enum Kind : std::uint8_t { Set1, Set0, Copy, Nor } kind;
  Column dst;
  Column in[2];
  std::uint8_t n_in;
};

// The MAGIC sequence of one gate as stages; `t` are its cache cells.
std::vector<std::vector<ReramAction>> reram_stages(const GateOp& op, const Column* t) {
  using A = ReramAction;
  const Column d = op.dst, s = op.src;
  switch (op.gate) {
    case StatefulGate::Copy: return {{A{A::Copy, d, {s, 0}, 1}}};
    case StatefulGate::Set0: return {{A{A::Set0, d, {0, 0}, 0}}};
    case StatefulGate::Set1: return {{A{A::Set1, d, {0, 0}, 0}}};
    case StatefulGate::CopyNot: return {{A{A::Set1, d, {0, 0}, 0}}, {A{A::Nor, d, {s, 0}, 1}}};
    case StatefulGate::And:  // d AND s = NOR(not d, not s)
      return {{A{A::Set1, t[0], {0, 0}, 0}, A{A::Set1, t[1], {0, 0}, 0}},
              {A{A::Nor, t[0], {d, 0}, 1}, A{A::Nor, t[1], {s, 0}, 1}},
              {A{A::Set1, d, {0, 0}, 0}},
              {A{A::Nor, d, {t[0], t[1]}, 2}}};
    case StatefulGate::Or:  // d OR s = NOT NOR(d, s)
      return {{A{A::Set1, t[0], {0, 0}, 0}},
              {A{A::Nor, t[0], {d, s}, 2}},
              {A{A::Set1, d, {0, 0}, 0}},
              {A{A::Nor, d, {t[0], 0}, 1}}};
    case StatefulGate::Xor:  // NOR(NOR(d, s), NOR(not d, not s))
      return {{A{A::Set1, t[0], {0, 0}, 0}, A{A::Set1, t[1], {0, 0}, 0}, A{A::Set1, t[2], {0, 0}, 0},
               A{A::Set1, t[3], {0, 0}, 0}},
              {A{A::Nor, t[0], {d, s}, 2}, A{A::Nor, t[1], {d, 0}, 1}, A{A::Nor, t[2], {s, 0}, 1}},
              {A{A::Nor, t[3], {t[1], t[2]}, 2}, A{A::Set1, d, {0, 0}, 0}},
              {A{A::Nor, d, {t[0], t[3]}, 2}}};
  }
  return {};
}

std::uint32_t reram_temps(StatefulGate g) {
  switch (g) {
    case StatefulGate::And: return 2;
    case StatefulGate::Or: return 1;
    case StatefulGate::Xor: return 4;
    default: return 0;
  }
}

}  // namespace

void LogicEmitter::emit_reram(const std::vector<GateOp>& ops) {
  std::uint32_t needed = 0;
  for (const GateOp& op : ops) needed += reram_temps(op.gate);
  if (needed > temps_.width) {
    throw std::logic_error(b_.name() + ": a parallel operation needs " + std::to_string(needed) +
                           " NOR cache cells; the program reserved " + std::to_string(temps_.width));
  }
  temps_used_ = std::max(temps_used_, needed);
  std::vector<std::vector<std::vector<ReramAction>>> seqs;
  std::uint32_t next_temp = 0;
  std::size_t stages = 0;
  for (const GateOp& op : ops) {
    Column t[4] = {};
    for (std::uint32_t i = 0; i < reram_temps(op.gate); ++i) t[i] = temps_.at(next_temp++);
    seqs.push_back(reram_stages(op, t));
    stages = std::max(stages, seqs.back().size());
  }
  for (std::size_t k = 0; k < stages; ++k) {
    open_step();
    for (const auto& seq : seqs) {
      if (k >= seq.size()) continue;
      for (const ReramAction& a : seq[k]) {
        switch (a.kind) {
          case ReramAction::Set1: b_.set(a.dst, true); break;
          case ReramAction::Set0: b_.set(a.dst, false); break;
          case ReramAction::Copy: b_.copy(a.dst, a.in[0]); break;
          case ReramAction::Nor:
            if (a.n_in == 1) b_.nor(a.dst, {a.in[0]});
            else b_.nor(a.dst, {a.in[0], a.in[1]});
            break;
        }
      }
    }
  }
}

void LogicEmitter::gate_field(StatefulGate g, Field dst, Field src) {
  if (dst.width != src.width) throw std::logic_error(b_.name() + ": gate over fields of different widths");
  std::vector<GateOp> ops;
  for (std::uint32_t i = 0; i < dst.width; ++i) ops.push_back({g, dst.at(i), src.at(i)});
  parallel(ops);
}

void LogicEmitter::gate_bit(StatefulGate g, Field dst, Column bit) {
  std::vector<GateOp> ops;
  for (std::uint32_t i = 0; i < dst.width; ++i) ops.push_back({g, dst.at(i), bit});
  parallel(ops);
}

void LogicEmitter::nor_bit(Field dst, Field x, Column y) {
  if (family_ != LogicFamily::ReramNor) throw std::logic_error(b_.name() + ": NOR is the ReRAM array's logic");
  if (dst.width != x.width) throw std::logic_error(b_.name() + ": NOR over fields of different widths");
  fill(dst, true);
  open_step();
  for (std::uint32_t i = 0; i < dst.width; ++i) b_.nor(dst.at(i), {x.at(i), y});
}

void LogicEmitter::set(Field dst, std::uint64_t value) {
  if (dst.width > 64) throw std::logic_error(b_.name() + ": a constant holds at most 64 bits");
  std::vector<GateOp> ops;
  for (std::uint32_t i = 0; i < dst.width; ++i) {
    ops.push_back({((value >> i) & 1u) ? StatefulGate::Set1 : StatefulGate::Set0, dst.at(i), dst.at(i)});
  }
  parallel(ops);
}

void LogicEmitter::fill(Field dst, bool bit) {
  std::vector<GateOp> ops;
  for (std::uint32_t i = 0; i < dst.width; ++i) {
    ops.push_back({bit ? StatefulGate::Set1 : StatefulGate::Set0, dst.at(i), dst.at(i)});
  }
  parallel(ops);
}

void LogicEmitter::shift(Field dst, Field src, int amount, const std::vector<GateOp>& alongside) {
  if (dst.width != src.width) throw std::logic_error(b_.name() + ": shift between fields of different widths");
  if (family_ == LogicFamily::ReramNor) {
    parallel(alongside);
    open_step();
    b_.shift(dst.first, src.first, dst.width, std::int16_t(amount));
    return;
  }
  open_step();
  b_.shift(dst.first, src.first, dst.width, std::int16_t(amount));
  for (const GateOp& op : alongside) {
    if (op.gate == StatefulGate::Set0 || op.gate == StatefulGate::Set1) b_.set(op.dst, op.gate == StatefulGate::Set1);
    else b_.gate(op.gate, op.dst, op.src);
  }
}

void LogicEmitter::search(Field f, std::uint64_t key, std::uint8_t out) { searches({{f, key, out}}); }

void LogicEmitter::searches(const std::vector<Search>& list) {
  open_step();
  for (const Search& s : list) b_.search(s.field.first, s.field.width, s.key, s.out);
}

void LogicEmitter::add(const AdderColumns& c, AddOp op) {
  b_.mask(mask_);
  emit_ripple_adder(b_, family_, c, op, phase_);
}

Column LogicEmitter::increment(Field f, Column carry_in, Field carries) {
  if (carries.width != 3) throw std::logic_error(b_.name() + ": an increment rotates three carry cells");
  // Bit i: k = f_i (copied a step ahead), then k &= c and f_i ^= c together;
  // k is the carry into bit i + 1. Three cells rotate so that the copy for the
  // next bit never writes a carry still being read.
  auto k = [&](std::uint32_t i) { return carries.at(i % 3); };
  parallel({{StatefulGate::Copy, k(0), f.at(0)}});
  Column c = carry_in;
  for (std::uint32_t i = 0; i < f.width; ++i) {
    std::vector<GateOp> ops{{StatefulGate::And, k(i), c}, {StatefulGate::Xor, f.at(i), c}};
    if (i + 1 < f.width) ops.push_back({StatefulGate::Copy, k(i + 1), f.at(i + 1)});
    parallel(ops);
    c = k(i);
  }
  return c;
}

}  // namespace mrampim
