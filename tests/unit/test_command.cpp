// Command descriptors: their encoding and the checks before a command runs.
#include <catch2/catch.hpp>

#include "controller/command.hpp"

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
