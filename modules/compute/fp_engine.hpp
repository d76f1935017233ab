// A subarray running one floating-point micro-program over its rows, one
// operation per row: what a user of the arithmetic drives. It places operand
// sets in rows, runs the program once per batch of rows (every row of a batch
// at once), and hands back the results.
//
// Owns: the program and the count of runs and operations.
// Exposes: run() over any number of operand sets, and the costs the ledger
// counted for those runs (read from the subarray's account, never kept here).
// Costs: the arithmetic only. Operands are placed and results taken with
// debug access: moving data in and out is the platform's business (the data
// port, transfers) and is costed there. Rows without an operation are
// disabled (row-enable register 0), so the last, partial batch costs only the
// rows it uses.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "compute/fp_program.hpp"
#include "ledger/cost_ledger.hpp"
#include "subarray/subarray.hpp"

namespace mrampim {

// One operation's operands as bit patterns: a + b, a x b, or c + a x b.
struct FpOperands {
  std::uint64_t a = 0, b = 0, c = 0;
};

class FpEngine {
 public:
  // Builds the program for the subarray's technology and width. Throws
  // std::invalid_argument when the row is too narrow for it.
  FpEngine(Subarray& array, FpOp op, const FpFormat& format, Rounding rounding);

  const FpProgram& program() const { return program_; }
  const FpLayout& layout() const { return program_.layout; }
  const Subarray& array() const { return array_; }

  // Called after each step of a stepped run: what a SystemC wrapper needs to
  // let each step take its time and show the array's state.
  using StepHook = std::function<void(std::size_t step)>;

  // Results in operand order. The subarray's rows hold the last batch after.
  // With a hook, the program runs step by step and the hook follows each one
  // (same results, same costs).
  std::vector<std::uint64_t> run(const std::vector<FpOperands>& operands, const StepHook& after_step = {});

  std::uint64_t runs() const { return runs_; }              // program executions (batches)
  std::uint64_t operations() const { return operations_; }  // rows that held an operation
  // What the ledger counted on the subarray since the engine was made, per
  // phase: its runs, and anything else run on that subarray meanwhile.
  std::array<ActivityCounts, kPhases> counted() const;

 private:
  Subarray& array_;
  FpProgram program_;
  std::array<ActivityCounts, kPhases> baseline_{};
  std::uint64_t runs_ = 0;
  std::uint64_t operations_ = 0;
};

// A subarray of its own, with its own ledger, running one floating-point
// program: what the standalone floating-point tools (mrampim-fp, tb_fp_mac)
// measure one technology with.
struct FpSubarray {
  FpSubarray(const Technology& t, FpOp op, const FpFormat& f, Rounding r)
      : tech(t), account(ledger.open_account("subarray0", StepPrices::from(t))), array(tech, account),
        engine(array, op, f, r) {}
  FpSubarray(const FpSubarray&) = delete;
  FpSubarray& operator=(const FpSubarray&) = delete;

  Technology tech;
  CostLedger ledger;
  CostAccount& account;
  Subarray array;
  FpEngine engine;
};

// Runs a floating-point program on rows [first, first + count) of `array`,
// whose operands are already in place (how the controller runs commands):
// other rows are disabled and keep every cell, and row-enable register 0 is
// given back afterwards. Throws std::out_of_range for rows outside the array.
void run_fp_rows(Subarray& array, const MicroProgram& program, std::uint32_t first, std::uint32_t count,
                 const FpEngine::StepHook& after_step = {});

}  // namespace mrampim
