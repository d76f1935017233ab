// The seed's perceptron with its weights in an approximate MRAM weight
// memory: error-free writes reproduce exact training bit for bit, failing
// writes cost accuracy as the pulse shortens, and no write at all leaves the
// network at chance.
#include <catch2/catch.hpp>

#include "tech/technology.hpp"
#include "training/approximate_mlp.hpp"

using namespace mrampim;
using Catch::Matchers::Contains;

namespace {

const DataSplit& data() {
  static const DataSplit d = load_split("mnist", default_data_dir(), 2000, 500, 1);
  return d;
}

const Technology& tech() {
  static const Technology t = load_technology("stt-mram-seed");
  return t;
}

ApproxMlpConfig small() {
  ApproxMlpConfig c;
  c.epochs = 2;
  return c;
}

ApproxMlpResult train_with(const MtjSwitching& m, double pulse_ns, std::uint64_t seed = 1) {
  ApproximateWrites memory(m, tech().device.r_on_ohm, tech().device.r_off_ohm,
                           std::vector<WritePulse>(8, WritePulse{100, pulse_ns}), seed, true);
  return train_approximate_mlp(data(), small(), &memory);
}

}  // namespace

TEST_CASE("writes that never fail reproduce exact training bit for bit", "[approximate-mlp][training]") {
  const MtjSwitching m(tech().switching);
  const ApproxMlpResult exact = train_approximate_mlp(data(), small(), nullptr);
  CHECK(exact.test_accuracy > 0.85);
  CHECK(exact.writes.words == 0);
  // A pulse so long its error rate is 0 in double precision.
  REQUIRE(m.error_rate(100, 1000) == 0.0);
  const ApproxMlpResult r = train_with(m, 1000);
  CHECK(r.weights_fnv1a64 == exact.weights_fnv1a64);
  CHECK(r.test_accuracy == exact.test_accuracy);
  CHECK(r.epoch_loss == exact.epoch_loss);
  CHECK(r.writes.failed == 0);
  CHECK(r.writes.attempted > 0);
}

TEST_CASE("accuracy falls as the pulse shortens, to chance when no write switches", "[approximate-mlp][training]") {
  const MtjSwitching m(tech().switching);
  const double safe = ApproximateWrites::safe_pulse(m, 100, 1e-9, 3).t_ns;
  const ApproxMlpResult a = train_with(m, safe);                     // 1e-9 for a 3-sigma cell
  const ApproxMlpResult b = train_with(m, m.pulse_for(100, 0.05));   // 5%
  const ApproxMlpResult c = train_with(m, m.pulse_for(100, 0.5));    // half
  const ApproxMlpResult d = train_with(m, 0.05);                     // a pulse too short to switch
  CAPTURE(a.test_accuracy, b.test_accuracy, c.test_accuracy, d.test_accuracy);
  CHECK(a.test_accuracy > b.test_accuracy);
  CHECK(b.test_accuracy > c.test_accuracy);
  CHECK(c.test_accuracy > d.test_accuracy);
  CHECK(d.writes.failed == d.writes.attempted);  // nothing was ever written: every weight stays 0
  CHECK(d.test_accuracy < 0.2);
  // Shorter pulses cost less per pulse.
  CHECK(b.writes.energy_fJ / double(b.writes.pulsed) < a.writes.energy_fJ / double(a.writes.pulsed));
}

TEST_CASE("a bad perceptron configuration is refused", "[approximate-mlp][errors]") {
  ApproxMlpConfig c = small();
  c.hidden = 0;
  CHECK_THROWS_AS(train_approximate_mlp(data(), c, nullptr), std::invalid_argument);
  c = small();
  c.weight_bits = 1;
  CHECK_THROWS_AS(train_approximate_mlp(data(), c, nullptr), std::invalid_argument);
  const MtjSwitching m(tech().switching);
  ApproximateWrites six(m, 4000, 10000, std::vector<WritePulse>(6, WritePulse{100, 20}), 1, false);
  CHECK_THROWS_WITH(train_approximate_mlp(data(), small(), &six), Contains("hold 6 bits"));
}
