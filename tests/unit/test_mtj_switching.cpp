// Stochastic MTJ switching (device/mtj_switching.hpp) against the closed
// forms worked by hand in the approximate-writes facts (sec. 2, 3), and
// against a Monte Carlo of the switching process itself.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "device/mtj_switching.hpp"
#include "tech/technology.hpp"

using namespace mrampim;
using Catch::Matchers::Contains;

namespace {

constexpr double kPi = 3.14159265358979323846;

MtjSwitching seed_device() { return MtjSwitching(load_technology("stt-mram-seed").switching); }

// A uniform in (0, 1) from a 64-bit generator.
double uniform(std::mt19937_64& g) { return (double(g() >> 11) + 0.5) * 0x1.0p-53; }

}  // namespace

TEST_CASE("the precessional pulse for a target error rate is the facts' closed form", "[switching]") {
  const MtjSwitching m = seed_device();  // I_c0 50 uA, Delta 60, alpha 0.02, mu0 H_k 0.3 T
  // tau_D at 2 I_c0: (1 + alpha^2) / (alpha gamma mu0 H_k) = 0.947 ns, over (2 - 1).
  const double t0 = (1 + 0.02 * 0.02) / (0.02 * 1.76e11 * 0.3) * 1e9;
  CHECK(m.precession_time_ns(100) == Approx(t0));
  // t = (tau_D / 2) ln(pi^2 Delta / (4 (-ln(1 - BER)))): 12.2 ns for 1e-9 (facts sec. 3).
  const double t9 = m.pulse_for(100, 1e-9);
  CHECK(t9 == Approx(t0 / 2 * std::log(kPi * kPi * 60 / (4 * -std::log1p(-1e-9)))));
  CHECK(t9 == Approx(12.2).margin(0.05));
  CHECK(m.error_rate(100, t9) == Approx(1e-9).epsilon(1e-6));
  // The 3-sigma reference cell (I_c0 x 1.15) needs 1.35x: 16.5 ns.
  const double t_ref = m.pulse_for(100, 1e-9, CellSpread{1.15, 1, 1});
  CHECK(t_ref == Approx(16.5).margin(0.05));
  CHECK(t_ref / t9 == Approx(1.35).margin(0.01));
  // Duration-only savings against BER 1e-9 on a nominal cell (facts sec. 3).
  for (const auto& [ber, saving] : {std::pair{1e-3, 0.54}, {1e-2, 0.63}, {3e-2, 0.67}, {1e-1, 0.72}}) {
    CAPTURE(ber);
    CHECK(1 - m.pulse_for(100, ber) / t9 == Approx(saving).margin(0.01));
  }
}

TEST_CASE("the thermal regime: tau = tau0 exp(Delta (1 - I / I_c0)), BER = exp(-t / tau)", "[switching]") {
  const MtjSwitching m = seed_device();
  const double tau = 1.0 * std::exp(60 * (1 - 40.0 / 50));  // 40 uA: e^12 ns
  CHECK(m.thermal_time_ns(40) == Approx(tau));
  CHECK(m.error_rate(40, 1e5) == Approx(std::exp(-1e5 / tau)));
  CHECK(m.pulse_for(40, 0.01) == Approx(tau * std::log(100.0)));
  // A weaker cell (I_c0 x 0.9) switches sooner at the same current.
  CHECK(m.error_rate(40, 1e5, CellSpread{0.9, 1, 1}) < m.error_rate(40, 1e5));
}

TEST_CASE("near I_c0 the two forms are joined: continuous at the band's edges, falling with t and I",
          "[switching]") {
  const MtjSwitching m = seed_device();  // band 0.1: 45..55 uA
  // Long pulses too, where the precessional rate is far below 1e-300 and
  // only its logarithm carries it.
  for (const double t : {1.0, 10.0, 100.0, 4000.0, 1e5}) {
    CAPTURE(t);
    CHECK(m.error_rate(45, t) == Approx(m.thermal_error_rate(45, t)));
    CHECK(m.error_rate(55, t) == Approx(m.precessional_error_rate(55, t)));
    // Continuous in ln(rate): deep rates move by a tiny fraction of their logarithm.
    CHECK(std::log(m.error_rate(45.0001, t)) == Approx(std::log(m.error_rate(45, t))).epsilon(1e-2).margin(1e-4));
    CHECK(m.error_rate(45.0001, t) > 0);
    CHECK(std::log(m.error_rate(54.9999, t)) == Approx(std::log(m.error_rate(55, t))).epsilon(1e-2).margin(1e-4));
  }
  double previous = 1;
  for (double i = 40; i <= 60; i += 0.5) {
    const double b = m.error_rate(i, 20);
    CHECK(b <= previous);
    previous = b;
  }
  previous = 1;
  for (double t = 0.5; t < 2000; t *= 1.5) {
    const double b = m.error_rate(50, t);
    CHECK(b <= previous);
    previous = b;
  }
  // The pulse search inverts the interpolated rate.
  const double t = m.pulse_for(50, 1e-3);
  CHECK(m.error_rate(50, t) == Approx(1e-3).epsilon(1e-6));
}

TEST_CASE("a Monte Carlo of 10^6 writes agrees with the closed forms within 3 standard errors", "[switching]") {
  // The Monte Carlo draws the switching process, not the rate: a thermal
  // switching time from Exp(tau); a precessional one from a thermal initial
  // angle, theta0^2 ~ Exp(Delta). Points where the rate is above 1e-4.
  const MtjSwitching m = seed_device();
  struct Point {
    double i_uA, t_ns;
  };
  std::mt19937_64 g(2018);
  for (const Point p : {Point{40, 1e5}, Point{35, 3e7}, Point{60, 30}, Point{75, 12}, Point{100, 5}, Point{150, 2.5},
                        Point{100, 4}}) {
    CAPTURE(p.i_uA, p.t_ns);
    const double ber = m.error_rate(p.i_uA, p.t_ns);
    REQUIRE(ber > 1e-4);
    REQUIRE(ber < 1);
    constexpr int kWrites = 1'000'000;
    int failed = 0;
    for (int w = 0; w < kWrites; ++w) failed += m.switches(p.i_uA, p.t_ns, uniform(g)) ? 0 : 1;
    const double rate = double(failed) / kWrites;
    const double se = std::sqrt(ber * (1 - ber) / kWrites);
    CAPTURE(ber, rate, se);
    CHECK(std::abs(rate - ber) < 3 * se);
    CHECK(std::abs(std::log(rate) / std::log(ber) - 1) < 0.05);  // the facts' 5% in ln(BER)
  }
}

TEST_CASE("pulse energy is I^2 R t", "[switching]") {
  CHECK(MtjSwitching::write_energy_fJ(100, 12.18, 4000) == Approx(100e-6 * 100e-6 * 4000 * 12.18e-9 * 1e15));
  CHECK_THROWS_AS(MtjSwitching::write_energy_fJ(-1, 1, 1000), std::invalid_argument);
}

TEST_CASE("each cell's spread is drawn once from the seed and its address, with the set sigma", "[switching]") {
  const MtjSwitching m = seed_device();  // 5% on I_c0, Delta and R
  CHECK(m.draw_cell(3, 77).i_c0 == m.draw_cell(3, 77).i_c0);
  CHECK(m.draw_cell(3, 77).i_c0 != m.draw_cell(3, 78).i_c0);
  CHECK(m.draw_cell(3, 77).i_c0 != m.draw_cell(4, 77).i_c0);
  double sum = 0, sum2 = 0, cross = 0;
  constexpr int kCells = 200'000;
  for (int c = 0; c < kCells; ++c) {
    const CellSpread s = m.draw_cell(0, std::uint64_t(c));
    sum += s.i_c0;
    sum2 += s.i_c0 * s.i_c0;
    cross += (s.i_c0 - 1) * (s.delta - 1);
  }
  const double mean = sum / kCells, sd = std::sqrt(sum2 / kCells - mean * mean);
  CHECK(mean == Approx(1).margin(0.001));
  CHECK(sd == Approx(0.05).epsilon(0.02));
  CHECK(std::abs(cross / kCells) < 1e-4);  // the three draws are independent
  // Another seed, another set of cells; zero spread, the nominal cell.
  const MtjSwitching other(load_technology("stt-mram-seed", {"switching.cell_seed=2"}).switching);
  CHECK(other.draw_cell(0, 5).i_c0 != m.draw_cell(0, 5).i_c0);
  const MtjSwitching none(load_technology("stt-mram-seed", {"switching.sigma_i_c0=0"}).switching);
  CHECK(none.draw_cell(0, 5).i_c0 == 1.0);
}

TEST_CASE("bad switching input is refused, naming what is wrong", "[switching][errors]") {
  const MtjSwitching m = seed_device();
  CHECK_THROWS_WITH(m.error_rate(-5, 1), Contains("negative"));
  CHECK_THROWS_WITH(m.error_rate(100, 0), Contains("not positive"));
  CHECK_THROWS_WITH(m.pulse_for(100, 0), Contains("(0, 1)"));
  CHECK_THROWS_WITH(m.pulse_for(100, 1.5), Contains("(0, 1)"));
  CHECK_THROWS_WITH(m.pulse_for(1, 1e-9), Contains("no pulse up to 1 s") || Contains("thermal"));
  CHECK_THROWS_WITH(load_technology("stt-mram-seed", {"switching.near_band=1"}), Contains("'switching.near_band'"));
  CHECK_THROWS_WITH(load_technology("stt-mram-seed", {"switching.sigma_r=-0.1"}), Contains("'switching.sigma_r'"));
  CHECK_THROWS_WITH(load_technology("stt-mram-seed", {"switching.i_c0_uA=0"}), Contains("'switching.i_c0_uA'"));
}
