// What a host does to the accelerator, as data: write operands into rows,
// issue commands, wait for them, read results and check them. Workload
// generators (MAC, dot products, GEMM) and trace files both produce a
// HostProgram; the HostInitiator replays it through TLM transactions.
//
// Trace file format (traces/*.trace, docs/accelerator.md), one item per
// line, '#' starts a comment:
//   <add|mul|mac> <format> <ieee|paper> <bank> <subarray> <row> <a> <b> [<c>]
//       one floating-point operation in one row; operands as in operand
//       files (hex bit patterns or decimals). Consecutive lines with the same
//       operation, format, rounding, bank and subarray and consecutive rows
//       become one command over those rows.
//   move <bank> <subarray> <first_row> <count> <src_col> <dst_bank> <dst_subarray> <dst_col> <width>
//   wait
//       until every command issued so far has completed.
// A malformed line is an error naming its line number; the whole file is
// checked before anything runs.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "compute/fp_format.hpp"
#include "compute/fp_program.hpp"
#include "controller/command.hpp"

namespace mrampim {

struct HostOp {
  enum class Kind : std::uint8_t {
    WriteField,  // value into columns [column, column + width) of a row (width a multiple of 8)
    Issue,       // a command
    Barrier,     // wait until everything issued has completed
    CheckField,  // read columns of a row; the value must be `value`
  };
  Kind kind = Kind::Barrier;
  std::uint32_t bank = 0, subarray = 0, row = 0;
  std::uint32_t column = 0, width = 0;
  std::uint64_t value = 0;
  Command command;
  std::string what;  // for messages: the trace line or the workload element
};

struct HostProgram {
  std::string name;
  std::vector<HostOp> ops;
  std::uint64_t fp_operations = 0;  // multiply-accumulates, adds or multiplies the program asks for
};

class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a trace (see above). `shape` is checked too: rows and subarrays must
// exist, formats must be valid. Throws TraceError listing every bad line.
HostProgram read_trace(std::istream& in, const std::string& origin, const PlatformShape& shape);

// c + a x b for `count` random operand sets, spread over every subarray of
// the platform, one command per subarray, results checked.
HostProgram mac_workload(std::uint64_t count, const FpFormat& format, Rounding rounding, const PlatformShape& shape,
                         std::uint64_t seed);

// `count` dot products of length `length`, each over `length` rows of one
// subarray (one dot-product command each), results checked.
HostProgram dot_workload(std::uint32_t count, std::uint32_t length, const FpFormat& format, Rounding rounding,
                         const PlatformShape& shape, std::uint64_t seed);

// C (m x n) = A (m x k) x B (k x n), one output per row: k rounds of writing
// a_ik and b_kj into every output's row, a MAC, and moving the result into
// the accumulator (the result of each MAC rounded, as the in-memory MAC is);
// results checked.
HostProgram gemm_workload(std::uint32_t m, std::uint32_t n, std::uint32_t k, const FpFormat& format, Rounding rounding,
                          const PlatformShape& shape, std::uint64_t seed);

}  // namespace mrampim
