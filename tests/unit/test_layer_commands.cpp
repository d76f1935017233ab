// Layer commands through the controller: the LeNet's batch as commands on
// tensors in the data window, lanes in a pool of the platform's subarrays,
// against the direct training path (LeNetTrainer on a LaneEngine of its own):
// the same weights bit for bit and the same compute counts.
#include <catch2/catch.hpp>

#include <deque>

#include "compute/fp_value.hpp"
#include "controller/controller.hpp"
#include "controller/layer_command.hpp"
#include "training/dataset.hpp"
#include "training/lenet.hpp"
#include "training/lenet_program.hpp"

using namespace mrampim;

namespace {

// The data window's words, for a controller without an accelerator.
class VectorPort : public TensorPort {
 public:
  VectorPort(std::uint64_t rows, std::uint32_t words_per_row) : wpr_(words_per_row), words_(rows * words_per_row, 0) {}
  void read(std::uint32_t row, std::size_t n, std::uint32_t* out) override {
    for (std::size_t i = 0; i < n; ++i) out[i] = words_.at(std::size_t(row) * wpr_ + i);
  }
  void write(std::uint32_t row, std::size_t n, const std::uint32_t* in) override {
    for (std::size_t i = 0; i < n; ++i) words_.at(std::size_t(row) * wpr_ + i) = in[i];
  }

 private:
  std::uint32_t wpr_;
  std::vector<std::uint32_t> words_;
};

ActivityCounts compute_counts(const CostLedger& ledger, const std::string& prefix, Phase p) {
  ActivityCounts c;
  for (const CostAccount& a : ledger.accounts()) {
    if (a.name().rfind(prefix, 0) == 0) c += a.phase(p);
  }
  return c;
}

}  // namespace

TEST_CASE("a batch of layer commands trains as the direct path, bit for bit and count for count",
          "[layer][training]") {
  struct Case {
    const char* tech;
    ExecMode mode;
    Rounding rounding;
    FpFormat format;
    std::uint32_t batch;
  };
  const Case cases[] = {
      {"sot-mram-1t1r", ExecMode::Fast, Rounding::Ieee, FpFormat::fp32(), 5},        // the batched path
      {"reram-floatpim", ExecMode::Fast, Rounding::Ieee, FpFormat::fp32(), 3},
      {"sot-mram-1t1r", ExecMode::Fast, Rounding::Paper, FpFormat::fp32(), 2},       // the lane path
      {"sot-mram-1t1r", ExecMode::Fast, Rounding::Ieee, FpFormat::bf16(), 2},
      {"sot-mram-1t1r", ExecMode::BitAccurate, Rounding::Ieee, FpFormat::fp32(), 1},  // the bit-level subarrays
  };
  const DataSplit data = load_split("mnist", default_data_dir(), 8, 2, 1);
  const LeNetSpec spec;
  for (const Case& k : cases) {
    CAPTURE(k.tech, to_string(k.mode), to_string(k.rounding), k.format.name(), k.batch);
    const Technology tech = load_technology(k.tech);
    const FpFormat f = k.format;
    std::vector<std::size_t> idx;
    std::vector<std::uint8_t> labels;
    for (std::size_t i = 0; i < k.batch; ++i) {
      idx.push_back(i);
      labels.push_back(data.train.labels[i]);
    }
    constexpr std::uint32_t kPool = 4;

    // The direct path.
    CostLedger old_ledger;
    LaneEngine old_engine(tech, f, k.rounding, k.mode, kPool, old_ledger, "old");
    LeNetTrainer trainer(spec, init_lenet(spec, f, 1), old_engine, 0.1);
    trainer.train_batch(data.train, idx);

    // Layer commands: tensors in bank 0, lanes in bank 1.
    CostLedger ledger;
    std::deque<Bank> banks;
    banks.emplace_back("bank0", tech, 4, ledger);
    banks.emplace_back("bank1", tech, kPool, ledger);
    Controller ctl(banks, ledger, "ctl", k.mode);
    const LanePool pool{4, kPool};
    const TensorGeometry g = tensor_geometry(f, tech.array.cols);
    const LeNetTensors t = lenet_tensors(spec, k.batch, g, 0);
    REQUIRE(t.end_row <= 4ull * tech.array.rows);
    VectorPort port(4ull * tech.array.rows, g.words_per_row);
    const LeNetParams init = init_lenet(spec, f, 1);
    for (std::size_t i = 0; i < init.tensors.size(); ++i) port.write(t.params[i], init.tensors[i].size(), init.tensors[i].data());
    std::vector<std::uint32_t> x0;
    for (std::size_t b = 0; b < k.batch; ++b) {
      const std::uint8_t* img = data.train.image(idx[b]);
      for (std::size_t i = 0; i < 784; ++i) x0.push_back(std::uint32_t(fp_from_double(f, img[i] / 255.0)));
    }
    port.write(t.x0, x0.size(), x0.data());
    double now = 0, busy = 0;
    auto run = [&](const std::vector<PhasedCommand>& cmds) {
      for (const PhasedCommand& pc : cmds) {
        CAPTURE(describe(pc.command));
        const CommandOutcome o = ctl.execute(pc.command, now, pool, port);
        REQUIRE(o.error == CommandError::None);
        CHECK(o.start_ns >= now);
        busy += o.end_ns - o.start_ns;
        now = o.end_ns;
      }
    };
    run(lenet_forward(spec, t, k.batch, f, k.rounding));
    std::vector<std::uint32_t> logits(k.batch * 10), dlogits;
    port.read(t.fc.back(), logits.size(), logits.data());
    softmax_cross_entropy(f, logits, 10, labels, &dlogits);
    port.write(t.d.back(), dlogits.size(), dlogits.data());
    run(lenet_backward(spec, t, k.batch, f, k.rounding));
    run(lenet_update(spec, t, std::uint32_t(fp_from_double(f, -0.1)), f, k.rounding));

    for (std::size_t i = 0; i < init.tensors.size(); ++i) {
      CAPTURE(trainer.params().names[i]);
      std::vector<std::uint32_t> w(init.tensors[i].size());
      port.read(t.params[i], w.size(), w.data());
      REQUIRE(w == trainer.params().tensors[i]);
    }
    // Every count of the computation (host transfers are the platform's now).
    for (std::size_t p = 0; p < kPhases; ++p) {
      if (Phase(p) == Phase::HostAccess || Phase(p) == Phase::Control) continue;
      CAPTURE(to_string(Phase(p)));
      CHECK(compute_counts(ledger, "bank1.", Phase(p)) == compute_counts(old_ledger, "old.", Phase(p)));
    }
    CHECK(compute_counts(ledger, "bank0.", Phase::Logic) == ActivityCounts{});  // no lane in the tensors' bank
    // Serial commands, each as long as its busiest subarray: the direct
    // path's latency (its first subarray always had the most batches).
    const CostAccount& old0 = *old_ledger.find("old.subarray0");
    CHECK(busy == Approx(old0.latency_ns() - old0.phase(Phase::HostAccess).latency_ns(old0.prices())).epsilon(1e-12));
    CHECK(ctl.lanes(LaneOp::Mac) == old_engine.lanes(LaneOp::Mac));
  }
}
