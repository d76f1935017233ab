#include "train_run.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "compute/fp_published_cost.hpp"
#include "compute/fp_value.hpp"
#include "training/dataset.hpp"
#include "training/lenet.hpp"
#include "training/lenet_program.hpp"
#include "training/training_host.hpp"
#include "platform.hpp"
#include "training/weights_hash.hpp"

namespace mrampim {

namespace {

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

namespace {

struct Run {
  Technology tech;
  LeNetTensors tensors;
  LanePool pool;
  std::uint32_t banks = 0, storage_subarrays = 0;
  std::unique_ptr<Platform> platform;
  TrainingHostCore* host = nullptr;
  // Ledger and published-formula totals at the start of the current run of
  // training batches, and what the training batches have added.
  double energy0 = 0, pub_lat0 = 0, pub_en0 = 0;
  double energy = 0, pub_lat = 0, pub_en = 0;
  std::string name;
  std::uint32_t lane_columns = 0;  // the widest lane program's columns
};

// Where the tensors and the lanes go on a platform of this technology.
void plan(const TrainOptions& o, const LeNetSpec& spec, const FpFormat& format, Run& r) {
  const TensorGeometry g = tensor_geometry(format, r.tech.array.cols);
  r.tensors = lenet_tensors(spec, o.batch, g, 0);
  const std::uint32_t rows = r.tech.array.rows, spb = o.subarrays_per_bank;
  r.storage_subarrays = std::uint32_t((r.tensors.end_row + rows - 1) / rows);
  std::uint32_t pool = 0;
  if (o.banks == 0) {
    pool = o.compute_subarrays == 0 ? 64 : o.compute_subarrays;
    r.banks = (r.storage_subarrays + pool + spb - 1) / spb;
  } else {
    r.banks = o.banks;
    const std::uint64_t total = std::uint64_t(o.banks) * spb;
    if (total <= r.storage_subarrays) {
      throw std::invalid_argument("--banks " + std::to_string(o.banks) + " x --subarrays " + std::to_string(spb) +
                                  ": the training's tensors take " + std::to_string(r.storage_subarrays) +
                                  " subarrays and the lanes need at least one more");
    }
    const auto left = std::uint32_t(total - r.storage_subarrays);
    pool = o.compute_subarrays == 0 ? left : std::min(o.compute_subarrays, left);
  }
  r.pool = LanePool{r.storage_subarrays, pool};
}

void show_progress(const TrainOptions& o, const std::string& who, std::uint32_t epoch, std::size_t done,
                   std::size_t total, double loss, double elapsed_s) {
  const double rate = elapsed_s > 0 ? double(done) / elapsed_s : 0.0;
  const double left = rate > 0 ? double(total - done) / rate : 0.0;
  if (o.progress_bar) {
    const int width = 30, filled = int(double(width) * double(done) / double(total));
    std::fprintf(stderr, "\r%s epoch %u [%-*s] %zu/%zu  loss %.4f  %.0f img/s  %.0f s left ", who.c_str(), epoch + 1,
                 width, std::string(std::size_t(filled), '#').c_str(), done, total, loss, rate, left);
    if (done == total) std::fputc('\n', stderr);
  } else {
    std::fprintf(stderr, "%s epoch %u: %zu/%zu images, loss %.4f, %.0f images/s, %.0f s left\n", who.c_str(),
                 epoch + 1, done, total, loss, rate, left);
  }
}

}  // namespace

std::vector<TrainResult> run_training(const TrainOptions& o, const std::vector<Technology>& techs,
                                      const FpFormat& format, Rounding rounding) {
  if (o.epochs == 0) throw std::invalid_argument("--epochs must be at least 1");
  if (o.batch == 0) throw std::invalid_argument("--batch must be at least 1");
  if (!(o.learning_rate > 0)) throw std::invalid_argument("--lr must be positive");
  if (!(o.target_accuracy >= 0 && o.target_accuracy <= 1)) {
    throw std::invalid_argument("--until-accuracy must be a percentage from 0 to 100");
  }
  if (o.subarrays_per_bank == 0 || o.subarrays_per_bank > 65535 || o.banks > 65535) {
    throw std::invalid_argument("--banks and --subarrays must be 1..65535");
  }
  if (format.width() > 32) throw std::invalid_argument("training takes formats of at most 32 bits");
  const DataSplit data =
      load_split(o.dataset, o.data_dir.empty() ? default_data_dir() : o.data_dir, o.train_samples, o.test_samples, o.seed);
  const LeNetSpec spec;
  if (!o.export_setup.empty()) export_setup(o.export_setup, o, data, spec, init_lenet(spec, format, o.seed), format);

  std::vector<Run> runs(techs.size());
  for (std::size_t i = 0; i < techs.size(); ++i) {
    Run& r = runs[i];
    r.tech = techs[i];
    plan(o, spec, format, r);
    if (r.banks > 65535) throw std::invalid_argument("the training needs more than 65535 banks");
    const double bytes = accelerator_bytes(r.tech, r.banks, o.subarrays_per_bank);
    if (bytes > kMaxPlatformBytes) {
      throw std::invalid_argument("the platform (" + std::to_string(r.banks) + " banks x " +
                                  std::to_string(o.subarrays_per_bank) + " subarrays) would take " +
                                  std::to_string(std::uint64_t(bytes / double(1 << 30))) +
                                  " GiB of memory; lower --banks, --subarrays or --compute-subarrays");
    }
    r.lane_columns = LaneEngine(r.tech, format, rounding, o.mode).lane_columns();  // the programs must fit a row
    r.name = "train_" + r.tech.name;
    for (char& ch : r.name) {
      if (ch == '-') ch = '_';
    }
  }
  // Every platform in one elaboration.
  const auto wall0 = std::chrono::steady_clock::now();
  for (Run& r : runs) {
    PlatformOptions po;
    po.tech = r.tech;
    po.accelerator = AcceleratorConfig{r.banks, o.subarrays_per_bank, o.queue_depth, o.bus_cycle_ns, o.mode, o.energy};
    po.accelerator.weight_writes = o.weight_writes;
    po.accelerator.compute_write_errors = o.compute_write_errors;
    po.accelerator.compute_write_error_seed = o.compute_write_error_seed;
    po.bus_width_bits = o.bus_width_bits;
    po.power_window_ns = o.power_window_ns;
    po.poll = o.poll;
    TrainingJob job;
    job.spec = spec;
    job.data = &data;
    job.format = format;
    job.rounding = rounding;
    job.batch = o.batch;
    job.epochs = o.epochs;
    job.learning_rate = o.learning_rate;
    job.target_accuracy = o.target_accuracy;
    job.seed = o.seed;
    job.tensors = r.tensors;
    job.pool = r.pool;
    const std::string who = runs.size() > 1 ? r.tech.name : std::string();
    std::size_t next = 0;
    job.progress = [&o, who, next, wall0, &data](std::uint32_t epoch, std::size_t done, std::size_t total,
                                                   double loss) mutable {
      if (done < next && done != total && !o.progress_bar) return;
      next = done + data.train.size() / 10;
      if (done == total) next = 0;
      show_progress(o, who, epoch, done, total, loss,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count());
    };
    r.platform = std::make_unique<Platform>(r.name, po, host_factory<TrainingHost>(job, o.poll), "train",
                                            format.name(), to_string(rounding));
    r.host = dynamic_cast<TrainingHostCore*>(&r.platform->host());
    Run* rp = &r;
    r.host->on_training = [rp](bool begin) {
      const Controller& c = rp->platform->accelerator().controller();
      const double e = rp->platform->ledger().energy_pJ();
      if (begin) {
        rp->energy0 = e;
        rp->pub_lat0 = c.published_latency_ns();
        rp->pub_en0 = c.published_energy_pJ();
      } else {
        rp->energy += e - rp->energy0;
        rp->pub_lat += c.published_latency_ns() - rp->pub_lat0;
        rp->pub_en += c.published_energy_pJ() - rp->pub_en0;
      }
    };
  }
  sc_core::sc_trace_file* tf = nullptr;
  if (!o.vcd.empty()) {
    tf = sc_core::sc_create_vcd_trace_file(o.vcd.substr(0, o.vcd.size() - 4).c_str());
    tf->set_time_unit(1, sc_core::SC_PS);
    for (Run& r : runs) {
      r.platform->trace(tf);
      sc_core::sc_trace(tf, r.host->phase, r.name + ".host_phase");
    }
  }
  for (;;) {
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_MS));
    bool all_done = true, traced_enough = o.vcd_batches > 0;
    for (const Run& r : runs) {
      all_done = all_done && r.host->done();
      traced_enough = traced_enough && (r.host->done() || r.host->outcome().train_batches >= o.vcd_batches);
    }
    if (tf && (traced_enough || all_done)) {
      sc_core::sc_close_vcd_trace_file(tf);
      tf = nullptr;
    }
    if (all_done) break;
  }

  std::vector<TrainResult> results;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    Run& run = runs[i];
    const TrainingOutcome& out = run.host->outcome();
    TrainResult r;
    r.technology = run.tech.name;
    r.failure = run.host->failure();
    r.host = run.host->summary();
    r.epoch_loss = out.epoch_loss;
    r.test_accuracy = out.test_accuracy;
    r.epochs_to_target = out.epochs_to_target;
    r.epoch_seconds = out.epoch_seconds;
    for (double t : r.epoch_seconds) r.seconds += t;
    r.counted.latency_ns = out.training_ns;
    r.counted.energy_pJ = run.energy;
    r.published.latency_ns = run.pub_lat;
    r.published.energy_pJ = run.pub_en;
    // Where the run lives by the lane mapping (lane_mapping.hpp): lanes of
    // the counted programs' width, and of the published cell counts.
    const ResidentWords resident = resident_words(spec, o.batch);
    const std::uint64_t at_once = std::uint64_t(run.pool.count) * run.tech.array.rows;
    r.counted.mapping = map_lanes(run.lane_columns, at_once, resident, run.tech, o.subarrays_per_bank);
    r.counted.has_mapping = true;
    const double scratch = published_mac_scratch_cells(format, run.tech.family);
    if (scratch > 0) {
      const auto cells = std::uint32_t(LaneMapping::kWordsPerLane * format.width() + scratch);
      r.published.mapping = map_lanes(cells, at_once, resident, run.tech, o.subarrays_per_bank);
      r.published.has_mapping = true;
    }
    const Controller& ctl = run.platform->accelerator().controller();
    nlohmann::json ops = nlohmann::json::object();
    for (std::size_t k = 0; k < kLaneOps; ++k) ops[to_string(LaneOp(k))] = ctl.lanes(LaneOp(k));
    const double sim_ns = r.host.end_ns - r.host.start_ns;
    // Utilisation: the time each subarray and bank was busy with commands
    // over the run's simulated time.
    const std::uint32_t spb = o.subarrays_per_bank;
    nlohmann::json sub_util = nlohmann::json::array(), bank_util = nlohmann::json::array();
    double pool_busy = 0;
    for (std::uint32_t b = 0; b < run.banks; ++b) {
      double bank_busy = 0;
      for (std::uint32_t s = 0; s < spb; ++s) {
        const double busy = ctl.busy_time_ns()[std::size_t(b) * spb + s];
        sub_util.push_back(sim_ns > 0 ? busy / sim_ns : 0.0);
        bank_busy = std::max(bank_busy, busy);
        if (run.pool.contains(b * spb + s)) pool_busy += busy;
      }
      bank_util.push_back(sim_ns > 0 ? bank_busy / sim_ns : 0.0);
    }
    nlohmann::json path_util = nlohmann::json::array();
    for (const double busy : ctl.path_busy_time_ns()) path_util.push_back(sim_ns > 0 ? busy / sim_ns : 0.0);
    const PlatformResult pr = run.platform->result();
    // The whole ledger, every account's non-zero counts by phase: what two
    // runs are compared by (modes, platform shapes, versions).
    nlohmann::json ledger = nlohmann::json::object();
    for (const CostAccount& a : run.platform->ledger().accounts()) {
      nlohmann::json phases = nlohmann::json::object();
      for (std::size_t ph = 0; ph < kPhases; ++ph) {
        const ActivityCounts& c = a.phase(Phase(ph));
        if (c == ActivityCounts{}) continue;
        phases[to_string(Phase(ph))] = {{"compute_steps", c.compute_steps},
                                        {"commands", c.commands},
                                        {"steps", c.steps},
                                        {"cells", c.cells},
                                        {"column_lines", c.column_lines},
                                        {"row_lines", c.row_lines}};
      }
      if (!phases.empty()) ledger[a.name()] = phases;
    }
    r.json = {{"workload", "train"},
              {"tech", run.tech.name},
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
                {"latency_basis", "simulated time of the training batches on the platform (evaluation excluded)"},
                {"energy_pJ", r.counted.energy_pJ},
                {"energy_basis", o.mode == ExecMode::BitAccurate || o.energy == CostBasis::Exact
                                     ? "exact"
                                     : "declared (an upper bound: every row charged for every searched step)"},
                {"area_um2", r.counted.mapping.area_um2},
                {"mapping", r.counted.mapping.json()}}},
              {"published",
               {{"latency_ns", r.published.latency_ns},
                {"energy_pJ", r.published.energy_pJ},
                {"basis", "Eq. 2 + Eq. 3 (SOT-MRAM) or FloatPIM's formulas per fp operation; moves at 2b cycles; "
                          "selections at their declared program cost; per layer command its busiest pool subarray; "
                          "priced with the technology's [step] prices, calibrated to the paper"},
                {"area_cells", r.published.has_mapping ? nlohmann::json(r.published.mapping.cells) : nlohmann::json()},
                {"mapping", r.published.has_mapping ? r.published.mapping.json() : nlohmann::json()}}},
              {"platform",
               {{"banks", run.banks},
                {"subarrays_per_bank", spb},
                {"tensor_subarrays", run.storage_subarrays},
                {"lane_pool", {{"first", run.pool.first}, {"count", run.pool.count}}},
                {"transactions", r.host.transactions},
                {"commands", r.host.commands},
                {"refused", r.host.refused},
                {"bytes_written", r.host.bytes_written},
                {"bytes_read", r.host.bytes_read},
                {"dmi_grants", r.host.dmi_grants},
                {"simulated_time_ns", sim_ns},
                {"training_time_ns", out.training_ns},
                {"train_batches", out.train_batches},
                {"eval_batches", out.eval_batches},
                {"energy_pJ", pr.energy_pJ},
                {"area_mm2", pr.area_mm2},
                {"utilisation",
                 {{"lane_pool_mean", sim_ns > 0 && run.pool.count > 0 ? pool_busy / sim_ns / run.pool.count : 0.0},
                  {"subarrays", sub_util},
                  {"banks", bank_util},
                  {"bank_paths", path_util},
                  {"interconnect", sim_ns > 0 ? ctl.interconnect_busy_time_ns() / sim_ns : 0.0}}},
                {"breakdown", pr.json["breakdown"]},
                {"ledger", ledger}}},
              {"compute_subarrays", run.pool.count},
              {"lane_columns", run.lane_columns},
              {"op_counts", ops},
              {"host_words",
               {{"read", r.host.bytes_read * 8 / format.width()}, {"written", r.host.bytes_written * 8 / format.width()}}},
              {"weights_fnv1a64", weights_hash_hex(weights_fnv1a64(out.final_params.tensors, format.width()))},
              {"wall_seconds_training", r.seconds},
              {"wall_seconds_per_epoch", r.epoch_seconds}};
    if (!r.failure.empty()) r.json["failure"] = r.failure;
    if (!r.host.problems.empty()) r.json["problems"] = r.host.problems;
    if (o.compute_write_errors) {
      const auto& acc = run.platform->accelerator();
      // Bit-accurate: every switching write is seen. Fast: the layer
      // commands' lanes are sampled, their failures drawn in full, their
      // attempted writes estimated from the replayed rows
      // (device/sampled_write_errors.hpp); row commands run bit-level.
      const SampledWriteCounts lanes = acc.lane_write_errors();
      const double attempted = double(acc.compute_writes_attempted()) + lanes.attempted_estimate;
      const std::uint64_t failed = acc.compute_writes_failed() + lanes.failed;
      const MtjSwitching switching(run.tech.switching);
      nlohmann::json j = {{"pulse_ns", run.tech.device.t_switch_ns},
                          {"current_uA", run.tech.device.i_write_uA},
                          {"nominal_error_rate", switching.error_rate(run.tech.device.i_write_uA, run.tech.device.t_switch_ns)},
                          {"seed", o.compute_write_error_seed},
                          {"failed", failed}};
      if (o.mode == ExecMode::BitAccurate) {
        j["attempted"] = acc.compute_writes_attempted();
        j["switched"] = acc.compute_writes_attempted() - acc.compute_writes_failed();
      } else {
        if (lanes.sampled_rows > 0 && lanes.replayed_rows == 0) {
          // Nothing seen to estimate from (a rate too low for any replay).
          j["attempted_estimate"] = nullptr;
          j["switched_estimate"] = nullptr;
        } else {
          j["attempted_estimate"] = attempted;
          j["attempted_standard_error"] = std::sqrt(lanes.attempted_estimate_variance);
          j["switched_estimate"] = attempted - double(failed);
        }
        j["lane_rows_sampled"] = lanes.sampled_rows;
        j["lane_rows_replayed"] = lanes.replayed_rows;
      }
      r.json["compute_write_errors"] = j;
    }
    if (const ApproximateWrites* m = run.platform->accelerator().weight_memory()) {
      const ApproximateWriteCounts& w = m->counts();
      const auto& acc = run.platform->accelerator();
      r.json["weight_writes"] = {
          {"approximate_bits", o.weight_writes.approximate_bits},
          {"all_safe", o.weight_writes.all_safe},
          {"safe_pulse_ns", acc.weight_safe_pulse().t_ns},
          {"safe_current_uA", acc.weight_safe_pulse().i_uA},
          {"safe_ber", o.weight_writes.safe_ber},
          {"safe_sigmas", o.weight_writes.safe_sigmas},
          {"words", w.words},
          {"pulsed", w.pulsed},
          {"attempted", w.attempted},
          {"switched", w.switched()},
          {"failed", w.failed},
          {"failure_rate_all_bits", w.attempted ? double(w.failed) / double(w.attempted) : 0.0},
          {"programming_energy_pJ", w.energy_fJ * 1e-3},
          {"basis", "every SGD update's weight words through the weight memory, read before write: only the bits "
                    "that change are pulsed, at I^2 (R_channel + R_access) t, the path's resistance times the "
                    "cell's drawn spread"}};
      if (o.weight_writes.approximate_bits > 0) {
        r.json["weight_writes"]["approximate_ber"] = o.weight_writes.approximate_ber;
        r.json["weight_writes"]["approximate_pulse_ns"] = acc.weight_approximate_pulse().t_ns;
        r.json["weight_writes"]["approximate_current_uA"] = acc.weight_approximate_pulse().i_uA;
        r.json["weight_writes"]["approximate_ber_nominal_cell"] = m->nominal_error_rate(0);
      }
    }
    if (!o.power_csv.empty()) {
      std::string path = o.power_csv;
      if (runs.size() > 1) {
        const std::filesystem::path p(path);
        path = (p.parent_path() / (p.stem().string() + "_" + run.name + p.extension().string())).string();
      }
      std::ofstream csv(path);
      if (!csv) throw std::invalid_argument("cannot write '" + path + "'");
      run.platform->power().write_csv(csv);
      r.json["power_csv"] = path;
    }
    results.push_back(std::move(r));
  }
  return results;
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
  // The paper's measure (cells the lanes occupy) at the layout's cell areas:
  // where the two area results part, and why.
  c.occupied_cells_area = ratio(baseline.counted.mapping.cells_area_um2, ours.counted.mapping.cells_area_um2);
  c.json = {{"baseline", baseline.technology}, {"ours", ours.technology}};
  for (const TrainRatio& r : c.ratios) {
    c.json[r.name] = {{"published", r.published > 0 ? nlohmann::json(r.published) : nlohmann::json()},
                      {"paper", r.paper},
                      {"published_within_10_percent", r.within_10_percent()},
                      {"counted", r.counted}};
  }
  c.json["area_basis"] = {{"published", "cells the lanes occupy (lanes x published cells per lane)"},
                          {"counted", "area of the subarrays the lanes occupy (cells and periphery from the layout)"}};
  c.json["area_occupied_cells_counted"] = c.occupied_cells_area;
  return c;
}

}  // namespace mrampim
