#include "host/fp_operand_file.hpp"

#include <istream>

#include "compute/fp_value.hpp"

namespace mrampim {

std::size_t operands_per_line(FpOp op) { return op == FpOp::Mac ? 3 : 2; }

namespace {

// Operands are separated by whitespace, by commas, or by both ("1, 2");
// a comma with no operand on one side ("1,,2", ",1 2", "1 2,") is an empty
// field, which would otherwise vanish: the line is refused.
std::vector<std::string> split_operands(const std::string& text, std::string& problem) {
  std::vector<std::string> tokens;
  std::string cur;
  bool comma_pending = true;  // start of line: a comma here has nothing before it
  for (char ch : text) {
    const bool space = ch == ' ' || ch == '\t' || ch == '\r';
    if (space || ch == ',') {
      if (!cur.empty()) {
        tokens.push_back(cur);
        cur.clear();
        comma_pending = false;
      }
      if (ch == ',') {
        if (comma_pending) {
          problem = "empty operand: a comma with no operand before it";
          return {};
        }
        comma_pending = true;
      }
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) {
    tokens.push_back(cur);
    comma_pending = false;
  }
  if (comma_pending && !tokens.empty()) {
    problem = "empty operand: a comma with no operand after it";
    return {};
  }
  return tokens;
}

}  // namespace

std::vector<OperandLine> read_operand_file(std::istream& in, const std::string& origin, FpOp op,
                                           const FpFormat& format) {
  const std::size_t want = operands_per_line(op);
  std::vector<OperandLine> lines;
  std::string errors;
  std::size_t bad = 0;
  std::string text;
  for (std::size_t number = 1; std::getline(in, text); ++number) {
    auto fail = [&](const std::string& problem) {
      errors += origin + ":" + std::to_string(number) + ": error: " + problem + "\n";
      ++bad;
    };
    std::string problem;
    const auto tokens = split_operands(text.substr(0, text.find('#')), problem);
    if (!problem.empty()) {
      fail(problem);
      continue;
    }
    if (tokens.empty()) continue;
    if (tokens.size() != want) {
      fail(std::string(to_string(op)) + " takes " + std::to_string(want) + " operands per line (" +
           (op == FpOp::Mac ? "a b c for c + a x b" : "a b") + "), this line has " + std::to_string(tokens.size()));
      continue;
    }
    OperandLine l;
    l.line = number;
    std::uint64_t* slots[3] = {&l.operands.a, &l.operands.b, &l.operands.c};
    bool ok = true;
    for (std::size_t i = 0; i < want && ok; ++i) {
      try {
        *slots[i] = parse_fp_operand(format, tokens[i]);
      } catch (const std::invalid_argument& e) {
        fail("operand " + std::to_string(i + 1) + ": " + e.what());
        ok = false;
      }
    }
    if (ok) lines.push_back(l);
  }
  if (in.bad()) throw OperandFileError(origin + ": read error");
  if (bad > 0) {
    throw OperandFileError(errors + origin + ": error: " + std::to_string(bad) + " bad line(s); nothing was run");
  }
  return lines;
}

}  // namespace mrampim
