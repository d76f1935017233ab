// In-memory floating-point multiplication and MAC against the independent
// host reference: random operands, the hard cases, every format, both
// technologies.
#include <catch2/catch.hpp>

#include <cstdio>
#include <random>

#include "support/fp_corpus.hpp"
#include "support/fp_reference.hpp"
#include "support/fp_run.hpp"

using namespace mrampim;
using namespace mrampim::test;

namespace {

// Random operands drawn near each other in exponent, where products neither
// overflow nor underflow and the MAC's sum really adds.
std::vector<std::array<std::uint64_t, 3>> near_triples(const FpFormat& f, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::array<std::uint64_t, 3>> ops(n);
  const std::uint64_t bias = std::uint64_t(f.bias());
  for (auto& o : ops) {
    const std::uint64_t ea = bias - 4 + rng() % 8, eb = bias - 4 + rng() % 8, ec = bias - 8 + rng() % 16;
    o = {fp_pack(f, rng() & 1, ea, rng()), fp_pack(f, rng() & 1, eb, rng()), fp_pack(f, rng() & 1, ec, rng())};
  }
  return ops;
}

void check(FpRun& run, const FpFormat& f, FpOp op, const std::vector<std::array<std::uint64_t, 3>>& ops) {
  const auto got = run.run(ops);
  REQUIRE(got.size() == ops.size());
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const auto& o = ops[i];
    const std::uint64_t want = op == FpOp::Mul ? fp_mul(f, o[0], o[1]) : fp_mac(f, o[2], o[0], o[1]);
    if (got[i] != want) {
      FAIL(to_string(op) << " a=" << hex(o[0]) << " b=" << hex(o[1]) << " c=" << hex(o[2]) << " want " << hex(want)
                         << " got " << hex(got[i]));
    }
  }
}

}  // namespace

TEST_CASE("ieee mul is bit-identical to the host on random pairs and the hard cases", "[fp][mul]") {
  for (const FpFormat f : {FpFormat::fp16(), FpFormat::bf16(), FpFormat::fp32()}) {
    for (const char* tech : kFpTechs) {
      CAPTURE(f.name(), tech);
      FpRun run(tech, FpOp::Mul, f, Rounding::Ieee);
      check(run, f, FpOp::Mul, fp_hard_pairs(f, 21));
      check(run, f, FpOp::Mul, random_operands(f, 4096, 22));
      check(run, f, FpOp::Mul, near_triples(f, 4096, 23));
    }
  }
}

TEST_CASE("ieee mac is bit-identical to the host's multiply-then-add", "[fp][mac]") {
  for (const FpFormat f : {FpFormat::fp16(), FpFormat::bf16(), FpFormat::fp32()}) {
    for (const char* tech : kFpTechs) {
      CAPTURE(f.name(), tech);
      FpRun run(tech, FpOp::Mac, f, Rounding::Ieee);
      auto hard = fp_hard_pairs(f, 31);
      std::mt19937_64 rng(32);
      const auto edges = fp_edge_values(f);
      for (auto& o : hard) o[2] = edges[rng() % edges.size()];
      check(run, f, FpOp::Mac, hard);
      check(run, f, FpOp::Mac, random_operands(f, 4096, 33));
      check(run, f, FpOp::Mac, near_triples(f, 4096, 34));
    }
  }
}

TEST_CASE("ieee mul and mac: a million random operand sets per format on each technology", "[fp][mul][mac][million]") {
  for (const FpOp op : {FpOp::Mul, FpOp::Mac}) {
    for (const FpFormat f : {FpFormat::fp16(), FpFormat::bf16(), FpFormat::fp32()}) {
      for (const char* tech : kFpTechs) {
        CAPTURE(to_string(op), f.name(), tech);
        FpRun run(tech, op, f, Rounding::Ieee);
        // Half uniformly random bit patterns (all classes of values), half
        // near one another in exponent (where the arithmetic is busiest).
        auto ops = random_operands(f, 500'000, 200 + f.nm);
        const auto near = near_triples(f, 500'000, 300 + f.nm);
        ops.insert(ops.end(), near.begin(), near.end());
        check(run, f, op, ops);
      }
    }
  }
}

TEST_CASE("the ledger counts exactly the steps a program declares before it runs", "[fp][ledger]") {
  for (const FpOp op : {FpOp::Add, FpOp::Mul, FpOp::Mac}) {
    for (const char* tech : kFpTechs) {
      CAPTURE(to_string(op), tech);
      const FpFormat f = FpFormat::fp32();
      FpRun run(tech, op, f, Rounding::Ieee);
      const ActivityCounts declared = run.program.program.cost(run.fixture.array.rows());
      const ActivityCounts before = run.fixture.account.total();
      run.run(random_operands(f, run.fixture.array.rows(), 41));
      const ActivityCounts counted = run.fixture.account.total() - before;
      // Latency: the same steps of each kind, whatever the data.
      CHECK(counted.compute_steps == declared.compute_steps);
      CHECK(counted.steps == declared.steps);
      // Energy: ops under a searched register touch only the rows it holds,
      // so the declared all-rows figure bounds the counted one.
      for (std::size_t k = 0; k < kStepKinds; ++k) CHECK(counted.cells[k] <= declared.cells[k]);
      // The host writes no operand here (debug access), so nothing else ran.
      CHECK(run.fixture.account.phase(Phase::HostAccess).compute_steps == 0);
    }
  }
}
