#include <catch2/catch.hpp>

#include "ledger/cost_ledger.hpp"

using namespace mrampim;

TEST_CASE("latency counts steps, energy counts cells, each at its technology's price", "[ledger]") {
  StepParams s;
  s.t_read_ns = 1.5;
  s.t_write_ns = 2.0;
  s.t_search_ns = 1.0;
  s.e_read_fJ = 10;
  s.e_write_fJ = 100;
  s.e_search_fJ = 5;
  CostLedger ledger;
  CostAccount& a = ledger.open_account("a", StepPrices::from(s));
  a.begin_step(Phase::Logic);
  a.charge_step(Phase::Logic, StepKind::Read);
  a.charge_step(Phase::Logic, StepKind::Write);
  a.charge_cells(Phase::Logic, StepKind::Read, 1024);
  a.charge_cells(Phase::Logic, StepKind::Write, 2048);
  a.begin_step(Phase::Alignment);
  a.charge_step(Phase::Alignment, StepKind::Search);
  a.charge_cells(Phase::Alignment, StepKind::Search, 8);
  CHECK(a.latency_ns() == Approx(1.5 + 2.0 + 1.0));
  CHECK(a.energy_pJ() == Approx((1024 * 10 + 2048 * 100 + 8 * 5) * 1e-3));
  CHECK(a.total().compute_steps == 2);
  CHECK(a.phase(Phase::Alignment).cells_of(StepKind::Search) == 8);
  CHECK(a.phase(Phase::Logic).cells_of(StepKind::Search) == 0);

  StepParams s2 = s;
  s2.e_write_fJ = 1;
  CostAccount& b = ledger.open_account("b", StepPrices::from(s2));
  b.charge_cells(Phase::Logic, StepKind::Write, 1000);
  CHECK(ledger.energy_pJ() == Approx(a.energy_pJ() + 1.0));
  CHECK(ledger.find("b") == &b);
  CHECK_THROWS(ledger.open_account("a", StepPrices::from(s)));
}

TEST_CASE("snapshots subtract to what happened in between", "[ledger]") {
  CostLedger ledger;
  CostAccount& a = ledger.open_account("a", StepPrices{});
  a.charge_cells(Phase::Logic, StepKind::Write, 5);
  const ActivityCounts before = a.total();
  a.begin_step(Phase::Logic);
  a.charge_cells(Phase::Logic, StepKind::Write, 7);
  const ActivityCounts d = a.total() - before;
  CHECK(d.cells_of(StepKind::Write) == 7);
  CHECK(d.compute_steps == 1);
}
