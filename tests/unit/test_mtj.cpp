#include <catch2/catch.hpp>

#include <random>

#include "device/reram_memristor.hpp"
#include "device/she_mtj.hpp"
#include "tech/technology.hpp"

using namespace mrampim;

TEST_CASE("MTJ write rule over all 8 (A, B, C): gated takes C, ungated keeps B", "[mtj]") {
  // The paper's example: A = 1, C = 1 switches to the high-resistance state (1).
  CHECK(SheMtj::next_state(true, false, true) == true);
  for (int abc = 0; abc < 8; ++abc) {
    const bool a = abc & 4, b = abc & 2, c = abc & 1;
    const bool expected = (a && c) || (!a && b);
    CAPTURE(a, b, c);
    CHECK(SheMtj::next_state(a, b, c) == expected);
    const std::uint64_t w = SheMtj::next_state_word(a ? ~0ull : 0, b ? ~0ull : 0, c ? ~0ull : 0);
    CHECK(w == (expected ? ~0ull : 0));
  }
}

TEST_CASE("the three gates of Figure 1 and the copies, against host logic", "[mtj]") {
  for (int xy = 0; xy < 4; ++xy) {
    const bool x = xy & 2, y = xy & 1;
    CAPTURE(x, y);
    CHECK(SheMtj::apply(StatefulGate::And, x, y) == (x && y));
    CHECK(SheMtj::apply(StatefulGate::Or, x, y) == (x || y));
    CHECK(SheMtj::apply(StatefulGate::Xor, x, y) == (x != y));
    CHECK(SheMtj::apply(StatefulGate::Copy, x, y) == x);
    CHECK(SheMtj::apply(StatefulGate::CopyNot, x, y) == !x);
    CHECK(SheMtj::apply(StatefulGate::Set0, x, y) == false);
    CHECK(SheMtj::apply(StatefulGate::Set1, x, y) == true);
  }
  // Figure 1's drives: OR A = x, C = 1; AND A = not x, C = 0; XOR A = x, C = not y.
  CHECK(SheMtj::drive_of(StatefulGate::Or).a == DriveSource::X);
  CHECK(SheMtj::drive_of(StatefulGate::Or).c == DriveSource::One);
  CHECK(SheMtj::drive_of(StatefulGate::And).a == DriveSource::NotX);
  CHECK(SheMtj::drive_of(StatefulGate::And).c == DriveSource::Zero);
  CHECK(SheMtj::drive_of(StatefulGate::Xor).a == DriveSource::X);
  CHECK(SheMtj::drive_of(StatefulGate::Xor).c == DriveSource::NotY);
}

TEST_CASE("the word form of the rule equals 64 single cells", "[mtj]") {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t a = rng(), b = rng(), c = rng();
    const std::uint64_t w = SheMtj::next_state_word(a, b, c);
    for (int bit = 0; bit < 64; ++bit) {
      REQUIRE(((w >> bit) & 1u) == SheMtj::next_state((a >> bit) & 1u, (b >> bit) & 1u, (c >> bit) & 1u));
    }
  }
}

TEST_CASE("Table 1's 12 fJ is I^2 R t in a ~1.4 kOhm spin-Hall channel", "[mtj]") {
  const Technology t = load_technology("sot-mram-1t1r");
  const SheMtj mtj(t.device);
  const double r = 12e-15 / (65e-6 * 65e-6 * 2e-9);
  CHECK(mtj.she_channel_ohm() == Approx(r).epsilon(1e-3));  // the file's 1420 ohm
  CHECK(mtj.she_channel_ohm() == Approx(1400).epsilon(0.02));
  // Not Vb * I * t (78 fJ): the channel, not the gating voltage, carries the energy (facts sec. 1).
  CHECK(mtj.she_drive_V() < 0.5 * t.device.v_write_V);
  CHECK(mtj.resistance_ohm(SheMtj::kHighResistanceBit) == 100e3);
  CHECK(mtj.switches(true, 65.0));
  CHECK_FALSE(mtj.switches(false, 65.0));
  CHECK_FALSE(mtj.switches(true, 60.0));
  CHECK(mtj.switches(true, -65.0));
}

TEST_CASE("MAGIC NOR only pulls an initialised output down", "[reram]") {
  for (int v = 0; v < 4; ++v) {
    const bool out = v & 2, any = v & 1;
    CHECK(ReramMemristor::next_state_nor(out, any) == (out && !any));
  }
  CHECK(ReramMemristor::next_state_nor_word(~0ull, 0xf0ull) == ~0xf0ull);
}
