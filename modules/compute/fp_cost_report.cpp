#include "compute/fp_cost_report.hpp"

#include <cstdio>
#include <ostream>
#include <stdexcept>

namespace mrampim {

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string fmt(const char* f, const std::string& v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v.c_str());
  return buf;
}

std::string ratio(double num, double den) { return ratio_text(num, den); }

nlohmann::json kinds_json(const std::array<double, kStepKinds>& v) {
  nlohmann::json j;
  for (std::size_t k = 0; k < kStepKinds; ++k) j[to_string(StepKind(k))] = v[k];
  return j;
}

nlohmann::json cost_json(const RowCost& c, const StepPrices& p) {
  return {{"steps", kinds_json(c.steps)},
          {"cells_touched", kinds_json(c.cells)},
          {"total_steps", c.total_steps()},
          {"total_cells_touched", c.total_cells()},
          {"latency_ns", c.latency_ns(p)},
          {"energy_pJ", c.energy_pJ(p)}};
}

bool phase_used(const RowCost& c) { return c.total_steps() > 0 || c.total_cells() > 0; }

}  // namespace

nlohmann::json ratio_json(double num, double den) { return den > 0 ? nlohmann::json(num / den) : nlohmann::json(); }

std::string ratio_text(double num, double den, const char* format) {
  if (den > 0) return fmt(format, num / den);
  return num == 0 ? "-" : "no term";
}

nlohmann::json comparison_json(const FpCostReport& baseline, const FpCostReport& ours) {
  return {{"baseline", baseline.technology},
          {"over", ours.technology},
          {"counted_latency", ratio_json(baseline.latency_ns(), ours.latency_ns())},
          {"counted_energy", ratio_json(baseline.energy_pJ(), ours.energy_pJ())},
          {"published_latency", ratio_json(baseline.published_latency_ns(), ours.published_latency_ns())},
          {"published_energy", ratio_json(baseline.published_energy_pJ(), ours.published_energy_pJ())},
          {"cells_per_row", ratio_json(double(baseline.operand_cells + baseline.scratch_cells),
                                       double(ours.operand_cells + ours.scratch_cells))}};
}

double FpCostReport::write_latency_share() const {
  const double all = latency_ns();
  return all > 0 ? counted.steps[std::size_t(StepKind::Write)] * prices.latency_ns[std::size_t(StepKind::Write)] / all
                 : 0.0;
}

FpCostReport fp_cost_report(const FpEngine& engine) {
  if (engine.runs() == 0) throw std::logic_error("fp_cost_report: the engine has not run");
  const FpLayout& l = engine.layout();
  const Subarray& s = engine.array();
  FpCostReport r;
  r.op = l.op;
  r.format = l.format;
  r.rounding = l.rounding;
  r.technology = s.technology().name;
  r.family = s.technology().family;
  r.prices = s.account().prices();
  r.published_prices = StepPrices::calibrated(s.technology());
  r.rows = s.rows();
  r.operations = engine.operations();
  r.runs = engine.runs();
  r.operand_cells = l.result.first + l.result.width - l.a.first;
  r.scratch_cells = l.scratch_cells;
  const auto counted = engine.counted();
  for (std::size_t p = 0; p < kPhases; ++p) {
    r.counted_by_phase[p] = RowCost::per_operation(counted[p], r.runs, r.operations);
    r.counted += r.counted_by_phase[p];
  }
  r.published = published_cost(r.op, r.format, r.family);
  r.search_spread = s.technology().sense.spread;
  r.search_decisions = s.search_errors().decisions();
  r.search_flips = s.search_errors().flips();
  return r;
}

std::string published_source(FpOp op, LogicFamily family) {
  if (family == LogicFamily::ReramNor) {
    return op == FpOp::Add ? "FloatPIM add" : op == FpOp::Mul ? "FloatPIM mul" : "FloatPIM mul + add";
  }
  return op == FpOp::Add ? "Eq. 2" : op == FpOp::Mul ? "Eq. 3" : "Eq. 2 + Eq. 3";
}

nlohmann::json to_json(const FpCostReport& r) {
  nlohmann::json phases = nlohmann::json::array();
  for (std::size_t p = 0; p < kPhases; ++p) {
    if (!phase_used(r.counted_by_phase[p])) continue;
    nlohmann::json j = cost_json(r.counted_by_phase[p], r.prices);
    j["phase"] = to_string(Phase(p));
    phases.push_back(j);
  }
  nlohmann::json published = cost_json(r.published, r.published_prices);
  published["source"] = published_source(r.op, r.family);
  return {{"operation", to_string(r.op)},
          {"format", r.format.name()},
          {"rounding", to_string(r.rounding)},
          {"technology", r.technology},
          {"logic", to_string(r.family)},
          {"rows_per_run", r.rows},
          {"operations", r.operations},
          {"program_runs", r.runs},
          {"cells_per_row", {{"operands_and_result", r.operand_cells}, {"scratch", r.scratch_cells}}},
          {"units", "steps and latency per program run (all rows at once); cells and energy per operation (row)"},
          {"counted", cost_json(r.counted, r.prices)},
          {"published", published},
          {"prices", {{"counted", "derived from the device and the array's circuits (circuit/array_circuit.hpp)"},
                      {"published", "the technology's [step] section, calibrated to the paper"}}},
          {"counted_over_published",
           {{"latency", ratio_json(r.latency_ns(), r.published_latency_ns())},
            {"energy", ratio_json(r.energy_pJ(), r.published_energy_pJ())}}},
          {"write_latency_share", r.write_latency_share()},
          {"breakdown", phases},
          {"total_latency_ns", r.latency_ns() * double(r.runs)},
          {"total_energy_pJ", r.energy_pJ() * double(r.operations)},
          {"row_groups_per_step", [&] {
             nlohmann::json j = nlohmann::json::object();
             for (std::size_t k = 0; k < kStepKinds; ++k) j[to_string(StepKind(k))] = r.prices.sub_steps[k];
             return j;
           }()},
          {"energy_terms_pJ", [&] {
             nlohmann::json j = nlohmann::json::object();
             for (const auto& [name, e] : energy_terms_pJ(r.counted, r.prices)) j[name] = e;
             return j;
           }()},
          {"search_errors",
           {{"spread", r.search_spread}, {"decisions", r.search_decisions}, {"flipped", r.search_flips}}}};
}

void print_cost_table(std::ostream& os, const FpCostReport& r) {
  os << r.format.name() << ' ' << to_string(r.op) << ", " << to_string(r.rounding) << " rounding, on "
     << r.technology << ": " << r.operations << " operation(s) in " << r.runs << " run(s) of up to " << r.rows
     << " rows\n";
  os << "  per row          reads     writes   searches       NORs  cells touched  latency ns  energy pJ\n";
  auto line = [&](const std::string& label, const RowCost& c, const StepPrices& prices) {
    os << "  " << label;
    for (std::size_t pad = label.size(); pad < 13; ++pad) os << ' ';
    for (double s : c.steps) os << fmt("%11.1f", s);
    os << fmt("%15.1f", c.total_cells()) << fmt("%12.1f", c.latency_ns(prices))
       << fmt("%11.2f", c.energy_pJ(prices)) << '\n';
  };
  line("counted", r.counted, r.prices);
  line("published", r.published, r.published_prices);
  os << "  counted/publ.";
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    os << fmt("%11s", ratio(r.counted.steps[k], r.published.steps[k]));
  }
  os << fmt("%15s", ratio(r.counted.total_cells(), r.published.total_cells()))
     << fmt("%12s", ratio(r.latency_ns(), r.published_latency_ns()))
     << fmt("%11s", ratio(r.energy_pJ(), r.published_energy_pJ())) << '\n';
  os << "  published: " << published_source(r.op, r.family)
     << " at the [step] prices calibrated to the paper (counted: derived); cells per row: " << r.operand_cells
     << " operands and result + " << r.scratch_cells << " scratch = " << r.operand_cells + r.scratch_cells << '\n';
  if (r.search_spread > 0) {
    os << "  search errors at " << fmt("%.3g", r.search_spread) << " resistance spread (sense.spread): "
       << r.search_flips << " of " << r.search_decisions << " row decisions flipped (results may be wrong)\n";
  }
}

void print_breakdown(std::ostream& os, const FpCostReport& r) {
  os << "  by phase (counted)   reads  writes searches   NORs   latency ns        energy pJ/row\n";
  const double lat = r.latency_ns(), en = r.energy_pJ();
  auto line = [&](const char* label, const RowCost& c) {
    os << "  " << label;
    for (std::size_t pad = std::string(label).size(); pad < 18; ++pad) os << ' ';
    for (double s : c.steps) os << fmt("%8.0f", s);
    const double l = c.latency_ns(r.prices), e = c.energy_pJ(r.prices);
    os << fmt("%11.1f", l) << fmt(" (%5.1f%%)", lat > 0 ? 100 * l / lat : 0.0) << fmt("%9.2f", e)
       << fmt(" (%5.1f%%)", en > 0 ? 100 * e / en : 0.0) << '\n';
  };
  for (std::size_t p = 0; p < kPhases; ++p) {
    if (phase_used(r.counted_by_phase[p])) line(to_string(Phase(p)), r.counted_by_phase[p]);
  }
  line("total", r.counted);
  os << "  by step kind (counted)        latency     energy of cells (lines, decoders: by term below)\n";
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    if (r.counted.steps[k] == 0 && r.counted.cells[k] == 0) continue;
    const double l = r.counted.steps[k] * r.prices.latency_ns[k];
    const double e = r.counted.cells[k] * r.prices.energy_fJ[k] * 1e-3;
    os << "  " << fmt("%-18s", to_string(StepKind(k))) << fmt("%11.1f", l)
       << fmt(" (%5.1f%%)", lat > 0 ? 100 * l / lat : 0.0) << fmt("%9.2f", e)
       << fmt(" (%5.1f%%)", en > 0 ? 100 * e / en : 0.0) << '\n';
  }
  print_energy_terms(os, r);
  // The line current limit (docs/technology.md): how many row groups each
  // step kind runs in (1: all rows at once).
  os << "  row groups per step (column line current):";
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    if (r.counted.steps[k] > 0) os << ' ' << to_string(StepKind(k)) << ' ' << r.prices.sub_steps[k];
  }
  os << '\n';
}

std::vector<std::pair<std::string, double>> energy_terms_pJ(const RowCost& c, const StepPrices& p) {
  std::vector<std::pair<std::string, double>> t;
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    if (c.cells[k] > 0) t.emplace_back(std::string("cells ") + to_string(StepKind(k)), c.cells[k] * p.energy_fJ[k] * 1e-3);
  }
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    if (c.column_lines[k] > 0) {
      t.emplace_back(std::string("column lines ") + to_string(StepKind(k)), c.column_lines[k] * p.column_line_fJ[k] * 1e-3);
    }
  }
  t.emplace_back("word lines", c.row_lines * p.row_line_fJ * 1e-3);
  t.emplace_back("decoders", c.periphery_steps * p.periphery_pJ);
  return t;
}

void print_energy_terms(std::ostream& os, const FpCostReport& r) {
  os << "  energy by term (counted)      pJ/row\n";
  const double en = r.energy_pJ();
  for (const auto& [name, e] : energy_terms_pJ(r.counted, r.prices)) {
    os << "  " << fmt("%-24s", name.c_str()) << fmt("%10.2f", e) << fmt(" (%5.1f%%)", en > 0 ? 100 * e / en : 0.0)
       << '\n';
  }
}

void print_comparison(std::ostream& os, const FpCostReport& baseline, const FpCostReport& ours) {
  os << baseline.format.name() << ' ' << to_string(ours.op) << ": " << baseline.technology << " / "
     << ours.technology << '\n';
  os << "                 counted   published\n";
  os << "  latency   " << fmt("%11s", ratio(baseline.latency_ns(), ours.latency_ns()))
     << fmt("%12s", ratio(baseline.published_latency_ns(), ours.published_latency_ns())) << '\n';
  os << "  energy    " << fmt("%11s", ratio(baseline.energy_pJ(), ours.energy_pJ()))
     << fmt("%12s", ratio(baseline.published_energy_pJ(), ours.published_energy_pJ())) << '\n';
  os << "  cells/row " << fmt("%11s", ratio(double(baseline.operand_cells + baseline.scratch_cells),
                                              double(ours.operand_cells + ours.scratch_cells))
                                            )
     << '\n';
}

}  // namespace mrampim
