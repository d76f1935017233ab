// The operand file of floating-point runs (mrampim-fp): one operation per
// line, operands separated by spaces, tabs or commas (an empty field between
// commas is an error, not a skipped operand):
//   add:  a b        (a + b)
//   mul:  a b        (a x b)
//   mac:  a b c      (c + a x b)
// Each operand is a hex bit pattern (0x3f800000) or a decimal number (1.0,
// -2.5e-3, inf, -inf, nan); see parse_fp_operand. '#' starts a comment; blank
// and comment-only lines hold no operation. Every other line must hold exactly
// the operation's operands: a bad line is an error naming its line number,
// and the whole file is rejected (every bad line listed) before anything runs.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "compute/fp_engine.hpp"

namespace mrampim {

struct OperandLine {
  std::size_t line = 0;  // 1-based line number in the file
  FpOperands operands;
};

class OperandFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Operands per line for an operation: 2, or 3 for a MAC.
std::size_t operands_per_line(FpOp op);

// `origin` names the input in messages ("ops.txt", "<stdin>"). Throws
// OperandFileError with one "origin:LINE: error: problem" line per bad line
// (the compilers' format, which editors jump to), then a count.
std::vector<OperandLine> read_operand_file(std::istream& in, const std::string& origin, FpOp op,
                                           const FpFormat& format);

}  // namespace mrampim
