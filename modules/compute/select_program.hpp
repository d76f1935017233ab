// Row-parallel selections on floating-point words: the non-arithmetic steps
// of training (ReLU, max-pooling and their gradients) done in the array with
// searches and masked writes, on both technologies (LogicEmitter).
//
//   Relu            result = a < 0 (sign set) ? +0 : a
//                   copy a; search the sign bit; zero the matching rows
//   MaxNonNegative  result = a >= b ? a : b, for a, b >= +0 and not NaN
//                   (ReLU outputs), where IEEE order is the order of the
//                   bit patterns as unsigned integers: b - a through the
//                   full adder, search its carry, copy b where a < b
//   KeepIfEqual     result = a == b (bit for bit) ? c : +0
//                   (max-pooling's gradient: c goes to the input that was
//                   the maximum) a xor b; search it for 0; copy c there
//   KeepIfNonZero   result = a != +0 ? b : +0   (ReLU's gradient, given the
//                   ReLU output a) copy b; search a for 0; zero those rows
//
// Layout: a at column 0, b after it, c after b, the result after c, each
// one word wide; scratch after the result (ReRAM's NOR cache cells last).
// Each program is data, like the arithmetic ones: its cost is declared
// before it runs (micro_program.hpp).
#pragma once

#include <cstdint>

#include "compute/fp_format.hpp"
#include "compute/logic_emitter.hpp"
#include "subarray/micro_program.hpp"

namespace mrampim {

enum class SelectOp : std::uint8_t { Relu, MaxNonNegative, KeepIfEqual, KeepIfNonZero };
const char* to_string(SelectOp op);

struct SelectProgram {
  MicroProgram program;
  Field a, b, c, result;
};

// Operands the selection reads (a; a, b; or a, b, c): what moves into a lane.
inline unsigned select_inputs(SelectOp op) {
  switch (op) {
    case SelectOp::Relu: return 1;
    case SelectOp::MaxNonNegative: return 2;
    case SelectOp::KeepIfEqual: return 3;
    case SelectOp::KeepIfNonZero: return 2;
  }
  return 3;
}

// Throws std::invalid_argument when the row is too narrow.
SelectProgram build_select_program(SelectOp op, const FpFormat& format, const ArrayShape& shape);

// What the program computes, on the host: the fast path and the reference.
inline std::uint64_t select_host(SelectOp op, const FpFormat& f, std::uint64_t a, std::uint64_t b,
                                 std::uint64_t c) {
  switch (op) {
    case SelectOp::Relu: return (a & f.sign_bit()) ? 0 : a;
    case SelectOp::MaxNonNegative: return a >= b ? a : b;
    case SelectOp::KeepIfEqual: return a == b ? c : 0;
    case SelectOp::KeepIfNonZero: return a != 0 ? b : 0;
  }
  return 0;
}

}  // namespace mrampim
