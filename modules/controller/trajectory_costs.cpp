#include "controller/trajectory_costs.hpp"

#include <stdexcept>

#include "compute/fp_engine.hpp"

namespace mrampim {

TrajectoryCosts::TrajectoryCosts(const Technology& tech, const MicroProgram& program, Field a, Field b, Field c)
    : program_(program),
      a_(a),
      b_(b),
      c_(c),
      account_(&ledger_.open_account("trajectory scratch", StepPrices::from(tech))),
      scratch_(std::make_unique<Subarray>(tech, *account_)) {}

std::uint32_t TrajectoryCosts::measure(std::uint64_t key, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  if (a_.width) scratch_->poke_field(0, a_.first, a_.width, a);
  if (b_.width) scratch_->poke_field(0, b_.first, b_.width, b);
  if (c_.width) scratch_->poke_field(0, c_.first, c_.width, c);
  std::array<ActivityCounts, kPhases> before;
  for (std::size_t p = 0; p < kPhases; ++p) before[p] = account_->phase(Phase(p));
  run_fp_rows(*scratch_, program_, 0, 1);
  RowCells cells{};
  for (std::size_t p = 0; p < kPhases; ++p) {
    const ActivityCounts d = account_->phase(Phase(p)) - before[p];
    for (std::size_t k = 0; k < kStepKinds; ++k) cells.cells[p][k] = d.cells[k];
    cells.row_lines[p] = d.row_lines;
  }
  const auto id = std::uint32_t(cells_.size());
  cells_.push_back(cells);
  ids_.emplace(key, id);
  return id;
}

}  // namespace mrampim
