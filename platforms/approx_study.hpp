// The approximate-writes study (docs/approximate-writes.md): what the
// approximate-writes seed measured, on the model's switching physics.
//   1. error rate against pulse duration at several currents over I_c0,
//      closed form and a Monte Carlo of the switching process;
//   2. error rate against write energy per bit with 0, 5 and 10% cell
//      variation, by duration and by amplitude, against the safe pulse, and
//      the energy-optimal current;
//   3. training under approximate weight writes (pulses priced through the
//      MTJ: the seed's STT weight memory): the seed's perceptron with
//      8-bit fixed-point weights on MNIST, several seeds, test accuracy
//      against programming energy over the safe writes', and the operating
//      point with the largest saving at no more than 1 point of accuracy
//      lost.
// Every number comes from the technology's [switching] and [device]
// sections (stt-mram-seed by default) and the study's seed.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "tech/technology.hpp"

namespace mrampim {

struct ApproxStudyOptions {
  bool quick = false;        // fewer points and Monte Carlo writes
  std::uint64_t seed = 1;    // of the Monte Carlo draws and the study's cells
  double reference_ber = 1e-9;   // the safe pulse's error rate ...
  double reference_sigmas = 3;   // ... for a cell this many sigmas harder to switch
  std::uint32_t training_seeds = 3;
  std::string data_dir;          // MNIST (training/dataset.hpp)
};

// Parts 1 and 2. Writes a summary to `log`; returns the report's sections
// (and their CSV tables under "csv": name -> text).
nlohmann::json approx_device_study(const Technology& t, const ApproxStudyOptions& o, std::ostream& log);

// Part 3 for the seed's perceptron. Throws DatasetError when MNIST is not
// where `o.data_dir` says.
nlohmann::json approx_mlp_study(const Technology& t, const ApproxStudyOptions& o, std::ostream& log);

// Part 3 for the project's fp32 LeNet on the SOT-MRAM platform
// (sot-mram-1t1r): each training run is `mrampim` itself (`exe`) with
// --weight-write-* options, its report read back. Low mantissa bits
// approximate, sign, exponent and top mantissa bits at the safe pulse.
// Throws std::runtime_error when a run fails.
nlohmann::json approx_lenet_study(const ApproxStudyOptions& o, std::ostream& log, const std::string& exe);

}  // namespace mrampim
