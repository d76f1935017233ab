#include "ledger/cost_ledger.hpp"

#include <stdexcept>

#include "circuit/array_circuit.hpp"
#include "support/bit_words.hpp"

namespace mrampim {

const char* to_string(StepKind k) {
  switch (k) {
    case StepKind::Read: return "read";
    case StepKind::Write: return "write";
    case StepKind::Search: return "search";
    case StepKind::Nor: return "nor";
  }
  return "?";
}

const char* to_string(Phase p) {
  switch (p) {
    case Phase::HostAccess: return "host-access";
    case Phase::Logic: return "logic";
    case Phase::Exponent: return "exponent";
    case Phase::Alignment: return "alignment";
    case Phase::Mantissa: return "mantissa";
    case Phase::Normalise: return "normalise";
    case Phase::Transfer: return "transfer";
    case Phase::Control: return "control";
    case Phase::Analog: return "analog";
  }
  return "?";
}

StepPrices StepPrices::calibrated(const Technology& t) {
  const StepParams& s = t.step;
  StepPrices p;
  p.latency_ns = {s.t_read_ns, s.t_write_ns, s.t_search_ns, s.t_nor_ns};
  p.energy_fJ = {s.e_read_fJ, s.e_write_fJ, s.e_search_fJ, s.e_nor_fJ};
  p.periphery_pJ = s.e_periphery_pJ;
  p.command_pJ = t.controller.e_command_pJ;
  return p;
}

StepPrices StepPrices::from(const Technology& t) { return ArrayCircuit(t).prices(); }

ActivityCounts ActivityCounts::operator*(std::uint64_t times) const {
  ActivityCounts r;
  r.compute_steps = compute_steps * times;
  r.commands = commands * times;
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    r.steps[k] = steps[k] * times;
    r.cells[k] = cells[k] * times;
    r.column_lines[k] = column_lines[k] * times;
  }
  r.row_lines = row_lines * times;
  r.analog_cycles = analog_cycles * times;
  r.analog_fJ = analog_fJ * times;
  return r;
}

ActivityCounts& ActivityCounts::operator+=(const ActivityCounts& o) {
  compute_steps += o.compute_steps;
  commands += o.commands;
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    steps[k] += o.steps[k];
    cells[k] += o.cells[k];
    column_lines[k] += o.column_lines[k];
  }
  row_lines += o.row_lines;
  analog_cycles += o.analog_cycles;
  analog_fJ += o.analog_fJ;
  return *this;
}

ActivityCounts ActivityCounts::operator-(const ActivityCounts& o) const {
  ActivityCounts d;
  d.compute_steps = compute_steps - o.compute_steps;
  d.commands = commands - o.commands;
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    d.steps[k] = steps[k] - o.steps[k];
    d.cells[k] = cells[k] - o.cells[k];
    d.column_lines[k] = column_lines[k] - o.column_lines[k];
  }
  d.row_lines = row_lines - o.row_lines;
  d.analog_cycles = analog_cycles - o.analog_cycles;
  d.analog_fJ = analog_fJ - o.analog_fJ;
  return d;
}

bool ActivityCounts::operator==(const ActivityCounts& o) const {
  return compute_steps == o.compute_steps && commands == o.commands && steps == o.steps && cells == o.cells &&
         column_lines == o.column_lines && row_lines == o.row_lines && analog_cycles == o.analog_cycles &&
         analog_fJ == o.analog_fJ;
}

double ActivityCounts::latency_ns(const StepPrices& p) const {
  double t = double(compute_steps) * p.step_ns + double(analog_cycles) * p.analog_cycle_ns;
  for (std::size_t k = 0; k < kStepKinds; ++k) t += double(steps[k]) * p.latency_ns[k];
  return t;
}

double ActivityCounts::cell_energy_pJ(const StepPrices& p) const {
  double e = 0;
  for (std::size_t k = 0; k < kStepKinds; ++k) e += double(cells[k]) * p.energy_fJ[k];
  return e * 1e-3;
}

double ActivityCounts::line_energy_pJ(const StepPrices& p) const {
  double e = double(row_lines) * p.row_line_fJ;
  for (std::size_t k = 0; k < kStepKinds; ++k) e += double(column_lines[k]) * p.column_line_fJ[k];
  return e * 1e-3;
}

double ActivityCounts::energy_pJ(const StepPrices& p) const {
  return cell_energy_pJ(p) + line_energy_pJ(p) + periphery_energy_pJ(p) + command_energy_pJ(p) + analog_energy_pJ();
}

RowCost RowCost::per_operation(const ActivityCounts& counts, std::uint64_t runs, std::uint64_t operations) {
  RowCost r;
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    r.steps[k] = runs ? double(counts.steps[k]) / double(runs) : 0.0;
    r.cells[k] = operations ? double(counts.cells[k]) / double(operations) : 0.0;
    r.column_lines[k] = operations ? double(counts.column_lines[k]) / double(operations) : 0.0;
  }
  r.row_lines = operations ? double(counts.row_lines) / double(operations) : 0.0;
  r.periphery_steps = operations ? double(counts.compute_steps) / double(operations) : 0.0;
  r.run_steps = runs ? double(counts.compute_steps) / double(runs) : 0.0;
  return r;
}

double RowCost::total_steps() const {
  double n = 0;
  for (double s : steps) n += s;
  return n;
}

double RowCost::total_cells() const {
  double n = 0;
  for (double c : cells) n += c;
  return n;
}

double RowCost::latency_ns(const StepPrices& p) const {
  double t = run_steps * p.step_ns;
  for (std::size_t k = 0; k < kStepKinds; ++k) t += steps[k] * p.latency_ns[k];
  return t;
}

double RowCost::energy_pJ(const StepPrices& p) const {
  double e = row_lines * p.row_line_fJ + periphery_steps * p.periphery_pJ * 1e3;
  for (std::size_t k = 0; k < kStepKinds; ++k) e += cells[k] * p.energy_fJ[k] + column_lines[k] * p.column_line_fJ[k];
  return e * 1e-3;
}

RowCost& RowCost::operator+=(const RowCost& o) {
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    steps[k] += o.steps[k];
    cells[k] += o.cells[k];
    column_lines[k] += o.column_lines[k];
  }
  row_lines += o.row_lines;
  periphery_steps += o.periphery_steps;
  run_steps += o.run_steps;
  return *this;
}

ActivityCounts CostAccount::total() const {
  ActivityCounts t;
  for (const auto& c : by_phase_) t += c;
  return t;
}

void CostAccount::occupy(const std::vector<std::uint64_t>& columns) {
  if (occupied_.size() < columns.size()) occupied_.resize(columns.size(), 0);
  for (std::size_t w = 0; w < columns.size(); ++w) occupied_[w] |= columns[w];
}

void CostAccount::occupy(std::uint32_t first_column, std::uint32_t width) {
  const std::uint32_t end = first_column + width;
  if (occupied_.size() < (end + 63) / 64) occupied_.resize((end + 63) / 64, 0);
  for (std::uint32_t c = first_column; c < end; ++c) occupied_[c >> 6] |= std::uint64_t{1} << (c & 63);
}

std::uint32_t CostAccount::cells_occupied_per_row() const {
  return popcount_words(occupied_.data(), occupied_.size());
}

CostAccount& CostLedger::open_account(const std::string& name, const StepPrices& prices) {
  if (find(name) != nullptr) throw std::logic_error("cost account '" + name + "' opened twice");
  return accounts_.emplace_back(name, prices);
}

const CostAccount* CostLedger::find(const std::string& name) const {
  for (const auto& a : accounts_) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

double CostLedger::energy_pJ() const {
  double e = 0;
  for (const auto& a : accounts_) e += a.energy_pJ();
  return e;
}

}  // namespace mrampim
