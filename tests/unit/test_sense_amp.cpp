#include <catch2/catch.hpp>

#include <random>

#include "sense_amp/search_margin.hpp"
#include "sense_amp/sense_amp.hpp"
#include "tech/technology.hpp"

using namespace mrampim;

TEST_CASE("read compares the cell current with a reference between I(Ron) and I(Roff)", "[sense_amp]") {
  const Technology t = load_technology("sot-mram-1t1r");
  const SenseAmp sa = SenseAmp::for_technology(t);
  const double i_on = t.cell.v_read_V / t.device.r_on_ohm * 1e6, i_off = t.cell.v_read_V / t.device.r_off_ohm * 1e6;
  CHECK(sa.reference_uA() > i_off);
  CHECK(sa.reference_uA() < i_on);
  // SOT: 1 is the high-resistance (antiparallel) state, so it draws less current.
  CHECK(sa.read(i_off) == true);
  CHECK(sa.read(i_on) == false);
  CHECK(sa.margin_uA(0.0) == Approx((i_on - i_off) / 2));
  // One sense costs the technology's read or search step.
  CHECK(sa.read_cost().latency_ns == t.step.t_read_ns);
  CHECK(sa.read_cost().energy_fJ == t.step.e_read_fJ);
  CHECK(sa.search_cost().latency_ns == t.step.t_search_ns);
  CHECK(sa.search_cost().energy_fJ == t.step.e_search_fJ);
}

TEST_CASE("search: a match leaves the path current low, a mismatch makes it high", "[sense_amp]") {
  for (const char* name : {"sot-mram-1t1r", "reram-floatpim"}) {
    const Technology t = load_technology(name);
    const SenseAmp sa = SenseAmp::for_technology(t);
    CAPTURE(name);
    for (int kb = 0; kb < 4; ++kb) {
      const bool key = kb & 2, stored = kb & 1;
      const double i_cell = sa.current_of_bit_uA(stored);
      const double i_path = sa.search_path_uA(key, i_cell);
      CAPTURE(key, stored);
      CHECK(sa.search_match(key, i_cell) == (key == stored));
      if (key == stored) CHECK(i_path < sa.reference_uA());
      else CHECK(i_path > sa.reference_uA());
      CHECK(((SenseAmp::mismatch_word(stored ? ~0ull : 0, key) & 1u) != 0) == (key != stored));
    }
  }
}

TEST_CASE("ReRAM stores 1 in the low-resistance state (MAGIC convention)", "[sense_amp]") {
  const Technology t = load_technology("reram-floatpim");
  const SenseAmp sa = SenseAmp::for_technology(t);
  CHECK(sa.read(t.cell.v_read_V / t.device.r_on_ohm * 1e6) == true);
  CHECK(sa.read(t.cell.v_read_V / t.device.r_off_ohm * 1e6) == false);
}

TEST_CASE("sensing margin against resistance variation", "[sense_amp]") {
  const Technology t = load_technology("sot-mram-1t1r");
  const SenseAmp sa = SenseAmp::for_technology(t);
  const double v = sa.max_variation();
  // Ron/Roff = 1/2 puts the reference at 1.5x I(Roff): about a third of either
  // resistance can be lost before the states meet, less the offset.
  CHECK(v > 0.25);
  CHECK(v < 1.0 / 3.0);
  CHECK(sa.senses_reliably(0.99 * v));
  CHECK_FALSE(sa.senses_reliably(1.01 * v));
  // Monte Carlo: cells within the tolerated variation always read right.
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> d(-0.95 * v, 0.95 * v);
  for (int i = 0; i < 10000; ++i) {
    const bool bit = rng() & 1;
    const double r = (bit ? t.device.r_off_ohm : t.device.r_on_ohm) * (1.0 + d(rng));
    REQUIRE(sa.read(sa.current_uA(r)) == bit);
  }
  // A tighter window (Roff barely above Ron) tolerates less.
  const Technology tight = load_technology("sot-mram-1t1r", {"device.r_off_ohm=60e3"});
  CHECK(SenseAmp::for_technology(tight).max_variation() < v);
}

TEST_CASE("a w-bit search's margin: one cell's current step, eaten by the spread of w cells", "[sense_amp][search]") {
  // sot-mram-1t1r: 0.1 V over 100 kOhm (a match, 1 uA) and 50 kOhm (a
  // mismatch, 2 uA); offset 0.05 uA.
  const SenseAmp sa = SenseAmp::for_technology(load_technology("sot-mram-1t1r"));
  for (std::uint32_t w : {1u, 8u, 48u}) {
    const SearchMargin m = search_margin(sa, w, 0.0);
    CHECK(m.all_match_uA == Approx(w * 1.0));
    CHECK(m.one_mismatch_uA == Approx(w * 1.0 + 1.0));
    CHECK(m.nominal_margin_uA == Approx(0.5));  // whatever the width
    CHECK(m.worst_margin_uA == Approx(0.5));
    CHECK(m.error_probability == 0.0);
    CHECK(m.worst_case_reliable());
  }
  // 8 bits at 5%, by hand. Worst corners: a match conducts at most
  // max(1 / 0.95, 1 + 2 - 2 / 1.05) = 1.09524 uA (the mirror path of the
  // complementary key), at least min(1 / 1.05, 3 - 2 / 0.95) = 0.89474; a
  // mismatch at least min(2 / 1.05, 3 - 1 / 0.95) = 1.90476. Reference 8.5:
  // 8.5 - 8 x 1.09524 = -0.2619, 7 x 0.89474 + 1.90476 - 8.5 = -0.3321.
  const SearchMargin m = search_margin(sa, 8, 0.05);
  CHECK(m.reference_uA == Approx(8.5));
  CHECK(m.worst_margin_uA == Approx(-0.3321).margin(1e-4));
  CHECK_FALSE(m.worst_case_reliable());
  // Statistical: sigma = sqrt(8) x 2 uA x 0.05 = 0.28284; Q((0.5 - 0.05) / 0.28284) = Q(1.5910) = 0.05581.
  CHECK(m.sigma_uA == Approx(0.28284).epsilon(1e-4));
  CHECK(m.error_probability == Approx(0.05581).epsilon(1e-3));
  // Wider or more spread is never better.
  double last = 0;
  for (std::uint32_t w = 1; w <= 48; ++w) {
    const double p = search_margin(sa, w, 0.05).error_probability;
    CHECK(p >= last);
    last = p;
  }
  CHECK(search_margin(sa, 8, 0.10).error_probability > m.error_probability);
  CHECK_THROWS_AS(search_margin(sa, 0, 0.05), std::invalid_argument);
  CHECK_THROWS_AS(search_margin(sa, 8, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(search_margin(sa, 8, -0.1), std::invalid_argument);
}
