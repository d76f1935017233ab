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
// analog_tile/analog_command.hpp. The numbers (opcodes, error codes, fields,
// the row layouts) are defined once, in accelerator/mrampim_regs.h, the C
// header firmware uses.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "accelerator/mrampim_regs.h"
#include "compute/fp_format.hpp"
#include "compute/fp_program.hpp"
#include "tech/technology.hpp"

namespace mrampim {

enum class Opcode : std::uint8_t {
  Nop = MRAMPIM_OP_NOP,
  FpAdd = MRAMPIM_OP_FP_ADD,  // result = a + b on every row of the range
  FpMul = MRAMPIM_OP_FP_MUL,  // result = a x b
  FpMac = MRAMPIM_OP_FP_MAC,  // result = c + a x b
  Dot = MRAMPIM_OP_DOT,       // the sum of a x b over the row range, into the first row's result field
  Move = MRAMPIM_OP_MOVE,     // copy a column field of the row range to another subarray
  // Layer commands (layer_command.hpp): tensors in the data window, lanes in the lane pool.
  ConvForward = MRAMPIM_OP_CONV_FORWARD,
  ConvWeightGrad = MRAMPIM_OP_CONV_WEIGHT_GRAD,
  ConvInputGrad = MRAMPIM_OP_CONV_INPUT_GRAD,
  FcForward = MRAMPIM_OP_FC_FORWARD,
  FcWeightGrad = MRAMPIM_OP_FC_WEIGHT_GRAD,
  FcInputGrad = MRAMPIM_OP_FC_INPUT_GRAD,
  Relu = MRAMPIM_OP_RELU,
  ReluBackward = MRAMPIM_OP_RELU_BACKWARD,
  PoolForward = MRAMPIM_OP_POOL_FORWARD,
  PoolBackward = MRAMPIM_OP_POOL_BACKWARD,
  SgdUpdate = MRAMPIM_OP_SGD_UPDATE,
  // The analog tile (analog_tile/analog_mlp_tile.hpp): tensors of fp32 words
  // in the data window, words 1-4 as analog_command.hpp reads them.
  AnalogProgram = MRAMPIM_OP_ANALOG_PROGRAM,  // write a binarized MLP's weights into the tile
  AnalogInfer = MRAMPIM_OP_ANALOG_INFER,      // classify images in the tile, one analog cycle each
};
const char* to_string(Opcode op);
inline bool is_layer_opcode(Opcode op) {
  return std::uint8_t(op) >= MRAMPIM_OP_LAYER_FIRST && std::uint8_t(op) <= MRAMPIM_OP_LAYER_LAST;
}
inline bool is_analog_opcode(Opcode op) { return op == Opcode::AnalogProgram || op == Opcode::AnalogInfer; }

// What the status register reports when a command is refused. A refused
// command changes no row.
enum class CommandError : std::uint8_t {
  None = MRAMPIM_ERR_NONE,
  UnknownOpcode = MRAMPIM_ERR_UNKNOWN_OPCODE,          // word 0's opcode is not one of Opcode's
  NoSuchSubarray = MRAMPIM_ERR_NO_SUCH_SUBARRAY,       // bank or subarray (source or destination) outside the platform
  RowsOutOfRange = MRAMPIM_ERR_ROWS_OUT_OF_RANGE,      // an empty range, or one past the last row
  Overlap = MRAMPIM_ERR_OVERLAP,                       // a move within one subarray onto its own source columns
  FormatUnsupported = MRAMPIM_ERR_FORMAT_UNSUPPORTED,  // Ne, Nm not a valid format, or the row too narrow for its program
  ColumnsOutOfRange = MRAMPIM_ERR_COLUMNS_OUT_OF_RANGE,  // a move's field past the last column, or of width 0
  ReservedBits = MRAMPIM_ERR_RESERVED_BITS,            // a bit that must be zero is not
  ShapeInvalid = MRAMPIM_ERR_SHAPE_INVALID,  // a layer command's shape does not work out (a zero size, a kernel past the input, odd pooling)
  TensorOutOfRange = MRAMPIM_ERR_TENSOR_OUT_OF_RANGE,  // a layer command's tensor runs past the data window
  NoLanePool = MRAMPIM_ERR_NO_LANE_POOL,               // a layer command with no lane pool, or a pool past the platform
  TensorInLanePool = MRAMPIM_ERR_TENSOR_IN_LANE_POOL,  // a layer command's tensor lies in the lane pool
  NoAnalogTile = MRAMPIM_ERR_NO_ANALOG_TILE,           // an analog command on a platform without the analog tile
  AnalogWeights = MRAMPIM_ERR_ANALOG_WEIGHTS,  // a weight that is not +1 or -1, or a layer scale that is not a positive number
  AnalogNotProgrammed = MRAMPIM_ERR_ANALOG_NOT_PROGRAMMED,  // an inference before the tile holds weights
};
const char* to_string(CommandError e);

inline constexpr std::size_t kCommandBytes = MRAMPIM_COMMAND_BYTES;

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
