// tb_mtj_cell: drives one 1T-1R SOT-MRAM cell (MtjCell) through reads, the
// write rule B' = A*C + (not A)*B for all 8 (A, B, C), the AND, OR and XOR
// gates for every input pair, and a pulse too short to switch; checks every
// result against an independent host truth table; writes a VCD with the four
// terminal voltages, both currents and the stored state; prints the counted
// costs. Exit status: 0 all checks pass, 1 a check failed, 2 bad input.
#include <systemc>

#include <iomanip>
#include <iostream>

#include "bench_cli.hpp"
#include "cell/mtj_cell.hpp"
#include "ledger/cost_ledger.hpp"
#include "sense_amp/sense_amp.hpp"

using namespace mrampim;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

// The bench is a module whose wires (MtjCellWires) reach the cell's terminals.
class MtjCellBench : public sc_core::sc_module, public MtjCellWires {
 public:
  sc_core::sc_signal<bool> sensed{"sensed"};      // sense amplifier output during a read
  sc_core::sc_signal<int> phase{"phase"};         // 0 idle, 1 read, 2 write pulse
  MtjCell cell;

  int failures = 0;
  int checks = 0;

  MtjCellBench(sc_core::sc_module_name n, const Technology& tech, CostAccount& account)
      : sc_module(n), cell("cell", tech, account), tech_(tech), sense_(SenseAmp::for_technology(tech)) {
    connect(cell);
    SC_HAS_PROCESS(MtjCellBench);
    SC_THREAD(run);
  }

  void trace(sc_core::sc_trace_file* tf) const {
    MtjCellWires::trace(tf);
    sc_core::sc_trace(tf, sensed, "sensed");
    sc_core::sc_trace(tf, phase, "phase");
  }

 private:
  const sc_time gap{0.5, SC_NS};
  const sc_time settle{0.1, SC_NS};

  // Read: WL on, SL grounded, RBL at the negative read bias; the current
  // SL -> RBL is sensed against the reference.
  bool read() {
    phase.write(1);
    wl.write(tech_.cell.v_wordline_V);
    sl.write(0.0);
    rbl.write(-tech_.cell.v_read_V);
    wait(sc_time(tech_.step.t_read_ns, SC_NS));
    const bool bit = sense_.read(i_mtj_uA.read());
    sensed.write(bit);
    rbl.write(0.0);
    wl.write(0.0);
    phase.write(0);
    wait(gap);
    return bit;
  }

  // Write pulse: RBL at Vb (A = 1) or 0 (A = 0), then WBL - SL = +/- the
  // channel drive voltage (C) for `length`; the current is released before
  // the gate so the gate never changes under a live pulse.
  void pulse(bool a, bool c, sc_time length) {
    phase.write(2);
    wl.write(tech_.cell.v_wordline_V);
    sl.write(0.0);
    rbl.write(a ? tech_.device.v_write_V : 0.0);
    wait(settle);
    wbl.write(c ? cell.device().she_drive_V() : -cell.device().she_drive_V());
    wait(length);
    wbl.write(0.0);
    wait(settle);
    rbl.write(0.0);
    wl.write(0.0);
    phase.write(0);
    wait(gap);
  }
  void pulse(bool a, bool c) { pulse(a, c, sc_time(tech_.step.t_write_ns, SC_NS)); }
  void store(bool b) { pulse(true, b); }

  void check(bool ok, const std::string& what) {
    ++checks;
    if (!ok) {
      ++failures;
      std::cout << "  FAIL " << what << '\n';
    }
  }

  void run() {
    wait(gap);
    std::cout << "write rule B' = A*C + (not A)*B, read back through the sense amplifier:\n"
              << "   A B C | B' expected\n";
    for (int abc = 0; abc < 8; ++abc) {
      const bool a = abc & 4, b = abc & 2, c = abc & 1;
      store(b);
      check(read() == b, "store " + std::to_string(b));
      pulse(a, c);
      const bool got = read();
      const bool expected = a ? c : b;  // host truth table, written independently of SheMtj
      check(got == expected, "rule A=" + std::to_string(a) + " B=" + std::to_string(b) + " C=" + std::to_string(c));
      std::cout << "   " << a << ' ' << b << ' ' << c << " | " << got << "  " << expected << '\n';
    }
    std::cout << "gates (y stored, x applied; each a read of y then one write):\n   gate  x y | out expected\n";
    const StatefulGate gates[] = {StatefulGate::And, StatefulGate::Or, StatefulGate::Xor};
    for (StatefulGate g : gates) {
      for (int xy = 0; xy < 4; ++xy) {
        const bool x = xy & 2, y = xy & 1;
        store(y);
        const bool y_read = read();
        const GateDrive d = SheMtj::drive_of(g);
        const std::uint64_t xw = x ? ~0ull : 0, yw = y_read ? ~0ull : 0;
        pulse(SheMtj::resolve(d.a, xw, yw) & 1u, SheMtj::resolve(d.c, xw, yw) & 1u);
        const bool got = read();
        const bool expected = g == StatefulGate::And ? (x && y) : g == StatefulGate::Or ? (x || y) : (x != y);
        check(got == expected, std::string(to_string(g)) + " x=" + std::to_string(x) + " y=" + std::to_string(y));
        std::cout << "   " << std::setw(4) << to_string(g) << "  " << x << ' ' << y << " |  " << got << "  "
                  << expected << '\n';
      }
    }
    // A pulse shorter than the switching time leaves the cell as it was.
    store(false);
    pulse(true, true, sc_time(0.5 * tech_.device.t_switch_ns, SC_NS));
    check(read() == false, "half-length pulse must not switch");
    std::cout << "half-length pulse: " << (cell.stored() ? "switched (wrong)" : "no switch (right)") << '\n';
    sc_core::sc_stop();
  }

  const Technology& tech_;
  SenseAmp sense_;
};

}  // namespace

int sc_main(int argc, char* argv[]) {
  bench::BenchCommandLine cli(
      "tb_mtj_cell: the 1T-1R SOT-MRAM cell through read, the write rule, AND, OR, XOR.\n"
      "Usage: tb_mtj_cell [options]",
      "tb_mtj_cell.vcd", "sot-mram-1t1r");
  const int parsed = cli.parse(argc, argv);
  if (parsed >= 0) return parsed;
  const Technology& tech = cli.technology();
  if (tech.family != LogicFamily::SotStateful) {
    return bench::BenchCommandLine::bad_input("tb_mtj_cell models the SOT-MRAM cell; '" + tech.name + "' (" +
                                              tech.source + ") is a " + to_string(tech.family) + " technology");
  }

  CostLedger ledger;
  CostAccount& account = ledger.open_account("cell", StepPrices::from(tech));
  MtjCellBench bench("tb", tech, account);
  sc_core::sc_trace_file* tf = cli.open_vcd();
  bench.trace(tf);
  std::cout << "tb_mtj_cell on " << tech.name << " (" << tech.source << ")\n"
            << "  spin-Hall channel " << std::setprecision(4) << bench.cell.device().she_channel_ohm()
            << " ohm, drive " << bench.cell.device().she_drive_V() * 1e3 << " mV for "
            << tech.device.i_write_uA << " uA\n";
  sc_core::sc_start();
  sc_core::sc_close_vcd_trace_file(tf);

  const ActivityCounts c = account.total();
  std::cout << "\ncounted costs (ledger account '" << account.name() << "'):\n"
            << "  reads  " << c.steps_of(StepKind::Read) << " steps, " << c.cells_of(StepKind::Read) << " cells\n"
            << "  writes " << c.steps_of(StepKind::Write) << " steps, " << c.cells_of(StepKind::Write) << " cells ("
            << bench.cell.switch_events() << " switched)\n"
            << "  array latency " << account.latency_ns() << " ns, energy " << account.energy_pJ() << " pJ\n"
            << "  simulated time " << sc_core::sc_time_stamp().to_string() << "\n"
            << "checks: " << bench.checks - bench.failures << "/" << bench.checks << " passed\n"
            << "VCD: " << cli.vcd_path() << '\n';
  return bench.failures == 0 ? 0 : 1;
}
