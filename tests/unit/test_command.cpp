// Command descriptors: their encoding and the checks before a command runs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "accelerator/mrampim_regs.h"
#include "analog_tile/analog_command.hpp"
#include "compute/fp_engine.hpp"
#include "compute/fp_program.hpp"
#include "controller/command.hpp"
#include "controller/layer_command.hpp"
#include "support/array_fixture.hpp"

using namespace mrampim;
using Catch::Matchers::Contains;

namespace {

const PlatformShape kShape{2, 4, 1024, 1024, LogicFamily::SotStateful};

Command fp_mac(std::uint32_t first, std::uint32_t count) {
  Command c;
  c.opcode = Opcode::FpMac;
  c.format = FpFormat::fp32();
  c.bank = 1;
  c.subarray = 3;
  c.first_row = first;
  c.row_count = count;
  c.tag = 0xabcd1234;
  return c;
}

Command move(std::uint16_t src_col, std::uint16_t dst_col, std::uint32_t width) {
  Command c;
  c.opcode = Opcode::Move;
  c.bank = 0;
  c.subarray = 1;
  c.first_row = 10;
  c.row_count = 20;
  c.dst_bank = 0;
  c.dst_subarray = 1;
  c.src_col = src_col;
  c.dst_col = dst_col;
  c.width = width;
  return c;
}

}  // namespace

TEST_CASE("A command descriptor is eight little-endian words, and decodes to what was encoded", "[command]") {
  Command c = fp_mac(5, 1000);
  c.rounding = Rounding::Paper;
  const auto bytes = encode_command(c);
  CHECK(bytes[0] == 0x03);  // opcode
  CHECK(bytes[1] == 8);     // Ne
  CHECK(bytes[2] == 23);    // Nm
  CHECK(bytes[3] == 0x01);  // bit 24: paper rounding
  CHECK(bytes[4] == 1);     // bank
  CHECK(bytes[6] == 3);     // subarray
  CHECK(bytes[8] == 5);     // first row
  CHECK(bytes[12] == (1000 & 0xff));
  CHECK(bytes[13] == (1000 >> 8));
  CHECK(bytes[28] == 0x34);  // tag, least significant byte first
  CHECK(bytes[31] == 0xab);
  const Command d = decode_command(bytes);
  CHECK(d.opcode == Opcode::FpMac);
  CHECK(d.format == FpFormat::fp32());
  CHECK(d.rounding == Rounding::Paper);
  CHECK(d.bank == 1);
  CHECK(d.subarray == 3);
  CHECK(d.first_row == 5);
  CHECK(d.row_count == 1000);
  CHECK(d.tag == 0xabcd1234);
  CHECK(encode_command(d) == bytes);
  const Command m = decode_command(encode_command(move(7, 300, 32)));
  CHECK(m.opcode == Opcode::Move);
  CHECK(m.src_col == 7);
  CHECK(m.dst_col == 300);
  CHECK(m.width == 32);
  CHECK(validate(m, kShape) == CommandError::None);
  CHECK(describe(m) == "move columns 7..38 of bank 0 subarray 1 rows 10..29 to bank 0 subarray 1 column 300");
  CHECK(describe(d) == "fp mac fp32 paper on bank 1 subarray 3 rows 5..1004");
}

TEST_CASE("Every refused command gets its error code", "[command]") {
  CHECK(validate(fp_mac(0, 1024), kShape) == CommandError::None);
  CHECK(validate(fp_mac(1023, 1), kShape) == CommandError::None);
  CHECK(validate(fp_mac(0, 0), kShape) == CommandError::RowsOutOfRange);
  CHECK(validate(fp_mac(1, 1024), kShape) == CommandError::RowsOutOfRange);
  CHECK(validate(fp_mac(1024, 1), kShape) == CommandError::RowsOutOfRange);
  CHECK(validate(fp_mac(0xffffffff, 2), kShape) == CommandError::RowsOutOfRange);  // no wrap-around

  auto bytes = encode_command(fp_mac(0, 8));
  bytes[0] = 0x7f;
  const Command unknown = decode_command(bytes);
  CHECK(validate(unknown, kShape) == CommandError::UnknownOpcode);
  CHECK(describe(unknown) == "unknown opcode 0x7f");
  bytes = encode_command(fp_mac(0, 8));
  bytes[3] |= 0x80;
  CHECK(validate(decode_command(bytes), kShape) == CommandError::ReservedBits);

  Command where = fp_mac(0, 8);
  where.bank = 2;
  CHECK(validate(where, kShape) == CommandError::NoSuchSubarray);
  where.bank = 0;
  where.subarray = 4;
  CHECK(validate(where, kShape) == CommandError::NoSuchSubarray);

  for (const auto& [ne, nm] : {std::pair{1, 10}, std::pair{12, 10}, std::pair{8, 0}, std::pair{8, 31}}) {
    Command f = fp_mac(0, 8);
    f.format = FpFormat{std::uint8_t(ne), std::uint8_t(nm)};
    CAPTURE(ne, nm);
    CHECK(validate(f, kShape) == CommandError::FormatUnsupported);
  }

  CHECK(validate(move(0, 100, 0), kShape) == CommandError::ColumnsOutOfRange);
  CHECK(validate(move(1000, 0, 32), kShape) == CommandError::ColumnsOutOfRange);
  CHECK(validate(move(0, 1000, 32), kShape) == CommandError::ColumnsOutOfRange);
  CHECK(validate(move(0, 16, 32), kShape) == CommandError::Overlap);
  CHECK(validate(move(16, 0, 32), kShape) == CommandError::Overlap);
  CHECK(validate(move(0, 32, 32), kShape) == CommandError::None);  // adjacent, not overlapping
  Command other = move(0, 16, 32);
  other.dst_subarray = 2;  // another subarray: the same columns are fine
  CHECK(validate(other, kShape) == CommandError::None);
  other.dst_bank = 5;
  CHECK(validate(other, kShape) == CommandError::NoSuchSubarray);

  Command dot = fp_mac(0, 100);
  dot.opcode = Opcode::Dot;
  CHECK(validate(dot, kShape) == CommandError::None);
  CHECK(validate(decode_command(encode_command(dot)), kShape) == CommandError::None);
  CHECK(describe(dot) == "dot fp32 ieee on bank 1 subarray 3 rows 0..99");
  dot.format = FpFormat{8, 0};
  CHECK(validate(dot, kShape) == CommandError::FormatUnsupported);

  Command nop;
  CHECK(validate(nop, kShape) == CommandError::None);
  CHECK_THAT(std::string(to_string(CommandError::Overlap)), Contains("overlaps"));
}

// mrampim_regs.h is what firmware packs descriptors with: every field read
// with its macros from what encode_command wrote, and written with them into
// what decode_command reads, for a command whose fields all differ.
TEST_CASE("The C header's descriptor fields are encode_command's and decode_command's", "[command]") {
  Command c;
  c.opcode = Opcode::Move;
  c.raw_opcode = std::uint8_t(Opcode::Move);
  c.format = FpFormat{5, 10};
  c.rounding = Rounding::Paper;
  c.bank = 0x1234;
  c.subarray = 0x5678;
  c.first_row = 0x9abcdef0;
  c.row_count = 0x0fedcba9;
  c.dst_bank = 0x2345;
  c.dst_subarray = 0x6789;
  c.src_col = 0x3456;
  c.dst_col = 0x789a;
  c.width = 0x456789ab;
  c.tag = 0xcafef00d;
  const auto bytes = encode_command(c);
  REQUIRE(bytes.size() == MRAMPIM_COMMAND_BYTES);
  std::uint32_t w[MRAMPIM_COMMAND_WORDS];
  for (std::size_t i = 0; i < MRAMPIM_COMMAND_WORDS; ++i) {
    w[i] = std::uint32_t(bytes[4 * i]) | std::uint32_t(bytes[4 * i + 1]) << 8 | std::uint32_t(bytes[4 * i + 2]) << 16 |
           std::uint32_t(bytes[4 * i + 3]) << 24;
  }
  CHECK(MRAMPIM_GET(w[MRAMPIM_CMD_WORD_OP], MRAMPIM_CMD_OPCODE) == MRAMPIM_OP_MOVE);
  CHECK(MRAMPIM_GET(w[MRAMPIM_CMD_WORD_OP], MRAMPIM_CMD_NE) == 5);
  CHECK(MRAMPIM_GET(w[MRAMPIM_CMD_WORD_OP], MRAMPIM_CMD_NM) == 10);
  CHECK(MRAMPIM_GET(w[MRAMPIM_CMD_WORD_OP], MRAMPIM_CMD_ROUNDING) == MRAMPIM_ROUNDING_PAPER);
  CHECK(MRAMPIM_GET(w[MRAMPIM_CMD_WORD_OP], MRAMPIM_CMD_RESERVED) == 0);
  CHECK(MRAMPIM_GET(w[MRAMPIM_CMD_WORD_WHERE], MRAMPIM_CMD_BANK) == 0x1234);
  CHECK(MRAMPIM_GET(w[MRAMPIM_CMD_WORD_WHERE], MRAMPIM_CMD_SUBARRAY) == 0x5678);
  CHECK(w[MRAMPIM_CMD_WORD_FIRST_ROW] == 0x9abcdef0);
  CHECK(w[MRAMPIM_CMD_WORD_ROW_COUNT] == 0x0fedcba9);
  CHECK(MRAMPIM_GET(w[MRAMPIM_CMD_WORD_DST], MRAMPIM_CMD_DST_BANK) == 0x2345);
  CHECK(MRAMPIM_GET(w[MRAMPIM_CMD_WORD_DST], MRAMPIM_CMD_DST_SUBARRAY) == 0x6789);
  CHECK(MRAMPIM_GET(w[MRAMPIM_CMD_WORD_COLUMNS], MRAMPIM_CMD_SRC_COL) == 0x3456);
  CHECK(MRAMPIM_GET(w[MRAMPIM_CMD_WORD_COLUMNS], MRAMPIM_CMD_DST_COL) == 0x789a);
  CHECK(MRAMPIM_GET(w[MRAMPIM_CMD_WORD_WIDTH], MRAMPIM_CMD_WIDTH) == 0x456789ab);
  CHECK(w[MRAMPIM_CMD_WORD_TAG] == 0xcafef00d);

  // The other way: words packed with the macros decode to the fields.
  std::array<std::uint8_t, kCommandBytes> packed{};
  auto put = [&](std::uint32_t i, std::uint32_t v) {
    for (std::uint32_t k = 0; k < 4; ++k) packed[4 * i + k] = std::uint8_t(v >> (8 * k));
  };
  put(MRAMPIM_CMD_WORD_OP, MRAMPIM_PUT(MRAMPIM_CMD_OPCODE, MRAMPIM_OP_FP_ADD) | MRAMPIM_PUT(MRAMPIM_CMD_NE, 8) |
                               MRAMPIM_PUT(MRAMPIM_CMD_NM, 7) | MRAMPIM_PUT(MRAMPIM_CMD_ROUNDING, MRAMPIM_ROUNDING_IEEE));
  put(MRAMPIM_CMD_WORD_WHERE, MRAMPIM_PUT(MRAMPIM_CMD_BANK, 3) | MRAMPIM_PUT(MRAMPIM_CMD_SUBARRAY, 9));
  put(MRAMPIM_CMD_WORD_FIRST_ROW, 17);
  put(MRAMPIM_CMD_WORD_ROW_COUNT, 40);
  put(MRAMPIM_CMD_WORD_TAG, 77);
  const Command d = decode_command(packed);
  CHECK(d.opcode == Opcode::FpAdd);
  CHECK(d.format == FpFormat::bf16());
  CHECK(d.rounding == Rounding::Ieee);
  CHECK(d.bank == 3);
  CHECK(d.subarray == 9);
  CHECK(d.first_row == 17);
  CHECK(d.row_count == 40);
  CHECK(d.tag == 77);
  CHECK_FALSE(d.reserved_bits_set);
  put(MRAMPIM_CMD_WORD_OP, MRAMPIM_PUT(MRAMPIM_CMD_RESERVED, 0x40));
  CHECK(decode_command(packed).reserved_bits_set);
}

TEST_CASE("The C header's layer and analog words are the builders' and decoders'", "[command]") {
  Command fc = fc_forward_command(11, 22, 33, 44, 784, 10, 64);
  fc.format = FpFormat::fp32();
  fc.tag = 5;
  const auto b = encode_command(fc);
  auto word = [&](std::uint32_t i) {
    return std::uint32_t(b[4 * i]) | std::uint32_t(b[4 * i + 1]) << 8 | std::uint32_t(b[4 * i + 2]) << 16 |
           std::uint32_t(b[4 * i + 3]) << 24;
  };
  CHECK(MRAMPIM_GET(word(0), MRAMPIM_CMD_OPCODE) == MRAMPIM_OP_FC_FORWARD);
  CHECK(word(MRAMPIM_LAYER_WORD_T0) == 11);
  CHECK(word(MRAMPIM_LAYER_WORD_T1) == 22);
  CHECK(word(MRAMPIM_LAYER_WORD_T2) == 33);
  CHECK(word(MRAMPIM_LAYER_WORD_T3) == 44);
  CHECK(word(MRAMPIM_LAYER_WORD_SHAPE) == MRAMPIM_LAYER_FC_SHAPE(784, 10));
  CHECK(MRAMPIM_GET(word(MRAMPIM_LAYER_WORD_SHAPE), MRAMPIM_LAYER_IN) == 784);
  CHECK(MRAMPIM_GET(word(MRAMPIM_LAYER_WORD_SHAPE), MRAMPIM_LAYER_OUT) == 10);
  CHECK(word(MRAMPIM_LAYER_WORD_KERNEL_BATCH) == MRAMPIM_LAYER_KERNEL_BATCH(0, 64));

  const Command conv = conv_forward_command(1, 2, 3, 4, 3, 28, 27, 6, 5, 200);
  CHECK(conv.args[MRAMPIM_LAYER_WORD_SHAPE - 1] == MRAMPIM_LAYER_CONV_SHAPE(3, 28, 27, 6));
  CHECK(conv.args[MRAMPIM_LAYER_WORD_KERNEL_BATCH - 1] == MRAMPIM_LAYER_KERNEL_BATCH(5, 200));
  Command packed;
  packed.opcode = Opcode::ConvForward;
  packed.args[MRAMPIM_LAYER_WORD_SHAPE - 1] = MRAMPIM_LAYER_CONV_SHAPE(4, 9, 8, 7);
  packed.args[MRAMPIM_LAYER_WORD_KERNEL_BATCH - 1] = MRAMPIM_LAYER_KERNEL_BATCH(3, 1000);
  const LayerShape s = layer_shape(packed);
  CHECK(s.cin == 4);
  CHECK(s.h == 9);
  CHECK(s.w == 8);
  CHECK(s.cout == 7);
  CHECK(s.k == 3);
  CHECK(s.batch == 1000);
  const Command sgd = sgd_command(100, 200, 50, 0xbc23d70a);
  CHECK(sgd.args[MRAMPIM_LAYER_WORD_NEG_LR - 1] == 0xbc23d70a);
  CHECK(MRAMPIM_GET(sgd.args[MRAMPIM_LAYER_WORD_SHAPE - 1], MRAMPIM_LAYER_COUNT) == 50);

  const TensorGeometry g = tensor_geometry(FpFormat::fp32(), 1024);
  CHECK(g.words_per_row == MRAMPIM_WORDS_PER_ROW(1024, 32));
  CHECK(g.words_per_row == 32);
  CHECK(g.rows(65) == MRAMPIM_TENSOR_ROWS(65, 32));
  CHECK(tensor_geometry(FpFormat::bf16(), 1000).words_per_row == MRAMPIM_WORDS_PER_ROW(1000, MRAMPIM_FP_WIDTH(8, 7)));

  const Command prog = analog_program_command({10, 20, 0.5f, 2.0f});
  CHECK(prog.args[MRAMPIM_ANALOG_WORD_W1_ROW - 1] == 10);
  CHECK(prog.args[MRAMPIM_ANALOG_WORD_W2_ROW - 1] == 20);
  CHECK(prog.args[MRAMPIM_ANALOG_WORD_SCALE1 - 1] == float_word(0.5f));
  CHECK(prog.args[MRAMPIM_ANALOG_WORD_SCALE2 - 1] == float_word(2.0f));
  const Command infer = analog_infer_command({30, 4, 40});
  CHECK(infer.args[MRAMPIM_ANALOG_WORD_IMAGES_ROW - 1] == 30);
  CHECK(infer.args[MRAMPIM_ANALOG_WORD_COUNT - 1] == 4);
  CHECK(infer.args[MRAMPIM_ANALOG_WORD_RESULTS_ROW - 1] == 40);
  CHECK(MRAMPIM_GET(encode_command(infer)[0], MRAMPIM_CMD_OPCODE) == MRAMPIM_OP_ANALOG_INFER);
}

// The row layout firmware places operands by is the compute layer's column
// map, for every operation and a spread of formats.
TEST_CASE("The C header's fp row layout is the compute layer's column map", "[command]") {
  for (const FpFormat& f : {FpFormat::fp32(), FpFormat::fp16(), FpFormat::bf16(), FpFormat{2, 1}, FpFormat{11, 30}}) {
    const std::uint32_t w = MRAMPIM_FP_WIDTH(f.ne, f.nm);
    REQUIRE(w == f.width());
    for (const auto& [op, opcode] : {std::pair{FpOp::Add, MRAMPIM_OP_FP_ADD}, std::pair{FpOp::Mul, MRAMPIM_OP_FP_MUL},
                                     std::pair{FpOp::Mac, MRAMPIM_OP_FP_MAC}}) {
      CAPTURE(f.name(), to_string(op));
      const FpLayout l = fp_operand_layout(op, f, Rounding::Ieee);
      CHECK(l.a.first == MRAMPIM_FP_A_COL(w));
      CHECK(l.b.first == MRAMPIM_FP_B_COL(w));
      if (op == FpOp::Mac) CHECK(l.c.first == MRAMPIM_FP_C_COL(w));
      CHECK(l.result.first == MRAMPIM_FP_RESULT_COL(opcode, w));
      CHECK(l.scratch_first == MRAMPIM_FP_SCRATCH_COL(opcode, w));
    }
    // A dot product: the multiply's result columns hold its sum.
    CHECK(fp_operand_layout(FpOp::Mul, f, Rounding::Ieee).result.first == MRAMPIM_FP_RESULT_COL(MRAMPIM_OP_DOT, w));
  }
  CHECK(MRAMPIM_FP_RESULT_COL(MRAMPIM_OP_FP_MAC, 32) == 96);  // bytes 12-15 of the row
  CHECK(MRAMPIM_ROW_BYTES(1024) == 128);
  CHECK(MRAMPIM_ROW_BYTES(1000) == 128);
}

// Firmware keeps its own data past the scratch: the programs the controller
// builds end their scratch where the header says, and a program run on
// arbitrary cells changes no column outside [result, scratch end).
TEST_CASE("fp commands write only their result and scratch columns, up to the header's scratch end", "[command]") {
  const FpFormat f = FpFormat::fp32();
  const std::uint32_t w = f.width();
  struct Case {
    FpOp op;
    std::uint32_t opcode, end;
  };
  const Case cases[] = {{FpOp::Add, MRAMPIM_OP_FP_ADD, MRAMPIM_SOT_FP32_ADD_SCRATCH_END},
                        {FpOp::Mul, MRAMPIM_OP_FP_MUL, MRAMPIM_SOT_FP32_MUL_SCRATCH_END},
                        {FpOp::Mac, MRAMPIM_OP_FP_MAC, MRAMPIM_SOT_FP32_MAC_SCRATCH_END}};
  for (const char* tech : {"sot-mram-1t1r", "sot-mram-fast", "stt-mram-seed", "reram-floatpim"}) {
    test::ArrayFixture fx(tech);
    const bool sot = fx.tech.family == LogicFamily::SotStateful;
    for (const Case& k : cases) {
      for (const Rounding r : {Rounding::Ieee, Rounding::Paper}) {
        CAPTURE(tech, to_string(k.op), to_string(r));
        const FpProgram p = build_fp_program(k.op, f, r, ArrayShape::of(fx.tech));
        const std::uint32_t end = p.layout.scratch_first + p.layout.scratch_cells;
        if (sot && r == Rounding::Ieee) CHECK(end == k.end);
        if (sot) CHECK(end <= k.end);
        if (!sot && k.op == FpOp::Mac && r == Rounding::Ieee) CHECK(end == 870);
        std::mt19937_64 rng(11);
        fx.randomise(rng);
        const std::vector<std::uint64_t> before = fx.snapshot();
        run_fp_rows(fx.array, p.program, 0, fx.array.rows());
        const std::vector<std::uint64_t> after = fx.snapshot();
        const std::size_t words = fx.array.words_per_column();
        std::uint32_t lowest = fx.array.cols(), highest = 0;
        for (std::uint32_t col = 0; col < fx.array.cols(); ++col) {
          for (std::size_t i = 0; i < words; ++i) {
            if (before[col * words + i] != after[col * words + i]) {
              lowest = std::min(lowest, col);
              highest = std::max(highest, col);
            }
          }
        }
        CHECK(lowest >= MRAMPIM_FP_RESULT_COL(k.opcode, w));
        CHECK(highest < end);
      }
    }
  }
  // A dot product runs the multiply over its rows and the add over some.
  CHECK(MRAMPIM_SOT_FP32_DOT_SCRATCH_END ==
        std::max(MRAMPIM_SOT_FP32_MUL_SCRATCH_END, MRAMPIM_SOT_FP32_ADD_SCRATCH_END));
}

// The numbers the firmware and the model share, as docs/accelerator.md
// tables them: a changed value must change the docs too.
TEST_CASE("Opcodes, error codes and registers keep their documented values", "[command]") {
  CHECK(std::uint8_t(Opcode::FpMac) == 0x03);
  CHECK(std::uint8_t(Opcode::Move) == 0x10);
  CHECK(std::uint8_t(Opcode::SgdUpdate) == 0x2A);
  CHECK(std::uint8_t(Opcode::AnalogInfer) == 0x31);
  CHECK(std::uint8_t(CommandError::AnalogNotProgrammed) == 14);
  CHECK(MRAMPIM_REG_ANALOG_CLASS == 0x54);
  CHECK(MRAMPIM_CONTROL_RESET == 0x10000);
  CHECK(MRAMPIM_DATA_BASE == 0x01000000);
}
