// mrampim-soc as users run it: the firmware in the loop runs its MAC batch and
// GEMM through the C driver, checks them, and says what it did; bad options
// are refused.
#include <catch2/catch.hpp>

#include <regex>
#include <string>

#include "support/run_program.hpp"

using namespace mrampim::test;
using Catch::Matchers::Contains;

namespace {

ProgramResult run_soc(const std::string& args) { return run_program(std::string(MRAMPIM_SOC) + " " + args); }

// The number after `label` in the program's output.
double number_after(const std::string& out, const std::string& label) {
  const std::regex re(label + R"(\s*([0-9.]+))");
  std::smatch m;
  REQUIRE(std::regex_search(out, m, re));
  return std::stod(m[1]);
}

}  // namespace

TEST_CASE("mrampim-soc: the C firmware drives the accelerator through a bus with a DMA engine and the interrupt",
          "[soc]") {
  const ProgramResult r = run_soc("");
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("256 rows, 0 mismatches"));
  CHECK_THAT(r.output, Contains("0 of 64 outputs mismatched"));
  CHECK_THAT(r.output, Contains("bad command refused: error 2, tag 0xbad"));
  CHECK_THAT(r.output, Contains("result: PASS"));
  // Both initiators used the bus, the CPU slept on the interrupt three times
  // (MAC, GEMM, the refused command), the DMA copy arrived whole.
  CHECK(number_after(r.output, "transactions: cpu") > 500);
  CHECK(number_after(r.output, "interrupts taken") == 3);
  CHECK(number_after(r.output, "dma") > 1000);
  CHECK(number_after(r.output, "waits for the bus") > 0);
  CHECK_THAT(r.output, Contains("intact"));
  CHECK(number_after(r.output, "simulated time:") > 0);
}

TEST_CASE("mrampim-soc: polling the status register gives the same results, with more transactions", "[soc]") {
  const ProgramResult irq = run_soc("--no-dma");
  const ProgramResult poll = run_soc("--no-dma --poll --quantum-ns 200");
  INFO(irq.output << poll.output);
  REQUIRE(irq.status == 0);
  REQUIRE(poll.status == 0);
  CHECK(number_after(poll.output, "interrupts taken") == 0);
  CHECK(number_after(poll.output, "transactions: cpu") > 10 * number_after(irq.output, "transactions: cpu"));
  // The accelerator did the same work either way.
  CHECK(number_after(poll.output, "commands completed,") == number_after(irq.output, "commands completed,"));
}

TEST_CASE("mrampim-soc: bad options are refused with exit 2, naming the option", "[soc]") {
  for (const char* args : {"--mac-rows 0", "--mac-rows 2000", "--quantum-ns 0", "--gemm-in 0",
                           "--accelerator-base nowhere", "--accelerator-base 0x80000000", "--bogus",
                           "--gemm-batch 65536 --gemm-in 65536", "--ram-base 0xfffffffffffff000"}) {
    const ProgramResult r = run_soc(args);
    INFO(args << "\n" << r.output);
    CHECK(r.status == 2);
  }
  CHECK_THAT(run_soc("--mac-rows 0").output, Contains("--mac-rows"));
  CHECK_THAT(run_soc("--accelerator-base 0x80000000").output, Contains("overlaps"));
  const ProgramResult help = run_soc("--help");
  CHECK(help.status == 0);
  CHECK_THAT(help.output, Contains("interrupt"));
}
