// tb_fp_mac as a user runs it: its checks, the paper's ratios it prints, and
// the VCD of one MAC's micro-operations.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "support/run_program.hpp"
#include "support/vcd.hpp"
#include "support/work_dir.hpp"

using namespace mrampim::test;
using Catch::Matchers::Contains;

namespace {

// The numbers on the first output line starting with `label`.
std::vector<double> numbers_after(const std::string& output, const std::string& label) {
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(label, 0) != 0) continue;
    std::istringstream ls(line.substr(label.size()));
    std::vector<double> v;
    for (std::string tok; ls >> tok;) {
      try {
        v.push_back(std::stod(tok));
      } catch (const std::exception&) {
      }
    }
    return v;
  }
  return {};
}

double number_before(const std::string& output, const std::string& before) {
  const auto at = output.find(before);
  if (at == std::string::npos) return -1;
  auto start = output.rfind(' ', at - 1);
  return std::stod(output.substr(start + 1, at - start - 1));
}

}  // namespace

TEST_CASE("tb_fp_mac: every row right on every technology, the paper's ratios, a VCD of the MAC",
          "[tb_fp_mac]") {
  const std::string vcd = work("fp_mac.vcd");
  std::remove(vcd.c_str());
  const ProgramResult r = run_program(std::string(TB_FP_MAC) + " --vcd " + vcd);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("1796 steps"));  // docs/fp-step-counts.md
  CHECK_THAT(r.output, Contains("row 0: 10 + 1.5 x -2.25 = 6.625 (0x40d40000)"));
  CHECK_THAT(r.output, Contains("sot-mram-1t1r against the host reference: ok (0 of 1024 rows wrong)"));
  CHECK_THAT(r.output, Contains("reram-floatpim against sot-mram-1t1r: ok (0 of 1024 rows wrong)"));
  CHECK_THAT(r.output, Contains("sot-mram-fast against sot-mram-1t1r: ok (0 of 1024 rows wrong)"));

  // FloatPIM / SOT-MRAM: counted, then published. The published ones are the
  // paper's: 1.8x latency and 3.3x energy, within 10%.
  const auto latency = numbers_after(r.output, "  latency ");
  const auto energy = numbers_after(r.output, "  energy     ");  // the comparison, not "energy by term"
  REQUIRE(latency.size() == 2);
  REQUIRE(energy.size() == 2);
  CHECK(latency[1] == Approx(1.8).epsilon(0.10));
  CHECK(energy[1] == Approx(3.3).epsilon(0.10));
  CHECK(latency[0] > 1.0);  // counted: FloatPIM is slower too, by its own amount
  CHECK(energy[0] > 1.0);
  // The fast cell's latency cut: 56.7% within 5 points.
  const double cut = number_before(r.output, "% (the paper: 56.7%)");
  CHECK(cut == Approx(56.7).margin(5.0));

  const Vcd v(vcd);
  for (const char* name : {"step", "phase", "reading", "writing", "searching", "noring", "rows_enabled",
                           "ledger_latency_ns", "ledger_energy_pJ", "a_row0", "b_row0", "c_row0", "result_row0"}) {
    CAPTURE(name);
    CHECK_NOTHROW(v.signal(name));
  }
  // Every step of the program appears, in order, in every phase.
  const auto& steps = v.signal("step").changes;
  REQUIRE(steps.size() >= 1796);
  CHECK(std::stoull(steps.back().value, nullptr, 2) == 1795);
  for (const char* p : {"1", "10", "11", "100"}) CHECK(v.signal("phase").takes(p));  // 1..4 in binary
  CHECK(v.signal("searching").takes("1"));
  CHECK_FALSE(v.signal("noring").takes("1"));  // SOT-MRAM has no NOR step
  // Searches narrow the enabled rows below all 1024.
  bool narrowed = false;
  for (const auto& c : v.signal("rows_enabled").changes) narrowed = narrowed || std::stoull(c.value, nullptr, 2) < 1024;
  CHECK(narrowed);
  // The ledger only grows, and ends at the latency the cost table reports.
  const auto lat = v.signal("ledger_latency_ns").reals();
  for (std::size_t i = 1; i < lat.size(); ++i) REQUIRE(lat[i] >= lat[i - 1]);
  const auto counted = numbers_after(r.output, "  counted ");
  REQUIRE(counted.size() == 7);  // reads writes searches NORs cells latency energy
  CHECK(lat.back() == Approx(counted[5]).margin(0.1));
  CHECK(std::stoull(v.signal("result_row0").changes.back().value, nullptr, 2) == 0x40d40000u);
}

TEST_CASE("tb_fp_mac on fp16 and bf16, and its bad input", "[tb_fp_mac]") {
  for (const char* format : {"fp16", "bf16"}) {
    CAPTURE(format);
    const ProgramResult r =
        run_program(std::string(TB_FP_MAC) + " --format " + format + " --a 0.5 --b 3 --c 0.25 --vcd " +
                    work(std::string("fp_mac_") + format + ".vcd"));
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK_THAT(r.output, Contains("row 0: 0.25 + 0.5 x 3 = 1.75"));
    CHECK_THAT(r.output, Contains("against the host reference: ok (0 of 1024 rows wrong)"));
  }
  const std::string vcd = work("fp_mac_never.vcd");
  std::remove(vcd.c_str());
  for (const auto& [args, message] :
       {std::pair<std::string, std::string>{"--format fp8", "unknown format 'fp8'"},
        {"--a foo", "'foo' is neither"},
        {"--rounding up", "unknown rounding 'up'"},
        {"--baseline nowhere", "unknown technology 'nowhere'"},
        {"--set array.cols=128", "no room"}}) {
    CAPTURE(args);
    const ProgramResult r = run_program(std::string(TB_FP_MAC) + " " + args + " --vcd " + vcd);
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains(message));
    CHECK_FALSE(std::ifstream(vcd).good());
  }
}
