// The cells one row of a program charges, by trajectory (fp_trajectory.hpp):
// fast mode's exact charges. On the first row of a trajectory the program
// runs on that row's operands in a scratch subarray of its own, and what the
// ledger counted there is what every row with the same key charges.
//
// Owns: the scratch subarray and its ledger, and the cells per trajectory.
// Exposes: a dense id per key (measuring on first sight), and its cells.
// Costs: nothing on the platform's ledger: the scratch run is how the model
// learns a trajectory's price, not hardware activity.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "compute/logic_emitter.hpp"
#include "ledger/cost_ledger.hpp"
#include "subarray/micro_program.hpp"
#include "subarray/subarray.hpp"

namespace mrampim {

// What one row charges, per phase: cells by step kind, and the word lines
// raised for it (the steps it was enabled in). Column lines do not depend on
// the rows: the program's declared counts hold them.
struct RowCells {
  std::array<std::array<std::uint64_t, kStepKinds>, kPhases> cells{};
  std::array<std::uint64_t, kPhases> row_lines{};
};

class TrajectoryCosts {
 public:
  // `a`, `b`, `c`: where the program reads its operands (width 0: unused).
  TrajectoryCosts(const Technology& tech, const MicroProgram& program, Field a, Field b, Field c);

  // The id of `key`; the operands are those of a row with that key.
  std::uint32_t id(std::uint64_t key, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    const auto it = ids_.find(key);
    return it != ids_.end() ? it->second : measure(key, a, b, c);
  }
  const RowCells& cells(std::uint32_t id) const { return cells_[id]; }
  std::size_t trajectories() const { return cells_.size(); }

 private:
  std::uint32_t measure(std::uint64_t key, std::uint64_t a, std::uint64_t b, std::uint64_t c);

  const MicroProgram& program_;
  Field a_, b_, c_;
  CostLedger ledger_;
  CostAccount* account_;
  std::unique_ptr<Subarray> scratch_;
  std::unordered_map<std::uint64_t, std::uint32_t> ids_;
  std::vector<RowCells> cells_;
};

}  // namespace mrampim
