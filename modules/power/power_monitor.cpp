#include "power/power_monitor.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <stdexcept>

namespace mrampim {

const char* to_string(PowerComponent c) {
  switch (c) {
    case PowerComponent::CellArrays: return "cell_arrays";
    case PowerComponent::SenseAmplifiers: return "sense_amplifiers";
    case PowerComponent::Peripherals: return "peripherals";
    case PowerComponent::DataPort: return "data_port";
    case PowerComponent::Transfers: return "transfers";
    case PowerComponent::Controller: return "controller";
    case PowerComponent::AnalogTile: return "analog_tile";
  }
  return "?";
}

namespace {

PowerComponent component_of(Phase p, StepKind k) {
  if (p == Phase::Transfer) return PowerComponent::Transfers;
  if (p == Phase::HostAccess) return PowerComponent::DataPort;
  return (k == StepKind::Read || k == StepKind::Search) ? PowerComponent::SenseAmplifiers
                                                        : PowerComponent::CellArrays;
}

}  // namespace

ComponentEnergy energy_by_component(const CostLedger& ledger) {
  ComponentEnergy e{};
  for (const CostAccount& a : ledger.accounts()) {
    for (std::size_t p = 0; p < kPhases; ++p) {
      const ActivityCounts& c = a.phase(Phase(p));
      if (Phase(p) == Phase::Analog) {  // the tile's own drivers and decoders included
        e[std::size_t(PowerComponent::AnalogTile)] += c.energy_pJ(a.prices());
        continue;
      }
      for (std::size_t k = 0; k < kStepKinds; ++k) {
        // A step's cells and its column lines belong to the same component.
        e[std::size_t(component_of(Phase(p), StepKind(k)))] +=
            (double(c.cells[k]) * a.prices().energy_fJ[k] + double(c.column_lines[k]) * a.prices().column_line_fJ[k]) *
            1e-3;
      }
      // Word lines are driven by the row drivers: periphery.
      e[std::size_t(PowerComponent::Peripherals)] +=
          c.periphery_energy_pJ(a.prices()) + double(c.row_lines) * a.prices().row_line_fJ * 1e-3;
      e[std::size_t(PowerComponent::Controller)] += c.command_energy_pJ(a.prices());
    }
  }
  return e;
}

PowerMonitor::PowerMonitor(sc_core::sc_module_name name, const CostLedger& ledger, double window_ns)
    : sc_module(name), ledger_(ledger), window_ns_(window_ns), reported_(energy_by_component(ledger)) {
  if (!(window_ns > 0)) throw std::invalid_argument("power monitor: the window must be positive");
  SC_HAS_PROCESS(PowerMonitor);
  SC_THREAD(tick);
}

void PowerMonitor::add(std::size_t window, PowerComponent c, double pJ) {
  if (windows_.size() <= window) windows_.resize(window + 1, ComponentEnergy{});
  windows_[window][std::size_t(c)] += pJ;
}

void PowerMonitor::activity(double start_ns, double end_ns) {
  const ComponentEnergy now = energy_by_component(ledger_);
  end_ns = std::max(end_ns, start_ns);
  for (std::size_t c = 0; c < kPowerComponents; ++c) {
    const double e = now[c] - reported_[c];
    if (e == 0) continue;
    const std::size_t first = std::size_t(std::floor(start_ns / window_ns_));
    if (end_ns == start_ns) {
      add(first, PowerComponent(c), e);
      continue;
    }
    const std::size_t last = std::size_t(std::floor(end_ns / window_ns_));
    const double rate = e / (end_ns - start_ns);  // pJ per ns over the interval
    double placed = 0;
    for (std::size_t w = first; w <= last; ++w) {
      const double lo = std::max(start_ns, double(w) * window_ns_);
      const double hi = std::min(end_ns, double(w + 1) * window_ns_);
      // The last window takes the remainder, so rounding loses nothing.
      const double part = w == last ? e - placed : rate * std::max(0.0, hi - lo);
      add(w, PowerComponent(c), part);
      placed += part;
    }
  }
  reported_ = now;
}

ComponentEnergy PowerMonitor::energy_pJ() const {
  ComponentEnergy e{};
  for (const auto& w : windows_) {
    for (std::size_t c = 0; c < kPowerComponents; ++c) e[c] += w[c];
  }
  return e;
}

double PowerMonitor::total_energy_pJ() const {
  double t = 0;
  for (double e : energy_pJ()) t += e;
  return t;
}

double PowerMonitor::peak_power_mW() const {
  double peak = 0;
  for (const auto& w : windows_) {
    double t = 0;
    for (double e : w) t += e;
    peak = std::max(peak, t / window_ns_);
  }
  return peak;
}

double PowerMonitor::peak_power_mW(PowerComponent c) const {
  double peak = 0;
  for (const auto& w : windows_) peak = std::max(peak, w[std::size_t(c)] / window_ns_);
  return peak;
}

double PowerMonitor::average_power_mW(double duration_ns) const {
  return duration_ns > 0 ? total_energy_pJ() / duration_ns : 0.0;
}

void PowerMonitor::write_csv(std::ostream& out) const {
  out << "time_ns";
  for (std::size_t c = 0; c < kPowerComponents; ++c) out << ",power_" << to_string(PowerComponent(c)) << "_mW";
  out << ",power_total_mW";
  for (std::size_t c = 0; c < kPowerComponents; ++c) out << ",energy_" << to_string(PowerComponent(c)) << "_pJ";
  out << '\n';
  ComponentEnergy cumulative{};
  for (std::size_t w = 0; w < windows_.size(); ++w) {
    out << double(w) * window_ns_;
    double total = 0;
    for (std::size_t c = 0; c < kPowerComponents; ++c) {
      out << ',' << windows_[w][c] / window_ns_;
      total += windows_[w][c];
      cumulative[c] += windows_[w][c];
    }
    out << ',' << total / window_ns_;
    for (double e : cumulative) out << ',' << e;
    out << '\n';
  }
}

nlohmann::json PowerMonitor::summary(double duration_ns) const {
  nlohmann::json components = nlohmann::json::object();
  const ComponentEnergy e = energy_pJ();
  for (std::size_t c = 0; c < kPowerComponents; ++c) {
    components[to_string(PowerComponent(c))] = {{"energy_pJ", e[c]},
                                                {"average_mW", duration_ns > 0 ? e[c] / duration_ns : 0.0},
                                                {"peak_mW", peak_power_mW(PowerComponent(c))}};
  }
  double ledger_total = 0;
  for (double x : energy_by_component(ledger_)) ledger_total += x;
  return {{"window_ns", window_ns_},
          {"duration_ns", duration_ns},
          {"components", components},
          {"total_energy_pJ", total_energy_pJ()},
          {"ledger_energy_pJ", ledger_total},
          {"average_mW", average_power_mW(duration_ns)},
          {"peak_mW", peak_power_mW()}};
}

void PowerMonitor::tick() {
  for (std::size_t w = 0;; ++w) {
    sc_core::wait(sc_core::sc_time(window_ns_, sc_core::SC_NS));
    double total = 0;
    for (std::size_t c = 0; c < kPowerComponents; ++c) {
      const double p = w < windows_.size() ? windows_[w][c] / window_ns_ : 0.0;
      power_mW[c]->write(p);
      total += p;
    }
    power_total_mW.write(total);
  }
}

}  // namespace mrampim
