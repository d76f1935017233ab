// `mrampim --workload train`: trains the LeNet (modules/training/lenet.hpp)
// on a dataset through the accelerator's arithmetic, on one technology or,
// with --compare, on two side by side, and reports accuracy, loss per epoch,
// and the run's latency, energy and operation counts from the ledger.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compute/fp_program.hpp"
#include "tech/technology.hpp"
#include "training/lane_engine.hpp"

namespace mrampim {

struct TrainOptions {
  std::string dataset = "mnist";
  std::string data_dir;  // empty: default_data_dir()
  std::uint32_t epochs = 1;
  std::uint32_t batch = 32;
  double learning_rate = 0.05;
  std::size_t train_samples = 8000, test_samples = 2000;
  std::uint64_t seed = 1;
  ExecMode mode = ExecMode::Fast;
  std::uint32_t compute_subarrays = 64;
  bool progress_bar = false;  // a terminal: one line redrawn; otherwise a line per tenth of an epoch
};

struct TrainResult {
  std::string technology;
  std::vector<double> epoch_loss;      // mean training loss of each epoch
  std::vector<double> test_accuracy;   // after each epoch
  double latency_ns = 0, energy_pJ = 0;
  double seconds = 0;                  // wall time of the training (not the evaluation)
  nlohmann::json json;
};

// Throws DatasetError or std::invalid_argument for bad input, before training.
TrainResult run_training(const TrainOptions& o, const Technology& tech, const FpFormat& format, Rounding rounding);

}  // namespace mrampim
