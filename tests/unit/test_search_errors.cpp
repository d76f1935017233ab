// Search decisions that device variation flips (sense.spread > 0): drawn row
// by row with the probability the search's margin gives, from a seed.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "compute/fp_engine.hpp"
#include "sense_amp/search_errors.hpp"
#include "sense_amp/search_margin.hpp"
#include "support/array_fixture.hpp"

using namespace mrampim;
using mrampim::test::ArrayFixture;

namespace {

double q_function(double x) { return 0.5 * std::erfc(x / std::sqrt(2.0)); }

// One 8-bit search of columns 0..7 against 0x5a into register 1.
MicroProgram one_search(const Technology& t) {
  ProgramBuilder b("search", ArrayShape::of(t));
  b.step(Phase::Logic).search(0, 8, 0x5a, 1);
  return b.finish();
}

}  // namespace

TEST_CASE("a row's error probability follows its distance from the reference", "[search-errors]") {
  // sot-mram-1t1r at 0.1 V: a matching path 1 uA, a mismatching 2 uA (50 and
  // 100 kOhm); the nominal margin is half the step, 0.5 uA; offset 0.05 uA;
  // sigma = sqrt(w) x 2 uA x spread.
  const Technology t = load_technology("sot-mram-1t1r", {"sense.spread=0.1"});
  const SenseAmp sa = SenseAmp::for_technology(t);
  const SearchMargin m8 = search_margin(sa, 8, 0.1);
  const double sigma = std::sqrt(8.0) * 2.0 * 0.1;
  CHECK(search_error_probability(m8, 0) == Approx(q_function((0.5 - 0.05) / sigma)));
  CHECK(search_error_probability(m8, 1) == Approx(q_function((0.5 - 0.05) / sigma)));
  CHECK(search_error_probability(m8, 3) == Approx(q_function((5 * 0.5 - 0.05) / sigma)));
  CHECK(search_error_probability(m8, 1) == Approx(m8.error_probability));
  const SearchErrors e(t, sa, "subarray0");
  CHECK(e.enabled());
  CHECK(e.probability(8, 3) == Approx(search_error_probability(m8, 3)));
  CHECK_FALSE(SearchErrors(load_technology("sot-mram-1t1r"), sa, "subarray0").enabled());
}

TEST_CASE("ideal cells draw nothing: every decision as the bits say", "[search-errors]") {
  std::mt19937_64 rng(3);
  ArrayFixture f("sot-mram-1t1r");
  f.randomise(rng);
  const MicroProgram p = one_search(f.tech);
  f.array.execute(p);
  for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
    REQUIRE(f.array.mask(1).test(r) == (f.array.peek_field(r, 0, 8) == 0x5a));
  }
  CHECK(f.array.search_errors().decisions() == 0);
  CHECK(f.array.search_errors().flips() == 0);
}

TEST_CASE("drawn errors flip as many decisions as the probabilities say", "[search-errors]") {
  // Wide spread so errors are common: the flips over many runs of one search
  // must match the sum of each row's probability within 5 standard deviations.
  std::mt19937_64 rng(5);
  ArrayFixture f("sot-mram-1t1r", {"sense.spread=0.3"});
  f.randomise(rng);
  const MicroProgram p = one_search(f.tech);
  double expected = 0, variance = 0;
  for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
    const unsigned k = unsigned(__builtin_popcountll(f.array.peek_field(r, 0, 8) ^ 0x5a));
    const double q = f.array.search_errors().probability(8, k);
    expected += q;
    variance += q * (1 - q);
  }
  constexpr int kRuns = 200;
  std::uint64_t wrong = 0;
  for (int run = 0; run < kRuns; ++run) {
    f.array.execute(p);
    for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
      wrong += f.array.mask(1).test(r) != (f.array.peek_field(r, 0, 8) == 0x5a) ? 1 : 0;
    }
  }
  CHECK(f.array.search_errors().decisions() == std::uint64_t(kRuns) * f.array.rows());
  CHECK(f.array.search_errors().flips() == wrong);
  CHECK(std::abs(double(wrong) - kRuns * expected) < 5 * std::sqrt(kRuns * variance));
  CHECK(wrong > 0);
}

TEST_CASE("search errors are seeded: the same seed repeats a run, another changes it", "[search-errors][fp]") {
  auto run = [](std::uint32_t seed) {
    ArrayFixture f("sot-mram-1t1r", {"sense.spread=0.1", "sense.seed=" + std::to_string(seed)});
    FpEngine engine(f.array, FpOp::Mac, FpFormat::fp32(), Rounding::Ieee);
    std::mt19937_64 rng(9);
    std::vector<FpOperands> ops(f.array.rows());
    for (auto& o : ops) o = {rng() & 0xffffffffu, rng() & 0xffffffffu, rng() & 0xffffffffu};
    const std::vector<std::uint64_t> results = engine.run(ops);
    return std::make_pair(results, f.array.search_errors().flips());
  };
  const auto a = run(1), b = run(1), c = run(2);
  CHECK(a.first == b.first);
  CHECK(a.second == b.second);
  CHECK(a.second > 0);
  CHECK(a.first != c.first);
}

TEST_CASE("a spread of 1 or more is bad input, naming the key", "[search-errors][tech]") {
  CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"sense.spread=1"}),
                    Catch::Matchers::Contains("'sense.spread'") && Catch::Matchers::Contains("--set"));
}

TEST_CASE("a search that narrows its own register draws for the rows it enabled", "[search-errors]") {
  // Register 1 first holds the rows whose low nibble is 0xa; a second search
  // narrows it in place (out == the register it reads). With a spread so
  // wide decisions flip often, every drawn decision must be one of the rows
  // the second search enabled, and rows outside may change only by a flip.
  std::mt19937_64 rng(21);
  ArrayFixture f("sot-mram-1t1r", {"sense.spread=0.3"});
  f.randomise(rng);
  ProgramBuilder b("chained", ArrayShape::of(f.tech));
  b.step(Phase::Logic).search(0, 4, 0xa, 1);
  b.step(Phase::Logic).mask(1).search(4, 4, 0x5, 1);
  const MicroProgram p = b.finish();
  f.array.execute_step(p, 0);
  const RowMask first = f.array.mask(1);
  const std::uint64_t decisions_before = f.array.search_errors().decisions();
  CHECK(decisions_before == f.array.rows());  // the first search: every row enabled
  f.array.execute_step(p, 1);
  CHECK(f.array.search_errors().decisions() - decisions_before == first.count());
  for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
    if (!first.test(r)) REQUIRE_FALSE(f.array.mask(1).test(r));  // a row not enabled stays out
  }
}
