// Where a training run lives in the arrays: how many lanes it needs, how they
// pack into subarray rows and subarrays into banks, and so the area it
// occupies. Computed from the network, the batch and the array geometry.
//
// A lane is one row's worth of a MAC: its operand, accumulator and result
// words (4, the MAC layout of fp_program.hpp) and the scratch cells the
// design needs beside them. The data a training step keeps (weights, their
// gradients, the batch's saved activations and the activation gradients in
// flight) lives in the lanes' word fields, so the run needs enough lanes to
// hold it as well as the lanes that compute at once:
//   lanes          max(lanes at once, ceil(resident words / 4))
//   lanes per row  floor(columns / cells per lane)
//   subarrays      ceil(lanes / (rows x lanes per row))
//   banks          ceil(subarrays / subarrays per bank)
//   area           subarrays x (rows x cols x cell area + periphery)
//   cells          lanes x cells per lane: what the paper's area counts
//                  ("fewer cells for intermediate results", facts sec. 5)
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "tech/technology.hpp"
#include "training/lenet.hpp"

namespace mrampim {

// Words a training step keeps in the arrays.
struct ResidentWords {
  std::uint64_t weights = 0;           // every parameter
  std::uint64_t weight_gradients = 0;  // one gradient per parameter
  std::uint64_t activations = 0;       // saved for the backward pass, whole batch
  std::uint64_t activation_gradients = 0;  // the gradient coming in and the one going out, widest pair of layers
  std::uint64_t total() const { return weights + weight_gradients + activations + activation_gradients; }
};

ResidentWords resident_words(const LeNetSpec& spec, std::uint32_t batch);

struct LaneMapping {
  static constexpr std::uint32_t kWordsPerLane = 4;  // a, b, accumulator, result
  std::uint32_t cells_per_lane = 0;  // words and scratch
  std::uint64_t lanes_at_once = 0;
  ResidentWords resident;
  std::uint64_t lanes = 0;
  std::uint32_t lanes_per_row = 0;
  std::uint64_t subarrays = 0;
  std::uint64_t banks = 0;
  std::uint64_t cells = 0;  // lanes x cells per lane
  double area_um2 = 0;        // the subarrays the lanes take
  double cells_area_um2 = 0;  // the cells the lanes occupy, at the layout's cell area (no periphery)

  nlohmann::json json() const;
};

// Throws std::invalid_argument when a lane does not fit a row or an input is 0.
LaneMapping map_lanes(std::uint32_t cells_per_lane, std::uint64_t lanes_at_once, const ResidentWords& resident,
                      const Technology& tech, std::uint32_t subarrays_per_bank);

}  // namespace mrampim
