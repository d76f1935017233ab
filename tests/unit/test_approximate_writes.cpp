// Approximate writes of stored words: failures as the switching model says,
// bits already right left alone, energy I^2 R t per pulse, seeded outcomes.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "device/approximate_writes.hpp"
#include "tech/technology.hpp"

using namespace mrampim;
using Catch::Matchers::Contains;

namespace {

constexpr double kPi = 3.14159265358979323846;

const Technology& seed_tech() {
  static const Technology t = load_technology("stt-mram-seed");
  return t;
}

std::vector<WritePulse> all_bits(WritePulse p, unsigned bits = 8) { return std::vector<WritePulse>(bits, p); }

}  // namespace

TEST_CASE("the safe pulse is the shortest that a cell k sigmas harder writes at the target rate",
          "[approximate-writes]") {
  const MtjSwitching m(seed_tech().switching);
  const WritePulse safe = ApproximateWrites::safe_pulse(m, 100, 1e-9, 3);
  // A cell with I_c0 and Delta both 1.15x: tau_D = 0.947 / (2 / 1.15 - 1) ns,
  // t = (tau_D / 2) ln(pi^2 1.15 Delta / (4 (-ln(1 - 1e-9)))).
  const double t0 = (1 + 0.02 * 0.02) / (0.02 * 1.76e11 * 0.3) * 1e9;
  const double tau_d = t0 / (2 / 1.15 - 1);
  CHECK(safe.i_uA == 100);
  CHECK(safe.t_ns == Approx(tau_d / 2 * std::log(kPi * kPi * 60 * 1.15 / (4 * -std::log1p(-1e-9)))));
  CHECK(safe.t_ns == Approx(16.6).margin(0.1));
}

TEST_CASE("writes fail as often as the cells' error rates say, and a failed bit keeps its value",
          "[approximate-writes]") {
  const Technology& t = seed_tech();
  const MtjSwitching m(t.switching);
  // A pulse at 2 I_c0 short enough for errors of a few percent.
  ApproximateWrites w(m, t.device.r_on_ohm, t.device.r_off_ohm, all_bits({100, 4.0}), 7, true);
  std::mt19937_64 g(11);
  std::vector<std::uint64_t> memory(256, 0);
  double expected = 0, variance = 0;
  std::uint64_t wrong_bits = 0;
  for (int n = 0; n < 20000; ++n) {
    const std::uint64_t addr = g() % memory.size(), value = g() & 0xff;
    const std::uint64_t old = memory[addr];
    for (unsigned b = 0; b < 8; ++b) {
      if (((old ^ value) >> b) & 1u) {
        const double q = w.error_rate(addr, b);
        expected += q;
        variance += q * (1 - q);
      }
    }
    memory[addr] = w.write(addr, old, value);
    // Bits that differ from what was asked are exactly the failed ones,
    // and they hold their old value.
    const std::uint64_t off = memory[addr] ^ value;
    CHECK((off & ~(old ^ value)) == 0);
    wrong_bits += std::uint64_t(__builtin_popcountll(off));
  }
  const ApproximateWriteCounts& c = w.counts();
  CHECK(c.failed == wrong_bits);
  CHECK(c.pulsed == c.attempted);  // read-before-write: only changing bits are pulsed
  CHECK(std::abs(double(c.failed) - expected) < 5 * std::sqrt(variance));
  CHECK(c.failed > 0);
}

TEST_CASE("a bit already right is not disturbed, and without read-before-write it is pulsed and paid for",
          "[approximate-writes]") {
  const Technology& t = seed_tech();
  const MtjSwitching m(t.switching);
  const WritePulse p{100, 4.0};  // errors of a few percent: none may show on equal bits
  ApproximateWrites rbw(m, t.device.r_on_ohm, t.device.r_off_ohm, all_bits(p), 1, false);
  ApproximateWrites all(m, t.device.r_on_ohm, t.device.r_off_ohm, all_bits(p), 1, false, false);
  for (int n = 0; n < 1000; ++n) {
    CHECK(rbw.write(3, 0xa5, 0xa5) == 0xa5);
    CHECK(all.write(3, 0xa5, 0xa5) == 0xa5);
  }
  CHECK(rbw.counts().pulsed == 0);
  CHECK(rbw.counts().energy_fJ == 0);
  CHECK(all.counts().pulsed == 8000);
  CHECK(all.counts().attempted == 0);
  // 0xa5 holds four 1s (R_AP) and four 0s (R_P): per word 4 I^2 (R_P + R_AP) t.
  CHECK(all.counts().energy_fJ == Approx(1000 * 4 * (100.0 * 100 * (4000 + 10000) * 4.0 * 1e-6)));
}

TEST_CASE("pulse energy follows the stored state's resistance", "[approximate-writes]") {
  const Technology& t = seed_tech();
  const MtjSwitching m(t.switching);
  const WritePulse safe = ApproximateWrites::safe_pulse(m, 100, 1e-9, 3);
  ApproximateWrites w(m, t.device.r_on_ohm, t.device.r_off_ohm, all_bits(safe, 1), 1, false);
  CHECK(w.write(0, 0, 1) == 1);  // from P: R_P
  CHECK(w.counts().energy_fJ == Approx(MtjSwitching::write_energy_fJ(100, safe.t_ns, 4000)));
  CHECK(w.write(0, 1, 0) == 0);  // from AP: R_AP
  CHECK(w.counts().energy_fJ ==
        Approx(MtjSwitching::write_energy_fJ(100, safe.t_ns, 4000) + MtjSwitching::write_energy_fJ(100, safe.t_ns, 10000)));
}

TEST_CASE("write outcomes are seeded: the same seed gives the same bits", "[approximate-writes]") {
  const Technology& t = seed_tech();
  const MtjSwitching m(t.switching);
  auto run = [&](std::uint64_t seed) {
    ApproximateWrites w(m, t.device.r_on_ohm, t.device.r_off_ohm, all_bits({100, 3.5}), seed, true);
    std::vector<std::uint64_t> out;
    std::mt19937_64 g(5);
    for (int n = 0; n < 2000; ++n) out.push_back(w.write(std::uint64_t(n), 0, g() & 0xff));
    return out;
  };
  CHECK(run(1) == run(1));
  CHECK(run(1) != run(2));
}

TEST_CASE("bad write pulses are refused", "[approximate-writes][errors]") {
  const Technology& t = seed_tech();
  const MtjSwitching m(t.switching);
  CHECK_THROWS_WITH(ApproximateWrites(m, 4000, 10000, all_bits({-1, 4}), 1, false), Contains("bit 0"));
  CHECK_THROWS_WITH(ApproximateWrites(m, 4000, 10000, all_bits({100, 0}), 1, false), Contains("duration above 0"));
  CHECK_THROWS_AS(ApproximateWrites(m, 4000, 10000, {}, 1, false), std::invalid_argument);
}
