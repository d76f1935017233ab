#include <catch2/catch.hpp>

#include <random>

#include "support/fp_reference.hpp"
#include "support/fp_run.hpp"

using namespace mrampim;
using namespace mrampim::test;

namespace {

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

TEST_CASE("fp16 add, ieee, random pairs against the host reference", "[fp][add]") {
  const FpFormat f = FpFormat::fp16();
  for (const char* tech : {"sot-mram-1t1r", "reram-floatpim"}) {
    CAPTURE(tech);
    FpRun run(tech, FpOp::Add, f, Rounding::Ieee);
    std::mt19937_64 rng(3);
    std::vector<std::array<std::uint64_t, 3>> ops(4096);
    for (auto& o : ops) o = {rng() & f.bits_mask(), rng() & f.bits_mask(), 0};
    const auto got = run.run(ops);
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const std::uint64_t want = fp_add(f, ops[i][0], ops[i][1]);
      INFO("a=" << hex(ops[i][0]) << " b=" << hex(ops[i][1]) << " want " << hex(want) << " got " << hex(got[i]));
      REQUIRE(got[i] == want);
    }
  }
}
