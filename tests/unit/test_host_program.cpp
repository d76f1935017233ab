// Host programs: trace files and the workload generators.
#include <catch2/catch.hpp>

#include <sstream>

#include "host/host_program.hpp"

using namespace mrampim;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;

namespace {

const PlatformShape kShape{2, 2, 1024, 1024, LogicFamily::SotStateful};

HostProgram trace(const std::string& text) {
  std::istringstream in(text);
  return read_trace(in, "t.trace", kShape);
}

std::string trace_error(const std::string& text) {
  try {
    trace(text);
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}

std::size_t count(const HostProgram& p, HostOp::Kind k) {
  std::size_t n = 0;
  for (const HostOp& o : p.ops) n += o.kind == k;
  return n;
}

}  // namespace

TEST_CASE("A trace groups consecutive rows into one command and checks every ieee result", "[host][trace]") {
  const HostProgram p = trace(
      "mac fp32 ieee 0 0 10 1 2 3\n"
      "mac fp32 ieee 0 0 11 1 2 3\n"
      "mac fp32 ieee 0 0 12 1 2 3   # same command\n"
      "mac fp32 ieee 0 0 14 1 2 3   # a gap: another command\n"
      "mac fp32 paper 0 0 15 1 2 3  # another rounding: another, unchecked\n");
  REQUIRE(count(p, HostOp::Kind::Issue) == 3);
  CHECK(count(p, HostOp::Kind::WriteField) == 5 * 3);
  CHECK(count(p, HostOp::Kind::CheckField) == 4);
  CHECK(count(p, HostOp::Kind::Barrier) == 1);  // at the end, before the checks
  CHECK(p.fp_operations == 5);
  const Command& first = std::find_if(p.ops.begin(), p.ops.end(), [](const HostOp& o) {
                           return o.kind == HostOp::Kind::Issue;
                         })->command;
  CHECK(first.first_row == 10);
  CHECK(first.row_count == 3);
  CHECK(p.ops.back().kind == HostOp::Kind::CheckField);
}

TEST_CASE("A trace waits before it writes rows a command may still be using", "[host][trace]") {
  const HostProgram p = trace(
      "add fp16 ieee 1 1 0 1 2\n"
      "mul fp16 ieee 1 1 0 3 4\n");  // same row, no wait written: one is inserted
  std::vector<HostOp::Kind> kinds;
  for (const HostOp& o : p.ops) kinds.push_back(o.kind);
  using K = HostOp::Kind;
  CHECK(kinds == std::vector<K>{K::WriteField, K::WriteField, K::Issue, K::Barrier, K::CheckField, K::WriteField,
                                K::WriteField, K::Issue, K::Barrier, K::CheckField});
}

TEST_CASE("Every bad trace line is reported with its number, and nothing runs", "[host][trace]") {
  const std::string message = trace_error(
      "# header\n"
      "mac fp32 ieee 0 0 0 1 2\n"          // 2: too few fields
      "fma fp32 ieee 0 0 0 1 2 3\n"        // 3: unknown item
      "add fp8 ieee 0 0 0 1 2\n"           // 4: unknown format
      "add fp32 ieee 0 0 1024 1 2\n"       // 5: row past the last
      "add fp32 ieee 2 0 0 1 2\n"          // 6: no bank 2
      "add fp32 ieee 0 0 0 1 zz\n"         // 7: bad operand
      "move 0 0 0 10 0 0 0 16 32\n"        // 8: overlaps its source
      "wait now\n"                         // 9: junk after wait
      "add fp32 ieee 0 0 0 1 2\n");        // 10: fine
  INFO(message);
  for (const char* want : {"t.trace:2: error: mac takes 8 fields", "t.trace:3: error: unknown item 'fma'",
                           "t.trace:4: error: unknown format 'fp8'", "t.trace:5: error: row '1024'",
                           "t.trace:6: error: bank '2'", "t.trace:7: error: 'zz'",
                           "t.trace:8: error: move: destination overlaps the source",
                           "t.trace:9: error: 'wait' takes nothing"}) {
    CHECK_THAT(message, Contains(want));
  }
  CHECK_THAT(message, EndsWith("t.trace: error: 8 bad line(s); nothing was run"));
  CHECK_THAT(trace_error("# only comments\n\n"), Contains("the trace holds nothing to run"));
}

TEST_CASE("Workloads: MAC spread over subarrays, GEMM round by round, sizes checked", "[host][workload]") {
  const HostProgram mac = mac_workload(1500, FpFormat::fp32(), Rounding::Ieee, kShape, 1);
  CHECK(count(mac, HostOp::Kind::Issue) == 2);  // 1024 rows, then 476
  CHECK(count(mac, HostOp::Kind::CheckField) == 1500);
  CHECK(mac.fp_operations == 1500);
  const HostProgram gemm = gemm_workload(4, 5, 6, FpFormat::bf16(), Rounding::Ieee, kShape, 1);
  CHECK(count(gemm, HostOp::Kind::Issue) == 6 * 2);  // a MAC and a move per round
  CHECK(count(gemm, HostOp::Kind::Barrier) == 6 + 1);
  CHECK(count(gemm, HostOp::Kind::CheckField) == 20);
  CHECK(gemm.fp_operations == 4 * 5 * 6);
  const HostProgram paper = gemm_workload(4, 5, 6, FpFormat::bf16(), Rounding::Paper, kShape, 1);
  CHECK(count(paper, HostOp::Kind::CheckField) == 0);  // no host reference for the paper's procedure
  CHECK_THROWS_WITH(mac_workload(5000, FpFormat::fp32(), Rounding::Ieee, kShape, 1), Contains("5000 outputs for 4096 rows"));
  CHECK_THROWS_AS(gemm_workload(0, 5, 6, FpFormat::fp32(), Rounding::Ieee, kShape, 1), std::invalid_argument);
}
