// Layer commands through the controller: the LeNet's batches as commands on
// tensors in the data window, lanes in a pool of the platform's subarrays
// (support/lenet_bench.hpp); the checks a command passes before it runs.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "controller/layer_command.hpp"
#include "support/lenet_bench.hpp"

using namespace mrampim;
using mrampim::test::LeNetBench;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("bit-accurate and fast layer commands train to the same weights bit for bit", "[layer][training][slow]") {
  const DataSplit d = load_split("mnist", default_data_dir(), 8, 2, 1);
  const LeNetSpec spec;
  // Fast mode: ieee on the batched path, paper (fp_host_paper.hpp) on the lane path.
  const std::pair<const char*, Rounding> cases[] = {
      {"sot-mram-1t1r", Rounding::Ieee}, {"reram-floatpim", Rounding::Ieee}, {"sot-mram-1t1r", Rounding::Paper}};
  for (const auto& [tech, rounding] : cases) {
    CAPTURE(tech, to_string(rounding));
    const Technology t = load_technology(tech);
    const LeNetParams init = init_lenet(spec, FpFormat::fp32(), 3);
    LeNetBench exact(t, ExecMode::BitAccurate, FpFormat::fp32(), rounding, 2, init, 2);
    LeNetBench fast(t, ExecMode::Fast, FpFormat::fp32(), rounding, 2, init, 2);
    for (std::size_t batch = 0; batch < 2; ++batch) {
      const std::vector<std::size_t> idx{batch * 2, batch * 2 + 1};
      CHECK(same_bits(exact.step(d.train, idx, true).loss, fast.step(d.train, idx, true).loss));
    }
    CHECK(same_bits(exact.step(d.test, {0, 1}, false).loss, fast.step(d.test, {0, 1}, false).loss));
    const auto we = exact.weights(), wf = fast.weights();
    std::size_t changed = 0;
    for (std::size_t i = 0; i < we.size(); ++i) {
      CAPTURE(init.names[i]);
      REQUIRE(we[i] == wf[i]);
      for (std::size_t j = 0; j < we[i].size(); ++j) changed += we[i][j] != init.tensors[i][j];
    }
    CHECK(changed > 10000);  // training moved most weights
    // The same operations on the same subarrays at the same times, and every
    // count of every account the same: fast mode's exact charges.
    for (std::size_t op = 0; op < kLaneOps; ++op) CHECK(exact.ctl->lanes(LaneOp(op)) == fast.ctl->lanes(LaneOp(op)));
    CHECK(exact.busy_ns == fast.busy_ns);
    REQUIRE(exact.ledger.accounts().size() == fast.ledger.accounts().size());
    for (std::size_t i = 0; i < exact.ledger.accounts().size(); ++i) {
      for (std::size_t p = 0; p < kPhases; ++p) {
        CAPTURE(exact.ledger.accounts()[i].name(), to_string(Phase(p)));
        CHECK(exact.ledger.accounts()[i].phase(Phase(p)) == fast.ledger.accounts()[i].phase(Phase(p)));
      }
    }
    CHECK(exact.ctl->published_latency_ns() == fast.ctl->published_latency_ns());
    CHECK(exact.ledger.energy_pJ() == fast.ledger.energy_pJ());
    // The declared basis: the same steps, no fewer cells.
    LeNetBench declared(t, ExecMode::Fast, FpFormat::fp32(), rounding, 2, init, 2, CostBasis::Declared);
    for (std::size_t batch = 0; batch < 2; ++batch) declared.step(d.train, {batch * 2, batch * 2 + 1}, true);
    declared.step(d.test, {0, 1}, false);
    CHECK(declared.weights() == fast.weights());
    for (std::uint32_t s = 0; s < 2; ++s) {
      for (std::size_t p = 0; p < kPhases; ++p) {
        const ActivityCounts a = fast.pool_counts(s, Phase(p)), b = declared.pool_counts(s, Phase(p));
        CHECK(a.steps == b.steps);
        for (std::size_t k = 0; k < kStepKinds; ++k) CHECK(a.cells[k] <= b.cells[k]);
      }
    }
  }
}

TEST_CASE("the batched path computes layer commands as the lane path, bit for bit and charge for charge",
          "[layer][training][fast]") {
  const DataSplit d = load_split("mnist", default_data_dir(), 40, 3, 1);
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
    // The batched path charges the declared costs (it sees no row's trajectory).
    LeNetBench lanes(t, ExecMode::Fast, FpFormat::fp32(), Rounding::Ieee, 18, p, 3, CostBasis::Declared);
    LeNetBench batched(t, ExecMode::Fast, FpFormat::fp32(), Rounding::Ieee, 18, p, 3, CostBasis::Declared);
    lanes.ctl->allow_batched_layers(false);
    for (const auto& idx : batches) {
      const BatchResult a = lanes.step(d.train, idx, true), b = batched.step(d.train, idx, true);
      CHECK(same_bits(a.loss, b.loss));
      CHECK(a.correct == b.correct);
    }
    CHECK(same_bits(lanes.step(d.test, {0, 1, 2}, false).loss, batched.step(d.test, {0, 1, 2}, false).loss));
    const auto wl = lanes.weights(), wb = batched.weights();
    for (std::size_t i = 0; i < wl.size(); ++i) {
      CAPTURE(p.names[i]);
      REQUIRE(wl[i] == wb[i]);
    }
    for (std::size_t op = 0; op < kLaneOps; ++op) CHECK(lanes.ctl->lanes(LaneOp(op)) == batched.ctl->lanes(LaneOp(op)));
    for (std::uint32_t s = 0; s < 3; ++s) {
      for (std::size_t ph = 0; ph < kPhases; ++ph) {
        CAPTURE(s, ph);
        CHECK(lanes.pool_counts(s, Phase(ph)) == batched.pool_counts(s, Phase(ph)));
      }
    }
    CHECK(lanes.ledger_counts() == batched.ledger_counts());
    CHECK(lanes.busy_ns == batched.busy_ns);
    CHECK(lanes.ctl->published_latency_ns() == Approx(batched.ctl->published_latency_ns()).epsilon(1e-12));
    CHECK(lanes.ctl->published_energy_pJ() == Approx(batched.ctl->published_energy_pJ()).epsilon(1e-12));
    if (c == 0) {
      std::size_t changed = 0;
      for (std::size_t i = 0; i < p.tensors.size(); ++i)
        for (std::size_t j = 0; j < p.tensors[i].size(); ++j) changed += wb[i][j] != p.tensors[i][j];
      CHECK(changed > 10000);
    }
  }
}

TEST_CASE("a layer command that fails its checks is refused with its error code and changes nothing", "[layer]") {
  const PlatformShape shape{2, 4, 1024, 1024, LogicFamily::SotStateful};
  const LanePool pool{4, 4};  // bank 1
  auto fp32 = [](Command c) {
    c.format = FpFormat::fp32();
    return c;
  };
  const Command good = fp32(conv_forward_command(0, 400, 410, 420, 1, 28, 28, 9, 5, 16));
  CHECK(validate_layer(good, shape, pool) == CommandError::None);
  CHECK(decode_command(encode_command(good)).args == good.args);
  CHECK(validate_layer(decode_command(encode_command(good)), shape, pool) == CommandError::None);
  CHECK(layer_lanes(good) == 16u * 9 * 24 * 24);

  CHECK(validate_layer(good, shape, LanePool{}) == CommandError::NoLanePool);
  CHECK(validate_layer(good, shape, LanePool{6, 3}) == CommandError::NoLanePool);  // past the last subarray
  CHECK(validate_layer(good, shape, LanePool{0, 1}) == CommandError::TensorInLanePool);
  // Past the data window: 8 subarrays x 1024 rows.
  CHECK(validate_layer(fp32(conv_forward_command(0, 400, 410, 8191, 1, 28, 28, 9, 5, 16)), shape, pool) ==
        CommandError::TensorOutOfRange);
  CHECK(validate_layer(fp32(conv_forward_command(0, 400, 410, 3900, 1, 28, 28, 9, 5, 16)), shape, pool) ==
        CommandError::TensorInLanePool);  // y runs into subarray 4
  // Shapes that do not work out.
  CHECK(validate_layer(fp32(conv_forward_command(0, 400, 410, 420, 1, 4, 4, 9, 5, 16)), shape, pool) ==
        CommandError::ShapeInvalid);  // kernel past the input
  CHECK(validate_layer(fp32(conv_forward_command(0, 400, 410, 420, 1, 28, 28, 9, 5, 0)), shape, pool) ==
        CommandError::ShapeInvalid);  // no samples
  CHECK(validate_layer(fp32(pool_forward_command(0, 200, 9, 23, 24, 16)), shape, pool) == CommandError::ShapeInvalid);
  CHECK(validate_layer(fp32(relu_command(0, 10, 0, 16)), shape, pool) == CommandError::ShapeInvalid);
  CHECK(validate_layer(fp32(sgd_command(0, 10, 0, 0xbdcccccdu)), shape, pool) == CommandError::ShapeInvalid);
  // Reserved fields.
  Command r = good;
  r.args[5] |= 0x100;
  CHECK(validate_layer(r, shape, pool) == CommandError::ReservedBits);
  Command unused = fp32(conv_input_grad_command(0, 2600, 2700, 1, 28, 28, 9, 5, 16));
  unused.args[3] = 7;
  CHECK(validate_layer(unused, shape, pool) == CommandError::ReservedBits);
  Command k_on_fc = fp32(fc_forward_command(0, 10, 20, 30, 288, 50, 16));
  k_on_fc.args[5] |= 5;
  CHECK(validate_layer(k_on_fc, shape, pool) == CommandError::ReservedBits);
  // Overlaps: an output onto an input, but for the in-place pairs.
  CHECK(validate_layer(fp32(conv_forward_command(0, 400, 410, 10, 1, 28, 28, 9, 5, 16)), shape, pool) ==
        CommandError::Overlap);
  CHECK(validate_layer(fp32(relu_command(0, 0, 100, 16)), shape, pool) == CommandError::None);
  CHECK(validate_layer(fp32(relu_command(0, 1, 100, 16)), shape, pool) == CommandError::Overlap);
  CHECK(validate_layer(fp32(relu_backward_command(0, 100, 100, 64, 16)), shape, pool) == CommandError::None);
  CHECK(validate_layer(fp32(relu_backward_command(0, 100, 0, 64, 16)), shape, pool) == CommandError::Overlap);
  CHECK(validate_layer(fp32(sgd_command(0, 0, 100, 0xbdcccccdu)), shape, pool) == CommandError::Overlap);
  // Formats: words of at most 32 bits.
  Command wide = good;
  wide.format = FpFormat{11, 30};
  CHECK(validate_layer(wide, shape, pool) == CommandError::FormatUnsupported);
  CHECK_THAT(describe(good), Catch::Matchers::Contains("conv forward fp32 ieee"));
}

TEST_CASE("a refused layer command charges nothing and writes no tensor", "[layer]") {
  const Technology t = load_technology("sot-mram-1t1r");
  const LeNetParams init = init_lenet(LeNetSpec{}, FpFormat::fp32(), 1);
  LeNetBench b(t, ExecMode::Fast, FpFormat::fp32(), Rounding::Ieee, 2, init, 2, CostBasis::Declared);
  Command c = conv_forward_command(b.tensors.x0, b.tensors.params[0], b.tensors.params[1], b.tensors.c1, 1, 28, 28, 9,
                                   5, 2);
  c.format = FpFormat::fp32();
  std::vector<std::uint32_t> before(2 * 9 * 24 * 24), after(before.size());
  b.port->read(b.tensors.c1, before.size(), before.data());
  const CommandOutcome o = b.ctl->execute(c, 0, LanePool{0, 2}, *b.port);  // the pool over the tensors
  CHECK(o.error == CommandError::TensorInLanePool);
  CHECK(b.ledger.energy_pJ() == 0);
  b.port->read(b.tensors.c1, after.size(), after.data());
  CHECK(before == after);
  CHECK(b.ctl->execute(c, 0, b.pool, *b.port).error == CommandError::None);
  CHECK(b.ledger.energy_pJ() > 0);
}

TEST_CASE("tensors pack into rows and back, for every word width, keeping the bits around them", "[layer]") {
  std::mt19937_64 rng(3);
  for (const FpFormat f : {FpFormat::fp32(), FpFormat::bf16(), FpFormat{5, 6}, FpFormat{4, 3}, FpFormat{8, 20}}) {
    for (const std::uint32_t cols : {1024u, 1000u, 96u}) {
      CAPTURE(f.name(), cols);
      const TensorGeometry g = tensor_geometry(f, cols);
      REQUIRE(g.words_per_row == cols / f.width());
      const std::size_t row_words = (cols + 63) / 64, n = g.words_per_row * 3 + 5;  // a partial last row
      std::vector<std::uint64_t> rows(g.rows(n) * row_words), before(rows.size());
      for (auto& r : rows) r = rng();
      before = rows;
      std::vector<std::uint32_t> words(n), back(n);
      for (auto& w : words) w = std::uint32_t(rng() & f.bits_mask());
      tensor_pack(g, row_words, words.data(), n, rows.data());
      tensor_unpack(g, row_words, rows.data(), n, back.data());
      CHECK(back == words);
      // Word i sits at columns (i mod W) w .. of row i / W; nothing else moved.
      for (std::size_t r = 0; r < g.rows(n); ++r) {
        for (std::uint32_t c = 0; c < row_words * 64; ++c) {
          const std::size_t slot = c / f.width(), i = r * g.words_per_row + slot;
          const bool owned = slot < g.words_per_row && i < n;
          const bool bit = (rows[r * row_words + c / 64] >> (c % 64)) & 1u;
          const bool expected = owned ? (words[i] >> (c % f.width())) & 1u
                                      : (before[r * row_words + c / 64] >> (c % 64)) & 1u;
          if (bit != expected) FAIL("row " << r << " column " << c);
        }
      }
    }
  }
}
