// Fast mode's write errors of computation (device/sampled_write_errors.hpp,
// controller/lane_write_errors.hpp): thinned draws have the law of
// independent per-cell draws; fast lanes and platform layer commands fail as
// often as bit-level ones on the same work; seeded; free when the rate is.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "controller/lane_engine.hpp"
#include "device/mtj_switching.hpp"
#include "support/fnv1a.hpp"
#include "support/lane_pool.hpp"
#include "support/lenet_bench.hpp"

using namespace mrampim;

namespace {

// Two samples of counts (one per seed) agree when their means differ by
// less than `k` standard errors; each sample's variance is its spread over
// the seeds, and at least its Poisson variance (failures are rare events).
double z_score(const std::vector<double>& x, const std::vector<double>& y) {
  auto mean_var = [](const std::vector<double>& v) {
    double m = 0;
    for (double e : v) m += e;
    m /= double(v.size());
    double s = 0;
    for (double e : v) s += (e - m) * (e - m);
    s /= double(v.size() - 1);
    return std::make_pair(m, std::max(s, m) / double(v.size()));
  };
  const auto [mx, vx] = mean_var(x);
  const auto [my, vy] = mean_var(y);
  return (mx - my) / std::sqrt(vx + vy);
}

std::uint32_t bits_of(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// The same lane work in either mode: MACs (one a for all lanes, as a
// convolution's), ReLUs, adds and multiplies, over two pool subarrays.
struct LaneWork {
  std::vector<std::uint32_t> acc, r;
  double failed = 0, attempted = 0;
  std::uint64_t replayed = 0, sampled = 0;
};

LaneWork lane_work(const Technology& t, ExecMode mode, std::uint64_t seed, bool errors, bool variation = true) {
  const std::size_t n = 2500;  // two subarrays' batches and part of a third: the pool wraps
  test::LanePoolFixture pool(t, 2);
  LaneEngine e(t, FpFormat::fp32(), Rounding::Ieee, mode);
  e.bind(pool.subarrays, pool.paths, 1);
  if (errors) {
    if (mode == ExecMode::Fast) e.enable_write_errors(seed, variation);
    for (Subarray* s : pool.subarrays) {
      if (mode == ExecMode::BitAccurate) s->enable_write_errors(seed, variation);
    }
  }
  std::mt19937 rng(7);  // the same operands for every seed and mode
  std::normal_distribution<float> g(0, 1);
  auto fill = [&](std::vector<std::uint32_t>& v) {
    v.resize(n);
    for (auto& x : v) x = bits_of(g(rng));
  };
  LaneWork w;
  std::vector<std::uint32_t> a, b;
  fill(w.acc);
  fill(a);
  for (int round = 0; round < 6; ++round) {
    fill(b);
    e.mac(w.acc.data(), &a[round], 0, b.data(), n);
    if (round % 2 == 1) {
      e.select(SelectOp::Relu, b.data(), w.acc.data(), nullptr, nullptr, n);
      e.add(w.acc.data(), b.data(), n);
    }
  }
  w.r.resize(n);
  e.mul(w.r.data(), w.acc.data(), 1, a.data(), n);
  if (!errors) return w;
  if (mode == ExecMode::Fast) {
    const SampledWriteCounts& c = e.write_errors()->counts();
    w.failed = double(c.failed);
    w.attempted = c.attempted_estimate;
    w.replayed = c.replayed_rows;
    w.sampled = c.sampled_rows;
  } else {
    for (const Subarray* s : pool.subarrays) {
      w.failed += double(s->write_errors().failed());
      w.attempted += double(s->write_errors().attempted());
    }
  }
  return w;
}

}  // namespace

TEST_CASE("thinned draws fail each switching write with its own cell's probability", "[write-errors][fast]") {
  // 0.8 ns at 65 uA: a few percent per write, 10% spread: rates differ from cell to cell.
  const Technology t = load_technology("sot-mram-1t1r", {"device.t_switch_ns=0.8", "switching.sigma_i_c0=0.1",
                                                          "switching.sigma_delta=0.1"});
  const MtjSwitching m(t.switching);
  const std::uint32_t lane_columns = 40, events = 120, rows = 64;
  SampledWriteErrors s(t, 5, true, lane_columns);
  const std::uint64_t stream = fnv1a64("bank0.subarray3");
  // Every event switches (0 -> 1) in rows 0..63, column `ordinal % lane_columns`.
  double expected = 0, variance = 0;
  std::vector<std::uint64_t> before(t.array.rows / 64, 0), words(before.size());
  std::uint64_t replayed = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::vector<ReplayRow> replay;
    std::vector<WriteCandidate> cand;
    std::vector<std::uint32_t> ordinals;
    for (std::uint32_t row = 0; row < rows; ++row) {
      for (std::uint32_t k = 0; k < events; ++k) {
        const double p = m.error_rate(65, 0.8, m.draw_cell(stream, std::uint64_t(row) * t.array.cols + k % lane_columns));
        expected += p;
        variance += p * (1 - p);
      }
      ordinals.clear();
      if (!s.sample(stream, row, events, ordinals)) continue;
      const double q = s.bound(stream, row);
      for (std::uint32_t k : ordinals) cand.push_back({k, std::uint32_t(replay.size())});
      replay.push_back({stream, row, q, SampledWriteErrors::replay_probability(q, events)});
    }
    replayed += replay.size();
    s.begin_replay(replay, cand);
    for (std::uint32_t k = 0; k < events; ++k) {
      std::fill(words.begin(), words.end(), ~std::uint64_t{0});
      s.draw(words.data(), before.data(), words.size(), k % lane_columns);
    }
    s.end_replay(events);
  }
  const double failed = double(s.counts().failed);
  CAPTURE(failed, expected, replayed);
  CHECK(std::abs(failed - expected) < 4 * std::sqrt(variance));
  CHECK(s.counts().sampled_rows == 400u * rows);
  // Every replayed row switched all its events: the estimate of the
  // attempted writes is unbiased, here within its standard error's reach.
  const double all = 400.0 * rows * events;
  CHECK(std::abs(s.counts().attempted_estimate - all) < 4 * std::sqrt(s.counts().attempted_estimate_variance) + 1);
  // The replay's events must be the ones the candidates were drawn for.
  s.begin_replay({}, {});
  CHECK_THROWS_AS(s.end_replay(events), std::logic_error);
}

TEST_CASE("a row's bound covers every cell of its lane columns", "[write-errors][fast]") {
  const Technology t = load_technology("sot-mram-1t1r", {"device.t_switch_ns=1.2", "switching.sigma_i_c0=0.1",
                                                          "switching.sigma_delta=0.1", "switching.sigma_r=0.1"});
  const MtjSwitching m(t.switching);
  const std::uint32_t lane_columns = 300;
  SampledWriteErrors s(t, 1, true, lane_columns);
  const std::uint64_t stream = fnv1a64("pool.subarray0");
  for (std::uint32_t row = 0; row < 40; ++row) {
    const double q = s.bound(stream, row);
    double worst = 0;
    for (std::uint32_t c = 0; c < lane_columns; ++c) {
      worst = std::max(worst, m.error_rate(65, 1.2, m.draw_cell(stream, std::uint64_t(row) * t.array.cols + c)));
    }
    CAPTURE(row);
    CHECK(worst <= q);
    // The row's largest factors need not meet in one cell: a bound above its
    // worst cell, but not a loose one (each extra replay costs time).
    CHECK(q < 2 * worst);
  }
  // Without variation every cell has the nominal rate.
  SampledWriteErrors nominal(t, 1, false, lane_columns);
  CHECK(nominal.bound(stream, 7) == m.error_rate(65, 1.2));
  CHECK(SampledWriteErrors::replay_probability(0, 100) == 0);
  CHECK(SampledWriteErrors::replay_probability(1, 100) == 1);
  CHECK(SampledWriteErrors::replay_probability(1e-3, 100) == Approx(1 - std::pow(1 - 1e-3, 100)));
}

TEST_CASE("fast lanes fail as often as bit-level lanes on the same work", "[write-errors][fast][statistics]") {
  // About 5e-4 per switching write on the nominal cell, 5% spread.
  const Technology t = load_technology("sot-mram-1t1r", {"device.t_switch_ns=1.0"});
  std::vector<double> bit_failed, fast_failed, bit_attempted, fast_attempted;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const LaneWork b = lane_work(t, ExecMode::BitAccurate, seed, true);
    const LaneWork f = lane_work(t, ExecMode::Fast, seed, true);
    bit_failed.push_back(b.failed);
    fast_failed.push_back(f.failed);
    bit_attempted.push_back(b.attempted);
    fast_attempted.push_back(f.attempted);
    CHECK(f.sampled == 2500u * 13);  // 6 MACs, 3 ReLUs, 3 adds, a multiply
    CHECK(f.replayed < f.sampled);
  }
  CAPTURE(bit_failed, fast_failed, bit_attempted, fast_attempted);
  CHECK(bit_failed[0] > 1000);  // enough failures to tell
  CHECK(std::abs(z_score(fast_failed, bit_failed)) < 4);
  // The attempted writes: the fast estimate within 1% of the bit-level count.
  double sb = 0, sf = 0;
  for (std::size_t i = 0; i < bit_attempted.size(); ++i) {
    sb += bit_attempted[i];
    sf += fast_attempted[i];
  }
  CHECK(std::abs(sf / sb - 1) < 0.01);
}

TEST_CASE("fast lanes with write errors are seeded and cost nothing at the technology's rate", "[write-errors][fast]") {
  {
    const Technology t = load_technology("sot-mram-1t1r", {"device.t_switch_ns=1.1"});
    const LaneWork x = lane_work(t, ExecMode::Fast, 3, true), y = lane_work(t, ExecMode::Fast, 3, true);
    CHECK(x.acc == y.acc);
    CHECK(x.r == y.r);
    CHECK(x.failed == y.failed);
    CHECK(x.failed > 0);
    const LaneWork z = lane_work(t, ExecMode::Fast, 4, true);
    CHECK((z.failed != x.failed || z.acc != x.acc));
    const LaneWork clean = lane_work(t, ExecMode::Fast, 3, false);
    CHECK(clean.acc != x.acc);  // the failures show in the results
  }
  // Table 1's pulse: 1e-9 per switching write; a few rows replayed, nothing fails.
  const Technology t = load_technology("sot-mram-1t1r");
  const LaneWork x = lane_work(t, ExecMode::Fast, 1, true), clean = lane_work(t, ExecMode::Fast, 1, false);
  CAPTURE(x.replayed, x.sampled);
  CHECK(x.failed == 0);
  CHECK(x.acc == clean.acc);
  CHECK(x.r == clean.r);
  CHECK(double(x.replayed) < 0.01 * double(x.sampled));
}

TEST_CASE("write errors in fast mode need MTJ cells and belong to fast lanes", "[write-errors][fast]") {
  const Technology reram = load_technology("reram-floatpim");
  LaneEngine r(reram, FpFormat::fp32(), Rounding::Ieee, ExecMode::Fast);
  CHECK_THROWS_AS(r.enable_write_errors(1, true), std::invalid_argument);
  const Technology t = load_technology("sot-mram-1t1r");
  LaneEngine b(t, FpFormat::fp32(), Rounding::Ieee, ExecMode::BitAccurate);
  CHECK_THROWS_AS(b.enable_write_errors(1, true), std::logic_error);
  LaneEngine f(t, FpFormat::fp32(), Rounding::Ieee, ExecMode::Fast);
  CHECK(f.batched_allowed());
  f.enable_write_errors(1, true);
  CHECK_FALSE(f.batched_allowed());  // lanes are sampled row by row
}

TEST_CASE("a LeNet's layer commands fail as often in fast mode as on the bit level", "[write-errors][fast][statistics][layer]") {
  // The forward pass of one image, per seed: layer commands through the
  // controller, lanes on two pool subarrays. 1.3 ns: about 1e-5 per
  // switching write, so the failures are many but the values mostly sane.
  const Technology t = load_technology("sot-mram-1t1r", {"device.t_switch_ns=1.3"});
  const DataSplit d = load_split("mnist", default_data_dir(), 1, 1, 1);
  const LeNetSpec spec;
  const LeNetParams init = init_lenet(spec, FpFormat::fp32(), 3);
  std::vector<double> bit_failed, fast_failed;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    test::LeNetBench bit(t, ExecMode::BitAccurate, FpFormat::fp32(), Rounding::Ieee, 1, init, 2);
    for (std::uint32_t s = 0; s < 4; ++s) bit.banks[bit.pool_bank].subarray(s).enable_write_errors(seed, true);
    bit.step(d.test, {0}, false);
    double failed = 0;
    for (std::uint32_t s = 0; s < 4; ++s) failed += double(bit.banks[bit.pool_bank].subarray(s).write_errors().failed());
    bit_failed.push_back(failed);
    test::LeNetBench fast(t, ExecMode::Fast, FpFormat::fp32(), Rounding::Ieee, 1, init, 2);
    fast.ctl->enable_lane_write_errors(seed, true);
    fast.step(d.test, {0}, false);
    fast_failed.push_back(double(fast.ctl->lane_write_errors().failed));
  }
  CAPTURE(bit_failed, fast_failed);
  CHECK(bit_failed[0] > 300);
  CHECK(std::abs(z_score(fast_failed, bit_failed)) < 4);
}
