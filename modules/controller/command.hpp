// The accelerator's commands: what a host writes into the command queue, as a
// 32-byte descriptor of eight little-endian 32-bit words, and the checks a
// command passes before it may touch a row.
//
//   word 0  bits 0-7 opcode, 8-15 Ne, 16-23 Nm, bit 24 rounding (0 ieee,
//           1 paper), bits 25-31 zero
//   word 1  bits 0-15 bank, 16-31 subarray        (where the command works)
//   word 2  first row
//   word 3  row count
//   word 4  bits 0-15 destination bank, 16-31 destination subarray (move)
//   word 5  bits 0-15 source column, 16-31 destination column        (move)
//   word 6  width in columns                                         (move)
//   word 7  tag: the host's number for the command, echoed in status
//
// Floating-point commands take their operands where the compute layer's
// column map puts them (docs/floating-point.md): a in columns [0, w), b in
// [w, 2w), c (MAC) in [2w, 3w), the result right after, w = 1 + Ne + Nm.
// A dot product leaves its sum in columns [2w, 3w) of its first row, and
// uses the a and b columns of its rows for partial sums (see controller.hpp).
// Layer commands (opcodes 0x20-0x2A) read words 1-6 their own way:
// layer_command.hpp; the analog tile's (0x30, 0x31) too:
// analog_tile/analog_command.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "compute/fp_format.hpp"
#include "compute/fp_program.hpp"
#include "tech/technology.hpp"

namespace mrampim {

enum class Opcode : std::uint8_t {
  Nop = 0x00,
  FpAdd = 0x01,  // result = a + b on every row of the range
  FpMul = 0x02,  // result = a x b
  FpMac = 0x03,  // result = c + a x b
  Dot = 0x04,    // the sum of a x b over the row range, into the first row's result field
  Move = 0x10,   // copy a column field of the row range to another subarray
  // Layer commands (layer_command.hpp): tensors in the data window, lanes in the lane pool.
  ConvForward = 0x20,
  ConvWeightGrad = 0x21,
  ConvInputGrad = 0x22,
  FcForward = 0x23,
  FcWeightGrad = 0x24,
  FcInputGrad = 0x25,
  Relu = 0x26,
  ReluBackward = 0x27,
  PoolForward = 0x28,
  PoolBackward = 0x29,
  SgdUpdate = 0x2A,
  // The analog tile (analog_tile/analog_mlp_tile.hpp): tensors of fp32 words
  // in the data window, words 1-4 as analog_command.hpp reads them.
  AnalogProgram = 0x30,  // write a binarized MLP's weights into the tile
  AnalogInfer = 0x31,    // classify images in the tile, one analog cycle each
};
const char* to_string(Opcode op);
inline bool is_layer_opcode(Opcode op) { return std::uint8_t(op) >= 0x20 && std::uint8_t(op) <= 0x2A; }
inline bool is_analog_opcode(Opcode op) { return op == Opcode::AnalogProgram || op == Opcode::AnalogInfer; }

// What the status register reports when a command is refused. A refused
// command changes no row.
enum class CommandError : std::uint8_t {
  None = 0,
  UnknownOpcode = 1,     // word 0's opcode is not one of Opcode's
  NoSuchSubarray = 2,    // bank or subarray (source or destination) outside the platform
  RowsOutOfRange = 3,    // an empty range, or one past the last row
  Overlap = 4,           // a move within one subarray onto its own source columns
  FormatUnsupported = 5, // Ne, Nm not a valid format, or the row too narrow for its program
  ColumnsOutOfRange = 6, // a move's field past the last column, or of width 0
  ReservedBits = 7,      // a bit that must be zero is not
  ShapeInvalid = 8,      // a layer command's shape does not work out (a zero size, a kernel past the input, odd pooling)
  TensorOutOfRange = 9,  // a layer command's tensor runs past the data window
  NoLanePool = 10,       // a layer command with no lane pool, or a pool past the platform
  TensorInLanePool = 11, // a layer command's tensor lies in the lane pool
  NoAnalogTile = 12,     // an analog command on a platform without the analog tile
  AnalogWeights = 13,    // a weight that is not +1 or -1, or a layer scale that is not a positive number
  AnalogNotProgrammed = 14,  // an inference before the tile holds weights
};
const char* to_string(CommandError e);

inline constexpr std::size_t kCommandBytes = 32;

struct Command {
  Opcode opcode = Opcode::Nop;
  std::uint8_t raw_opcode = 0;  // as written, for an unknown one
  FpFormat format;
  Rounding rounding = Rounding::Ieee;
  std::uint16_t bank = 0, subarray = 0;
  std::uint32_t first_row = 0, row_count = 0;
  std::uint16_t dst_bank = 0, dst_subarray = 0;
  std::uint16_t src_col = 0, dst_col = 0;
  std::uint32_t width = 0;
  std::uint32_t tag = 0;
  bool reserved_bits_set = false;
  // Words 1-6 as written: what a layer command reads (layer_command.hpp).
  std::array<std::uint32_t, 6> args{};

  bool is_fp() const {
    return opcode == Opcode::FpAdd || opcode == Opcode::FpMul || opcode == Opcode::FpMac || opcode == Opcode::Dot;
  }
  bool is_layer() const { return is_layer_opcode(opcode); }
  bool is_analog() const { return is_analog_opcode(opcode); }
  FpOp fp_op() const { return opcode == Opcode::FpAdd ? FpOp::Add : opcode == Opcode::FpMul ? FpOp::Mul : FpOp::Mac; }
};

// Reads a descriptor; never fails (an unknown opcode is kept for validate()).
Command decode_command(const std::array<std::uint8_t, kCommandBytes>& bytes);
std::array<std::uint8_t, kCommandBytes> encode_command(const Command& c);

// The platform a command is checked against.
struct PlatformShape {
  std::uint32_t banks = 1;
  std::uint32_t subarrays_per_bank = 1;
  std::uint32_t rows = 0, cols = 0;
  LogicFamily family = LogicFamily::SotStateful;
};

// The first thing wrong with the command on this platform, or None. Whether
// a valid format's program fits the row is known only by building it: the
// controller, which builds and caches the programs, reports
// FormatUnsupported when it does not.
CommandError validate(const Command& c, const PlatformShape& p);

// Human-readable description, e.g. "fp mac fp32 ieee on bank 0 subarray 1 rows 0..1023".
std::string describe(const Command& c);

}  // namespace mrampim
