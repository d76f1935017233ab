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
// Z into it disappears and c0, c1 and the carry cell are reused bit after bit:
// 4 steps per bit, 3 cache cells (SotAdder::FullAdders).
//
// SOT-MRAM, the propagate adder (SotAdder::Propagate, the default): two bulk
// steps compute every bit's propagate and generate terms at once, then two
// steps per bit ripple the carry (docs/adders.md):
//   bulk 1. copy Y (not Y to subtract) into the sum field, the P field and
//           the G field, and the carry-in into the carry cell K;
//   bulk 2. sum ^= X (sum_i = p_i), P ^= X (P_i = p_i), G &= X (G_i = g_i);
//   bit i, with its carry-in c_i in a cell:
//        a. sum_i ^= c_i and P_i &= c_i, in one step;
//        b. P_i |= G_i: P_i now holds c_{i+1}, the carry-in of bit i + 1.
// Every gate of a step reads cells no other gate of that step writes (the
// step rule of micro_program.hpp), and X and Y stay unchanged. With a
// constant carry-in 0 bit 0 needs no step (c_1 = g_0, in G_0), and the last
// bit needs only step a unless its carry-out is asked for. 2N + 1 cache cells.
//
// ReRAM (FloatPIM): MAGIC NOR only, 10 steps and 9 cells per bit: one step
// initialises the 9 output cells, then the 9 NORs of the NOR-only full adder
// (the fewest 2-input NORs a full adder takes):
//   t1 = NOR(X,Y)  t2 = NOR(X,t1)  t3 = NOR(Y,t1)  t4 = NOR(t2,t3) = XNOR(X,Y)
//   t5 = NOR(t4,Z) = (X xor Y) and not Z
//   t6 = NOR(t4,t5) t7 = NOR(Z,t5)  sum = NOR(t6,t7) = XNOR(XNOR(X,Y),Z)
//   carry = NOR(t1,t5) = (X or Y) and not ((X xor Y) and not Z)
// The carry alternates between two cells, since a MAGIC output must be
// initialised before it is written and the old carry is still an input.
#pragma once

#include <cstdint>
#include <optional>

#include "subarray/micro_program.hpp"

namespace mrampim {

enum class AddOp : std::uint8_t { Add, Subtract };

// How a ripple add runs on SOT-MRAM (ReRAM has one way, the NOR adder).
enum class SotAdder : std::uint8_t {
  Propagate,  // 2 bulk steps, then 2 steps per bit; 2N + 1 cache cells
  FullAdders, // the paper's 4-step full adder per bit (facts sec. 2); 3 cache cells
};

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
  SotAdder sot = SotAdder::Propagate;  // SOT-MRAM only
};

// Cache cells per row an N-bit add needs besides its operands and sum.
std::uint16_t adder_scratch_columns(LogicFamily family, AddOp op, std::uint16_t bits,
                                    SotAdder sot = SotAdder::Propagate);
// Cache cells of a lone full adder (build_full_adder): 2 on SOT-MRAM, 7 on ReRAM.
std::uint16_t full_adder_scratch_columns(LogicFamily family);

// Appends the steps of sum = x +/- y to a program under construction (so
// floating-point programs compose with it), all in `phase`.
void emit_ripple_adder(ProgramBuilder& b, LogicFamily family, const AdderColumns& c, AddOp op, Phase phase);

MicroProgram build_ripple_adder(const ArrayShape& shape, const AdderColumns& c, AddOp op);

// A single full adder: sum = x ^ y ^ z, carry = majority(x, y, z), each input
// and output in its own column (all distinct); `scratch` is the first of the
// cache cells: 2 on SOT-MRAM (c0, c1), 7 on ReRAM (t1..t7). X, Y and Z are
// left unchanged.
MicroProgram build_full_adder(const ArrayShape& shape, Column x, Column y, Column z, Column sum, Column carry,
                              Column scratch);

}  // namespace mrampim
