#include "platform.hpp"

#include <stdexcept>

namespace mrampim {

Platform::Platform(const std::string& name, const PlatformOptions& options, HostProgram program, std::string workload,
                   std::string format, std::string rounding)
    : Platform(name, options, host_factory<HostInitiator>(program, options.poll), std::move(workload),
               std::move(format), std::move(rounding)) {
  fp_operations_ = program.fp_operations;
}

Platform::Platform(const std::string& name, const PlatformOptions& options, const HostFactory& host,
                   std::string workload, std::string format, std::string rounding)
    : name_(name),
      workload_(std::move(workload)),
      format_(std::move(format)),
      rounding_(std::move(rounding)),
      options_(options) {
  if (options.bus_width_bits == 64) {
    accelerator_ = std::make_unique<Accelerator<64>>((name + "_acc").c_str(), options.tech, options.accelerator, ledger_);
  } else if (options.bus_width_bits == 32) {
    accelerator_ = std::make_unique<Accelerator<32>>((name + "_acc").c_str(), options.tech, options.accelerator, ledger_);
  } else {
    throw std::invalid_argument("bus width " + std::to_string(options.bus_width_bits) + ": use 32 or 64");
  }
  host_ = host(name + "_host", options.bus_width_bits);
  host_->bind_to(*accelerator_);
  power_ = std::make_unique<PowerMonitor>((name + "_power").c_str(), ledger_, options.power_window_ns);
  accelerator_->set_activity_sink(power_.get());
  irq_ = std::make_unique<sc_core::sc_signal<bool>>((name + "_irq").c_str());
  accelerator_->irq(*irq_);
  host_->irq(*irq_);
}

Platform::~Platform() = default;

void Platform::trace(sc_core::sc_trace_file* tf) const {
  const std::string p = name_ + ".";
  sc_core::sc_trace(tf, accelerator_->controller_state, p + "controller_state");
  sc_core::sc_trace(tf, accelerator_->command, p + "command");
  sc_core::sc_trace(tf, accelerator_->busy, p + "busy");
  sc_core::sc_trace(tf, accelerator_->queued, p + "queued");
  sc_core::sc_trace(tf, accelerator_->completed, p + "completed");
  sc_core::sc_trace(tf, *irq_, p + "irq");
  for (std::size_t c = 0; c < kPowerComponents; ++c) {
    sc_core::sc_trace(tf, *power_->power_mW[c], p + "power_" + to_string(PowerComponent(c)) + "_mW");
  }
  sc_core::sc_trace(tf, power_->power_total_mW, p + "power_total_mW");
  if (const AnalogMlpTile* t = accelerator_->analog_tile()) {
    sc_core::sc_trace(tf, t->input_applied, p + "analog_tile.input_applied");
    sc_core::sc_trace(tf, t->settling, p + "analog_tile.settling");
    sc_core::sc_trace(tf, t->output_valid, p + "analog_tile.output_valid");
    sc_core::sc_trace(tf, t->predicted, p + "analog_tile.predicted");
    for (std::size_t k = 0; k < t->output_mV.size(); ++k) {
      sc_core::sc_trace(tf, *t->output_mV[k], p + "analog_tile.output_mV_" + std::to_string(k));
    }
  }
}

bool Platform::done() const { return host_->done(); }

PlatformResult Platform::result() const {
  PlatformResult r;
  r.name = name_;
  r.workload = workload_;
  r.technology = options_.tech.name;
  r.format = format_;
  r.rounding = rounding_;
  r.host = host_->summary();
  r.fp_operations = fp_operations_;
  r.latency_ns = r.host.end_ns - r.host.start_ns;
  r.energy_pJ = ledger_.energy_pJ();
  double area_um2 = 0;
  for (const Bank& b : accelerator_->banks()) area_um2 += b.area_um2();
  r.area_mm2 = area_um2 * 1e-6;

  nlohmann::json phases = nlohmann::json::object();
  for (std::size_t p = 0; p < kPhases; ++p) {
    double e = 0;
    for (const CostAccount& a : ledger_.accounts()) e += a.phase(Phase(p)).energy_pJ(a.prices());
    if (e > 0) phases[to_string(Phase(p))] = e;
  }
  const HostRunSummary& h = r.host;
  r.json = {{"name", name_},
            {"workload", workload_},
            {"tech", r.technology},
            {"format", format_},
            {"rounding", rounding_},
            {"banks", options_.accelerator.banks},
            {"subarrays_per_bank", options_.accelerator.subarrays},
            {"rows", options_.tech.array.rows},
            {"cols", options_.tech.array.cols},
            {"bus_width_bits", options_.bus_width_bits},
            {"energy_pJ", r.energy_pJ},
            {"latency_ns", r.latency_ns},
            {"area_mm2", r.area_mm2},
            {"op_counts",
             {{"fp_operations", r.fp_operations},
              {"commands", h.commands},
              {"refused", h.refused},
              {"transactions", h.transactions},
              {"bytes_written", h.bytes_written},
              {"bytes_read", h.bytes_read}}},
            {"checks", {{"compared", h.checks}, {"mismatches", h.mismatches}, {"problems", h.problems}}},
            {"breakdown", {{"by_component", power_->summary(r.latency_ns)}, {"by_phase_pJ", phases}}}};
  return r;
}

}  // namespace mrampim
