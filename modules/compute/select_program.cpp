#include "compute/select_program.hpp"

#include <stdexcept>
#include <string>

#include "compute/integer_adder.hpp"

namespace mrampim {

const char* to_string(SelectOp op) {
  switch (op) {
    case SelectOp::Relu: return "relu";
    case SelectOp::MaxNonNegative: return "max";
    case SelectOp::KeepIfEqual: return "keep-if-equal";
    case SelectOp::KeepIfNonZero: return "keep-if-nonzero";
  }
  return "?";
}

namespace {

constexpr std::uint8_t kAll = 0, kMatch = 1;

// Emits the procedure; `temps` are ReRAM's cache cells.
void emit(LogicEmitter& e, SelectOp op, const FpFormat& f, const SelectProgram& p, ColumnAllocator& alloc) {
  const std::uint16_t w = std::uint16_t(f.width());
  e.phase(Phase::Logic);
  e.mask(kAll);
  switch (op) {
    case SelectOp::Relu:
      e.copy(p.result, p.a);
      e.search(Field{p.a.top(), 1}, 1, kMatch);
      e.mask(kMatch);
      e.fill(p.result, false);
      break;
    case SelectOp::MaxNonNegative: {
      const Field diff = alloc.take(w, "a - b");
      const Column no_borrow = alloc.take_one("carry out");
      const Column scratch = alloc.take(adder_scratch_columns(e.family(), AddOp::Subtract, w), "adder cache").first;
      AdderColumns c{p.a.first, p.b.first, diff.first, w, scratch, no_borrow, std::nullopt};
      e.add(c, AddOp::Subtract);  // carry out 1: no borrow, a >= b
      e.copy(p.result, p.a);
      e.search(Field{no_borrow, 1}, 0, kMatch);
      e.mask(kMatch);
      e.copy(p.result, p.b);
      break;
    }
    case SelectOp::KeepIfEqual: {
      const Field x = alloc.take(w, "a xor b");
      e.copy(x, p.a);
      e.gate_field(StatefulGate::Xor, x, p.b);
      e.fill(p.result, false);
      e.search(x, 0, kMatch);
      e.mask(kMatch);
      e.copy(p.result, p.c);
      break;
    }
    case SelectOp::KeepIfNonZero:
      e.copy(p.result, p.b);
      e.search(p.a, 0, kMatch);
      e.mask(kMatch);
      e.fill(p.result, false);
      break;
  }
  e.mask(kAll);
}

SelectProgram build_in(SelectOp op, const FpFormat& f, const ArrayShape& shape, Field temps,
                       std::uint32_t fields_limit, std::uint32_t* fields_end, std::uint32_t* temps_used) {
  const std::uint16_t w = std::uint16_t(f.width());
  SelectProgram p;
  p.a = Field{0, w};
  p.b = Field{w, w};
  p.c = Field{Column(2 * w), w};
  p.result = Field{Column(3 * w), w};
  ProgramBuilder b(std::string("select ") + to_string(op) + " " + f.name(), shape);
  LogicEmitter e(b, shape.family, temps);
  ColumnAllocator alloc(Column(4 * w), fields_limit);
  emit(e, op, f, p, alloc);
  *fields_end = alloc.next();
  *temps_used = e.temps_used();
  p.program = b.finish();
  return p;
}

}  // namespace

SelectProgram build_select_program(SelectOp op, const FpFormat& format, const ArrayShape& shape) {
  const LogicFamily family = shape.family;
  const std::uint32_t cols = shape.cols;
  if (format.width() > 64) throw std::invalid_argument("select programs take words of at most 64 bits");
  // As for the arithmetic (fp_program.cpp): a trial on the widest row finds
  // how many cache cells ReRAM needs, the real build puts them after the fields.
  constexpr std::uint32_t kWidest = 65535, kHalf = 32768;
  std::uint32_t end = 0, temps = 0;
  build_in(op, format, ArrayShape{family, kWidest, 1}, Field{Column(kHalf), std::uint16_t(kWidest - kHalf)}, kHalf, &end, &temps);
  if (end + temps > cols) {
    throw std::invalid_argument(std::string("select ") + to_string(op) + " " + format.name() + " on " +
                                to_string(family) + " needs " + std::to_string(end + temps) +
                                " columns per row; the array has " + std::to_string(cols));
  }
  std::uint32_t end2 = 0, temps2 = 0;
  return build_in(op, format, shape, Field{Column(end), std::uint16_t(temps)}, end, &end2, &temps2);
}

}  // namespace mrampim
