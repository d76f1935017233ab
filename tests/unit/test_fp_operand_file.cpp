// The operand file of floating-point runs (host/fp_operand_file.hpp): its
// separators, comments, line endings and line numbers, and the rejection of
// a whole file with every bad line listed.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "compute/fp_format.hpp"
#include "compute/fp_value.hpp"
#include "host/fp_operand_file.hpp"
#include "support/host_bits.hpp"

using namespace mrampim;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

namespace {

std::uint64_t bits(float v) { return test::float_bits(v); }

std::vector<OperandLine> read(const std::string& text, FpOp op, const FpFormat& f = FpFormat::fp32(),
                              const std::string& origin = "ops.txt") {
  std::istringstream in(text);
  return read_operand_file(in, origin, op, f);
}

// The message of the OperandFileError reading `text` throws ("" if none).
std::string error_of(const std::string& text, FpOp op, const FpFormat& f = FpFormat::fp32(),
                     const std::string& origin = "ops.txt") {
  try {
    read(text, op, f, origin);
  } catch (const OperandFileError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("operands per line: a MAC takes three, add and multiply two", "[operand_file]") {
  CHECK(operands_per_line(FpOp::Mac) == 3);
  CHECK(operands_per_line(FpOp::Add) == 2);
  CHECK(operands_per_line(FpOp::Mul) == 2);

  const auto mac = read("1 2 3\n", FpOp::Mac);
  REQUIRE(mac.size() == 1);
  CHECK(mac[0].operands.a == bits(1.0f));
  CHECK(mac[0].operands.b == bits(2.0f));
  CHECK(mac[0].operands.c == bits(3.0f));
  for (const FpOp op : {FpOp::Add, FpOp::Mul}) {
    CAPTURE(to_string(op));
    const auto two = read("1 2\n", op);
    REQUIRE(two.size() == 1);
    CHECK(two[0].operands.a == bits(1.0f));
    CHECK(two[0].operands.b == bits(2.0f));
    CHECK(two[0].operands.c == 0);
    CHECK_THROWS_AS(read("1 2 3\n", op), OperandFileError);
    CHECK_THROWS_AS(read("1\n", op), OperandFileError);
  }
  CHECK_THROWS_AS(read("1 2\n", FpOp::Mac), OperandFileError);
  CHECK_THROWS_AS(read("1 2 3 4\n", FpOp::Mac), OperandFileError);
}

TEST_CASE("comments and blank lines hold no operation and keep the line numbers", "[operand_file]") {
  const std::string text =
      "# operands for a test\n"     // 1
      "\n"                          // 2
      "1.5 0x40000000\n"            // 3
      "   \t  \n"                   // 4
      "  # indented comment\n"      // 5
      "-2 3 # trailing comment\n"   // 6
      "#1 2\n"                      // 7: commented-out operation
      "inf,nan\n"                   // 8
      "\t\n"                        // 9
      "0x3f800000 -0";              // 10: no final newline
  const auto lines = read(text, FpOp::Add);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].line == 3);
  CHECK(lines[0].operands.a == bits(1.5f));
  CHECK(lines[0].operands.b == bits(2.0f));
  CHECK(lines[1].line == 6);
  CHECK(lines[1].operands.a == bits(-2.0f));
  CHECK(lines[1].operands.b == bits(3.0f));
  CHECK(lines[2].line == 8);
  CHECK(FpFormat::fp32().is_inf(lines[2].operands.a));
  CHECK(FpFormat::fp32().is_nan(lines[2].operands.b));
  CHECK(lines[3].line == 10);
  CHECK(lines[3].operands.a == bits(1.0f));
  CHECK(lines[3].operands.b == bits(-0.0f));
  CHECK(read("", FpOp::Mac).empty());
  CHECK(read("# nothing\n\n", FpOp::Mac).empty());
}

TEST_CASE("spaces, tabs and commas all separate operands", "[operand_file]") {
  const std::string text =
      "1 2 3\n"
      "1\t2\t3\n"
      "1,2,3\n"
      "1, 2,\t3\n"
      "  1   2 3  \n"
      "\t1 ,2 , 3\t\n";
  const auto lines = read(text, FpOp::Mac);
  REQUIRE(lines.size() == 6);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CAPTURE(i);
    CHECK(lines[i].line == i + 1);
    CHECK(lines[i].operands.a == bits(1.0f));
    CHECK(lines[i].operands.b == bits(2.0f));
    CHECK(lines[i].operands.c == bits(3.0f));
  }
}

TEST_CASE("an empty field between commas is an error, not a skipped operand", "[operand_file]") {
  for (const char* line : {"1,,2", ",1,2", "1,2,", "1 , , 2", "1,2 ,", ", 1 2"}) {
    CAPTURE(line);
    const std::string message = error_of(std::string(line) + "\n", FpOp::Add, FpFormat::fp32(), "f.csv");
    CHECK_THAT(message, StartsWith("f.csv:1: error: empty operand"));
  }
  // A MAC line of three operands with an empty fourth field is refused too.
  CHECK_THAT(error_of("1,,2,3\n", FpOp::Mac, FpFormat::fp32(), "f.csv"), Contains("empty operand"));
  CHECK(read("1 , 2\n", FpOp::Add).size() == 1);
}

TEST_CASE("CRLF line endings read like LF ones", "[operand_file]") {
  const std::string lf = "# header\n\n0x3f800000 2.5 -1\n\n4 5 6 # six\n7,8,9\n";
  std::string crlf;
  for (char ch : lf) crlf += ch == '\n' ? std::string("\r\n") : std::string(1, ch);
  const auto a = read(lf, FpOp::Mac);
  const auto b = read(crlf, FpOp::Mac);
  REQUIRE(a.size() == 3);
  REQUIRE(b.size() == a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(b[i].line == a[i].line);
    CHECK(b[i].operands.a == a[i].operands.a);
    CHECK(b[i].operands.b == a[i].operands.b);
    CHECK(b[i].operands.c == a[i].operands.c);
  }
  CHECK(b[0].line == 3);
  CHECK(b[1].line == 5);
  CHECK(b[2].line == 6);
  CHECK(b[2].operands.c == bits(9.0f));
  // A bad CRLF line is still reported with its number, and no '\r' leaks in.
  const std::string e = error_of("1 2 3\r\n1 2\r\n", FpOp::Mac);
  CHECK_THAT(e, Contains("ops.txt:2: "));
  CHECK(e.find('\r') == std::string::npos);
}

TEST_CASE("operands are read in the run's format", "[operand_file]") {
  const FpFormat h = FpFormat::fp16();
  const auto lines = read("0x3c00 1.5\n-0 0xfc00\n", FpOp::Mul, h);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].operands.a == parse_fp_operand(h, "1"));
  CHECK(lines[0].operands.b == parse_fp_operand(h, "1.5"));
  CHECK(lines[1].operands.a == h.sign_bit());
  CHECK(lines[1].operands.b == parse_fp_operand(h, "-inf"));
  // A pattern that fits fp32 does not fit fp16.
  CHECK_THAT(error_of("0x3f800000 1\n", FpOp::Add, h), Contains("16 bits"));
}

TEST_CASE("a wrong operand count names the operation, the count wanted and the count found", "[operand_file]") {
  const std::string mac = error_of("\n1 2\n", FpOp::Mac);
  CHECK_THAT(mac, StartsWith("ops.txt:2: "));
  CHECK_THAT(mac, Contains("mac takes 3 operands"));
  CHECK_THAT(mac, Contains("this line has 2"));
  const std::string add = error_of("1 2 3 4\n", FpOp::Add);
  CHECK_THAT(add, StartsWith("ops.txt:1: "));
  CHECK_THAT(add, Contains("add takes 2 operands"));
  CHECK_THAT(add, Contains("this line has 4"));
  const std::string mul = error_of("5\n", FpOp::Mul);
  CHECK_THAT(mul, Contains("mul takes 2 operands"));
  CHECK_THAT(mul, Contains("this line has 1"));
}

TEST_CASE("a file with bad lines is rejected whole, every bad line listed", "[operand_file]") {
  const std::string text =
      "# three good lines, four bad ones\n"  // 1
      "1 2 3\n"                              // 2
      "1 2\n"                                // 3  too few
      "0x3f800000 0x1g 3\n"                  // 4  bad hex
      "\n"                                   // 5
      "4 5 6\n"                              // 6
      "1.5x 2 3\n"                           // 7  bad decimal
      "7 8 9\n"                              // 8
      "1 2 0x100000000 # too wide\n";        // 9
  std::string message;
  try {
    read(text, FpOp::Mac, FpFormat::fp32(), "data/ops.csv");
    FAIL("a file with bad lines was accepted");
  } catch (const OperandFileError& e) {
    message = e.what();
  }
  INFO(message);
  const auto lines = lines_of(message);
  REQUIRE(lines.size() == 5);
  CHECK_THAT(lines[0], StartsWith("data/ops.csv:3: "));
  CHECK_THAT(lines[0], Contains("this line has 2"));
  CHECK_THAT(lines[1], StartsWith("data/ops.csv:4: "));
  CHECK_THAT(lines[1], Contains("operand 2"));
  CHECK_THAT(lines[1], Contains("'0x1g'"));
  CHECK_THAT(lines[2], StartsWith("data/ops.csv:7: "));
  CHECK_THAT(lines[2], Contains("operand 1"));
  CHECK_THAT(lines[2], Contains("'1.5x'"));
  CHECK_THAT(lines[3], StartsWith("data/ops.csv:9: "));
  CHECK_THAT(lines[3], Contains("operand 3"));
  CHECK_THAT(lines[3], Contains("32 bits"));
  CHECK(lines[4] == "data/ops.csv: error: 4 bad line(s); nothing was run");
  CHECK_THAT(message, EndsWith("4 bad line(s); nothing was run"));

  // One bad line among many good ones still rejects the file.
  std::string many;
  for (int i = 0; i < 500; ++i) many += "1 2\n";
  many += "1 2 oops\n";
  const std::string one = error_of(many, FpOp::Add, FpFormat::fp32(), "<stdin>");
  CHECK_THAT(one, StartsWith("<stdin>:501: "));
  CHECK_THAT(one, EndsWith("<stdin>: error: 1 bad line(s); nothing was run"));
  CHECK(lines_of(one).size() == 2);
}
