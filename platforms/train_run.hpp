// `mrampim --workload train`: trains the LeNet (modules/training/lenet.hpp)
// on the accelerator platform. A training host (training_host.hpp) drives
// each platform through TLM-2.0 with layer commands; on one technology or,
// with --compare, on two side by side in one simulation. Reports accuracy,
// loss per epoch, the platform's simulated time, the ledger's energy, the
// published-formula costs and what the host transferred.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compute/fp_program.hpp"
#include "host/host_bus.hpp"
#include "tech/technology.hpp"
#include "accelerator/accelerator.hpp"
#include "controller/lane_engine.hpp"
#include "training/lane_mapping.hpp"

namespace mrampim {

// The most host memory a platform may take (its cells and data window):
// beyond, a shape is refused as bad input rather than failing to allocate.
inline constexpr double kMaxPlatformBytes = 16.0 * (1ull << 30);

struct TrainOptions {
  std::string dataset = "mnist";
  std::string data_dir;  // empty: default_data_dir()
  std::uint32_t epochs = 1;         // with target_accuracy: the most epochs
  double target_accuracy = 0;       // > 0: stop after the first epoch whose test accuracy reaches it (a fraction)
  std::uint32_t batch = 16;
  double learning_rate = 0.1;
  std::size_t train_samples = 8000, test_samples = 2000;
  std::uint64_t seed = 1;
  ExecMode mode = ExecMode::Fast;
  CostBasis energy = CostBasis::Exact;  // fast mode's charges for searched steps
  // The platform: the tensors take the first subarrays, the lane pool the
  // next. banks 0: as many as the tensors and a pool of compute_subarrays
  // (64 when 0) need; otherwise the pool is compute_subarrays (0: every
  // subarray the tensors leave).
  std::uint32_t banks = 0;
  std::uint32_t subarrays_per_bank = 4;
  std::uint32_t compute_subarrays = 0;
  std::uint32_t queue_depth = 16;
  unsigned bus_width_bits = 64;
  double bus_cycle_ns = 1.0;
  double power_window_ns = 100'000;  // 100 us: an epoch's power trace stays small
  bool poll = false;
  std::string vcd;               // non-empty: the waveform of the run(s)
  std::uint32_t vcd_batches = 0;  // > 0: the waveform ends after this many training batches
  std::string power_csv;         // non-empty: the power series (one file per run, suffixed, with two runs)
  std::string export_setup;  // non-empty: write the run's setup here (JSON) before training
  bool progress_bar = false;  // a terminal: one line redrawn; otherwise a line per tenth of an epoch
  WeightWrites weight_writes;  // approximate weight writes (off by default)
  bool compute_write_errors = false;  // write errors in every computation step (both modes)
  std::uint64_t compute_write_error_seed = 1;
};

// The training's cost by one method: counted (the ledger and the platform's
// schedule) or published (the papers' formulas, facts sec. 3-5).
struct TrainCost {
  double latency_ns = 0, energy_pJ = 0;
  bool has_mapping = false;  // published: false when no published cell count exists for the format
  LaneMapping mapping;
};

struct TrainResult {
  std::string technology;
  std::vector<double> epoch_loss;      // mean training loss of each epoch
  std::vector<double> test_accuracy;   // after each epoch
  TrainCost counted, published;
  std::uint32_t epochs_to_target = 0;  // 0: no target, or not reached
  double seconds = 0;                  // wall time of the training (not the evaluation)
  std::vector<double> epoch_seconds;   // the same, per epoch
  HostRunSummary host;
  std::string failure;                 // the host stopped on an error
  bool ok() const { return failure.empty() && host.ok(); }
  nlohmann::json json;
};

// One FloatPIM / SOT-MRAM style ratio (baseline over ours) of a training
// run: by the published formulas, the paper's figure, and counted.
struct TrainRatio {
  std::string name;  // area, latency, energy
  double published = 0, paper = 0, counted = 0;  // published 0: not available
  bool within_10_percent() const { return published > 0 && std::abs(published / paper - 1) <= 0.10; }
};

struct TrainComparison {
  std::vector<TrainRatio> ratios;
  // baseline / ours of the counted cells the lanes occupy, each at its layout's cell area.
  double occupied_cells_area = 0;
  nlohmann::json json;
};

// baseline / ours. The paper's figures: 2.5x area, 1.8x latency, 3.3x energy
// for the LeNet training, FloatPIM over SOT-MRAM (facts sec. 5). Area ratios:
// published, of the cells the lanes occupy (the paper's measure: "fewer cells
// for intermediate results"); counted, of the subarrays' area.
TrainComparison compare_training(const TrainResult& baseline, const TrainResult& ours);

// Trains on each technology, side by side in one simulation. Throws
// DatasetError or std::invalid_argument for bad input, before simulating.
std::vector<TrainResult> run_training(const TrainOptions& o, const std::vector<Technology>& techs,
                                      const FpFormat& format, Rounding rounding);

}  // namespace mrampim
