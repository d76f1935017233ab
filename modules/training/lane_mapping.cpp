#include "training/lane_mapping.hpp"

#include "circuit/array_circuit.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mrampim {

namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

}  // namespace

ResidentWords resident_words(const LeNetSpec& spec, std::uint32_t batch) {
  const std::vector<std::size_t> a = spec.activation_sizes();
  ResidentWords r;
  r.weights = r.weight_gradients = spec.parameters();
  std::uint64_t saved = 0, widest_pair = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    saved += a[i];
    if (i > 0) widest_pair = std::max<std::uint64_t>(widest_pair, a[i - 1] + a[i]);
  }
  r.activations = saved * batch;
  r.activation_gradients = widest_pair * batch;
  return r;
}

LaneMapping map_lanes(std::uint32_t cells_per_lane, std::uint64_t lanes_at_once, const ResidentWords& resident,
                      const Technology& tech, std::uint32_t subarrays_per_bank) {
  if (cells_per_lane == 0 || lanes_at_once == 0 || subarrays_per_bank == 0) {
    throw std::invalid_argument("lane mapping: cells per lane, lanes and subarrays per bank must be positive");
  }
  if (cells_per_lane > tech.array.cols) {
    throw std::invalid_argument("lane mapping: a lane needs " + std::to_string(cells_per_lane) + " cells but a row of " +
                                tech.name + " has " + std::to_string(tech.array.cols) + " columns");
  }
  LaneMapping m;
  m.cells_per_lane = cells_per_lane;
  m.lanes_at_once = lanes_at_once;
  m.resident = resident;
  m.lanes = std::max(lanes_at_once, ceil_div(resident.total(), LaneMapping::kWordsPerLane));
  m.lanes_per_row = tech.array.cols / cells_per_lane;
  m.subarrays = ceil_div(m.lanes, std::uint64_t(tech.array.rows) * m.lanes_per_row);
  m.banks = ceil_div(m.subarrays, subarrays_per_bank);
  m.cells = m.lanes * cells_per_lane;
  const ArrayCircuit circuit(tech);
  m.area_um2 = double(m.subarrays) * circuit.subarray_area_um2();
  m.cells_area_um2 = double(m.cells) * circuit.cell_area_um2();
  return m;
}

nlohmann::json LaneMapping::json() const {
  return {{"cells_per_lane", cells_per_lane},
          {"words_per_lane", kWordsPerLane},
          {"lanes_at_once", lanes_at_once},
          {"resident_words",
           {{"weights", resident.weights},
            {"weight_gradients", resident.weight_gradients},
            {"activations", resident.activations},
            {"activation_gradients", resident.activation_gradients},
            {"total", resident.total()}}},
          {"lanes", lanes},
          {"lanes_per_row", lanes_per_row},
          {"subarrays", subarrays},
          {"banks", banks},
          {"cells", cells},
          {"area_um2", area_um2},
          {"cells_area_um2", cells_area_um2}};
}

}  // namespace mrampim
