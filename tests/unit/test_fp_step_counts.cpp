// The step counts of one fp32 add, multiply and MAC on both technologies,
// against the counts derived by hand in docs/fp-step-counts.md. Each expected
// number is written as the sum of that document's table rows, in order, so a
// failure points at the phase and the row to re-derive.
#include <catch2/catch.hpp>

#include <random>

#include "compute/fp_engine.hpp"
#include "support/array_fixture.hpp"

using namespace mrampim;
using mrampim::test::ArrayFixture;

namespace {

// Steps of a phase, and the phases of each kind they run as: reads, writes,
// searches, NORs (one per step of the kind when the row's partitions allow).
struct PhaseSteps {
  std::uint64_t steps, r, w, s, n;
};

struct HandCount {
  PhaseSteps exponent, alignment, mantissa, normalise;
};

PhaseSteps operator+(const PhaseSteps& a, const PhaseSteps& b) {
  return {a.steps + b.steps, a.r + b.r, a.w + b.w, a.s + b.s, a.n + b.n};
}
HandCount operator+(const HandCount& a, const HandCount& b) {
  return {a.exponent + b.exponent, a.alignment + b.alignment, a.mantissa + b.mantissa, a.normalise + b.normalise};
}

// docs/fp-step-counts.md, "Addition".
const HandCount kSotAdd{
    {1 + 3 + 18 + 1 + 1 + 9 + 3, 1 + 0 + 18 + 1 + 1 + 9 + 2, 1 + 2 + 18 + 1 + 1 + 9 + 2, 1 + 1, 0},
    {24 + 1 + 2 + 52 + 2 + 1, 24 + 0 + 0 + 26 + 1 + 1, 24 + 1 + 1 + 26 + 1 + 1, 1 + 26 + 1, 0},
    {3 + 1 + 56 + 2 + 29 + 2 + 2, 3 + 1 + 56 + 2 + 29 + 1 + 2, 3 + 1 + 56 + 2 + 29 + 2 + 2, 0, 0},
    {1 + 56 + 22 + 2 + 10 + 6 + 13 + 5 + 2 + 3 + 1 + 32 + 2 + 2 + 4 + 6 + 14,
     0 + 28 + 22 + 1 + 5 + 0 + 11 + 0 + 2 + 3 + 1 + 32 + 0 + 1 + 2 + 2 + 2,
     1 + 28 + 22 + 1 + 5 + 4 + 13 + 3 + 2 + 3 + 1 + 32 + 1 + 1 + 2 + 3 + 8,
     28 + 1 + 5 + 2 + 2 + 1 + 1 + 2 + 3 + 6, 0}};

const HandCount kReramAdd{
    {1 + 3 + 88 + 2 + 4 + 33 + 3, 16 + 8 + 116, 16 + 2 + 8 + 1 + 2 + 17 + 116, 2 + 1, 80 + 1 + 40 + 64},
    {93 + 1 + 2 + 78 + 2 + 4, 24 + 374 + 1, 70 + 1 + 1 + 377 + 1 + 2, 1 + 26 + 1, 46 + 2},
    {7 + 4 + 270 + 6 + 113 + 5 + 5, 1 + 27 + 1, 4 + 2 + 27 + 3 + 57 + 3 + 3, 0, 6 + 135 + 243 + 7 + 351 + 5 + 3},
    {1 + 84 + 111 + 2 + 10 + 6 + 43 + 5 + 8 + 9 + 1 + 125 + 2 + 2 + 4 + 9 + 14,
     460 + 8 + 28 + 114 + 10 + 1 + 32 + 31 + 1 + 64 + 1 + 62,
     1 + 488 + 18 + 28 + 114 + 4 + 23 + 3 + 4 + 5 + 32 + 63 + 1 + 1 + 64 + 4 + 68,
     28 + 1 + 5 + 2 + 2 + 1 + 1 + 2 + 3 + 6, 100 + 80 + 4 + 5 + 248 + 5}};

// docs/fp-step-counts.md, "Multiplication".
const HandCount kSotMul{
    {1 + 1 + 3 + 16, 1 + 1 + 0 + 16, 1 + 1 + 2 + 16, 1, 0},
    {0, 0, 0, 0, 0},
    {2 + 23 * 50 + 1, 2 + 23 * 50 + 1, 2 + 23 * 50 + 1, 0, 0},
    {1 + 96 + 24 + 2 + 10 + 6 + 14 + 5 + 6 + 3 + 1 + 32 + 4 + 4 + 6 + 14,
     0 + 48 + 24 + 1 + 5 + 0 + 12 + 0 + 6 + 3 + 1 + 32 + 1 + 2 + 0 + 2,
     1 + 48 + 24 + 1 + 5 + 4 + 14 + 3 + 6 + 3 + 1 + 32 + 2 + 2 + 2 + 8,
     48 + 1 + 5 + 2 + 2 + 2 + 2 + 4 + 6, 0}};

const HandCount kReramMul{
    {1 + 4 + 3 + 80, 63, 63 + 2 + 2 + 8, 2, 5 + 72},
    {0, 0, 0, 0, 0},
    {4 + 23 * 244 + 1, 23 * 1 + 25, 2 + 23 * 26 + 25, 0, 49 + 23 * 241},
    {1 + 144 + 122 + 2 + 10 + 6 + 47 + 5 + 24 + 9 + 1 + 125 + 4 + 4 + 6 + 14,
     2758 + 9 + 79 + 369 + 11 + 1 + 32 + 31 + 1 + 2 + 62,
     1 + 2806 + 20 + 79 + 369 + 4 + 25 + 3 + 12 + 5 + 32 + 63 + 2 + 2 + 2 + 68,
     48 + 1 + 5 + 2 + 2 + 2 + 2 + 4 + 6, 110 + 88 + 106 + 5 + 248}};

PhaseSteps steps_of(const ActivityCounts& c) {
  return {c.compute_steps, c.steps_of(StepKind::Read), c.steps_of(StepKind::Write), c.steps_of(StepKind::Search),
          c.steps_of(StepKind::Nor)};
}

void check_phase(const char* phase, const PhaseSteps& got, const PhaseSteps& want) {
  INFO(phase << ": steps " << got.steps << " (R " << got.r << ", W " << got.w << ", S " << got.s << ", N " << got.n
             << "), derived " << want.steps << " (R " << want.r << ", W " << want.w << ", S " << want.s << ", N "
             << want.n << ")");
  CHECK(got.steps == want.steps);
  CHECK(got.r == want.r);
  CHECK(got.w == want.w);
  CHECK(got.s == want.s);
  CHECK(got.n == want.n);
}

void check_counts(const char* tech, FpOp op, const HandCount& want, std::uint64_t total_steps) {
  ArrayFixture fx(tech);
  FpEngine engine(fx.array, op, FpFormat::fp32(), Rounding::Ieee);
  const MicroProgram& p = engine.program().program;
  // Declared by the program before it runs ...
  check_phase("exponent (declared)", steps_of(p.cost(1, Phase::Exponent)), want.exponent);
  check_phase("alignment (declared)", steps_of(p.cost(1, Phase::Alignment)), want.alignment);
  check_phase("mantissa (declared)", steps_of(p.cost(1, Phase::Mantissa)), want.mantissa);
  check_phase("normalise (declared)", steps_of(p.cost(1, Phase::Normalise)), want.normalise);
  CHECK(p.cost(1).compute_steps == total_steps);
  // ... and counted by the ledger when it runs over a full subarray.
  std::mt19937_64 rng(7);
  std::vector<FpOperands> ops(fx.array.rows());
  for (auto& o : ops) o = {rng() & 0xffffffffu, rng() & 0xffffffffu, rng() & 0xffffffffu};
  engine.run(ops);
  const auto counted = engine.counted();
  check_phase("exponent (counted)", steps_of(counted[std::size_t(Phase::Exponent)]), want.exponent);
  check_phase("alignment (counted)", steps_of(counted[std::size_t(Phase::Alignment)]), want.alignment);
  check_phase("mantissa (counted)", steps_of(counted[std::size_t(Phase::Mantissa)]), want.mantissa);
  check_phase("normalise (counted)", steps_of(counted[std::size_t(Phase::Normalise)]), want.normalise);
}

}  // namespace

TEST_CASE("fp32 add: steps derived by hand (docs/fp-step-counts.md)", "[fp][cost]") {
  SECTION("sot-mram-1t1r: 394 steps") { check_counts("sot-mram-1t1r", FpOp::Add, kSotAdd, 394); }
  SECTION("reram-floatpim: 1160 steps") { check_counts("reram-floatpim", FpOp::Add, kReramAdd, 1160); }
}

TEST_CASE("fp32 multiply: steps derived by hand (docs/fp-step-counts.md)", "[fp][cost]") {
  SECTION("sot-mram-1t1r: 1402 steps") { check_counts("sot-mram-1t1r", FpOp::Mul, kSotMul, 1402); }
  SECTION("reram-floatpim: 6229 steps") { check_counts("reram-floatpim", FpOp::Mul, kReramMul, 6229); }
}

TEST_CASE("fp32 MAC: steps derived by hand, the multiply's plus the add's", "[fp][cost]") {
  SECTION("sot-mram-1t1r: 1796 steps") { check_counts("sot-mram-1t1r", FpOp::Mac, kSotMul + kSotAdd, 1796); }
  SECTION("reram-floatpim: 7389 steps") {
    check_counts("reram-floatpim", FpOp::Mac, kReramMul + kReramAdd, 7389);
  }
}
