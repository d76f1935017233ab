// Floating-point arithmetic in the subarray: one operation per row, every
// row at once (facts sec. 3). Each operation is a micro-program built once
// per (operation, format, rounding, technology), so its cost is known before
// it runs and is what the ledger counts when it does.
//
// Addition: unpack with the hidden bit; exponent difference by in-memory
// subtraction; the operand with the larger exponent leads; alignment by the
// search method (for each shift amount one search finds the rows that need
// it and one operation shifts them all); mantissa add or subtract; then the
// shared normalise-round-pack stage. The column map is in
// docs/floating-point.md.
#pragma once

#include <cstdint>
#include <string>

#include "compute/fp_format.hpp"
#include "compute/logic_emitter.hpp"
#include "subarray/micro_program.hpp"

namespace mrampim {

enum class FpOp : std::uint8_t { Add, Mul, Mac };
const char* to_string(FpOp op);

// How results are rounded and which inputs are handled.
//   Ieee:  round to nearest, ties to even, with guard, round and sticky bits;
//          signed zeros, infinities, NaNs and subnormals; every result equals
//          IEEE 754 arithmetic bit for bit (NaN policy in the docs).
//   Paper: the procedure as the paper describes it: results truncated (no
//          rounding step), no special-value or subnormal handling (inputs are
//          taken as normal numbers, results below the normal range become 0).
enum class Rounding : std::uint8_t { Paper, Ieee };
const char* to_string(Rounding r);
Rounding parse_rounding(const std::string& name);

// Where one row's operands, result and scratch cells sit.
struct FpLayout {
  FpFormat format;
  FpOp op = FpOp::Add;
  Rounding rounding = Rounding::Ieee;
  Field a, b, c;         // operands as IEEE bit patterns, bit 0 first (c: the MAC addend)
  Field result;
  Column scratch_first = 0;
  std::uint32_t scratch_cells = 0;  // cells per row the procedure needs besides operands and result
};

struct FpProgram {
  MicroProgram program;
  FpLayout layout;
};

// Where the operands and the result of `op` sit in a row: a at column 0, b
// after it, then c for a MAC, then the result, each one format word wide
// (scratch_first is where scratch begins; scratch_cells is left 0: only the
// built program knows it). Hosts place data by it; build_fp_program uses it.
FpLayout fp_operand_layout(FpOp op, const FpFormat& format, Rounding rounding);

// Operands first (a, b, then c for a MAC), the result after them, scratch
// after that. Throws std::invalid_argument when the row is too narrow.
FpProgram build_fp_program(FpOp op, const FpFormat& format, Rounding rounding, const ArrayShape& shape);

}  // namespace mrampim
