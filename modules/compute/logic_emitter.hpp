// Column-group logic for the arithmetic procedures, written once for both
// technologies. A procedure says *what* a parallel operation computes (each
// destination column gets a gate of one source column and its own bit); the
// emitter turns it into subarray steps:
//   SOT-MRAM: one step, every gate a single stateful write (facts sec. 1);
//   ReRAM:    MAGIC NOR sequences (facts sec. 4), one per gate, advancing side
//             by side through initialise / NOR stages, with cache cells for the
//             intermediate NORs taken from a temporary region.
// So the floating-point procedures have one source, and the difference in
// steps and cells between the technologies is the cost of their logic, which
// is what the comparison is about.
#pragma once

#include <cstdint>
#include <vector>

#include "compute/integer_adder.hpp"
#include "subarray/micro_program.hpp"

namespace mrampim {

// A group of adjacent columns, least significant first.
struct Field {
  Column first = 0;
  std::uint16_t width = 0;

  Column at(std::uint32_t i) const;                            // column of bit i (checked)
  Field slice(std::uint32_t offset, std::uint32_t width) const;  // bits [offset, offset + width)
  Column top() const { return at(width - 1u); }
};

// dst = gate(x = src, y = dst's own bit). Set0/Set1 ignore src.
struct GateOp {
  StatefulGate gate;
  Column dst;
  Column src;
};

// Hands out the columns of a row: named fields, one after another, and a
// reusable region of temporaries (ReRAM's NOR cache cells) at the end.
class ColumnAllocator {
 public:
  ColumnAllocator(Column first, std::uint32_t limit) : next_(first), limit_(limit) {}
  Field take(std::uint32_t width, const char* what);
  Column take_one(const char* what) { return take(1, what).first; }
  std::uint32_t next() const { return next_; }

 private:
  std::uint32_t next_;
  std::uint32_t limit_;
};

class LogicEmitter {
 public:
  // `temps`: the columns ReRAM sequences may use as scratch (unused on SOT).
  LogicEmitter(ProgramBuilder& b, LogicFamily family, Field temps);

  LogicFamily family() const { return family_; }
  ProgramBuilder& builder() { return b_; }
  void phase(Phase p) { phase_ = p; }
  Phase current_phase() const { return phase_; }
  // Row-enable register for everything emitted next.
  void mask(std::uint8_t reg) { mask_ = reg; }
  std::uint8_t current_mask() const { return mask_; }

  // One parallel operation: all gates read before any writes. No gate may
  // write a column another gate of the call reads or writes.
  void parallel(const std::vector<GateOp>& ops);

  void gate_field(StatefulGate g, Field dst, Field src);  // dst_i = g(src_i, dst_i)
  void gate_bit(StatefulGate g, Field dst, Column bit);   // dst_i = g(bit, dst_i) for every i
  void copy(Field dst, Field src) { gate_field(StatefulGate::Copy, dst, src); }
  void copy_not(Field dst, Field src) { gate_field(StatefulGate::CopyNot, dst, src); }
  void set(Field dst, std::uint64_t value);  // bit i of value into column i (width <= 64)
  // ReRAM only: dst_i = NOR(x_i, y), every output initialised in one step,
  // then the NORs (one per phase on a shared row line).
  void nor_bit(Field dst, Field x, Column y);
  void fill(Field dst, bool bit);            // every column of dst

  // dst = src moved by `amount` (> 0 toward bit 0); vacated bits become 0.
  // `alongside` gates run in the same step on SOT-MRAM (they must not touch
  // the shifted groups); on ReRAM, whose gates are NOR sequences, they run
  // as their own sequences first.
  void shift(Field dst, Field src, int amount, const std::vector<GateOp>& alongside = {});
  // Rows (among the current mask's) whose field equals `key` -> register `out`.
  void search(Field f, std::uint64_t key, std::uint8_t out);
  // Several searches in one step (each into its own register).
  struct Search {
    Field field;
    std::uint64_t key;
    std::uint8_t out;
  };
  void searches(const std::vector<Search>& list);

  // sum = x +/- y through the technology's full adder (integer_adder.hpp).
  void add(const AdderColumns& c, AddOp op);
  // f += carry_in, in place, with three rotating carry cells (`carries`);
  // returns the column holding the carry out. n + 1 parallel operations.
  Column increment(Field f, Column carry_in, Field carries);

  // Most temporaries one parallel operation has needed (ReRAM cache cells).
  std::uint32_t temps_used() const { return temps_used_; }

 private:
  void open_step();
  void emit_reram(const std::vector<GateOp>& ops);

  ProgramBuilder& b_;
  LogicFamily family_;
  Field temps_;
  Phase phase_ = Phase::Logic;
  std::uint8_t mask_ = 0;
  std::uint32_t temps_used_ = 0;
};

}  // namespace mrampim
