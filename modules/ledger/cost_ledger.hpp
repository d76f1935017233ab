// The cost ledger: the one place the model counts what the hardware did.
//
// Every array operation charges the ledger with *counts*: how many steps of
// each kind ran (latency: one step costs its latency however many rows take
// part) and how many bit-cells each kind touched (energy: per bit, so it grows
// with the active rows). Latency and energy are derived from those counts and
// the technology's prices on demand, so reports, power traces and VCD that read
// the ledger can never disagree with it, and nothing keeps a second count.
//
// The ledger holds one account per component (a subarray, a cell, later a bank
// or a transfer path); an account keeps its counts split by the phase of the
// computation that caused them (the paper's Figure 5 breakdown), and the cells
// per row its computations occupy (what decides area: the paper's "4 cells" of
// a full adder).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "tech/technology.hpp"

namespace mrampim {

enum class StepKind : std::uint8_t { Read, Write, Search, Nor };
inline constexpr std::size_t kStepKinds = 4;
const char* to_string(StepKind k);

// What part of a computation a step serves. Reports break costs down by it.
enum class Phase : std::uint8_t {
  HostAccess,  // rows written or read through the data port
  Logic,       // bit-wise logic and integer arithmetic
  Exponent,    // floating point: exponent difference, exponent add and re-bias
  Alignment,   // floating point: search-and-shift mantissa alignment
  Mantissa,    // floating point: mantissa add or multiply
  Normalise,   // floating point: normalisation, rounding, packing
  Transfer,    // moves between subarrays
  Control,     // commands decoded and issued by the controller
  Analog,      // the analog tile: its MTJs programmed, its inference cycles (analog_tile/)
};
inline constexpr std::size_t kPhases = 9;
const char* to_string(Phase p);

// Price of each step kind: latency per step and energy per bit-cell; and
// the energies that do not scale with cells: the periphery's per parallel
// step, the controller's per command.
struct StepPrices {
  std::array<double, kStepKinds> latency_ns{};
  std::array<double, kStepKinds> energy_fJ{};
  // The lines a step drives (counted prices only; 0 in the calibrated ones):
  // a column line per distinct column a step touches, by kind, and the word line of
  // each row a row-enable register enables (ActivityCounts).
  std::array<double, kStepKinds> column_line_fJ{};
  double row_line_fJ = 0;
  // Row groups a step of each kind runs in, one after another, because its
  // rows' current exceeds what a column line carries (1: all rows at once;
  // latency_ns and column_line_fJ include it).
  std::array<std::uint32_t, kStepKinds> sub_steps{1, 1, 1, 1};
  double step_ns = 0;       // per compute step: decoding, once however many kinds it holds
  double periphery_pJ = 0;  // per compute step: decoders and row-enable registers
  double command_pJ = 0;    // per command (controller.e_command_pJ)
  double analog_cycle_ns = 0;  // the analog tile's inference cycle (0: no tile)

  // The counted prices: derived from the device and the array's circuits
  // (circuit/array_circuit.hpp).
  static StepPrices from(const Technology& t);
  // The published-formula mode's prices: the technology's [step] section,
  // calibrated to the paper (docs/technology.md).
  static StepPrices calibrated(const Technology& t);
};

// Counts of hardware activity. Plain data: copy it to take a snapshot,
// subtract two snapshots to measure what happened in between.
struct ActivityCounts {
  std::uint64_t compute_steps = 0;                 // parallel steps (each may hold several kinds)
  std::uint64_t commands = 0;                      // commands the controller accepted
  std::array<std::uint64_t, kStepKinds> steps{};   // phases of each kind (MicroStep::phases)
  std::array<std::uint64_t, kStepKinds> cells{};   // bit-cells touched by each kind
  // Lines driven: per step, one column line per distinct column it touches
  // (by kind);
  // word lines each time a row is raised (they stay up while the same rows
  // stay enabled: MicroStep::masks_raised).
  std::array<std::uint64_t, kStepKinds> column_lines{};
  std::uint64_t row_lines = 0;
  // The analog tile's inference cycles, and the energy its circuits drew in
  // them, fJ (integer: what its circuit model computed from their currents
  // over the cycle, analog_tile/analog_mlp.hpp; it depends on the data).
  std::uint64_t analog_cycles = 0;
  std::uint64_t analog_fJ = 0;

  ActivityCounts& operator+=(const ActivityCounts& o);
  ActivityCounts operator-(const ActivityCounts& o) const;
  // The counts of `times` repetitions: counts are sums, so this is exact.
  ActivityCounts operator*(std::uint64_t times) const;
  bool operator==(const ActivityCounts& o) const;
  bool operator!=(const ActivityCounts& o) const { return !(*this == o); }

  std::uint64_t steps_of(StepKind k) const { return steps[std::size_t(k)]; }
  std::uint64_t cells_of(StepKind k) const { return cells[std::size_t(k)]; }
  double latency_ns(const StepPrices& p) const;
  double energy_pJ(const StepPrices& p) const;  // cells, lines, periphery, commands and analog cycles
  double cell_energy_pJ(const StepPrices& p) const;
  double line_energy_pJ(const StepPrices& p) const;
  double periphery_energy_pJ(const StepPrices& p) const { return double(compute_steps) * p.periphery_pJ; }
  double command_energy_pJ(const StepPrices& p) const { return double(commands) * p.command_pJ; }
  double analog_energy_pJ() const { return double(analog_fJ) * 1e-3; }
};

// The cost of one operation in one row, as reports compare them: steps of
// each kind (what latency counts, paid once for all rows) and bit-cells of
// each kind (what energy counts, per row). Fractional when it averages a run
// (cells per operation) or evaluates a published formula (Eq. 3's 0.5 terms).
// Cell costs only: the periphery's per-step energy is shared by all the rows
// of a step and is no part of the published formulas; ledger totals hold it.
struct RowCost {
  std::array<double, kStepKinds> steps{};
  std::array<double, kStepKinds> cells{};
  // The lines' share of one row's operation (counted costs; published
  // formulas have none): column lines per operation (a run's lines over its
  // rows), word lines per operation.
  std::array<double, kStepKinds> column_lines{};
  double row_lines = 0;
  double periphery_steps = 0;  // compute steps per operation: the decoders' share
  double run_steps = 0;        // compute steps per run: what decoding adds to latency

  // Counts of `runs` executions of a program over `operations` rows in all:
  // steps per run, cells per operation.
  static RowCost per_operation(const ActivityCounts& counts, std::uint64_t runs, std::uint64_t operations);

  double total_steps() const;
  double total_cells() const;
  double latency_ns(const StepPrices& p) const;
  double energy_pJ(const StepPrices& p) const;  // of one row
  RowCost& operator+=(const RowCost& o);
};

class CostLedger;

// One component's costs, priced by that component's technology.
class CostAccount {
 public:
  CostAccount(std::string name, const StepPrices& prices) : name_(std::move(name)), prices_(prices) {}
  CostAccount(const CostAccount&) = delete;
  CostAccount& operator=(const CostAccount&) = delete;

  // Hot path: called once per step kind of every micro-operation.
  void begin_step(Phase phase) { ++by_phase_[std::size_t(phase)].compute_steps; }
  void charge_step(Phase phase, StepKind kind) { ++by_phase_[std::size_t(phase)].steps[std::size_t(kind)]; }
  void charge_cells(Phase phase, StepKind kind, std::uint64_t cells) {
    by_phase_[std::size_t(phase)].cells[std::size_t(kind)] += cells;
  }

  // One whole step at once, branch-free: `phases[k]` phases of StepKind k
  // (MicroStep::phases: 0 for a kind the step lacks), and
  // `cells_per_row[k] * active_rows` cells. Its lines are charged apart: the
  // column lines it drives (charge_column_lines) and the word lines it
  // raises (charge_row_lines; they stay raised from step to step).
  void charge(Phase phase, const std::array<std::uint32_t, kStepKinds>& phases,
              const std::array<std::uint32_t, kStepKinds>& cells_per_row, std::uint64_t active_rows) {
    ActivityCounts& c = by_phase_[std::size_t(phase)];
    ++c.compute_steps;
    for (std::size_t k = 0; k < kStepKinds; ++k) {
      c.steps[k] += phases[k];
      c.cells[k] += cells_per_row[k] * active_rows;
    }
  }
  void charge_column_lines(Phase phase, const std::array<std::uint32_t, kStepKinds>& columns) {
    for (std::size_t k = 0; k < kStepKinds; ++k) by_phase_[std::size_t(phase)].column_lines[k] += columns[k];
  }
  // Word lines raised: rows that become enabled (MicroStep::masks_raised).
  void charge_row_lines(Phase phase, std::uint64_t rows) { by_phase_[std::size_t(phase)].row_lines += rows; }

  void charge_command() { ++by_phase_[std::size_t(Phase::Control)].commands; }

  // Precomputed counts of a whole phase of work (a program run at once).
  void charge(Phase phase, const ActivityCounts& counts) { by_phase_[std::size_t(phase)] += counts; }

  // Occupancy: the distinct cells per row (columns) computation has written
  // since the account opened or clear_occupancy(). Data the host writes
  // through the port is not counted; scratch and results are.
  void occupy(const std::vector<std::uint64_t>& columns);  // bit c = column c
  void occupy(std::uint32_t first_column, std::uint32_t width);
  std::uint32_t cells_occupied_per_row() const;
  void clear_occupancy() { occupied_.assign(occupied_.size(), 0); }

  const std::string& name() const { return name_; }
  const StepPrices& prices() const { return prices_; }
  const ActivityCounts& phase(Phase p) const { return by_phase_[std::size_t(p)]; }
  ActivityCounts total() const;
  double latency_ns() const { return total().latency_ns(prices_); }
  double energy_pJ() const { return total().energy_pJ(prices_); }

 private:
  std::string name_;
  StepPrices prices_;
  std::array<ActivityCounts, kPhases> by_phase_{};
  std::vector<std::uint64_t> occupied_;  // one bit per column
};

class CostLedger {
 public:
  // Accounts live as long as the ledger; references to them stay valid.
  CostAccount& open_account(const std::string& name, const StepPrices& prices);

  const std::deque<CostAccount>& accounts() const { return accounts_; }
  const CostAccount* find(const std::string& name) const;

  // Sums over all accounts, each priced by its own technology. (Latency has
  // no such sum: what overlaps is the scheduler's business, not the ledger's.)
  double energy_pJ() const;

 private:
  std::deque<CostAccount> accounts_;
};

}  // namespace mrampim
