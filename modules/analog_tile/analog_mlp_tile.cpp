#include "analog_tile/analog_mlp_tile.hpp"

#include <cmath>

namespace mrampim {

namespace {

StepPrices tile_prices(const Technology& cell_tech, const AnalogMlp& circuit) {
  StepPrices p = StepPrices::from(cell_tech);
  p.analog_cycle_ns = circuit.latency_ns();
  return p;
}

}  // namespace

AnalogMlpTile::AnalogMlpTile(sc_core::sc_module_name name, const AnalogTileParams& p, const Technology& cell_tech,
                             CostLedger& ledger)
    : sc_module(name),
      circuit_(p, cell_tech),
      account_(ledger.open_account(std::string(basename()), tile_prices(cell_tech, circuit_))) {
  for (std::uint32_t k = 0; k < p.outputs; ++k) {
    output_mV.push_back(std::make_unique<sc_core::sc_signal<double>>(("output_mV_" + std::to_string(k)).c_str()));
  }
  SC_HAS_PROCESS(AnalogMlpTile);
  SC_THREAD(drive);
}

double AnalogMlpTile::program(const BinarizedMlp& net, double start_ns) {
  const std::uint64_t before = circuit_.devices_written(), steps_before = circuit_.program_steps();
  const double t0 = circuit_.programming_ns();
  circuit_.program(net);  // throws before any change
  // The circuit's write steps and written MTJs: the ledger prices them as it does.
  ActivityCounts c;
  c.compute_steps = circuit_.program_steps() - steps_before;
  c.steps[std::size_t(StepKind::Write)] = c.compute_steps;
  c.cells[std::size_t(StepKind::Write)] = circuit_.devices_written() - before;
  if (c != ActivityCounts{}) account_.charge(Phase::Analog, c);
  return start_ns + (circuit_.programming_ns() - t0);
}

double AnalogMlpTile::infer(const std::uint8_t* pixels, double start_ns, AnalogInference* out) {
  *out = circuit_.infer(pixels);
  ActivityCounts c;
  c.analog_cycles = 1;
  c.analog_fJ = std::uint64_t(std::llround(circuit_.energy_pJ(*out) * 1e3));
  account_.charge(Phase::Analog, c);
  ++inferences_;
  const double end = start_ns + circuit_.latency_ns();
  events_.push_back({start_ns, true, true, false, -1, {}});
  events_.push_back({end, false, false, true, int(out->predicted), out->output_V});
  event_added_.notify(sc_core::SC_ZERO_TIME);
  return end;
}

void AnalogMlpTile::drive() {
  for (;;) {
    while (events_.empty()) sc_core::wait(event_added_);
    const Event e = events_.front();
    events_.pop_front();
    const double now = sc_core::sc_time_stamp().to_seconds() * 1e9;
    if (e.at_ns > now) sc_core::wait(sc_core::sc_time(e.at_ns - now, sc_core::SC_NS));
    input_applied.write(e.applied);
    settling.write(e.settling);
    output_valid.write(e.valid);
    if (e.predicted >= 0) predicted.write(e.predicted);
    for (std::size_t k = 0; k < e.output_V.size() && k < output_mV.size(); ++k) output_mV[k]->write(e.output_V[k] * 1e3);
    // A delta apart: an end and the next start at the same time both show.
    sc_core::wait(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace mrampim
