// One column-parallel subarray micro-operation: the unit a micro-program is
// made of. Plain data, so a program can be executed, printed, costed without
// executing, or traced, and every path reads the same costs.
#pragma once

#include <array>
#include <cstdint>

#include "device/she_mtj.hpp"
#include "ledger/cost_ledger.hpp"

namespace mrampim {

using Column = std::uint16_t;

enum class OpKind : std::uint8_t {
  Stateful,  // one write through the MTJ rule (SOT) or a plain data write (ReRAM: copy/set only)
  Nor,       // MAGIC NOR of up to three input columns into an initialised output (ReRAM)
  Shift,     // a column group moved by `amount` bit positions (any amount; a copy per bit)
  Search,    // a column group compared with a key; matching rows go to a row-enable register
};
const char* to_string(OpKind k);

struct MicroOp {
  OpKind kind = OpKind::Stateful;
  StatefulGate gate = StatefulGate::Copy;  // Stateful only
  std::uint8_t mask = 0;       // row-enable register selecting the rows that take part
  std::uint8_t out_mask = 0;   // Search: register receiving the matching rows
  std::uint8_t n_src = 0;      // Nor: number of inputs
  Column dst = 0;              // Stateful/Nor: written column; Shift: first column of the destination group
  std::array<Column, 3> src{}; // Stateful: src[0] = x; Nor: inputs; Shift/Search: src[0] = first column of the group
  std::uint16_t width = 1;     // Shift/Search: columns in the group (column `first` holds the least significant bit)
  std::int16_t amount = 0;     // Shift: > 0 toward the least significant column (right), < 0 toward the most
  std::uint64_t key = 0;       // Search: bit i is compared with column src[0] + i
  // Bit-cells each active row touches, by step kind; set by the program builder
  // from the rules in micro_program.cpp and read by execution and static costing.
  std::array<std::uint16_t, kStepKinds> cells_per_row{};
};

}  // namespace mrampim
