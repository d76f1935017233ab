// mrampim --workload analog-mlp (docs/analog-mlp.md): the binarized MLP
// trained on the host (or loaded), its weights programmed into the analog
// tile of a platform through the accelerator's socket, the test images
// classified there, once per device variation asked for; beside it the
// ideal network with the same weights, the mixed-signal baseline on the
// same arrays, and the host CPU (PyTorch, batch 1) as the stand-in for the
// paper's GPU. Prints a table, returns the report.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mrampim {

struct AnalogMlpRunOptions {
  std::string tile = "zand-mlp";             // embedded name or .cfg path
  std::vector<std::string> tile_overrides;   // key=value (--analog-set)
  std::string weights_in, weights_out;       // load instead of training; save what was used
  std::uint32_t epochs = 20;
  std::size_t train_samples = 8000, test_samples = 2000;
  std::string data_dir;
  std::uint64_t seed = 1;
  std::vector<double> variations{0.0, 0.05, 0.10};  // relative sigma of every MTJ's resistance; the first is the headline
  std::uint32_t batch = 100;                 // images per inference command
  std::string vcd;                           // waveform of the first platform ("" none)
  std::string cpu_script;                    // scripts/analog_mlp_cpu.py ("" skip the CPU stand-in)
  std::uint32_t cpu_repeat = 2000;
};

// Throws ConfigError (a bad description or override), DatasetError (no
// MNIST), std::runtime_error (a bad weight file, a failed run) and
// std::invalid_argument (options out of range): the caller maps them to
// exit 2 or 1.
nlohmann::json run_analog_mlp(const AnalogMlpRunOptions& o, std::ostream& log);

}  // namespace mrampim
