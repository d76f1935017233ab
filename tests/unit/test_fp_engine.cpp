// FpEngine (operations over a subarray's rows, in batches) and the cost
// report read from the ledger through it.
#include <catch2/catch.hpp>

#include <random>

#include "compute/fp_cost_report.hpp"
#include "compute/fp_engine.hpp"
#include "support/array_fixture.hpp"
#include "support/fp_reference.hpp"
#include "support/fp_run.hpp"

using namespace mrampim;
using namespace mrampim::test;

namespace {

std::vector<FpOperands> random_ops(const FpFormat& f, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<FpOperands> ops(n);
  for (auto& o : ops) o = {rng() & f.bits_mask(), rng() & f.bits_mask(), rng() & f.bits_mask()};
  return ops;
}

}  // namespace

TEST_CASE("FpEngine runs any number of operations in batches of rows, touching no other row", "[fp][engine]") {
  const FpFormat f = FpFormat::bf16();
  for (const char* tech : kFpTechs) {
    CAPTURE(tech);
    ArrayFixture fx(tech);
    std::mt19937_64 rng(3);
    fx.randomise(rng);
    FpEngine engine(fx.array, FpOp::Mac, f, Rounding::Ieee);
    const auto ops = random_ops(f, 1500, 9);  // one full batch and 476 rows
    const auto results = engine.run(ops);
    REQUIRE(results.size() == ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (results[i] != fp_mac(f, ops[i].c, ops[i].a, ops[i].b)) FAIL("operation " << i);
    }
    CHECK(engine.runs() == 2);
    CHECK(engine.operations() == 1500);
    // A batch of 476 rows: the other 548 keep every cell.
    const auto before = fx.snapshot();
    const std::vector<FpOperands> few(ops.begin(), ops.begin() + 476);
    CHECK(engine.run(few) == std::vector<std::uint64_t>(results.begin(), results.begin() + 476));
    const auto after = fx.snapshot();
    const std::size_t words = fx.array.words_per_column();
    std::size_t changed_below = 0, changed_above = 0;
    for (std::size_t c = 0; c < fx.array.cols(); ++c) {
      for (std::uint32_t r = 0; r < fx.array.rows(); ++r) {
        const std::size_t w = c * words + r / 64;
        if (((before[w] ^ after[w]) >> (r % 64)) & 1u) ++(r < 476 ? changed_below : changed_above);
      }
    }
    CHECK(changed_above == 0);
    CHECK(changed_below > 0);
    CHECK(fx.array.mask(0).count() == fx.array.rows());  // the host's register is given back
  }
}

TEST_CASE("The cost report reads the ledger: steps per run, cells per operation, phases adding up",
          "[fp][engine][cost]") {
  const FpFormat f = FpFormat::fp32();
  ArrayFixture fx("sot-mram-1t1r");
  FpEngine engine(fx.array, FpOp::Mac, f, Rounding::Ieee);
  engine.run(random_ops(f, 1024 + 100, 5));
  const FpCostReport r = fp_cost_report(engine);
  const ActivityCounts declared = engine.program().program.cost(1);
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    CAPTURE(k);
    CHECK(r.counted.steps[k] == double(declared.steps[k]));  // data-independent
    CHECK(r.counted.cells[k] <= double(declared.cells[k]));  // searched rows touch fewer cells
  }
  // Every ledger count, divided back.
  const ActivityCounts total = fx.account.total();
  CHECK(r.counted.total_cells() * double(r.operations) == Approx(double(total.cells[0] + total.cells[1] +
                                                                        total.cells[2] + total.cells[3])));
  CHECK(r.latency_ns() * double(r.runs) == Approx(fx.account.latency_ns()));
  CHECK(r.energy_pJ() * double(r.operations) == Approx(fx.account.energy_pJ()));
  CHECK(r.counted_by_phase[std::size_t(Phase::Alignment)].steps[std::size_t(StepKind::Search)] == 28);
  CHECK(r.published.steps == published_cost(FpOp::Mac, f, LogicFamily::SotStateful).steps);
  CHECK(r.operand_cells == 4 * 32);
  CHECK(r.scratch_cells == engine.layout().scratch_cells);
  CHECK(r.write_latency_share() > 0.5);  // the paper: switching dominates the MAC's latency

  const nlohmann::json j = to_json(r);
  CHECK(j["operation"] == "mac");
  CHECK(j["format"] == "fp32");
  CHECK(j["program_runs"] == 2);
  CHECK(j["operations"] == 1124);
  CHECK(j["published"]["source"] == "Eq. 2 + Eq. 3");
  CHECK(j["counted"]["steps"]["search"] == 154.0);
  std::vector<std::string> phases;
  for (const auto& p : j["breakdown"]) phases.push_back(p["phase"]);
  CHECK(phases == std::vector<std::string>{"exponent", "alignment", "mantissa", "normalise"});
  CHECK(double(j["total_energy_pJ"]) == Approx(fx.account.energy_pJ()));
}

TEST_CASE("A cost report needs a run", "[fp][engine][cost]") {
  ArrayFixture fx("sot-mram-1t1r");
  FpEngine engine(fx.array, FpOp::Add, FpFormat::fp16(), Rounding::Paper);
  CHECK_THROWS_AS(fp_cost_report(engine), std::logic_error);
  CHECK(engine.run({}).empty());
  CHECK(engine.runs() == 0);
}

TEST_CASE("FpEngine gives back whatever rows the host had enabled", "[fp][engine]") {
  ArrayFixture fx("sot-mram-1t1r");
  std::mt19937_64 rng(11);
  const RowMask host = random_mask(fx.array.rows(), rng);
  fx.array.set_mask(0, host);
  FpEngine engine(fx.array, FpOp::Add, FpFormat::fp16(), Rounding::Ieee);
  const auto ops = random_ops(FpFormat::fp16(), 700, 4);
  const auto results = engine.run(ops);
  CHECK(fx.array.mask(0) == host);
  // The batch ran on its own rows, whatever register 0 held before.
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (results[i] != fp_add(FpFormat::fp16(), ops[i].a, ops[i].b)) FAIL("operation " << i);
  }
}

TEST_CASE("A stepped run (with a hook) gives the same results and costs as a whole one", "[fp][engine]") {
  const FpFormat f = FpFormat::fp32();
  const auto ops = random_ops(f, 1024 + 300, 8);
  for (const char* tech : kFpTechs) {
    CAPTURE(tech);
    ArrayFixture whole(tech), stepped(tech);
    FpEngine a(whole.array, FpOp::Mac, f, Rounding::Ieee), b(stepped.array, FpOp::Mac, f, Rounding::Ieee);
    std::size_t hooks = 0, last = 0;
    const auto ra = a.run(ops);
    const auto rb = b.run(ops, [&](std::size_t step) {
      ++hooks;
      last = step;
    });
    CHECK(ra == rb);
    CHECK(hooks == 2 * b.program().program.steps().size());
    CHECK(last + 1 == b.program().program.steps().size());
    for (std::size_t p = 0; p < kPhases; ++p) CHECK(a.counted()[p] == b.counted()[p]);
    CHECK(whole.account.cells_occupied_per_row() == stepped.account.cells_occupied_per_row());
    CHECK(whole.snapshot() == stepped.snapshot());
  }
}
