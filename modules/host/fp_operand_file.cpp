#include "host/fp_operand_file.hpp"

#include <istream>

#include "compute/fp_value.hpp"

namespace mrampim {

std::size_t operands_per_line(FpOp op) { return op == FpOp::Mac ? 3 : 2; }

namespace {

std::vector<std::string> split_operands(const std::string& text) {
  std::vector<std::string> tokens;
  std::string cur;
  for (char ch : text) {
    if (ch == ' ' || ch == '\t' || ch == ',' || ch == '\r') {
      if (!cur.empty()) tokens.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) tokens.push_back(cur);
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
    const auto tokens = split_operands(text.substr(0, text.find('#')));
    if (tokens.empty()) continue;
    auto fail = [&](const std::string& problem) {
      errors += origin + ":" + std::to_string(number) + ": " + problem + "\n";
      ++bad;
    };
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
    throw OperandFileError(errors + origin + ": " + std::to_string(bad) + " bad line(s); nothing was run");
  }
  return lines;
}

}  // namespace mrampim
