// MtjCell in SystemC: the design is elaborated once, before the Catch session
// (the kernel cannot be reset); each case drives the terminals and advances
// simulated time with sc_start. ctest runs every case in a fresh process.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

#include "cell/mtj_cell.hpp"

using namespace mrampim;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

struct Design : MtjCellWires {
  Technology tech = load_technology("sot-mram-1t1r");
  CostLedger ledger;
  CostAccount& account = ledger.open_account("cell", StepPrices::from(tech));
  MtjCell cell{"cell", tech, account, false};

  Design() { connect(cell); }
  void idle() {
    wl.write(0);
    sl.write(0);
    rbl.write(0);
    wbl.write(0);
    sc_core::sc_start(1, SC_NS);
  }
  // Starts a pulse and returns; the caller advances time.
  void drive(bool a, bool c) {
    wl.write(tech.cell.v_wordline_V);
    rbl.write(a ? tech.device.v_write_V : 0.0);
    wbl.write((c ? 1 : -1) * cell.device().she_drive_V());
  }
  double read_current() {
    wl.write(tech.cell.v_wordline_V);
    rbl.write(-tech.cell.v_read_V);
    sc_core::sc_start(1, SC_NS);
    const double i = i_mtj_uA.read();
    idle();
    return i;
  }
  // Every case starts here: the cell written to `bit` by a full gated pulse,
  // the drive released, and the counters taken as the case's zero, so no
  // case depends on what ran before it in the same process.
  void begin_case(bool bit) {
    idle();
    drive(true, bit);
    sc_core::sc_start(2 * tech.device.t_switch_ns, SC_NS);
    idle();
    REQUIRE(cell.stored() == bit);
    base = account.total();
    base_switches = cell.switch_events();
  }
  ActivityCounts counted() const { return account.total() - base; }
  std::uint64_t switches() const { return cell.switch_events() - base_switches; }

  ActivityCounts base;
  std::uint64_t base_switches = 0;
};

Design* design = nullptr;

}  // namespace

int sc_main(int argc, char* argv[]) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  Design d;
  design = &d;
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  return Catch::Session().run(argc, argv);
}

TEST_CASE("a read draws V_read / R from SL to RBL and leaves the state", "[cell]") {
  Design& d = *design;
  for (bool bit : {false, true}) {
    CAPTURE(bit);
    d.begin_case(bit);
    const double r = bit ? d.tech.device.r_off_ohm : d.tech.device.r_on_ohm;
    CHECK(d.read_current() == Approx(d.tech.cell.v_read_V / r * 1e6));
    CHECK(d.cell.stored() == bit);
    CHECK(d.counted().steps_of(StepKind::Read) == 1);
    CHECK(d.counted().cells_of(StepKind::Read) == 1);
    CHECK(d.counted().steps_of(StepKind::Write) == 0);
  }
}

TEST_CASE("a gated pulse switches after the switching time, not before", "[cell]") {
  Design& d = *design;
  d.begin_case(false);
  d.drive(true, true);
  sc_core::sc_start(0.9 * d.tech.device.t_switch_ns, SC_NS);
  CHECK_FALSE(d.state.read());
  CHECK(d.i_she_uA.read() == Approx(d.tech.device.i_write_uA));
  sc_core::sc_start(0.2 * d.tech.device.t_switch_ns, SC_NS);
  CHECK(d.state.read());
  d.idle();
  CHECK(d.read_current() == Approx(d.tech.cell.v_read_V / d.tech.device.r_off_ohm * 1e6));
  CHECK(d.switches() == 1);
  CHECK(d.counted().steps_of(StepKind::Write) == 1);
  CHECK(d.counted().cells_of(StepKind::Write) == 1);
}

TEST_CASE("an ungated pulse keeps the stored bit", "[cell]") {
  Design& d = *design;
  for (bool bit : {false, true}) {
    CAPTURE(bit);
    d.begin_case(bit);
    d.drive(false, !bit);
    sc_core::sc_start(2 * d.tech.device.t_switch_ns, SC_NS);
    d.idle();
    CHECK(d.cell.stored() == bit);
    CHECK(d.switches() == 0);
    CHECK(d.counted().steps_of(StepKind::Write) == 1);  // the pulse still cost a write
  }
}

TEST_CASE("a pulse released early switches nothing, a held one switches once", "[cell]") {
  Design& d = *design;
  d.begin_case(false);
  d.drive(true, true);
  sc_core::sc_start(0.5 * d.tech.device.t_switch_ns, SC_NS);
  d.idle();
  CHECK_FALSE(d.cell.stored());
  d.drive(true, true);
  sc_core::sc_start(5 * d.tech.device.t_switch_ns, SC_NS);
  CHECK(d.cell.stored());
  CHECK(d.switches() == 1);
  CHECK(d.counted().steps_of(StepKind::Write) == 2);
}

TEST_CASE("reversing the current under a held pulse writes again", "[cell]") {
  Design& d = *design;
  d.begin_case(false);
  d.drive(true, true);
  sc_core::sc_start(1.5 * d.tech.device.t_switch_ns, SC_NS);
  REQUIRE(d.cell.stored());
  // Word line still on, gate still applied: only the direction C flips.
  d.wbl.write(-d.cell.device().she_drive_V());
  sc_core::sc_start(0.5 * d.tech.device.t_switch_ns, SC_NS);
  CHECK(d.cell.stored());  // the new pulse has not lasted long enough yet
  sc_core::sc_start(1.0 * d.tech.device.t_switch_ns, SC_NS);
  CHECK_FALSE(d.cell.stored());
  CHECK(d.switches() == 2);
  CHECK(d.counted().steps_of(StepKind::Write) == 2);
}

TEST_CASE("turning the access transistor off mid-pulse stops the write", "[cell]") {
  Design& d = *design;
  d.begin_case(false);
  d.drive(true, true);
  sc_core::sc_start(0.5 * d.tech.device.t_switch_ns, SC_NS);
  CHECK(d.i_she_uA.read() == Approx(d.tech.device.i_write_uA));
  d.wl.write(0);
  sc_core::sc_start(3 * d.tech.device.t_switch_ns, SC_NS);
  CHECK(d.i_she_uA.read() == 0.0);
  CHECK(d.i_mtj_uA.read() == 0.0);
  CHECK_FALSE(d.cell.stored());
  CHECK(d.switches() == 0);
  CHECK(d.counted().steps_of(StepKind::Write) == 1);
}
