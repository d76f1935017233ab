// The host initiator replaying workloads and a trace through real TLM
// transactions: one design (three accelerators, each with its host),
// elaborated once and run to the end; the cases check what each host found.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

#include <sstream>

#include "accelerator/accelerator.hpp"
#include "host/host_initiator.hpp"
#include "support/protocol_monitor.hpp"

using namespace mrampim;

namespace {

const char* const kTrace = R"(# two MACs in rows 0-1, an add in row 5, then a move of the MAC results
mac fp32 ieee 0 1 0  1.5 2 0.25
mac fp32 ieee 0 1 1  0x3f800000 -1 1      # 1 x -1 + 1 = 0
add fp16 ieee 0 1 5  0.5 0.25
wait
move 0 1 0 2 96 1 0 200 32
wait
)";

struct Design {
  Technology tech = load_technology("sot-mram-1t1r");
  CostLedger ledger_a, ledger_b, ledger_c;
  Accelerator<64> acc_a{"acc_a", tech, AcceleratorConfig{1, 2, 16, 1.0}, ledger_a};
  test::ProtocolMonitor<64> monitor_a{"monitor_a"};
  HostInitiator<64> host_a{"host_a", gemm_workload(20, 30, 8, FpFormat::fp32(), Rounding::Ieee,
                                                   PlatformShape{1, 2, 1024, 1024, tech.family}, 1)};
  Accelerator<32> acc_b{"acc_b", tech, AcceleratorConfig{1, 2, 2, 1.0}, ledger_b};
  HostInitiator<32> host_b{"host_b",
                           mac_workload(1500, FpFormat::bf16(), Rounding::Ieee, PlatformShape{1, 2, 1024, 1024, tech.family}, 2),
                           /*poll*/ true};
  Accelerator<64> acc_c{"acc_c", tech, AcceleratorConfig{2, 2, 4, 1.0}, ledger_c};
  HostInitiator<64> host_c{"host_c", trace()};
  test::ProtocolMonitor<32> monitor_b{"monitor_b"};
  test::ProtocolMonitor<64> monitor_c{"monitor_c"};
  sc_core::sc_signal<bool> irq_a{"irq_a"}, irq_b{"irq_b"}, irq_c{"irq_c"};

  static HostProgram trace() {
    std::istringstream in(kTrace);
    return read_trace(in, "inline.trace", PlatformShape{2, 2, 1024, 1024, LogicFamily::SotStateful});
  }
  Design() {
    host_a.socket.bind(monitor_a.target);
    monitor_a.initiator.bind(acc_a.socket);
    host_b.socket.bind(monitor_b.target);
    monitor_b.initiator.bind(acc_b.socket);
    host_c.socket.bind(monitor_c.target);
    monitor_c.initiator.bind(acc_c.socket);
    acc_a.irq(irq_a);
    host_a.irq(irq_a);
    acc_b.irq(irq_b);
    host_b.irq(irq_b);
    acc_c.irq(irq_c);
    host_c.irq(irq_c);
  }
};

Design* design = nullptr;

void run_to_end() {
  sc_core::sc_start();  // every host finishes; then nothing is left to do
  REQUIRE(design->host_a.done());
  REQUIRE(design->host_b.done());
  REQUIRE(design->host_c.done());
}

std::string problems(const HostRunSummary& s) {
  std::string all;
  for (const auto& p : s.problems) all += p + "\n";
  return all;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  Design d;
  design = &d;
  return Catch::Session().run(argc, argv);
}

TEST_CASE("A GEMM through the accelerator equals the host's, round by round", "[host][gemm]") {
  run_to_end();
  const HostRunSummary& s = design->host_a.summary();
  INFO(problems(s));
  CHECK(s.ok());
  CHECK(s.checks == 20 * 30);
  CHECK(design->host_a.program().fp_operations == 20 * 30 * 8);
  CHECK(s.commands == 8 * 2);  // a MAC and a move per round (600 outputs fit one subarray)
  CHECK(s.end_ns > s.start_ns);
  for (const auto& v : design->monitor_a.violations) FAIL_CHECK("protocol: " << v);
  CHECK(design->monitor_a.transactions == s.transactions);
}

TEST_CASE("A MAC workload over two subarrays, polling STATUS, on a 32-bit bus", "[host][mac]") {
  run_to_end();
  const HostRunSummary& s = design->host_b.summary();
  INFO(problems(s));
  CHECK(s.ok());
  CHECK(s.checks == 1500);
  CHECK(s.commands == 2);
  // bf16 operands are 2 bytes: three per operation written, one read back.
  CHECK(s.bytes_written >= 1500 * 6);
  CHECK(s.bytes_read >= 1500 * 2);
  for (const auto& v : design->monitor_b.violations) FAIL_CHECK("protocol: " << v);
  CHECK(design->monitor_b.transactions == s.transactions);
}

TEST_CASE("A trace: rows grouped into commands, a move, waits, results checked", "[host][trace]") {
  run_to_end();
  const HostRunSummary& s = design->host_c.summary();
  INFO(problems(s));
  CHECK(s.ok());
  CHECK(s.checks == 3);
  CHECK(s.commands == 3);  // the two MAC rows are one command, the add another, then the move
  // The move put the MAC results (columns 96..127) into bank 1, subarray 0, columns 200..231.
  const Subarray& dst = design->acc_c.banks()[1].subarray(0);
  CHECK(dst.peek_field(0, 200, 32) == 0x40500000u);  // 1.5 x 2 + 0.25 = 3.25
  CHECK(dst.peek_field(1, 200, 32) == 0u);           // +0
  for (const auto& v : design->monitor_c.violations) FAIL_CHECK("protocol: " << v);
  CHECK(design->monitor_c.transactions == s.transactions);
}
