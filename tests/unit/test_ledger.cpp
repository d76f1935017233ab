#include <catch2/catch.hpp>

#include "ledger/cost_ledger.hpp"

using namespace mrampim;

TEST_CASE("latency counts steps, energy counts cells, each at its technology's price", "[ledger]") {
  Technology t;
  StepParams& s = t.step;
  s.t_read_ns = 1.5;
  s.t_write_ns = 2.0;
  s.t_search_ns = 1.0;
  s.e_read_fJ = 10;
  s.e_write_fJ = 100;
  s.e_search_fJ = 5;
  CostLedger ledger;
  CostAccount& a = ledger.open_account("a", StepPrices::calibrated(t));
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

  Technology t2 = t;
  t2.step.e_write_fJ = 1;
  CostAccount& b = ledger.open_account("b", StepPrices::calibrated(t2));
  b.charge_cells(Phase::Logic, StepKind::Write, 1000);
  CHECK(ledger.energy_pJ() == Approx(a.energy_pJ() + 1.0));
  CHECK(ledger.find("b") == &b);
  CHECK_THROWS(ledger.open_account("a", StepPrices::calibrated(t)));
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

TEST_CASE("the periphery costs once per step, the controller once per command, whatever the cells", "[ledger]") {
  Technology t;
  t.step.t_write_ns = 2;
  t.step.e_write_fJ = 100;
  t.step.e_periphery_pJ = 3;
  t.controller.e_command_pJ = 50;
  CostLedger ledger;
  CostAccount& a = ledger.open_account("a", StepPrices::calibrated(t));
  // Two steps: one writing 1024 cells, one writing a single cell.
  a.charge(Phase::Logic, {0, 1, 0, 0}, {0, 1024, 0, 0}, 1);
  a.charge(Phase::Logic, {0, 1, 0, 0}, {0, 1, 0, 0}, 1);
  a.charge_command();
  const ActivityCounts c = a.total();
  CHECK(c.commands == 1);
  CHECK(a.phase(Phase::Control).commands == 1);
  CHECK(c.cell_energy_pJ(a.prices()) == Approx(1025 * 100 * 1e-3));
  CHECK(c.periphery_energy_pJ(a.prices()) == Approx(2 * 3.0));
  CHECK(c.command_energy_pJ(a.prices()) == Approx(50.0));
  CHECK(a.energy_pJ() == Approx(102.5 + 6.0 + 50.0));
  CHECK(ledger.energy_pJ() == Approx(a.energy_pJ()));
  // Neither adds latency: decoding overlaps the array's steps.
  CHECK(a.latency_ns() == Approx(2 * 2.0));
}
