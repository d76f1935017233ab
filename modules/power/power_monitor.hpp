// The power monitor: energy per component over time, read from the ledger.
//
// Components (every ledger count belongs to exactly one, so their sum is the
// ledger's total):
//   cell_arrays       cells written and NORs evaluated by computation (cells switching)
//   sense_amplifiers  cells read and searched by computation (sensing)
//   peripherals       row/column decoders and drivers, per step of any kind
//                     (step.e_periphery_pJ; 0 in the embedded technologies)
//   data_port         cells read and written through the data port
//   transfers         cells moved between subarrays and banks
//   controller        command decoding (controller.e_command_pJ; 0 in the
//                     embedded technologies)
//
// Whoever makes the ledger count (the accelerator) reports each piece of
// activity with the interval it occupies in simulated time; the monitor
// takes what the ledger counted since the last report and spreads it
// uniformly over that interval, then bins it into windows of fixed length.
// Average and peak power, the per-window time series (CSV), real-valued VCD
// signals (one per component and the total, in mW) and a JSON summary are
// views of those bins.
#pragma once

#include <systemc>

#include <array>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/cost_ledger.hpp"

namespace mrampim {

enum class PowerComponent : std::uint8_t {
  CellArrays,
  SenseAmplifiers,
  Peripherals,
  DataPort,
  Transfers,
  Controller,
  AnalogTile
};
inline constexpr std::size_t kPowerComponents = 7;
const char* to_string(PowerComponent c);

using ComponentEnergy = std::array<double, kPowerComponents>;  // pJ

// The ledger's energy so far, by component.
ComponentEnergy energy_by_component(const CostLedger& ledger);

// What the accelerator reports activity to.
class ActivitySink {
 public:
  virtual ~ActivitySink() = default;
  // Everything the ledger counted since the last report happened in
  // [start_ns, end_ns] (end >= start; equal for an instant).
  virtual void activity(double start_ns, double end_ns) = 0;
};

class PowerMonitor : public sc_core::sc_module, public ActivitySink {
 public:
  // Power of the window just ended, mW (pJ per ns), written at each window's end.
  sc_core::sc_signal<double> power_cell_arrays_mW{"power_cell_arrays_mW"};
  sc_core::sc_signal<double> power_sense_amplifiers_mW{"power_sense_amplifiers_mW"};
  sc_core::sc_signal<double> power_peripherals_mW{"power_peripherals_mW"};
  sc_core::sc_signal<double> power_data_port_mW{"power_data_port_mW"};
  sc_core::sc_signal<double> power_transfers_mW{"power_transfers_mW"};
  sc_core::sc_signal<double> power_controller_mW{"power_controller_mW"};
  sc_core::sc_signal<double> power_analog_tile_mW{"power_analog_tile_mW"};
  sc_core::sc_signal<double> power_total_mW{"power_total_mW"};
  // The component signals in PowerComponent order.
  const std::array<sc_core::sc_signal<double>*, kPowerComponents> power_mW{
      &power_cell_arrays_mW, &power_sense_amplifiers_mW, &power_peripherals_mW,
      &power_data_port_mW,   &power_transfers_mW,        &power_controller_mW,
      &power_analog_tile_mW};

  // Throws std::invalid_argument for a window that is not positive.
  PowerMonitor(sc_core::sc_module_name name, const CostLedger& ledger, double window_ns);

  void activity(double start_ns, double end_ns) override;

  double window_ns() const { return window_ns_; }
  // Energy of each window so far, by component (pJ).
  const std::vector<ComponentEnergy>& windows() const { return windows_; }
  // Everything reported, by component; equals energy_by_component(ledger)
  // once every charge has been reported.
  ComponentEnergy energy_pJ() const;
  double total_energy_pJ() const;
  double peak_power_mW() const;                    // highest window's total
  double peak_power_mW(PowerComponent c) const;
  double average_power_mW(double duration_ns) const;  // total energy / duration

  // time_ns (window start), power of each component and the total (mW),
  // cumulative energy (pJ): one line per window.
  void write_csv(std::ostream& out) const;
  nlohmann::json summary(double duration_ns) const;

 private:
  void tick();  // SC_THREAD: drives the signals at each window's end
  void add(std::size_t window, PowerComponent c, double pJ);

  const CostLedger& ledger_;
  double window_ns_;
  ComponentEnergy reported_{};  // ledger energy at the last report
  std::vector<ComponentEnergy> windows_;
};

}  // namespace mrampim
