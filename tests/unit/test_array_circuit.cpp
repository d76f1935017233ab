// The counted step prices derived from the device and the array's circuits
// (circuit/array_circuit.hpp; docs/technology.md, "Counted step prices"):
// each term against its equation by hand, and how they move when a device
// or circuit parameter, or the array's size, changes.
#include <catch2/catch.hpp>

#include <random>

#include "circuit/array_circuit.hpp"
#include "compute/fp_engine.hpp"
#include "support/array_fixture.hpp"

using namespace mrampim;

namespace {

constexpr std::size_t R = std::size_t(StepKind::Read), W = std::size_t(StepKind::Write),
                      S = std::size_t(StepKind::Search), N = std::size_t(StepKind::Nor);

}  // namespace

TEST_CASE("sot-mram-1t1r's counted prices, term by term by hand", "[circuit]") {
  const Technology t = load_technology("sot-mram-1t1r");
  const StepPrices p = StepPrices::from(t);
  // Lines over 1024 cells of 0.2 fF and 1.5 ohm; a 1 kOhm driver:
  // 0.69 x 1000 x 204.8 fF + 0.38 x 1536 x 204.8 fF = 0.14131 + 0.11954 ns.
  CHECK(ArrayCircuit(t).step_line_delay_ns() == Approx(0.26085).epsilon(1e-4));
  // A step decodes once (0.2 ns), then each of its kinds charges its lines
  // and senses (0.5 ns) or switches (2.0 ns).
  CHECK(p.step_ns == 0.2);
  CHECK(p.latency_ns[R] == Approx(0.26085 + 0.5).epsilon(1e-4));
  CHECK(p.latency_ns[S] == p.latency_ns[R]);
  CHECK(p.latency_ns[W] == Approx(0.26085 + 2.0).epsilon(1e-4));
  // A read-then-write step: 0.2 + 0.76085 + 2.26085 ns.
  ActivityCounts rw;
  rw.compute_steps = 1;
  rw.steps[R] = rw.steps[W] = 1;
  CHECK(rw.latency_ns(p) == Approx(0.2 + 0.76085 + 2.26085).epsilon(1e-4));
  // Write: (65 uA)^2 x (1420 + 2000) ohm x 2 ns = 28.899 fJ.
  CHECK(p.energy_fJ[W] == Approx(28.899).epsilon(1e-4));
  // Read: 0.1 V x 1.5 uA x 0.5 ns + 0.9 V x 10 uA x 0.5 ns = 0.075 + 4.5 fJ.
  CHECK(p.energy_fJ[R] == Approx(4.575).epsilon(1e-4));
  // Lines: 204.8 fF x (0.1 V)^2; x ((65 uA x 3420 ohm)^2 + (0.6 V)^2); x (0.7 V)^2.
  CHECK(p.column_line_fJ[R] == Approx(2.048).epsilon(1e-4));
  CHECK(p.column_line_fJ[W] == Approx(204.8 * (0.2223 * 0.2223 + 0.36)).epsilon(1e-3));
  CHECK(p.row_line_fJ == Approx(204.8 * 0.49).epsilon(1e-4));
  CHECK(p.periphery_pJ == 1.0);
  CHECK(p.latency_ns[N] == 0);  // SOT has no NOR step
  // The published-formula prices stay the calibrated [step] section.
  const StepPrices c = StepPrices::calibrated(t);
  CHECK(c.latency_ns[R] == t.step.t_read_ns);
  CHECK(c.energy_fJ[W] == t.step.e_write_fJ);
  CHECK(c.row_line_fJ == 0);
}

TEST_CASE("reram-floatpim's MAGIC steps: a SET per initialisation, a NOR by its own evaluation", "[circuit]") {
  const Technology t = load_technology("reram-floatpim");
  const StepPrices p = StepPrices::from(t);
  // (1 V)^2 / 10 kOhm x 1 ns = 100 fJ; (1.2 V)^2 / 20 kOhm x 1 ns = 72 fJ.
  CHECK(p.energy_fJ[W] == Approx(100.0));
  CHECK(p.energy_fJ[N] == Approx(72.0));
  CHECK(p.latency_ns[N] == p.latency_ns[W]);
  CHECK(p.latency_ns[N] == Approx(ArrayCircuit(t).step_line_delay_ns() + 1.0));
}

TEST_CASE("the counted prices follow the device, the wires and the array's size as their equations say",
          "[circuit][sensitivity]") {
  // A line limit far above any step's current: the device and circuit
  // equations alone (the row groups have their own test below).
  const std::string unlimited = "circuit.i_line_max_uA=1e9";
  const Technology base = load_technology("sot-mram-1t1r", {unlimited});
  const StepPrices p0 = StepPrices::from(base);
  SECTION("doubling the write current quadruples a written cell's energy, and not its latency") {
    const StepPrices p = StepPrices::from(load_technology("sot-mram-1t1r", {unlimited, "device.i_write_uA=130"}));
    CHECK(p.energy_fJ[W] == Approx(4 * p0.energy_fJ[W]));  // I^2 (R_channel + R_access) t
    CHECK(p.latency_ns[W] == p0.latency_ns[W]);
    CHECK(p.energy_fJ[R] == p0.energy_fJ[R]);
    // The current's line pair swings twice as far: C_col ((2 V)^2 + Vb^2).
    const double c_col = 1024 * 0.2, v = 65e-6 * 3420;
    CHECK(p.column_line_fJ[W] == Approx(c_col * (4 * v * v + 0.36)).epsilon(1e-9));
  }
  SECTION("halving the write pulse halves a written cell's energy and takes 1 ns off a write step") {
    const StepPrices p =
        StepPrices::from(load_technology("sot-mram-1t1r", {unlimited, "device.t_switch_ns=1", "step.t_write_ns=1"}));
    CHECK(p.energy_fJ[W] == Approx(0.5 * p0.energy_fJ[W]));
    CHECK(p.latency_ns[W] == Approx(p0.latency_ns[W] - 1.0));
    CHECK(p.latency_ns[R] == p0.latency_ns[R]);
  }
  SECTION("doubling the wire capacitance doubles every line's energy and its charging time") {
    const Technology t = load_technology("sot-mram-1t1r", {unlimited, "circuit.c_wire_fF=0.4"});
    const StepPrices p = StepPrices::from(t);
    for (std::size_t k : {R, W, S}) CHECK(p.column_line_fJ[k] == Approx(2 * p0.column_line_fJ[k]));
    CHECK(p.row_line_fJ == Approx(2 * p0.row_line_fJ));
    const double line0 = ArrayCircuit(base).step_line_delay_ns();
    CHECK(ArrayCircuit(t).step_line_delay_ns() == Approx(2 * line0));
    CHECK(p.latency_ns[W] == Approx(p0.latency_ns[W] + line0));
    CHECK(p.energy_fJ[W] == p0.energy_fJ[W]);  // the cell's own energy does not change
  }
  SECTION("doubling the rows doubles a column line's energy and lengthens its RC as R^2") {
    const Technology t = load_technology("sot-mram-1t1r", {unlimited, "array.rows=2048"});
    const ArrayCircuit c(t), c0(base);
    const StepPrices p = StepPrices::from(t);
    for (std::size_t k : {R, W, S}) CHECK(p.column_line_fJ[k] == Approx(2 * p0.column_line_fJ[k]));
    CHECK(p.row_line_fJ == p0.row_line_fJ);  // the word lines cross the same columns
    // 0.69 Rd (2C) + 0.38 (2R)(2C): the driver term doubles, the wire term quadruples.
    const double cf = 2048 * 0.2e-15, rw = 2048 * 1.5;
    CHECK(c.line_delay_ns(c.column_line_ohm(), c.column_line_fF()) ==
          Approx((0.69 * 1000 * cf + 0.38 * rw * cf) * 1e9).epsilon(1e-9));
    CHECK(c.step_line_delay_ns() > c0.step_line_delay_ns());
  }
}

TEST_CASE("a whole fp32 MAC run's energy moves with the write current exactly by its writes", "[circuit][sensitivity]") {
  // The same program on the same operands counts the same cells and lines:
  // only the prices differ, so the energy moves by the written cells and
  // write lines times the price differences, and the latency not at all.
  auto run = [](const std::vector<std::string>& set) {
    test::ArrayFixture f("sot-mram-1t1r", set);
    FpEngine e(f.array, FpOp::Mac, FpFormat::fp32(), Rounding::Ieee);
    std::mt19937_64 rng(3);
    std::vector<FpOperands> ops(f.array.rows());
    for (auto& o : ops) o = {rng() & 0xffffffffu, rng() & 0xffffffffu, rng() & 0xffffffffu};
    e.run(ops);
    return std::make_pair(f.account.total(), std::make_pair(f.account.energy_pJ(), f.account.latency_ns()));
  };
  const std::string unlimited = "circuit.i_line_max_uA=1e9";  // no row groups: the device alone
  const auto [c0, r0] = run({unlimited});
  const auto [c1, r1] = run({unlimited, "device.i_write_uA=130"});
  REQUIRE(c0 == c1);
  const StepPrices p0 = StepPrices::from(load_technology("sot-mram-1t1r", {unlimited}));
  const StepPrices p1 = StepPrices::from(load_technology("sot-mram-1t1r", {unlimited, "device.i_write_uA=130"}));
  const double want = (double(c0.cells[W]) * (p1.energy_fJ[W] - p0.energy_fJ[W]) +
                       double(c0.column_lines[W]) * (p1.column_line_fJ[W] - p0.column_line_fJ[W])) * 1e-3;
  CHECK(r1.first - r0.first == Approx(want).epsilon(1e-9));
  CHECK(r1.second == r0.second);
  CHECK(c0.row_lines > 0);
  CHECK(c0.column_lines[W] > 0);
}

TEST_CASE("a cell's area from its lines and transistor, a subarray's from its cells and circuits", "[circuit][area]") {
  // sot-mram-1t1r: three column lines at a 56 nm pitch (168 nm), but the
  // access transistor for 65 uA at 500 uA/um is 130 nm wide, plus a pitch:
  // 186 nm across, one word line pitch (56 nm) along: 13.3 F^2.
  const Technology sot = load_technology("sot-mram-1t1r");
  const ArrayCircuit c(sot);
  CHECK(c.access_width_nm() == Approx(130.0));
  CHECK(c.cell_width_nm() == Approx(186.0));
  CHECK(c.cell_height_nm() == Approx(56.0));
  CHECK(c.cell_area_um2() / (0.028 * 0.028) == Approx(13.29).epsilon(1e-3));
  // Periphery: a driver per row and column, a sense amplifier per row
  // partition (here every cell: partition_cols = 1), the decoders.
  CHECK(c.periphery_area_um2() == Approx(2048 * 0.1 + 1024 * 1024 * 0.5 + 100));
  const Technology one_per_row = load_technology("sot-mram-1t1r", {"circuit.partition_cols=1024"});
  CHECK(ArrayCircuit(one_per_row).periphery_area_um2() == Approx(2048 * 0.1 + 1024 * 0.5 + 100));
  const Technology four = load_technology("sot-mram-1t1r", {"circuit.partition_cols=4"});
  CHECK(ArrayCircuit(four).periphery_area_um2() == Approx(2048 * 0.1 + 1024 * 256 * 0.5 + 100));
  const Technology ragged = load_technology("sot-mram-1t1r", {"circuit.partition_cols=1000"});  // 1000 + 24
  CHECK(ArrayCircuit(ragged).periphery_area_um2() == Approx(2048 * 0.1 + 1024 * 2 * 0.5 + 100));
  CHECK(c.subarray_area_um2() == Approx(1024.0 * 1024 * c.cell_area_um2() + c.periphery_area_um2()));
  // A weaker transistor widens the cell; a smaller write current lets the lines set it.
  const Technology weak = load_technology("sot-mram-1t1r", {"cell.i_drive_uA_per_um=250"});
  CHECK(ArrayCircuit(weak).cell_width_nm() == Approx(260 + 56));
  const Technology small = load_technology("sot-mram-1t1r", {"device.i_write_uA=30", "step.e_write_fJ=100"});
  CHECK(ArrayCircuit(small).cell_width_nm() == Approx(168.0));
  // The crossbar: 4 F^2 whatever the current.
  const Technology reram = load_technology("reram-floatpim");
  CHECK(ArrayCircuit(reram).cell_area_um2() == Approx(4 * 0.028 * 0.028));
}

TEST_CASE("a step whose rows draw more than a column line carries runs in row groups", "[circuit][limits]") {
  // 1024 rows x 65 uA = 66.56 mA: the embedded limit lets every row write at once.
  const Technology base = load_technology("sot-mram-1t1r");
  const ArrayCircuit c0(base);
  CHECK(c0.line_current_uA(StepKind::Write) == Approx(66560));
  CHECK(c0.sub_steps(StepKind::Write) == 1);
  CHECK(c0.line_current_uA(StepKind::Read) == Approx(1024 * 2.0));  // 0.1 V / 50 kOhm a row
  // An 8 mA line: ceil(66.56 / 8) = 9 row groups for a write, none for a read (2.05 mA).
  const Technology t = load_technology("sot-mram-1t1r", {"circuit.i_line_max_uA=8000"});
  const ArrayCircuit c(t);
  const StepPrices p = StepPrices::from(t), p0 = StepPrices::from(base);
  CHECK(c.sub_steps(StepKind::Write) == 9);
  CHECK(c.sub_steps(StepKind::Read) == 1);
  CHECK(p.sub_steps[std::size_t(StepKind::Write)] == 9);
  const double line = c.step_line_delay_ns();
  CHECK(p.latency_ns[std::size_t(StepKind::Write)] == Approx(9 * (line + 2.0)));
  CHECK(p.latency_ns[std::size_t(StepKind::Read)] == p0.latency_ns[std::size_t(StepKind::Read)]);
  CHECK(p.column_line_fJ[std::size_t(StepKind::Write)] == Approx(9 * p0.column_line_fJ[std::size_t(StepKind::Write)]));
  CHECK(p.energy_fJ[std::size_t(StepKind::Write)] == p0.energy_fJ[std::size_t(StepKind::Write)]);  // the same cells switch
  // Twice the rows, or twice the write current, on the embedded limit: two row groups.
  const Technology tall = load_technology("sot-mram-1t1r", {"array.rows=2048"});
  CHECK(ArrayCircuit(tall).sub_steps(StepKind::Write) == 2);
  const Technology strong = load_technology("sot-mram-1t1r", {"device.i_write_uA=130"});
  CHECK(ArrayCircuit(strong).sub_steps(StepKind::Write) == 2);
  // ReRAM: a SET of 1024 rows at 1 V / 10 kOhm = 102.4 mA; a NOR at 1.2 V / 20 kOhm = 61.4 mA.
  const Technology reram = load_technology("reram-floatpim", {"circuit.i_line_max_uA=60000"});
  const ArrayCircuit r(reram);
  CHECK(r.sub_steps(StepKind::Write) == 2);
  CHECK(r.sub_steps(StepKind::Nor) == 2);
}

TEST_CASE("no shipped technology splits a step: each sets its line limit to what its row-parallel steps draw",
          "[circuit][limits]") {
  for (const auto& name : embedded_technology_names()) {
    const Technology t = load_technology(name);
    const ArrayCircuit c(t);
    for (std::size_t k = 0; k < kStepKinds; ++k) {
      CAPTURE(name, k);
      CHECK(c.sub_steps(StepKind(k)) == 1);
    }
  }
}

TEST_CASE("a line limit below one row's cell current is bad input", "[circuit][limits]") {
  CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"circuit.i_line_max_uA=50"}),
                    Catch::Matchers::Contains("'circuit.i_line_max_uA' (--set") &&
                        Catch::Matchers::Contains("one row's write current"));
  // Just enough for one row: 1024 row groups, no more.
  const Technology t = load_technology("sot-mram-1t1r", {"circuit.i_line_max_uA=65"});
  CHECK(ArrayCircuit(t).sub_steps(StepKind::Write) == 1024);
}
