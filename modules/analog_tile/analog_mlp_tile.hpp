// The analog tile as a block of the accelerator (analog-MLP facts): the
// circuit of analog_mlp.hpp behind the accelerator's commands (analog
// program, analog infer: analog_command.hpp), with its activity in the
// ledger and its cycles on waveform signals.
//
// Owns: the circuit model, its ledger account ("<name>", Phase::Analog:
// priced by the cell technology's counted write price for its MTJs and by
// its own cycle for inferences), and the signals below with the process
// that drives them.
// Exposes: program() and infer(), each returning when it ends in simulated
// time (the accelerator schedules them); the signals:
//   input_applied  an image's rows are driven
//   settling       the layers are settling (from the rows to the outputs)
//   output_valid   the outputs have settled and are sampled
//   predicted      the class of the last inference
//   output_mV[k]   output neuron k's voltage, mV, from the moment it settles
// Costs: programming, each MTJ written an SOT write step's cell (two write
// steps per row: the two states); each inference one analog cycle, its
// energy its circuits' power over the cycle (analog_mlp.hpp).
#pragma once

#include <systemc>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "analog_tile/analog_mlp.hpp"
#include "ledger/cost_ledger.hpp"

namespace mrampim {

class AnalogMlpTile : public sc_core::sc_module {
 public:
  sc_core::sc_signal<bool> input_applied{"input_applied"};
  sc_core::sc_signal<bool> settling{"settling"};
  sc_core::sc_signal<bool> output_valid{"output_valid"};
  sc_core::sc_signal<int> predicted{"predicted"};
  std::vector<std::unique_ptr<sc_core::sc_signal<double>>> output_mV;

  // `cell_tech`: the SOT technology whose write path programs the MTJs
  // (p.cell_technology, loaded by the caller). Throws std::invalid_argument
  // when it has none.
  AnalogMlpTile(sc_core::sc_module_name name, const AnalogTileParams& p, const Technology& cell_tech,
                CostLedger& ledger);

  const AnalogMlp& circuit() const { return circuit_; }
  const CostAccount& account() const { return account_; }

  // Writes the network's weights, starting at `start_ns`; returns the end.
  // Throws std::invalid_argument, changing nothing, for a network not of
  // the tile's shape or weights not +/-1.
  double program(const BinarizedMlp& net, double start_ns);
  // One inference starting at `start_ns` (the tile's cycles follow one
  // another: the caller starts the next at the returned end).
  double infer(const std::uint8_t* pixels, double start_ns, AnalogInference* out);
  std::uint64_t inferences() const { return inferences_; }

 private:
  struct Event {
    double at_ns;
    bool applied, settling, valid;
    int predicted;                 // -1: unchanged
    std::vector<double> output_V;  // empty: unchanged
  };
  void drive();  // SC_THREAD: the events in time order

  AnalogMlp circuit_;
  CostAccount& account_;
  std::deque<Event> events_;
  sc_core::sc_event event_added_;
  std::uint64_t inferences_ = 0;
};

}  // namespace mrampim
