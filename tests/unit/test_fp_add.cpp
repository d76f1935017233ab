// In-memory floating-point addition against the independent host reference
// (tests/support/fp_reference.hpp): random operand bit patterns and the hard
// cases, every format, both technologies, both rounding procedures.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

#include "support/fp_corpus.hpp"
#include "support/fp_reference.hpp"
#include "support/fp_run.hpp"

using namespace mrampim;
using namespace mrampim::test;

namespace {

void check_add(FpRun& run, const FpFormat& f, const std::vector<std::array<std::uint64_t, 3>>& ops) {
  const auto got = run.run(ops);
  REQUIRE(got.size() == ops.size());
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const std::uint64_t want = fp_add(f, ops[i][0], ops[i][1]);
    if (got[i] != want) {
      FAIL("a=" << hex(ops[i][0]) << " b=" << hex(ops[i][1]) << " want " << hex(want) << " got " << hex(got[i]));
    }
  }
}

}  // namespace

TEST_CASE("ieee add is bit-identical to the host on random pairs and the hard cases", "[fp][add]") {
  for (const FpFormat f : {FpFormat::fp16(), FpFormat::bf16(), FpFormat::fp32()}) {
    for (const char* tech : kFpTechs) {
      CAPTURE(f.name(), tech);
      FpRun run(tech, FpOp::Add, f, Rounding::Ieee);
      check_add(run, f, fp_hard_pairs(f, 11));
      check_add(run, f, random_operands(f, 4096, 12));
    }
  }
}

TEST_CASE("ieee add: a million random pairs per format on each technology", "[fp][add][million]") {
  for (const FpFormat f : {FpFormat::fp16(), FpFormat::bf16(), FpFormat::fp32()}) {
    for (const char* tech : kFpTechs) {
      CAPTURE(f.name(), tech);
      FpRun run(tech, FpOp::Add, f, Rounding::Ieee);
      check_add(run, f, random_operands(f, 1'000'000, 100 + f.nm));
    }
  }
}

TEST_CASE("fp32 add also matches the host's native float addition", "[fp][add]") {
  // A second, independent reference: the CPU's own binary32 adder. NaN bits
  // follow x86-64 SSE, which the documented NaN policy copies.
  const FpFormat f = FpFormat::fp32();
  FpRun run("sot-mram-1t1r", FpOp::Add, f, Rounding::Ieee);
  auto ops = random_operands(f, 100'000, 5);
  const auto hard = fp_hard_pairs(f, 6);
  ops.insert(ops.end(), hard.begin(), hard.end());
  const auto got = run.run(ops);
  std::size_t nan_results = 0;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    float a, b;
    const std::uint32_t ua = std::uint32_t(ops[i][0]), ub = std::uint32_t(ops[i][1]);
    std::memcpy(&a, &ua, 4);
    std::memcpy(&b, &ub, 4);
    volatile float sum = a + b;
    float s = sum;
    std::uint32_t us;
    std::memcpy(&us, &s, 4);
    // With two NaN operands the compiler may hand them to the adder in either
    // order (addition commutes), so only NaN-ness is the host's answer there;
    // elsewhere the bits are, on x86-64.
#if defined(__x86_64__)
    const bool host_bits_defined = !(std::isnan(a) && std::isnan(b));
#else
    const bool host_bits_defined = !std::isnan(s);
#endif
    if (!host_bits_defined) {
      ++nan_results;
      if (!f.is_nan(got[i])) FAIL("a=" << hex(ua) << " b=" << hex(ub) << " got " << hex(got[i]) << ", not a NaN");
      continue;
    }
    if (got[i] != us) FAIL("a=" << hex(ua) << " b=" << hex(ub) << " host " << hex(us) << " got " << hex(got[i]));
  }
  CHECK(nan_results < ops.size());
}

TEST_CASE("paper add truncates without guard bits: within two ulps of the larger operand", "[fp][add][paper]") {
  for (const FpFormat f : {FpFormat::fp16(), FpFormat::bf16(), FpFormat::fp32()}) {
    CAPTURE(f.name());
    FpRun paper("sot-mram-1t1r", FpOp::Add, f, Rounding::Paper);
    FpRun ieee("sot-mram-1t1r", FpOp::Add, f, Rounding::Ieee);
    std::mt19937_64 rng(9);
    std::vector<std::array<std::uint64_t, 3>> ops;
    while (ops.size() < 20000) {
      const std::uint64_t a = rng() & f.bits_mask(), b = rng() & f.bits_mask();
      const auto normal = [&](std::uint64_t x) {
        return f.exponent_field(x) != 0 && f.exponent_field(x) != f.max_exponent_field();
      };
      if (normal(a) && normal(b) && normal(fp_add(f, a, b))) ops.push_back({a, b, 0});
    }
    const auto p = paper.run(ops), q = ieee.run(ops);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (p[i] != q[i]) ++differ;
      // The small operand loses its shifted-out bits (< 1 ulp of the larger
      // operand) and the result is truncated (< 1 ulp of the result).
      const double big = std::max(std::fabs(fp_decode(f, ops[i][0])), std::fabs(fp_decode(f, ops[i][1])));
      int e2 = 0;
      std::frexp(big, &e2);
      const double ulp_big = std::ldexp(1.0, e2 - 1 - f.nm);
      if (std::fabs(fp_decode(f, p[i]) - fp_decode(f, q[i])) > 2 * ulp_big) {
        FAIL("a=" << hex(ops[i][0]) << " b=" << hex(ops[i][1]) << " paper " << hex(p[i]) << " ieee " << hex(q[i]));
      }
    }
    // Truncation is visible (random operands mostly differ widely in
    // exponent, where both procedures return the larger operand).
    CHECK(differ >= 100);
  }
}
