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

struct Design {
  Technology tech = load_technology("sot-mram-1t1r");
  CostLedger ledger;
  CostAccount& account = ledger.open_account("cell", StepPrices::from(tech.step));
  sc_core::sc_signal<double> wl{"wl"}, sl{"sl"}, rbl{"rbl"}, wbl{"wbl"}, i_mtj{"i_mtj"}, i_she{"i_she"};
  sc_core::sc_signal<bool> state{"state"};
  MtjCell cell{"cell", tech, account, false};

  Design() {
    cell.wl(wl);
    cell.sl(sl);
    cell.rbl(rbl);
    cell.wbl(wbl);
    cell.i_mtj_uA(i_mtj);
    cell.i_she_uA(i_she);
    cell.state(state);
  }
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
    const double i = i_mtj.read();
    idle();
    return i;
  }
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
  d.idle();
  CHECK(d.read_current() == Approx(d.tech.cell.v_read_V / d.tech.device.r_on_ohm * 1e6));
  CHECK_FALSE(d.cell.stored());
  CHECK(d.account.total().steps_of(StepKind::Read) == 1);
}

TEST_CASE("a gated pulse switches after the switching time, not before", "[cell]") {
  Design& d = *design;
  d.idle();
  d.drive(true, true);
  sc_core::sc_start(0.9 * d.tech.device.t_switch_ns, SC_NS);
  CHECK_FALSE(d.state.read());
  CHECK(d.i_she.read() == Approx(d.tech.device.i_write_uA));
  sc_core::sc_start(0.2 * d.tech.device.t_switch_ns, SC_NS);
  CHECK(d.state.read());
  d.idle();
  CHECK(d.read_current() == Approx(d.tech.cell.v_read_V / d.tech.device.r_off_ohm * 1e6));
  CHECK(d.cell.switch_events() == 1);
  CHECK(d.account.total().steps_of(StepKind::Write) == 1);
}

TEST_CASE("an ungated pulse keeps the stored bit", "[cell]") {
  Design& d = *design;
  d.idle();
  d.drive(false, true);
  sc_core::sc_start(2 * d.tech.device.t_switch_ns, SC_NS);
  d.idle();
  CHECK_FALSE(d.cell.stored());
  CHECK(d.account.total().steps_of(StepKind::Write) == 1);  // the pulse still cost a write
}

TEST_CASE("a pulse released early switches nothing, a held one switches once", "[cell]") {
  Design& d = *design;
  d.idle();
  d.drive(true, true);
  sc_core::sc_start(0.5 * d.tech.device.t_switch_ns, SC_NS);
  d.idle();
  CHECK_FALSE(d.cell.stored());
  d.drive(true, true);
  sc_core::sc_start(5 * d.tech.device.t_switch_ns, SC_NS);
  CHECK(d.cell.stored());
  CHECK(d.cell.switch_events() == 1);
  CHECK(d.account.total().steps_of(StepKind::Write) == 2);
}

TEST_CASE("the access transistor off isolates the cell", "[cell]") {
  Design& d = *design;
  d.idle();
  d.drive(true, true);
  d.wl.write(0);
  sc_core::sc_start(3 * d.tech.device.t_switch_ns, SC_NS);
  CHECK(d.i_she.read() == 0.0);
  CHECK(d.i_mtj.read() == 0.0);
  CHECK_FALSE(d.cell.stored());
}
