// The testbench programs as a user runs them: exit status, messages, and the
// VCD a waveform viewer would show.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <set>

#include "support/run_program.hpp"
#include "support/vcd.hpp"
#include "support/work_dir.hpp"

using namespace mrampim::test;
using Catch::Matchers::Contains;

namespace {

std::set<std::string> values(const VcdSignal& s) {
  std::set<std::string> v;
  for (const auto& c : s.changes) v.insert(c.value);
  return v;
}

bool has_real(const VcdSignal& s, double want, double tol = 1e-6) {
  for (double v : s.reals()) {
    if (std::abs(v - want) <= tol * std::max(1.0, std::abs(want))) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("tb_mtj_cell passes its checks and writes a VCD of voltages, currents and state", "[tb_mtj_cell]") {
  const std::string vcd = work("cell.vcd");
  std::remove(vcd.c_str());
  const ProgramResult r = run_program(std::string(TB_MTJ_CELL) + " --vcd " + vcd);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("checks: 29/29 passed"));
  CHECK_THAT(r.output, Contains("VCD: " + vcd));

  const Vcd v(vcd);
  for (const char* name : {"wl", "sl", "rbl", "wbl", "i_mtj_uA", "i_she_uA", "state"}) {
    CAPTURE(name);
    CHECK_NOTHROW(v.signal(name));
  }
  CHECK(v.signal("rbl").type == "real");
  // RBL: the negative read bias, Vb for a gated write, 0 otherwise.
  CHECK(has_real(v.signal("rbl"), -0.1));
  CHECK(has_real(v.signal("rbl"), 0.6));
  CHECK(has_real(v.signal("wl"), 0.7));
  // Read currents of both states: 0.1 V / 50 kOhm and 0.1 V / 100 kOhm.
  CHECK(has_real(v.signal("i_mtj_uA"), 2.0));
  CHECK(has_real(v.signal("i_mtj_uA"), 1.0));
  // The write current in both directions.
  CHECK(has_real(v.signal("i_she_uA"), 65.0));
  CHECK(has_real(v.signal("i_she_uA"), -65.0));
  CHECK(values(v.signal("state")) == std::set<std::string>{"0", "1"});
}

TEST_CASE("tb_mtj_cell runs the fast-switching cell with its 0.18 ns pulse", "[tb_mtj_cell]") {
  const std::string vcd = work("cell_fast.vcd");
  const ProgramResult r = run_program(std::string(TB_MTJ_CELL) + " --tech sot-mram-fast --vcd " + vcd);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("tb_mtj_cell on sot-mram-fast"));
  CHECK_THAT(r.output, Contains("checks: 29/29 passed"));
  const Vcd v(vcd);
  CHECK(has_real(v.signal("i_she_uA"), 100.0));  // Prenat's 100 uA write current
  CHECK(values(v.signal("state")) == std::set<std::string>{"0", "1"});
  // A NOR technology has no MTJ cell to drive.
  const std::string never = work("cell_reram.vcd");
  std::remove(never.c_str());
  const ProgramResult bad = run_program(std::string(TB_MTJ_CELL) + " --tech reram-floatpim --vcd " + never);
  CHECK(bad.status == 2);
  CHECK_THAT(bad.output, Contains("models the SOT-MRAM cell"));
  CHECK_FALSE(std::ifstream(never).good());
}

TEST_CASE("tb_full_adder passes on both technologies and traces the ledger", "[tb_full_adder]") {
  for (const char* tech : {"sot-mram-1t1r", "reram-floatpim"}) {
    CAPTURE(tech);
    const std::string vcd = work(std::string("fa_") + tech + ".vcd");
    const ProgramResult r = run_program(std::string(TB_FULL_ADDER) + " --bits 12 --tech " + tech + " --vcd " + vcd);
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK_THAT(r.output, Contains("full adder on 1024 rows: ok"));
    CHECK_THAT(r.output, Contains("12-bit ripple add on 1024 rows: ok"));
    const Vcd v(vcd);
    const auto lat = v.signal("ledger_latency_ns").reals();
    REQUIRE(lat.size() > 10);
    for (std::size_t i = 1; i < lat.size(); ++i) REQUIRE(lat[i] >= lat[i - 1]);
    CHECK(v.signal("sum_rows0_7").width == 8);
    // Rows 0-7 hold inputs XYZ = 0..7 for the full adder: sums 0,1,1,0,1,0,0,1.
    CHECK(v.signal("sum_rows0_7").takes("10010110"));
    CHECK(v.signal("carry_rows0_7").takes("11101000"));
  }
}

TEST_CASE("bad input exits with status 2, names the key and file, and runs nothing", "[errors]") {
  const std::string vcd = work("never.vcd");
  std::remove(vcd.c_str());
  struct Case { std::string args; std::string message; };
  const std::string bad_cfg = work("bad.cfg");
  { std::ofstream(bad_cfg) << "[technology]\nname = bad\nfamily = sot-mram\nbase = sot-mram-1t1r\n[device]\nr_on = 5\n"; }
  // A complete file but for one key.
  const std::string short_cfg = work("short.cfg");
  {
    std::ifstream in(MRAMPIM_SOURCE_DIR "/platforms/tech/sot-mram-1t1r.cfg");
    std::ofstream out(short_cfg);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("t_read_ns", 0) != 0) out << line << '\n';
    }
  }
  const Case cases[] = {
      {"--set device.nonsense=1", "unknown key 'device.nonsense'"},
      {"--set device.r_on_ohm=abc", "'abc' is not a number"},
      {"--set step.t_read_ns=-1", "must be positive"},
      {"--set device.r_channel_ohm=0", "must be positive"},
      {"--set array.rows=100", "multiple of 64"},
      {"--tech " + bad_cfg, "unknown key 'device.r_on' in " + bad_cfg},
      {"--tech /no/such.cfg", "cannot open technology file '/no/such.cfg'"},
      {"--tech " + short_cfg, "missing key 'step.t_read_ns' in " + short_cfg},
      {"--set array.cols=70000", "key 'array.cols' (--set (command line, overriding"},
      {"--set sense.offset_uA=1e9", "does not exceed its offset"},
      {"--set step.e_read_fJ=1e-400", "too small for a double"},
      {"--no-such-option", "unrecognised option"},
  };
  for (const char* tb : {TB_MTJ_CELL, TB_FULL_ADDER}) {
    for (const Case& c : cases) {
      CAPTURE(tb, c.args);
      const ProgramResult r = run_program(std::string(tb) + " " + c.args + " --vcd " + vcd);
      INFO(r.output);
      CHECK(r.status == 2);
      CHECK_THAT(r.output, Contains(c.message));
      CHECK_FALSE(std::ifstream(vcd).good());
    }
  }
  const ProgramResult r = run_program(std::string(TB_FULL_ADDER) + " --bits 65 --vcd " + vcd);
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Contains("--bits 65 is outside 1..64"));
  CHECK_FALSE(std::ifstream(vcd).good());
  const std::string txt_path = work("wave.txt");
  std::remove(txt_path.c_str());
  const ProgramResult txt = run_program(std::string(TB_FULL_ADDER) + " --vcd " + txt_path);
  CHECK(txt.status == 2);
  CHECK_THAT(txt.output, Contains("must end in .vcd"));
  CHECK_FALSE(std::ifstream(txt_path).good());
  CHECK_FALSE(std::ifstream(work("wave.vcd")).good());
}

TEST_CASE("every program explains itself with --help and --list-params and exits 0", "[help]") {
  const ProgramResult h = run_program(std::string(TB_FULL_ADDER) + " --help");
  CHECK(h.status == 0);
  CHECK_THAT(h.output, Contains("--tech"));
  CHECK_THAT(h.output, Contains("--set"));
  const ProgramResult l = run_program(std::string(TB_MTJ_CELL) + " --list-params");
  CHECK(l.status == 0);
  CHECK_THAT(l.output, Contains("device.t_switch_ns"));
}
