// The published cost formulas of floating-point operations, evaluated for
// any format, next to which the model's counted costs are reported:
//   SOT-MRAM, the paper's Eq. 2 (add) and Eq. 3 (multiply) (facts sec. 3);
//   FloatPIM, its own multiply and add formulas (facts sec. 4).
// A MAC is a multiply plus an add. Counts are per row: latency in step
// latencies of each kind, energy in per-bit energies of each kind (the two
// differ in Eq. 2 and Eq. 3), priced by a technology's step prices.
#pragma once

#include "compute/fp_format.hpp"
#include "compute/fp_program.hpp"
#include "ledger/cost_ledger.hpp"

namespace mrampim {

// Counts per row, in the ledger's per-row view (RowCost): steps of each
// kind (latency) and bit-cells of each kind (energy, the "E_read" terms).
using PublishedCost = RowCost;

PublishedCost published_cost(FpOp op, const FpFormat& format, LogicFamily family);

// Scratch cells one row needs for a MAC beside its operands and result, as
// the papers describe them (what the training's published area counts):
//   FloatPIM  455 cells for the intermediates of a 32-bit multiplication
//             [paper, quoting FloatPIM] (facts sec. 4); the add reuses them.
//             Published for fp32 only: other formats have no figure (0).
//   SOT-MRAM  the two partial-sum columns of the shift-and-add multiply,
//             each as wide as the 2(Nm + 1)-bit mantissa product (facts
//             sec. 3), plus the 4 cache cells of the full adder, reused bit
//             after bit (facts sec. 2) [derived: the paper gives no total].
// Returns 0 when no published figure exists.
double published_mac_scratch_cells(const FpFormat& format, LogicFamily family);

}  // namespace mrampim
