// Runs a floating-point micro-program over many operand sets, a full
// subarray of rows at a time, and returns the results: the harness the
// floating-point tests share.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "compute/fp_program.hpp"
#include "support/array_fixture.hpp"
#include "support/host_bits.hpp"

namespace mrampim::test {

inline const char* const kFpTechs[] = {"sot-mram-1t1r", "reram-floatpim"};

// Uniformly random bit patterns: every class of value, in proportion.
inline std::vector<std::array<std::uint64_t, 3>> random_operands(const FpFormat& f, std::size_t n,
                                                                 std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::array<std::uint64_t, 3>> ops(n);
  for (auto& o : ops) o = {rng() & f.bits_mask(), rng() & f.bits_mask(), rng() & f.bits_mask()};
  return ops;
}

struct FpRun {
  FpRun(const std::string& tech, FpOp op, const FpFormat& format, Rounding rounding)
      : fixture(tech), program(build_fp_program(op, format, rounding, ArrayShape::of(fixture.tech))) {}

  // operands[i] = {a, b, c}; c is read only by a MAC.
  std::vector<std::uint64_t> run(const std::vector<std::array<std::uint64_t, 3>>& operands) {
    const FpLayout& l = program.layout;
    Subarray& s = fixture.array;
    std::vector<std::uint64_t> out;
    out.reserve(operands.size());
    for (std::size_t base = 0; base < operands.size(); base += s.rows()) {
      const std::size_t n = std::min<std::size_t>(s.rows(), operands.size() - base);
      for (std::uint32_t r = 0; r < s.rows(); ++r) {
        const auto& o = operands[base + (r < n ? r : 0)];
        s.poke_field(r, l.a.first, l.a.width, o[0]);
        s.poke_field(r, l.b.first, l.b.width, o[1]);
        if (l.op == FpOp::Mac) s.poke_field(r, l.c.first, l.c.width, o[2]);
      }
      s.execute(program.program);
      for (std::uint32_t r = 0; r < n; ++r) out.push_back(s.peek_field(r, l.result.first, l.result.width));
    }
    return out;
  }

  ArrayFixture fixture;
  FpProgram program;
};

}  // namespace mrampim::test
