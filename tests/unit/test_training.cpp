#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <random>

#include "circuit/array_circuit.hpp"
#include "compute/select_program.hpp"
#include "support/array_fixture.hpp"
#include "support/lane_pool.hpp"
#include "compute/fp_host_reference.hpp"
#include "compute/fp_trajectory.hpp"
#include "controller/mac_trajectory_kernel.hpp"
#include <map>
#include "training/dataset.hpp"
#include "compute/fp_published_cost.hpp"
#include "controller/lane_engine.hpp"
#include "training/lane_mapping.hpp"
#include "training/lenet.hpp"

using namespace mrampim;


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
      const SelectProgram p = build_select_program(op, f, ArrayShape::of(t));
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
  CHECK(wide.area_um2 == Approx(double(wide.subarrays) * ArrayCircuit(t).subarray_area_um2()));
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
    test::LanePoolFixture pool(t, 2);
    LaneEngine e(t, f, Rounding::Ieee, ExecMode::Fast);
    e.bind(pool.subarrays, pool.paths, 0);
    const std::size_t n = 3000;  // batches of 1024, 1024, 952 on subarrays 0, 1, 0
    std::vector<std::uint32_t> acc(n, 0), a(n, 0x3f800000u), b(n, 0x40000000u);
    e.mac(acc.data(), a.data(), 1, b.data(), n);
    const StepPrices p = StepPrices::from(t);
    const RowCost mac = published_cost(FpOp::Mac, f, t.family);
    // Two operands move in: a read and a write step per bit, per row.
    RowCost move;
    move.steps[std::size_t(StepKind::Read)] = move.steps[std::size_t(StepKind::Write)] = 64;
    move.cells[std::size_t(StepKind::Read)] = move.cells[std::size_t(StepKind::Write)] = 64;
    CHECK(e.published(0).latency_ns(p) == Approx(2 * (mac.latency_ns(p) + move.latency_ns(p))));
    CHECK(e.published(1).latency_ns(p) == Approx(mac.latency_ns(p) + move.latency_ns(p)));
    CHECK(e.published(0).energy_pJ(p) + e.published(1).energy_pJ(p) ==
          Approx(double(n) * (mac.energy_pJ(p) + move.energy_pJ(p))));
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
    test::LanePoolFixture pool(t, 1);
    LaneEngine e(t, f, rounding, mode);
    e.bind(pool.subarrays, pool.paths, 0);
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

// Fast mode's exact charges: every row priced by its trajectory
// (fp_trajectory.hpp) must charge what the bit-level subarray counts, per
// subarray, phase, step kind and cell, for every program of the lanes.
TEST_CASE("fast mode charges exactly what the bit-level subarrays count", "[training][fast][exact]") {
  const std::uint32_t fp32_specials[] = {0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u,
                                         0xffc00001u, 0x7fa00001u, 0x00000001u, 0x807fffffu, 0x7f7fffffu,
                                         0x3f800000u, 0xbf800000u, 0x00800000u, 0x3f7fffffu, 0x33800000u};
  struct Case {
    const char* tech;
    Rounding rounding;
    FpFormat format;
  };
  const Case cases[] = {{"sot-mram-1t1r", Rounding::Ieee, FpFormat::fp32()},
                        {"reram-floatpim", Rounding::Ieee, FpFormat::fp32()},
                        {"sot-mram-1t1r", Rounding::Paper, FpFormat::fp32()},
                        {"reram-floatpim", Rounding::Paper, FpFormat::fp32()},
                        {"sot-mram-1t1r", Rounding::Ieee, FpFormat::bf16()},
                        {"sot-mram-1t1r", Rounding::Ieee, FpFormat::fp16()},
                        {"reram-floatpim", Rounding::Ieee, FpFormat{4, 3}}};
  for (const Case& k : cases) {
    const Technology t = load_technology(k.tech);
    const FpFormat f = k.format;
    CAPTURE(k.tech, to_string(k.rounding), f.name());
    std::mt19937_64 rng(17);
    const std::size_t n = 2500;  // three batches over two subarrays
    // Random bit patterns, values of like magnitude (close exponents:
    // cancellation, every alignment distance), specials, and tiny values.
    auto pick = [&](std::size_t i, int which) -> std::uint32_t {
      const std::uint64_t mask = f.bits_mask();
      switch ((i + std::size_t(which)) % 5) {
        case 0: return std::uint32_t(rng() & mask);
        case 1: return std::uint32_t((rng() & (f.sign_bit() | f.fraction_mask())) |
                                     (std::uint64_t(f.bias() + std::int32_t(rng() % 5) - 2) << f.nm));
        case 2:
          if (f == FpFormat::fp32()) return fp32_specials[rng() % std::size(fp32_specials)];
          return std::uint32_t((rng() % 2 ? f.sign_bit() : 0) | (rng() % 3 == 0 ? f.max_exponent_field() << f.nm : 0) |
                               (rng() % 2 ? (rng() & f.fraction_mask()) : 0));
        case 3: return std::uint32_t((rng() & (f.sign_bit() | f.fraction_mask())) | ((rng() % 3) << f.nm));
        default: return std::uint32_t(rng() & mask & ~(f.max_exponent_field() << f.nm >> 1 << f.nm));
      }
    };
    std::vector<std::uint32_t> a(n), b(n), c(n), relu_out(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = pick(i, 0);
      b[i] = i % 7 == 0 ? a[i] : pick(i, 1);
      c[i] = pick(i, 2);
      relu_out[i] = (a[i] & f.sign_bit()) ? 0 : a[i];  // non-negative values for max
    }
    auto run = [&](ExecMode mode, test::LanePoolFixture& pool) {
      LaneEngine e(t, f, k.rounding, mode);
      e.bind(pool.subarrays, pool.paths, 1);
      std::vector<std::uint32_t> acc = c, r(n);
      e.mac(acc.data(), a.data(), 1, b.data(), n);
      e.mac(acc.data(), &a[3], 0, b.data(), n);
      e.add(acc.data(), b.data(), n);
      e.mul(r.data(), a.data(), 1, b.data(), n);
      for (SelectOp op : {SelectOp::Relu, SelectOp::KeepIfEqual, SelectOp::KeepIfNonZero}) {
        e.select(op, r.data(), a.data(), b.data(), c.data(), n);
      }
      std::vector<std::uint32_t> nonneg_b(relu_out.rbegin(), relu_out.rend());
      e.select(SelectOp::MaxNonNegative, r.data(), relu_out.data(), nonneg_b.data(), nullptr, n);
      e.flush();
      return acc;
    };
    test::LanePoolFixture fast_pool(t, 2), exact_pool(t, 2);
    CHECK(run(ExecMode::Fast, fast_pool) == run(ExecMode::BitAccurate, exact_pool));
    for (std::uint32_t s = 0; s < 2; ++s) {
      for (std::size_t p = 0; p < kPhases; ++p) {
        CAPTURE(s, to_string(Phase(p)));
        CHECK(fast_pool.arrays[s].account().phase(Phase(p)) == exact_pool.arrays[s].account().phase(Phase(p)));
      }
    }
  }
}

TEST_CASE("the fp32 MAC's common trajectory index: vector kernel as the scalar function, one key per index",
          "[training][fast][exact]") {
  std::mt19937_64 rng(5);
  const FpFormat f = FpFormat::fp32();
  auto value = [&]() -> std::uint32_t {
    switch (rng() % 8) {
      case 0: return (rng() % 2) ? 0x80000000u : 0u;                                          // zeros
      case 1: return std::uint32_t(rng());                                                    // anything
      case 2: return std::uint32_t(rng() & 0x807fffffu) | (std::uint32_t(rng() % 3) << 23);   // tiny fields
      case 3: return std::uint32_t(rng() & 0x807fffffu) | (std::uint32_t(251 + rng() % 5) << 23);  // huge fields
      default: return std::uint32_t(rng() & 0x807fffffu) | (std::uint32_t(120 + rng() % 16) << 23);  // training's
    }
  };
  const std::size_t n = 20000;
  std::vector<std::uint32_t> a(n), b(n), c(n), vec(n), strided(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = value();
    b[i] = i % 11 == 0 ? a[i] : value();
    c[i] = value();
  }
  batch::fp32_mac_common_indices(c.data(), a.data(), 1, b.data(), n, vec.data());
  batch::fp32_mac_common_indices(c.data(), &a[7], 0, b.data(), n, strided.data());
  // The generic 16-lane build (the AVX-512 path's fallback) gives the same.
  std::vector<std::uint32_t> portable(n), portable_strided(n);
  batch::fp32_mac_common_indices_portable(c.data(), a.data(), 1, b.data(), n, portable.data());
  batch::fp32_mac_common_indices_portable(c.data(), &a[7], 0, b.data(), n, portable_strided.data());
  CHECK(portable == vec);
  CHECK(portable_strided == strided);
  std::map<std::uint32_t, std::uint64_t> key_of;
  std::size_t common = 0;
  for (std::size_t i = 0; i < n; ++i) {
    CAPTURE(i, a[i], b[i], c[i]);
    float fa, fb, fa7;
    std::memcpy(&fa, &a[i], 4);
    std::memcpy(&fb, &b[i], 4);
    std::memcpy(&fa7, &a[7], 4);
    const float p = fa * fb, p7 = fa7 * fb;
    std::uint32_t pb, pb7;
    std::memcpy(&pb, &p, 4);
    std::memcpy(&pb7, &p7, 4);
    const std::uint32_t index = fp32_mac_common_index(c[i], a[i], b[i], pb);
    REQUIRE(vec[i] == index);
    REQUIRE(strided[i] == fp32_mac_common_index(c[i], a[7], b[i], pb7));
    if (index == kFp32MacUncommon) continue;
    ++common;
    REQUIRE(index < kFp32MacCommon);
    // Rows with one index have one trajectory key (the model's product).
    const std::uint64_t key =
        fp_mac_trajectory(f, Rounding::Ieee, c[i], a[i], b[i], fp_host_mul(f, a[i], b[i]));
    const auto [it, fresh] = key_of.emplace(index, key);
    REQUIRE(it->second == key);
  }
  CHECK(common > n / 4);
  CHECK(key_of.size() > 100);
}
