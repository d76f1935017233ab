#include "train_run.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "compute/fp_published_cost.hpp"
#include "compute/fp_value.hpp"
#include "training/dataset.hpp"
#include "training/lenet.hpp"
#include "training/weights_hash.hpp"

namespace mrampim {

namespace {

void show_progress(const TrainOptions& o, std::uint32_t epoch, std::size_t done, std::size_t total, double loss,
                   double elapsed_s, bool last) {
  const double rate = elapsed_s > 0 ? double(done) / elapsed_s : 0.0;
  const double left = rate > 0 ? double(total - done) / rate : 0.0;
  if (o.progress_bar) {
    const int width = 30, filled = int(double(width) * double(done) / double(total));
    std::fprintf(stderr, "\repoch %u [%-*s] %zu/%zu  loss %.4f  %.0f img/s  %.0f s left ", epoch + 1, width,
                 std::string(std::size_t(filled), '#').c_str(), done, total, loss, rate, left);
    if (last) std::fputc('\n', stderr);
  } else {
    std::fprintf(stderr, "epoch %u: %zu/%zu images, loss %.4f, %.0f images/s, %.0f s left\n", epoch + 1, done, total,
                 loss, rate, left);
  }
}

// What a reference implementation needs to train the same network on the
// same samples in the same order from the same weights (format documented in
// docs/training.md; scripts/reference_lenet.py reads it).
void export_setup(const std::string& path, const TrainOptions& o, const DataSplit& data, const LeNetSpec& spec,
                  const LeNetParams& params, const FpFormat& format) {
  std::ofstream out(path);
  if (!out) throw std::invalid_argument("--export-setup: cannot write '" + path + "'");
  nlohmann::json tensors = nlohmann::json::object();
  for (std::size_t t = 0; t < params.tensors.size(); ++t) {
    std::vector<double> v;
    v.reserve(params.tensors[t].size());
    for (std::uint32_t w : params.tensors[t]) v.push_back(fp_to_double(format, w));
    tensors[params.names[t]] = v;
  }
  nlohmann::json orders = nlohmann::json::array();
  for (std::uint32_t e = 0; e < o.epochs; ++e) orders.push_back(epoch_order(data.train.size(), o.seed, e));
  const nlohmann::json j = {
      {"kind", "mrampim training setup"},
      {"version", 1},
      {"dataset", o.dataset},
      {"format", format.name()},
      {"pixel", "p / 255, rounded to the format"},
      {"files",
       {{"train_images", data.train_images},
        {"train_labels", data.train_labels},
        {"test_images", data.test_images},
        {"test_labels", data.test_labels}}},
      {"train_indices", data.train_source},
      {"test_indices", data.test_source},
      {"epoch_orders", orders},
      {"batch", o.batch},
      {"learning_rate", o.learning_rate},
      {"epochs", o.epochs},
      {"seed", o.seed},
      {"network", {{"image", spec.image}, {"kernel", spec.kernel}, {"conv1", spec.conv1}, {"conv2", spec.conv2},
                   {"fc", spec.fc}}},
      {"parameters", tensors}};
  out << j.dump() << '\n';
  if (!out) throw std::invalid_argument("--export-setup: cannot write '" + path + "'");
}

}  // namespace

std::vector<std::size_t> epoch_order(std::size_t samples, std::uint64_t seed, std::uint32_t epoch) {
  return shuffled_indices(samples, seed * 1000003u + epoch);
}

TrainResult run_training(const TrainOptions& o, const Technology& tech, const FpFormat& format, Rounding rounding) {
  if (o.epochs == 0) throw std::invalid_argument("--epochs must be at least 1");
  if (o.batch == 0) throw std::invalid_argument("--batch must be at least 1");
  if (!(o.learning_rate > 0)) throw std::invalid_argument("--lr must be positive");
  if (!(o.target_accuracy >= 0 && o.target_accuracy <= 1)) {
    throw std::invalid_argument("--until-accuracy must be a percentage from 0 to 100");
  }
  const DataSplit data =
      load_split(o.dataset, o.data_dir.empty() ? default_data_dir() : o.data_dir, o.train_samples, o.test_samples, o.seed);
  const LeNetSpec spec;
  CostLedger ledger;
  LaneEngine engine(tech, format, rounding, o.mode, o.compute_subarrays, ledger);
  LeNetTrainer trainer(spec, init_lenet(spec, format, o.seed), engine, o.learning_rate);
  if (!o.export_setup.empty()) export_setup(o.export_setup, o, data, spec, trainer.params(), format);

  TrainResult r;
  r.technology = tech.name;
  // Where the run lives: lanes of the counted programs' width, and of the
  // published cell counts (fp_published_cost.hpp) for the paper's area.
  // Computed before training: a mapping that cannot be made is bad input.
  const ResidentWords resident = resident_words(spec, o.batch);
  const std::uint64_t at_once = std::uint64_t(o.compute_subarrays) * tech.array.rows;
  r.counted.mapping = map_lanes(engine.lane_columns(), at_once, resident, tech, o.subarrays_per_bank);
  r.counted.has_mapping = true;
  const double scratch = published_mac_scratch_cells(format, tech.family);
  if (scratch > 0) {
    const auto cells = std::uint32_t(LaneMapping::kWordsPerLane * format.width() + scratch);
    r.published.mapping = map_lanes(cells, at_once, resident, tech, o.subarrays_per_bank);
    r.published.has_mapping = true;
  }
  for (std::uint32_t epoch = 0; epoch < o.epochs; ++epoch) {
    const auto order = epoch_order(data.train.size(), o.seed, epoch);
    const double lat0 = engine.latency_ns(), en0 = ledger.energy_pJ();
    const double pub_lat0 = engine.published_latency_ns(), pub_en0 = engine.published_energy_pJ();
    const auto e0 = std::chrono::steady_clock::now();
    double loss_sum = 0;
    std::size_t seen = 0, next_report = data.train.size() / 10;
    for (std::size_t base = 0; base < order.size(); base += o.batch) {
      const std::size_t n = std::min<std::size_t>(o.batch, order.size() - base);
      const std::vector<std::size_t> idx(order.begin() + std::ptrdiff_t(base), order.begin() + std::ptrdiff_t(base + n));
      loss_sum += trainer.train_batch(data.train, idx).loss * double(n);
      seen += n;
      const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count();
      if (o.progress_bar || seen >= next_report || seen == order.size()) {
        show_progress(o, epoch, seen, order.size(), loss_sum / double(seen), el, seen == order.size());
        next_report = seen + data.train.size() / 10;
      }
    }
    r.epoch_seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count());
    r.counted.latency_ns += engine.latency_ns() - lat0;
    r.counted.energy_pJ += ledger.energy_pJ() - en0;
    r.published.latency_ns += engine.published_latency_ns() - pub_lat0;
    r.published.energy_pJ += engine.published_energy_pJ() - pub_en0;
    r.epoch_loss.push_back(loss_sum / double(data.train.size()));
    // Test accuracy after the epoch (its costs are not the training's).
    std::size_t correct = 0;
    std::vector<std::size_t> all(data.test.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    for (std::size_t base = 0; base < all.size(); base += 256) {
      const std::size_t n = std::min<std::size_t>(256, all.size() - base);
      correct += trainer.evaluate_batch(data.test, std::vector<std::size_t>(all.begin() + std::ptrdiff_t(base),
                                                                            all.begin() + std::ptrdiff_t(base + n)))
                     .correct;
    }
    r.test_accuracy.push_back(double(correct) / double(data.test.size()));
    std::fprintf(stderr, "epoch %u: mean loss %.5f, test accuracy %.2f%%\n", epoch + 1, r.epoch_loss.back(),
                 100 * r.test_accuracy.back());
    if (o.target_accuracy > 0 && r.test_accuracy.back() >= o.target_accuracy) {
      r.epochs_to_target = epoch + 1;
      break;
    }
  }
  for (double t : r.epoch_seconds) r.seconds += t;
  nlohmann::json ops = nlohmann::json::object();
  for (std::size_t k = 0; k < kLaneOps; ++k) ops[to_string(LaneOp(k))] = engine.lanes(LaneOp(k));
  r.json = {{"workload", "train"},
            {"tech", tech.name},
            {"format", format.name()},
            {"rounding", to_string(rounding)},
            {"mode", to_string(o.mode)},
            {"dataset", o.dataset},
            {"train_samples", data.train.size()},
            {"test_samples", data.test.size()},
            {"epochs", o.epochs},
            {"batch", o.batch},
            {"learning_rate", o.learning_rate},
            {"seed", o.seed},
            {"parameters", spec.parameters()},
            {"network", spec.describe()},
            {"target_accuracy", o.target_accuracy > 0 ? nlohmann::json(o.target_accuracy) : nlohmann::json()},
            {"epochs_to_target", r.epochs_to_target > 0 ? nlohmann::json(r.epochs_to_target) : nlohmann::json()},
            {"epoch_loss", r.epoch_loss},
            {"test_accuracy", r.test_accuracy},
            {"counted",
             {{"latency_ns", r.counted.latency_ns},
              {"energy_pJ", r.counted.energy_pJ},
              {"energy_basis", o.mode == ExecMode::Fast
                                   ? "declared program costs (an upper bound for programs with searches)"
                                   : "counted on the bit-level subarrays"},
              {"area_um2", r.counted.mapping.area_um2},
              {"mapping", r.counted.mapping.json()}}},
            {"published",
             {{"latency_ns", r.published.latency_ns},
              {"energy_pJ", r.published.energy_pJ},
              {"basis", "Eq. 2 + Eq. 3 (SOT-MRAM) or FloatPIM's formulas per fp operation; moves at 2b cycles; "
                        "selections and host transfers at their declared program cost"},
              {"area_cells", r.published.has_mapping ? nlohmann::json(r.published.mapping.cells) : nlohmann::json()},
              {"mapping", r.published.has_mapping ? r.published.mapping.json() : nlohmann::json()}}},
            {"compute_subarrays", o.compute_subarrays},
            {"lane_columns", engine.lane_columns()},
            {"op_counts", ops},
            {"host_words", {{"read", trainer.host_words_read()}, {"written", trainer.host_words_written()}}},
            {"weights_fnv1a64", weights_hash_hex(weights_fnv1a64(trainer.params().tensors, format.width()))},
            {"wall_seconds_training", r.seconds},
            {"wall_seconds_per_epoch", r.epoch_seconds}};
  return r;
}

TrainComparison compare_training(const TrainResult& baseline, const TrainResult& ours) {
  auto ratio = [](double b, double a) { return a > 0 ? b / a : 0.0; };
  const bool cells = baseline.published.has_mapping && ours.published.has_mapping;
  TrainComparison c;
  c.ratios = {
      {"area", cells ? ratio(double(baseline.published.mapping.cells), double(ours.published.mapping.cells)) : 0.0, 2.5,
       ratio(baseline.counted.mapping.area_um2, ours.counted.mapping.area_um2)},
      {"latency", ratio(baseline.published.latency_ns, ours.published.latency_ns), 1.8,
       ratio(baseline.counted.latency_ns, ours.counted.latency_ns)},
      {"energy", ratio(baseline.published.energy_pJ, ours.published.energy_pJ), 3.3,
       ratio(baseline.counted.energy_pJ, ours.counted.energy_pJ)}};
  c.json = {{"baseline", baseline.technology}, {"ours", ours.technology}};
  for (const TrainRatio& r : c.ratios) {
    c.json[r.name] = {{"published", r.published > 0 ? nlohmann::json(r.published) : nlohmann::json()},
                      {"paper", r.paper},
                      {"published_within_10_percent", r.within_10_percent()},
                      {"counted", r.counted}};
  }
  c.json["area_basis"] = {{"published", "cells the lanes occupy (lanes x published cells per lane)"},
                          {"counted", "area of the subarrays the lanes occupy (technology file)"}};
  return c;
}

}  // namespace mrampim
