// A complete platform: a host initiator replaying a workload into an
// accelerator, a power monitor on the accelerator's ledger, all wired and
// ready to trace. Several platforms can live in one elaboration (SystemC
// elaborates once per process), which is how `mrampim` compares
// technologies side by side in one run.
#pragma once

#include <systemc>

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "accelerator/accelerator.hpp"
#include "host/host_initiator.hpp"
#include "power/power_monitor.hpp"

namespace mrampim {

struct PlatformOptions {
  Technology tech;
  AcceleratorConfig accelerator;
  unsigned bus_width_bits = 64;  // 32 or 64
  double power_window_ns = 100;
  bool poll = false;             // the host polls STATUS instead of waiting on the interrupt
};

// What one platform ran, as the main program reports it.
struct PlatformResult {
  std::string name, workload, technology, format, rounding;
  HostRunSummary host;
  std::uint64_t fp_operations = 0;
  double latency_ns = 0;   // the host's first to last transaction
  double energy_pJ = 0;    // the ledger's total
  double area_mm2 = 0;     // the platform's subarrays and their peripherals
  nlohmann::json json;     // everything, for --report
};

// Makes the host of a platform: its module name and bus width (32 or 64).
using HostFactory = std::function<std::unique_ptr<HostBusCore>(const std::string& name, unsigned bus_width_bits)>;

// A factory for a host module template H<BUSWIDTH>(name, args...).
template <template <unsigned> class H, class... Args>
HostFactory host_factory(Args... args) {
  return [=](const std::string& name, unsigned width) -> std::unique_ptr<HostBusCore> {
    if (width == 32) return std::make_unique<H<32>>(name.c_str(), args...);
    return std::make_unique<H<64>>(name.c_str(), args...);
  };
}

class Platform {
 public:
  // `name` scopes the modules (and the VCD signals). Throws
  // std::invalid_argument for a bus width other than 32 or 64.
  Platform(const std::string& name, const PlatformOptions& options, HostProgram program, std::string workload,
           std::string format, std::string rounding);
  // With a host of the caller's (a training host, say).
  Platform(const std::string& name, const PlatformOptions& options, const HostFactory& host, std::string workload,
           std::string format, std::string rounding);
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;
  ~Platform();

  // The accelerator's controller state, busy flag and queue, the interrupt,
  // and the power signals.
  void trace(sc_core::sc_trace_file* tf) const;
  bool done() const;
  PlatformResult result() const;  // after the simulation ran
  const PowerMonitor& power() const { return *power_; }
  const CostLedger& ledger() const { return ledger_; }
  AcceleratorCore& accelerator() { return *accelerator_; }
  const AcceleratorCore& accelerator() const { return *accelerator_; }
  HostBusCore& host() { return *host_; }
  const HostBusCore& host() const { return *host_; }

 private:
  std::string name_, workload_, format_, rounding_;
  PlatformOptions options_;
  CostLedger ledger_;
  std::unique_ptr<AcceleratorCore> accelerator_;
  std::unique_ptr<HostBusCore> host_;
  std::uint64_t fp_operations_ = 0;
  std::unique_ptr<PowerMonitor> power_;
  std::unique_ptr<sc_core::sc_signal<bool>> irq_;
};

}  // namespace mrampim
