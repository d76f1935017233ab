#include "controller/command.hpp"

#include <cstdio>

namespace mrampim {

const char* to_string(CommandError e) {
  switch (e) {
    case CommandError::None: return "none";
    case CommandError::UnknownOpcode: return "unknown opcode";
    case CommandError::NoSuchSubarray: return "no such bank or subarray";
    case CommandError::RowsOutOfRange: return "row range outside the subarray";
    case CommandError::Overlap: return "destination overlaps the source";
    case CommandError::FormatUnsupported: return "format the subarray cannot hold";
    case CommandError::ColumnsOutOfRange: return "column field outside the row";
    case CommandError::ReservedBits: return "reserved bits set";
    case CommandError::ShapeInvalid: return "layer shape invalid";
    case CommandError::TensorOutOfRange: return "tensor outside the data window";
    case CommandError::NoLanePool: return "no lane pool on the platform";
    case CommandError::TensorInLanePool: return "tensor inside the lane pool";
    case CommandError::NoAnalogTile: return "no analog tile on the platform";
    case CommandError::AnalogWeights: return "analog weights not +1/-1 or scales not positive";
    case CommandError::AnalogNotProgrammed: return "analog tile not programmed";
  }
  return "?";
}

const char* to_string(Opcode op) {
  switch (op) {
    case Opcode::Nop: return "nop";
    case Opcode::FpAdd: return "fp add";
    case Opcode::FpMul: return "fp mul";
    case Opcode::FpMac: return "fp mac";
    case Opcode::Dot: return "dot";
    case Opcode::Move: return "move";
    case Opcode::ConvForward: return "conv forward";
    case Opcode::ConvWeightGrad: return "conv weight grad";
    case Opcode::ConvInputGrad: return "conv input grad";
    case Opcode::FcForward: return "fc forward";
    case Opcode::FcWeightGrad: return "fc weight grad";
    case Opcode::FcInputGrad: return "fc input grad";
    case Opcode::Relu: return "relu";
    case Opcode::ReluBackward: return "relu backward";
    case Opcode::PoolForward: return "max-pool forward";
    case Opcode::PoolBackward: return "max-pool backward";
    case Opcode::SgdUpdate: return "sgd update";
    case Opcode::AnalogProgram: return "analog program";
    case Opcode::AnalogInfer: return "analog infer";
  }
  return "?";
}

namespace {

std::uint32_t word(const std::array<std::uint8_t, kCommandBytes>& b, std::size_t i) {
  return std::uint32_t(b[4 * i]) | std::uint32_t(b[4 * i + 1]) << 8 | std::uint32_t(b[4 * i + 2]) << 16 |
         std::uint32_t(b[4 * i + 3]) << 24;
}

void put(std::array<std::uint8_t, kCommandBytes>& b, std::size_t i, std::uint32_t v) {
  for (std::size_t k = 0; k < 4; ++k) b[4 * i + k] = std::uint8_t(v >> (8 * k));
}

bool known(std::uint8_t op) {
  switch (Opcode(op)) {
    case Opcode::Nop:
    case Opcode::FpAdd:
    case Opcode::FpMul:
    case Opcode::FpMac:
    case Opcode::Dot:
    case Opcode::Move:
    case Opcode::ConvForward:
    case Opcode::ConvWeightGrad:
    case Opcode::ConvInputGrad:
    case Opcode::FcForward:
    case Opcode::FcWeightGrad:
    case Opcode::FcInputGrad:
    case Opcode::Relu:
    case Opcode::ReluBackward:
    case Opcode::PoolForward:
    case Opcode::PoolBackward:
    case Opcode::SgdUpdate:
    case Opcode::AnalogProgram:
    case Opcode::AnalogInfer: return true;
  }
  return false;
}

}  // namespace

// The fields' places are mrampim_regs.h's: the firmware's driver packs them
// with the same macros.
Command decode_command(const std::array<std::uint8_t, kCommandBytes>& bytes) {
  Command c;
  const std::uint32_t w0 = word(bytes, MRAMPIM_CMD_WORD_OP);
  c.raw_opcode = std::uint8_t(MRAMPIM_GET(w0, MRAMPIM_CMD_OPCODE));
  c.opcode = known(c.raw_opcode) ? Opcode(c.raw_opcode) : Opcode::Nop;
  c.format = FpFormat{std::uint8_t(MRAMPIM_GET(w0, MRAMPIM_CMD_NE)), std::uint8_t(MRAMPIM_GET(w0, MRAMPIM_CMD_NM))};
  c.rounding = MRAMPIM_GET(w0, MRAMPIM_CMD_ROUNDING) == MRAMPIM_ROUNDING_PAPER ? Rounding::Paper : Rounding::Ieee;
  c.reserved_bits_set = MRAMPIM_GET(w0, MRAMPIM_CMD_RESERVED) != 0;
  const std::uint32_t where = word(bytes, MRAMPIM_CMD_WORD_WHERE), dst = word(bytes, MRAMPIM_CMD_WORD_DST);
  const std::uint32_t cols = word(bytes, MRAMPIM_CMD_WORD_COLUMNS);
  c.bank = std::uint16_t(MRAMPIM_GET(where, MRAMPIM_CMD_BANK));
  c.subarray = std::uint16_t(MRAMPIM_GET(where, MRAMPIM_CMD_SUBARRAY));
  c.first_row = word(bytes, MRAMPIM_CMD_WORD_FIRST_ROW);
  c.row_count = word(bytes, MRAMPIM_CMD_WORD_ROW_COUNT);
  c.dst_bank = std::uint16_t(MRAMPIM_GET(dst, MRAMPIM_CMD_DST_BANK));
  c.dst_subarray = std::uint16_t(MRAMPIM_GET(dst, MRAMPIM_CMD_DST_SUBARRAY));
  c.src_col = std::uint16_t(MRAMPIM_GET(cols, MRAMPIM_CMD_SRC_COL));
  c.dst_col = std::uint16_t(MRAMPIM_GET(cols, MRAMPIM_CMD_DST_COL));
  c.width = MRAMPIM_GET(word(bytes, MRAMPIM_CMD_WORD_WIDTH), MRAMPIM_CMD_WIDTH);
  c.tag = word(bytes, MRAMPIM_CMD_WORD_TAG);
  for (std::size_t i = 0; i < c.args.size(); ++i) c.args[i] = word(bytes, i + 1);
  return c;
}

std::array<std::uint8_t, kCommandBytes> encode_command(const Command& c) {
  std::array<std::uint8_t, kCommandBytes> b{};
  const std::uint8_t op = known(c.raw_opcode) || c.raw_opcode == 0 ? std::uint8_t(c.opcode) : c.raw_opcode;
  put(b, MRAMPIM_CMD_WORD_OP,
      MRAMPIM_PUT(MRAMPIM_CMD_OPCODE, op) | MRAMPIM_PUT(MRAMPIM_CMD_NE, c.format.ne) |
          MRAMPIM_PUT(MRAMPIM_CMD_NM, c.format.nm) |
          MRAMPIM_PUT(MRAMPIM_CMD_ROUNDING,
                      c.rounding == Rounding::Paper ? MRAMPIM_ROUNDING_PAPER : MRAMPIM_ROUNDING_IEEE) |
          (c.reserved_bits_set ? MRAMPIM_PUT(MRAMPIM_CMD_RESERVED, 1u) : 0u));
  if (c.is_layer() || c.is_analog()) {
    for (std::size_t i = 0; i < c.args.size(); ++i) put(b, i + 1, c.args[i]);
  } else {
    put(b, MRAMPIM_CMD_WORD_WHERE, MRAMPIM_PUT(MRAMPIM_CMD_BANK, c.bank) | MRAMPIM_PUT(MRAMPIM_CMD_SUBARRAY, c.subarray));
    put(b, MRAMPIM_CMD_WORD_FIRST_ROW, c.first_row);
    put(b, MRAMPIM_CMD_WORD_ROW_COUNT, c.row_count);
    put(b, MRAMPIM_CMD_WORD_DST,
        MRAMPIM_PUT(MRAMPIM_CMD_DST_BANK, c.dst_bank) | MRAMPIM_PUT(MRAMPIM_CMD_DST_SUBARRAY, c.dst_subarray));
    put(b, MRAMPIM_CMD_WORD_COLUMNS,
        MRAMPIM_PUT(MRAMPIM_CMD_SRC_COL, c.src_col) | MRAMPIM_PUT(MRAMPIM_CMD_DST_COL, c.dst_col));
    put(b, MRAMPIM_CMD_WORD_WIDTH, MRAMPIM_PUT(MRAMPIM_CMD_WIDTH, c.width));
  }
  put(b, MRAMPIM_CMD_WORD_TAG, c.tag);
  return b;
}

CommandError validate(const Command& c, const PlatformShape& p) {
  if (!known(c.raw_opcode)) return CommandError::UnknownOpcode;
  if (c.reserved_bits_set) return CommandError::ReservedBits;
  if (c.opcode == Opcode::Nop) return CommandError::None;
  if (c.is_analog()) return CommandError::None;  // the tile checks its own (AcceleratorCore)
  if (c.is_layer()) {
    // Lanes hold words of at most 32 bits; the rest is validate_layer's.
    if (c.format.ne < 2 || c.format.ne > 11 || c.format.nm < 1 || c.format.nm > 30 || c.format.width() > 32) {
      return CommandError::FormatUnsupported;
    }
    return CommandError::None;
  }
  if (c.bank >= p.banks || c.subarray >= p.subarrays_per_bank) return CommandError::NoSuchSubarray;
  if (c.row_count == 0 || c.first_row >= p.rows || c.row_count > p.rows - c.first_row) {
    return CommandError::RowsOutOfRange;
  }
  if (c.is_fp()) {
    // The compute layer's formats: 2 <= Ne <= 11, 1 <= Nm <= 30.
    if (c.format.ne < 2 || c.format.ne > 11 || c.format.nm < 1 || c.format.nm > 30) {
      return CommandError::FormatUnsupported;
    }
    return CommandError::None;
  }
  // Move.
  if (c.dst_bank >= p.banks || c.dst_subarray >= p.subarrays_per_bank) return CommandError::NoSuchSubarray;
  if (c.width == 0 || c.width > p.cols || c.src_col > p.cols - c.width || c.dst_col > p.cols - c.width) {
    return CommandError::ColumnsOutOfRange;
  }
  if (c.bank == c.dst_bank && c.subarray == c.dst_subarray && c.src_col < c.dst_col + c.width &&
      c.dst_col < c.src_col + c.width) {
    return CommandError::Overlap;
  }
  return CommandError::None;
}

namespace {
std::string to_hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}
}  // namespace

std::string describe(const Command& c) {
  if (!known(c.raw_opcode)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "unknown opcode 0x%02x", unsigned(c.raw_opcode));
    return buf;
  }
  std::string where = "bank " + std::to_string(c.bank) + " subarray " + std::to_string(c.subarray) + " rows " +
                      std::to_string(c.first_row) + ".." + std::to_string(std::uint64_t(c.first_row) + c.row_count - 1);
  if (c.is_analog()) {
    std::string s = to_string(c.opcode);
    for (std::size_t i = 0; i < 4; ++i) s += " " + std::to_string(c.args[i]);
    return s;
  }
  if (c.is_layer()) {
    std::string s = std::string(to_string(c.opcode)) + " " + c.format.name() + " " + to_string(c.rounding) + " on rows";
    for (std::size_t i = 0; i < 4; ++i) s += " " + std::to_string(c.args[i]);
    return s + " shape 0x" + to_hex32(c.args[4]) + " 0x" + to_hex32(c.args[5]);
  }
  switch (c.opcode) {
    case Opcode::Nop: return "nop";
    case Opcode::Dot: return "dot " + c.format.name() + " " + to_string(c.rounding) + " on " + where;
    case Opcode::Move:
      return "move columns " + std::to_string(c.src_col) + ".." + std::to_string(c.src_col + c.width - 1) + " of " +
             where + " to bank " + std::to_string(c.dst_bank) + " subarray " + std::to_string(c.dst_subarray) +
             " column " + std::to_string(c.dst_col);
    default:
      return std::string("fp ") + to_string(c.fp_op()) + " " + c.format.name() + " " + to_string(c.rounding) +
             " on " + where;
  }
}

}  // namespace mrampim
