// The cost report of a floating-point run: what the ledger counted, next to
// what the published formulas give for the same operation and format, per
// row, with the paper's Figure 5 breakdown (by step kind and by phase:
// exponent, alignment, mantissa, normalise).
//
// Counted figures are read from the subarray's ledger account through the
// engine that ran; published ones are evaluated from fp_published_cost. The
// report is plain data; printing and JSON are views of it.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "compute/fp_engine.hpp"
#include "compute/fp_published_cost.hpp"

namespace mrampim {

struct FpCostReport {
  FpOp op = FpOp::Add;
  FpFormat format;
  Rounding rounding = Rounding::Ieee;
  std::string technology;
  LogicFamily family = LogicFamily::SotStateful;
  StepPrices prices;            // counted: derived from the device and circuits
  StepPrices published_prices;  // the published formulas': calibrated to the paper
  std::uint32_t rows = 0;            // rows of the subarray (operations per run at most)
  std::uint64_t operations = 0;      // rows that held an operation, over all runs
  std::uint64_t runs = 0;            // program executions
  std::uint32_t operand_cells = 0;   // per row: operands and result
  std::uint32_t scratch_cells = 0;   // per row: everything else the procedure needs
  // Counted by the ledger: steps per run, cells per operation.
  std::array<RowCost, kPhases> counted_by_phase{};
  RowCost counted;
  RowCost published;
  // Device variation (sense.spread > 0): the rows' search decisions over all
  // runs and how many the drawn errors flipped.
  double search_spread = 0;
  std::uint64_t search_decisions = 0, search_flips = 0;

  double latency_ns() const { return counted.latency_ns(prices); }               // one run
  double energy_pJ() const { return counted.energy_pJ(prices); }                 // one operation
  double published_latency_ns() const { return published.latency_ns(published_prices); }
  double published_energy_pJ() const { return published.energy_pJ(published_prices); }
  // Figure 5's first question: how much of the latency is cell writes.
  double write_latency_share() const;
};

// What `engine` has run so far (it must have run at least once).
FpCostReport fp_cost_report(const FpEngine& engine);

// Which formulas the published column comes from, e.g. "Eq. 2 + Eq. 3".
std::string published_source(FpOp op, LogicFamily family);

nlohmann::json to_json(const FpCostReport& r);

// Counted against published, per step kind, with their ratio.
void print_cost_table(std::ostream& os, const FpCostReport& r);
// Counted steps, latency and energy by phase and step kind (Figure 5).
void print_breakdown(std::ostream& os, const FpCostReport& r);
// The counted energy of one row's operation by term: cells by step kind,
// column lines by step kind, word lines, decoders (docs/technology.md).
std::vector<std::pair<std::string, double>> energy_terms_pJ(const RowCost& c, const StepPrices& p);
void print_energy_terms(std::ostream& os, const FpCostReport& r);
// `baseline` / `ours`: the paper's comparison, counted and published.
void print_comparison(std::ostream& os, const FpCostReport& baseline, const FpCostReport& ours);
// The same ratios as JSON: counted and published latency and energy, cells per row.
nlohmann::json comparison_json(const FpCostReport& baseline, const FpCostReport& ours);

// num / den for reports: JSON null, or the text "-" (0 / 0) or "no term"
// (a count the published formula does not have), when den is 0.
nlohmann::json ratio_json(double num, double den);
std::string ratio_text(double num, double den, const char* format = "%.3f");

}  // namespace mrampim
