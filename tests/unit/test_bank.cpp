// The bank: its subarrays and the row-parallel transfer path between them.
#include <catch2/catch.hpp>

#include <random>

#include "circuit/array_circuit.hpp"
#include "bank/bank.hpp"
#include "support/array_fixture.hpp"

using namespace mrampim;
using mrampim::test::random_mask;

TEST_CASE("A bank owns its subarrays, each with its own ledger account", "[bank]") {
  const Technology tech = load_technology("sot-mram-1t1r", {"array.rows=128", "array.cols=256"});
  CostLedger ledger;
  Bank bank("bank0", tech, 4, ledger);
  CHECK(bank.subarray_count() == 4);
  CHECK(bank.subarray(3).rows() == 128);
  CHECK(bank.subarray(3).cols() == 256);
  CHECK_THROWS_AS(bank.subarray(4), std::out_of_range);
  for (const char* name : {"bank0.transfer", "bank0.subarray0", "bank0.subarray3"}) {
    CAPTURE(name);
    CHECK(ledger.find(name) != nullptr);
  }
  CHECK(bank.area_um2() == Approx(4 * ArrayCircuit(tech).subarray_area_um2()));
  CHECK_THROWS_AS(Bank("empty", tech, 0, ledger), std::invalid_argument);
}

TEST_CASE("A transfer copies a field of the selected rows, and costs 2b cycles", "[bank]") {
  for (const char* tech_name : {"sot-mram-1t1r", "reram-floatpim"}) {
    CAPTURE(tech_name);
    const Technology tech = load_technology(tech_name);
    CostLedger ledger;
    Bank bank("b", tech, 3, ledger);
    std::mt19937_64 rng(4);
    for (std::uint32_t s = 0; s < 3; ++s) bank.subarray(s).fill_debug(rng);
    const RowMask rows = random_mask(tech.array.rows, rng);
    const Subarray& src = bank.subarray(0);
    Subarray& dst = bank.subarray(2);
    std::vector<std::uint64_t> before_src, before_dst;
    for (std::uint32_t r = 0; r < tech.array.rows; ++r) {
      before_src.push_back(src.peek_field(r, 100, 32));
      before_dst.push_back(dst.peek_field(r, 500, 40));
    }
    bank.transfer(0, 100, 2, 508, 32, rows);
    for (std::uint32_t r = 0; r < tech.array.rows; ++r) {
      CAPTURE(r);
      const std::uint64_t d = dst.peek_field(r, 500, 40);
      // Columns 500..507 and unselected rows keep their cells.
      REQUIRE((d & 0xff) == (before_dst[r] & 0xff));
      REQUIRE((d >> 8) == (rows.test(r) ? before_src[r] : before_dst[r] >> 8));
      REQUIRE(src.peek_field(r, 100, 32) == before_src[r]);
    }
    // 2b cycles: 32 read steps and 32 write steps, one cell each per moved row.
    const ActivityCounts t = bank.transfer_account().phase(Phase::Transfer);
    CHECK(t.steps_of(StepKind::Read) == 32);
    CHECK(t.steps_of(StepKind::Write) == 32);
    CHECK(t.compute_steps == 64);
    CHECK(t.cells_of(StepKind::Read) == 32u * rows.count());
    CHECK(t.cells_of(StepKind::Write) == 32u * rows.count());
    // Lines: a read and a write column line per bit; the rows raised once
    // in each subarray; a step's decoders per step.
    const StepPrices& pr = bank.transfer_account().prices();
    const std::size_t R = std::size_t(StepKind::Read), W = std::size_t(StepKind::Write);
    CHECK(t.column_lines[R] == 32);
    CHECK(t.column_lines[W] == 32);
    CHECK(t.row_lines == 2 * rows.count());
    CHECK(bank.transfer_account().latency_ns() == Approx(32 * (pr.latency_ns[R] + pr.latency_ns[W]) + 64 * pr.step_ns));
    CHECK(bank.transfer_account().energy_pJ() ==
          Approx((32.0 * rows.count() * (pr.energy_fJ[R] + pr.energy_fJ[W]) + 32 * (pr.column_line_fJ[R] + pr.column_line_fJ[W]) +
                  2.0 * rows.count() * pr.row_line_fJ) * 1e-3 + 64 * pr.periphery_pJ));
    // The subarrays' own accounts are not charged: the path is.
    CHECK(ledger.find("b.subarray0")->total() == ActivityCounts{});
    CHECK(ledger.find("b.subarray2")->total() == ActivityCounts{});
  }
}

TEST_CASE("A transfer within one subarray, and the transfers a bank refuses", "[bank]") {
  const Technology tech = load_technology("sot-mram-1t1r", {"array.rows=64", "array.cols=128"});
  CostLedger ledger;
  Bank bank("b", tech, 2, ledger);
  Subarray& s = bank.subarray(1);
  const RowMask all(64, true);
  for (std::uint32_t r = 0; r < 64; ++r) s.poke_field(r, 0, 16, r * 977u & 0xffff);
  bank.transfer(1, 0, 1, 16, 16, all);
  for (std::uint32_t r = 0; r < 64; ++r) REQUIRE(s.peek_field(r, 16, 16) == (r * 977u & 0xffff));

  CHECK_THROWS_AS(bank.transfer(0, 0, 2, 0, 8, all), std::out_of_range);       // no subarray 2
  CHECK_THROWS_AS(bank.transfer(0, 120, 1, 0, 16, all), std::out_of_range);    // past column 127
  CHECK_THROWS_AS(bank.transfer(0, 0, 1, 0, 0, all), std::out_of_range);       // nothing to move
  CHECK_THROWS_AS(bank.transfer(1, 0, 1, 8, 16, all), std::invalid_argument);  // overlaps its source
  CHECK_THROWS_AS(bank.transfer(0, 0, 1, 0, 8, RowMask(128, true)), std::invalid_argument);
  CHECK(bank.transfer_account().phase(Phase::Transfer).compute_steps == 32);  // only the good transfer
}
