// Write errors of computation: every cell a write must switch fails with its
// pulse's probability and keeps its old value; seeded; MTJ cells only.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "support/array_fixture.hpp"

using namespace mrampim;
using mrampim::test::ArrayFixture;

namespace {

// Copies column 0 into column 1 (all rows), `times` times over fresh data.
std::uint64_t copy_runs(ArrayFixture& f, int times, std::uint64_t* wrong, std::mt19937_64& rng) {
  ProgramBuilder b("copy", ArrayShape::of(f.tech));
  b.step(Phase::Logic).copy(1, 0);
  const MicroProgram p = b.finish();
  std::uint64_t changed = 0;
  for (int n = 0; n < times; ++n) {
    f.randomise(rng);
    std::vector<bool> before(f.array.rows()), want(f.array.rows());
    for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
      before[r] = f.array.peek(r, 1);
      want[r] = f.array.peek(r, 0);
      changed += before[r] != want[r] ? 1 : 0;
    }
    f.array.execute(p);
    for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
      const bool got = f.array.peek(r, 1);
      if (got != want[r]) {
        ++*wrong;
        REQUIRE(got == before[r]);  // a failed write keeps the old value
      }
    }
  }
  return changed;
}

}  // namespace

TEST_CASE("Table 1's pulse writes without errors, and a short one fails as often as its rate says", "[write-errors]") {
  std::mt19937_64 rng(3);
  {
    ArrayFixture f("sot-mram-1t1r");
    f.array.enable_write_errors(1, false);
    std::uint64_t wrong = 0;
    const std::uint64_t changed = copy_runs(f, 20, &wrong, rng);
    CHECK(f.array.write_errors().nominal_rate() == Approx(1e-9).epsilon(0.01));  // calibrated so ([switching])
    CHECK(f.array.write_errors().attempted() == changed);
    CHECK(wrong == 0);
  }
  // 0.5 ns at 65 uA: the precessional rate of the nominal cell, about 0.21.
  ArrayFixture f("sot-mram-1t1r", {"device.t_switch_ns=0.5"});
  f.array.enable_write_errors(1, false);
  const double q = f.array.write_errors().nominal_rate();
  const MtjSwitching m(f.tech.switching);
  CHECK(q == Approx(m.error_rate(65, 0.5)));
  std::uint64_t wrong = 0;
  const std::uint64_t changed = copy_runs(f, 40, &wrong, rng);
  CHECK(f.array.write_errors().attempted() == changed);
  CHECK(f.array.write_errors().failed() == wrong);
  CHECK(std::abs(double(wrong) - q * double(changed)) < 5 * std::sqrt(q * (1 - q) * double(changed)));
}

TEST_CASE("write errors are seeded, and shifts draw them too", "[write-errors]") {
  auto run = [](std::uint64_t seed) {
    std::mt19937_64 rng(8);
    ArrayFixture f("sot-mram-1t1r", {"device.t_switch_ns=0.5"});
    f.randomise(rng);
    f.array.enable_write_errors(seed, true);
    ProgramBuilder b("shift", ArrayShape::of(f.tech));
    b.step(Phase::Logic).shift(100, 0, 32, 3);
    f.array.execute(b.finish());
    return std::make_pair(f.snapshot(), f.array.write_errors().failed());
  };
  const auto a = run(1), b = run(1), c = run(2);
  CHECK(a.first == b.first);
  CHECK(a.second > 0);
  CHECK(a.first != c.first);
}

TEST_CASE("write errors need MTJ cells", "[write-errors][errors]") {
  ArrayFixture f("reram-floatpim");
  CHECK_THROWS_WITH(f.array.enable_write_errors(1, false), Catch::Matchers::Contains("MTJ"));
}
