// The LeNet's layer commands through a Controller without an accelerator:
// its tensors in a plain word store (VectorPort), lanes in a pool of the
// platform's subarrays. What the training host does, minus the transport.
#pragma once

#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

#include "compute/fp_value.hpp"
#include "controller/controller.hpp"
#include "training/dataset.hpp"
#include "training/lenet.hpp"
#include "training/lenet_program.hpp"

namespace mrampim::test {

// The data window's words.
class VectorPort : public TensorPort {
 public:
  VectorPort(std::uint64_t rows, std::uint32_t words_per_row)
      : wpr_(words_per_row), words_(rows * words_per_row, 0), changed_(rows, 0) {}
  void read(std::uint32_t row, std::size_t n, std::uint32_t* out) override {
    for (std::size_t i = 0; i < n; ++i) out[i] = words_.at(std::size_t(row) * wpr_ + i);
  }
  void write(std::uint32_t row, std::size_t n, const std::uint32_t* in) override {
    for (std::size_t i = 0; i < n; ++i) words_.at(std::size_t(row) * wpr_ + i) = in[i];
    ++changes_;
    for (std::size_t r = row; r < row + (n + wpr_ - 1) / wpr_; ++r) changed_.at(r) = changes_;
  }
  std::uint64_t last_change(std::uint32_t row, std::uint64_t rows) const override {
    std::uint64_t last = 0;
    for (std::uint64_t r = row; r < row + rows; ++r) last = std::max(last, changed_.at(r));
    return last;
  }

 private:
  std::uint32_t wpr_;
  std::vector<std::uint32_t> words_;
  std::vector<std::uint64_t> changed_;
  std::uint64_t changes_ = 0;
};

// Tensors in the first banks (4 subarrays each, as many as they need), lanes
// in the first `pool_subarrays` (1..4) of the bank after them.
struct LeNetBench {
  LeNetBench(const Technology& tech, ExecMode mode, const FpFormat& f, Rounding r, std::uint32_t batch,
             const LeNetParams& params, std::uint32_t pool_subarrays = 4, CostBasis basis = CostBasis::Exact)
      : format(f), rounding(r) {
    const TensorGeometry g = tensor_geometry(f, tech.array.cols);
    tensors = lenet_tensors(spec, batch, g, 0);
    const std::uint64_t bank_rows = 4ull * tech.array.rows;
    const auto tensor_banks = std::uint32_t((tensors.end_row + bank_rows - 1) / bank_rows);
    for (std::uint32_t b = 0; b <= tensor_banks; ++b) banks.emplace_back("bank" + std::to_string(b), tech, 4, ledger);
    pool_bank = tensor_banks;
    ctl = std::make_unique<Controller>(banks, ledger, "ctl", mode, basis);
    pool = LanePool{4 * tensor_banks, pool_subarrays};
    port = std::make_unique<VectorPort>(tensor_banks * bank_rows, g.words_per_row);
    for (std::size_t i = 0; i < params.tensors.size(); ++i) {
      port->write(tensors.params[i], params.tensors[i].size(), params.tensors[i].data());
    }
    names = params.names;
  }

  void run(const std::vector<PhasedCommand>& cmds) {
    for (const PhasedCommand& pc : cmds) {
      const CommandOutcome o = ctl->execute(pc.command, now, pool, *port);
      if (o.error != CommandError::None) throw std::runtime_error(describe(pc.command) + ": " + to_string(o.error));
      busy_ns += o.end_ns - o.start_ns;
      now = o.end_ns;
    }
  }

  BatchResult step(const Dataset& d, const std::vector<std::size_t>& idx, bool train, double lr = 0.1) {
    const auto B = std::uint32_t(idx.size());
    std::vector<std::uint32_t> x0;
    std::vector<std::uint8_t> labels;
    for (std::size_t i : idx) {
      const std::uint8_t* img = d.image(i);
      for (std::size_t p = 0; p < d.pixels_per_image(); ++p) x0.push_back(std::uint32_t(fp_from_double(format, img[p] / 255.0)));
      labels.push_back(d.labels[i]);
    }
    port->write(tensors.x0, x0.size(), x0.data());
    run(lenet_forward(spec, tensors, B, format, rounding));
    std::vector<std::uint32_t> logits(B * 10), dlogits;
    port->read(tensors.fc.back(), logits.size(), logits.data());
    const BatchResult r = softmax_cross_entropy(format, logits, 10, labels, train ? &dlogits : nullptr);
    if (train) {
      port->write(tensors.d.back(), dlogits.size(), dlogits.data());
      run(lenet_backward(spec, tensors, B, format, rounding));
      run(lenet_update(spec, tensors, std::uint32_t(fp_from_double(format, -lr)), format, rounding));
    }
    return r;
  }

  std::vector<std::vector<std::uint32_t>> weights() const {
    std::vector<std::vector<std::uint32_t>> w;
    for (std::size_t i = 0; i < tensors.params.size(); ++i) {
      w.emplace_back(tensors.param_words[i]);
      port->read(tensors.params[i], w.back().size(), w.back().data());
    }
    return w;
  }

  // The counts of every pool subarray, per phase.
  ActivityCounts pool_counts(std::uint32_t subarray, Phase p) const {
    return banks[pool_bank].subarray(subarray).account().phase(p);
  }

  // Every account's counts, per phase: subarrays, bank paths, the path
  // between banks, the decoder.
  std::vector<ActivityCounts> ledger_counts() const {
    std::vector<ActivityCounts> all;
    for (const CostAccount& a : ledger.accounts())
      for (std::size_t ph = 0; ph < kPhases; ++ph) all.push_back(a.phase(Phase(ph)));
    return all;
  }

  LeNetSpec spec;
  FpFormat format;
  Rounding rounding;
  CostLedger ledger;
  std::deque<Bank> banks;
  std::unique_ptr<Controller> ctl;
  LanePool pool;
  std::uint32_t pool_bank = 1;
  LeNetTensors tensors;
  std::unique_ptr<VectorPort> port;
  std::vector<std::string> names;
  double now = 0, busy_ns = 0;
};

}  // namespace mrampim::test
