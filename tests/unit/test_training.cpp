#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <random>

#include "compute/select_program.hpp"
#include "support/array_fixture.hpp"
#include "training/dataset.hpp"
#include "compute/fp_published_cost.hpp"
#include "training/lane_engine.hpp"
#include "training/lane_mapping.hpp"
#include "training/lenet.hpp"

using namespace mrampim;

namespace {

DataSplit small_mnist(std::size_t train, std::size_t test) {
  return load_split("mnist", default_data_dir(), train, test, 1);
}

}  // namespace

TEST_CASE("the default LeNet has the paper's 21,690 parameters", "[training]") {
  const LeNetSpec s;
  CHECK(s.parameters() == 21690);
  CHECK(s.flat() == 288);
  const LeNetParams p = init_lenet(s, FpFormat::fp32(), 1);
  std::size_t n = 0;
  for (const auto& t : p.tensors) n += t.size();
  CHECK(n == 21690);
  CHECK(p.names.front() == "conv1.weight");
  LeNetSpec bad;
  bad.fc.back() = 7;
  CHECK_THROWS_WITH(bad.validate(), Catch::Matchers::Contains("10 outputs"));
}

TEST_CASE("select programs compute their host definition on every row, on both technologies", "[training]") {
  const FpFormat f = FpFormat::fp32();
  for (const char* tech : {"sot-mram-1t1r", "reram-floatpim"}) {
    const Technology t = load_technology(tech);
    for (SelectOp op : {SelectOp::Relu, SelectOp::MaxNonNegative, SelectOp::KeepIfEqual, SelectOp::KeepIfNonZero}) {
      CAPTURE(tech, to_string(op));
      const SelectProgram p = build_select_program(op, f, t.family, t.array.cols);
      test::ArrayFixture fx(tech);
      std::mt19937_64 rng(7);
      std::vector<std::array<std::uint64_t, 3>> in(t.array.rows);
      for (std::uint32_t r = 0; r < t.array.rows; ++r) {
        // Non-negative operands for max; equal pairs and zeros often enough to matter.
        std::uint64_t a = rng() & 0xffffffffu, b = rng() & 0xffffffffu;
        if (op == SelectOp::MaxNonNegative) {
          a &= 0x7f7fffffu;
          b = r % 5 == 0 ? a : b & 0x7f7fffffu;
        }
        if (op == SelectOp::KeepIfEqual && r % 3 == 0) b = a;
        if ((op == SelectOp::KeepIfNonZero || op == SelectOp::Relu) && r % 4 == 0) a = r % 8 == 0 ? 0 : 0x80000000u;
        in[r] = {a, b, rng() & 0xffffffffu};
        fx.array.poke_field(r, p.a.first, 32, in[r][0]);
        fx.array.poke_field(r, p.b.first, 32, in[r][1]);
        fx.array.poke_field(r, p.c.first, 32, in[r][2]);
      }
      fx.array.execute(p.program);
      for (std::uint32_t r = 0; r < t.array.rows; ++r) {
        CAPTURE(r);
        REQUIRE(fx.array.peek_field(r, p.result.first, 32) == select_host(op, f, in[r][0], in[r][1], in[r][2]));
        REQUIRE(fx.array.peek_field(r, p.a.first, 32) == in[r][0]);  // operands kept
      }
    }
  }
}

TEST_CASE("bit-accurate and fast training give the same weights bit for bit", "[training][slow]") {
  const DataSplit d = small_mnist(16, 4);
  // Fast mode: ieee on the batched path, paper (fp_host_paper.hpp) on the lane path.
  const std::pair<const char*, Rounding> cases[] = {
      {"sot-mram-1t1r", Rounding::Ieee}, {"reram-floatpim", Rounding::Ieee}, {"sot-mram-1t1r", Rounding::Paper}};
  for (const auto& [tech, rounding] : cases) {
    CAPTURE(tech, to_string(rounding));
    const Technology t = load_technology(tech);
    const LeNetSpec spec;
    CostLedger la, lb;
    LaneEngine exact(t, FpFormat::fp32(), rounding, ExecMode::BitAccurate, 2, la);
    LaneEngine fast(t, FpFormat::fp32(), rounding, ExecMode::Fast, 2, lb);
    LeNetTrainer A(spec, init_lenet(spec, FpFormat::fp32(), 3), exact, 0.1);
    LeNetTrainer Bt(spec, init_lenet(spec, FpFormat::fp32(), 3), fast, 0.1);
    CHECK(Bt.batched() == (rounding == Rounding::Ieee));
    for (std::size_t batch = 0; batch < 2; ++batch) {
      const std::vector<std::size_t> idx{batch * 2, batch * 2 + 1};
      const BatchResult ra = A.train_batch(d.train, idx);
      const BatchResult rb = Bt.train_batch(d.train, idx);
      CHECK(ra.loss == rb.loss);
    }
    std::size_t compared = 0, changed = 0;
    const LeNetParams init = init_lenet(spec, FpFormat::fp32(), 3);
    for (std::size_t i = 0; i < A.params().tensors.size(); ++i) {
      CAPTURE(A.params().names[i]);
      REQUIRE(A.params().tensors[i] == Bt.params().tensors[i]);
      for (std::size_t j = 0; j < init.tensors[i].size(); ++j) changed += A.params().tensors[i][j] != init.tensors[i][j];
      compared += A.params().tensors[i].size();
    }
    CHECK(compared == 21690);
    CHECK(changed > 10000);  // training moved most weights
    // Same operations, same latency; energy: fast charges the declared (upper-bound) cost.
    for (std::size_t op = 0; op < kLaneOps; ++op) CHECK(exact.lanes(LaneOp(op)) == fast.lanes(LaneOp(op)));
    CHECK(exact.latency_ns() == Approx(fast.latency_ns()).epsilon(1e-12));
    CHECK(la.energy_pJ() <= lb.energy_pJ() * (1 + 1e-12));
    WARN(tech << ": energy bit-accurate " << la.energy_pJ() << " pJ, fast (declared) " << lb.energy_pJ() << " pJ");
  }
}

namespace {

// Trains `batches` through a fast-mode fp32 trainer, on the lane path or the
// batched path, from `params`.
struct FastRun {
  CostLedger ledger;
  std::unique_ptr<LaneEngine> engine;
  std::unique_ptr<LeNetTrainer> trainer;
  std::vector<BatchResult> results;
  BatchResult evaluated;
};

void fast_run(FastRun& run, const Technology& t, const LeNetParams& params, bool batched, const DataSplit& d,
              const std::vector<std::vector<std::size_t>>& batches) {
  const LeNetSpec spec;
  run.engine = std::make_unique<LaneEngine>(t, FpFormat::fp32(), Rounding::Ieee, ExecMode::Fast, 3, run.ledger);
  run.trainer = std::make_unique<LeNetTrainer>(spec, params, *run.engine, 0.1, batched);
  REQUIRE(run.trainer->batched() == batched);
  for (const auto& idx : batches) run.results.push_back(run.trainer->train_batch(d.train, idx));
  run.evaluated = run.trainer->evaluate_batch(d.test, {0, 1, 2});
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("the batched path trains as the lane path, bit for bit and charge for charge", "[training][fast]") {
  const DataSplit d = small_mnist(40, 3);
  const Technology t = load_technology("sot-mram-1t1r");
  const LeNetSpec spec;
  // A full lane block, a part of one, two blocks and a part: every padding case.
  const std::vector<std::vector<std::size_t>> batches{
      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {16, 17, 18, 19, 20}, {21, 22, 23, 24, 25, 26, 27, 28,
      29, 30, 31, 32, 33, 34, 35, 36, 37, 38}};
  // Weights as training meets them, and the values that test the kernels'
  // rounding and NaN handling: signed zeros and subnormals (sign of a zero
  // sum, gradual underflow), an infinite conv2 weight (the input gradient's
  // outside taps become inf x 0 = NaN: every tap taken), a NaN (its payload
  // must be the one the model's policy picks).
  const char* cases[] = {"as initialised", "signed zeros and subnormals", "an infinite conv2 weight",
                         "a NaN fc weight"};
  for (int c = 0; c < 4; ++c) {
    CAPTURE(cases[c]);
    LeNetParams p = init_lenet(spec, FpFormat::fp32(), 11);
    if (c == 1) {
      for (std::size_t i = 0; i < p.tensors[2].size(); i += 7) p.tensors[2][i] = i % 2 ? 0x80000000u : 0x00000003u;
      // conv1 channel 0: -0 bias and non-positive weights, so blank regions
      // sum to -0 (a chain that starts at -0 and adds only -0 products).
      p.tensors[1][0] = 0x80000000u;
      for (std::size_t i = 0; i < 25; ++i) p.tensors[0][i] |= 0x80000000u;
      for (std::size_t i = 0; i < p.tensors[4].size(); i += 5) p.tensors[4][i] = 0x807ffff0u;
    }
    if (c == 2) p.tensors[2][40] = 0x7f800000u;
    if (c == 3) p.tensors[6][17] = 0x7fa00001u;  // signalling NaN: quieted on the way
    FastRun lanes, batched;
    fast_run(lanes, t, p, false, d, batches);
    fast_run(batched, t, p, true, d, batches);
    for (std::size_t b = 0; b < batches.size(); ++b) {
      CHECK(same_bits(lanes.results[b].loss, batched.results[b].loss));
      CHECK(lanes.results[b].correct == batched.results[b].correct);
    }
    CHECK(same_bits(lanes.evaluated.loss, batched.evaluated.loss));
    for (std::size_t i = 0; i < p.tensors.size(); ++i) {
      CAPTURE(p.names[i]);
      REQUIRE(lanes.trainer->params().tensors[i] == batched.trainer->params().tensors[i]);
    }
    for (std::size_t op = 0; op < kLaneOps; ++op) CHECK(lanes.engine->lanes(LaneOp(op)) == batched.engine->lanes(LaneOp(op)));
    for (std::uint32_t s = 0; s < 3; ++s) {
      for (std::size_t ph = 0; ph < kPhases; ++ph) {
        CAPTURE(s, ph);
        CHECK(lanes.engine->account(s).phase(Phase(ph)) == batched.engine->account(s).phase(Phase(ph)));
      }
    }
    CHECK(lanes.engine->published_latency_ns() == Approx(batched.engine->published_latency_ns()).epsilon(1e-12));
    CHECK(lanes.engine->published_energy_pJ() == Approx(batched.engine->published_energy_pJ()).epsilon(1e-12));
    CHECK(lanes.trainer->host_words_read() == batched.trainer->host_words_read());
    CHECK(lanes.trainer->host_words_written() == batched.trainer->host_words_written());
    if (c == 0) {
      std::size_t changed = 0;
      for (std::size_t i = 0; i < p.tensors.size(); ++i)
        for (std::size_t j = 0; j < p.tensors[i].size(); ++j) changed += batched.trainer->params().tensors[i][j] != p.tensors[i][j];
      CHECK(changed > 10000);
    }
  }
}

TEST_CASE("the lane mapping holds what training keeps and packs lanes into rows", "[training][mapping]") {
  const LeNetSpec s;
  const ResidentWords r = resident_words(s, 16);
  CHECK(r.weights == 21690);
  CHECK(r.weight_gradients == 21690);
  // Saved per image: 784 + 5184 + 1296 + 1152 + 288 + 50 + 48 + 10 = 8812;
  // widest pair of adjacent layers: conv1 and pool1, 5184 + 1296.
  CHECK(r.activations == 8812u * 16);
  CHECK(r.activation_gradients == 6480u * 16);
  const Technology t = load_technology("sot-mram-1t1r");
  const LaneMapping wide = map_lanes(730, 65536, r, t, 4);
  CHECK(wide.lanes == (r.total() + 3) / 4);  // more words than the lanes at once hold
  CHECK(wide.lanes_per_row == 1);
  CHECK(wide.subarrays == (wide.lanes + 1023) / 1024);
  CHECK(wide.banks == (wide.subarrays + 3) / 4);
  CHECK(wide.area_um2 == Approx(double(wide.subarrays) * t.subarray_area_um2()));
  const LaneMapping narrow = map_lanes(228, 1u << 20, r, t, 4);
  CHECK(narrow.lanes == 1u << 20);
  CHECK(narrow.lanes_per_row == 4);
  CHECK(narrow.subarrays == 256);
  CHECK(narrow.cells == std::uint64_t(228) << 20);
  CHECK_THROWS_WITH(map_lanes(1025, 1, r, t, 4), Catch::Matchers::Contains("1024 columns"));
}

TEST_CASE("the lane engine's published tally is the published formulas times the rows", "[training][published]") {
  for (const char* tech : {"sot-mram-1t1r", "reram-floatpim"}) {
    CAPTURE(tech);
    const Technology t = load_technology(tech);
    const FpFormat f = FpFormat::fp32();
    CostLedger ledger;
    LaneEngine e(t, f, Rounding::Ieee, ExecMode::Fast, 2, ledger);
    const std::size_t n = 3000;  // batches of 1024, 1024, 952 on subarrays 0, 1, 0
    std::vector<std::uint32_t> acc(n, 0), a(n, 0x3f800000u), b(n, 0x40000000u);
    e.mac(acc.data(), a.data(), 1, b.data(), n);
    const StepPrices p = StepPrices::from(t);
    const RowCost mac = published_cost(FpOp::Mac, f, t.family);
    // Two operands move in: a read and a write step per bit, per row.
    RowCost move;
    move.steps[std::size_t(StepKind::Read)] = move.steps[std::size_t(StepKind::Write)] = 64;
    move.cells[std::size_t(StepKind::Read)] = move.cells[std::size_t(StepKind::Write)] = 64;
    CHECK(e.published_latency_ns() == Approx(2 * (mac.latency_ns(p) + move.latency_ns(p))));
    CHECK(e.published_energy_pJ() == Approx(double(n) * (mac.energy_pJ(p) + move.energy_pJ(p))));
    CHECK(acc[0] == 0x40000000u);
  }
}

TEST_CASE("fast and bit-accurate lane arithmetic agree bit for bit on special values", "[training][fast]") {
  const Technology t = load_technology("sot-mram-1t1r");
  const FpFormat f = FpFormat::fp32();
  const std::uint32_t specials[] = {0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00001u,
                                    0x00000001u, 0x807fffffu, 0x7f7fffffu, 0x3f800000u, 0xbf800000u, 0x00800000u};
  std::mt19937 rng(7);
  const std::size_t n = 700;  // more than two 256-lane chunks, less than a subarray
  std::vector<std::uint32_t> a(n), b(n), c(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto pick = [&] { return rng() % 4 == 0 ? specials[rng() % std::size(specials)] : std::uint32_t(rng()); };
    a[i] = pick();
    b[i] = pick();
    c[i] = pick();
  }
  auto run = [&](ExecMode mode, Rounding rounding, int which) {
    CostLedger ledger;
    LaneEngine e(t, f, rounding, mode, 1, ledger);
    std::vector<std::uint32_t> acc = c;
    if (which == 0) e.mac(acc.data(), a.data(), 1, b.data(), n);
    if (which == 1) e.mac(acc.data(), &a[5], 0, b.data(), n);
    if (which == 2) e.add(acc.data(), b.data(), n);
    if (which == 3) e.mul(acc.data(), a.data(), 1, b.data(), n);
    return acc;
  };
  for (const Rounding rounding : {Rounding::Ieee, Rounding::Paper}) {
    for (int which = 0; which < 4; ++which) {
      CAPTURE(to_string(rounding), which);
      const auto fast = run(ExecMode::Fast, rounding, which), exact = run(ExecMode::BitAccurate, rounding, which);
      std::size_t differ = 0;
      for (std::size_t i = 0; i < n; ++i) differ += fast[i] != exact[i];
      CHECK(differ == 0);
    }
  }
}
