// In-memory full adders and N-bit ripple addition/subtraction, column-parallel
// over every enabled row (facts sec. 2).
//
// SOT-MRAM, the paper's 4-step adder (X, Y unchanged, 4 cells per row):
//   1. copy Z to the sum cell, Y to cache cells c0 and c1 (and Z to the carry
//      cell when it is not already there);
//   2. c0 = X xor Y and c1 = X and Y, in parallel;
//   3. carry = Z and (X xor Y)   (carry cell holds Z, c0 holds X xor Y);
//   4. sum = Z xor (X xor Y) in parallel with carry = carry or (X and Y).
// In a ripple add the carry cell of bit i is Z of bit i+1, so step 1's copy of
// Z into it disappears and c0, c1 and the carry cell are reused bit after bit.
//
// ReRAM (FloatPIM): MAGIC NOR only, 13 steps and 12 cells per bit: one step
// initialises the 12 output cells, then 12 NOR/NOT steps
//   t1 = NOR(X,Y)  t2 = NOR(X,t1)  t3 = NOR(Y,t1)  t4 = NOR(t2,t3) = XNOR(X,Y)
//   t5 = NOT t4    t6 = NOR(t5,Z)  t7 = NOR(t5,t6) t8 = NOR(Z,t6)
//   t9 = NOR(t7,t8) = XNOR(X^Y,Z)  sum = NOT t9
//   t10 = NOR(t4,Z)                carry = NOR(t1,t10)
// The carry alternates between two cells, since a MAGIC output must be
// initialised before it is written and the old carry is still an input.
#pragma once

#include <cstdint>
#include <optional>

#include "subarray/micro_program.hpp"

namespace mrampim {

enum class AddOp : std::uint8_t { Add, Subtract };

// Where an N-bit add lives in the row. Every field is least significant bit
// first; operands and results may sit anywhere, but results may not overlap
// the operands (which stay unchanged) or the scratch cells.
struct AdderColumns {
  Column x = 0;
  Column y = 0;
  Column sum = 0;
  std::uint16_t bits = 0;
  Column scratch = 0;                // first of adder_scratch_columns() cache cells
  std::optional<Column> carry_out;   // final carry (subtraction: 1 = no borrow, x >= y)
  // Carry into bit 0 from a column instead of the constant (0 for Add, 1 for
  // Subtract): how a row-dependent add-or-subtract or an increment is built.
  std::optional<Column> carry_in;
};

// Cache cells per row an N-bit add needs besides its operands and sum.
std::uint16_t adder_scratch_columns(LogicFamily family, AddOp op);

// Appends the steps of sum = x +/- y to a program under construction (so
// floating-point programs compose with it), all in `phase`.
void emit_ripple_adder(ProgramBuilder& b, LogicFamily family, const AdderColumns& c, AddOp op, Phase phase);

MicroProgram build_ripple_adder(LogicFamily family, std::uint32_t cols, const AdderColumns& c, AddOp op);

// A single full adder: sum = x ^ y ^ z, carry = majority(x, y, z), each input
// and output in its own column (all distinct); `scratch` is the first of the
// cache cells: 2 on SOT-MRAM (c0, c1), 10 on ReRAM (t1..t10). X, Y and Z are
// left unchanged.
MicroProgram build_full_adder(LogicFamily family, std::uint32_t cols, Column x, Column y, Column z, Column sum,
                              Column carry, Column scratch);

}  // namespace mrampim
