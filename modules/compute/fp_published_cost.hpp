// The published cost formulas of floating-point operations, evaluated for
// any format, next to which the model's counted costs are reported:
//   SOT-MRAM, the paper's Eq. 2 (add) and Eq. 3 (multiply) (facts sec. 3);
//   FloatPIM, its own multiply and add formulas (facts sec. 4).
// A MAC is a multiply plus an add. Counts are per row: latency in step
// latencies of each kind, energy in per-bit energies of each kind (the two
// differ in Eq. 2 and Eq. 3), priced by a technology's step prices.
#pragma once

#include <array>

#include "compute/fp_format.hpp"
#include "compute/fp_program.hpp"
#include "ledger/cost_ledger.hpp"

namespace mrampim {

struct PublishedCost {
  std::array<double, kStepKinds> latency_steps{};  // how many T_read, T_write, T_search, T_NOR
  std::array<double, kStepKinds> energy_bits{};    // how many E_read, E_write, E_search, E_NOR per row

  double latency_ns(const StepPrices& p) const;
  double energy_pJ(const StepPrices& p) const;  // per row
  PublishedCost& operator+=(const PublishedCost& o);
};

PublishedCost published_cost(FpOp op, const FpFormat& format, LogicFamily family);

}  // namespace mrampim
