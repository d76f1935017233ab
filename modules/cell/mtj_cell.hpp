// The paper's 1T-1R SOT-MRAM cell as a SystemC module (paper sec. 3.1; facts
// sec. 1). Four terminals are voltages driven by the periphery:
//   WL  access transistor gate (on at about 0.7 V)
//   SL  source line, shared by the read and the write path
//   RBL read bit line on the MTJ's free side: a small negative bias during a
//       read (raising the switching threshold so reads do not disturb), Vb or
//       0 during a write (the gating input A)
//   WBL write bit line: WBL - SL drives the spin-Hall channel current whose
//       sign is the direction C
// A read is the current from SL to RBL through the MTJ. A write holds a
// channel current of at least Iwrite for the switching time; at its end the
// cell takes SheMtj::next_state(A, B, C). A shorter pulse switches nothing.
//
// The terminals are analog voltages but the cell decides digitally, with two
// thresholds (a modelling choice, not a published figure): the access
// transistor conducts when WL is at least half of cell.v_wordline_V, and the
// cell is gated (A = 1) when RBL is at least half of device.v_write_V.
//
// Each read and each write pulse charges one step and one cell to the cell's
// ledger account, priced by the counted step prices (a written cell's price
// contains its switching energy I^2 R_channel t; circuit/array_circuit.hpp).
// A lone cell drives no array lines, so none are counted. switch_events()
// counts the pulses that flipped the cell, for inspection.
#pragma once

#include <systemc>

#include <string>

#include "device/she_mtj.hpp"
#include "ledger/cost_ledger.hpp"
#include "tech/technology.hpp"

namespace mrampim {

class MtjCell : public sc_core::sc_module {
 public:
  sc_core::sc_in<double> wl;    // V
  sc_core::sc_in<double> sl;    // V
  sc_core::sc_in<double> rbl;   // V
  sc_core::sc_in<double> wbl;   // V
  sc_core::sc_out<double> i_mtj_uA;  // read path: SL -> RBL through the MTJ
  sc_core::sc_out<double> i_she_uA;  // write path: WBL -> SL through the spin-Hall channel
  sc_core::sc_out<bool> state;       // stored bit: 1 = antiparallel (high resistance)

  MtjCell(sc_core::sc_module_name name, const Technology& tech, CostAccount& account, bool initial = false);

  bool stored() const { return stored_; }
  const SheMtj& device() const { return mtj_; }
  std::uint64_t switch_events() const { return switches_; }

 private:
  void evaluate();
  void finish_pulse();

  SheMtj mtj_;
  CostAccount& account_;
  double v_wl_on_, v_gate_;
  bool stored_;
  bool reading_ = false;
  bool pulsing_ = false;   // a qualifying pulse is running
  bool held_ = false;      // a finished pulse's drive is still applied
  bool pulse_a_ = false, pulse_c_ = false;
  std::uint64_t switches_ = 0;
  sc_core::sc_event pulse_done_;
  sc_core::sc_event switched_;
};

// The seven signals a cell's terminals connect to, named like its ports:
// a bench or a column driver binds a cell with one call and traces it with
// another.
// Several cells in one module take a prefix each ("c0_wl", "c1_wl", ...).
struct MtjCellWires {
  explicit MtjCellWires(const std::string& prefix = "")
      : wl((prefix + "wl").c_str()),
        sl((prefix + "sl").c_str()),
        rbl((prefix + "rbl").c_str()),
        wbl((prefix + "wbl").c_str()),
        i_mtj_uA((prefix + "i_mtj_uA").c_str()),
        i_she_uA((prefix + "i_she_uA").c_str()),
        state((prefix + "state").c_str()) {}

  sc_core::sc_signal<double> wl, sl, rbl, wbl;
  sc_core::sc_signal<double> i_mtj_uA, i_she_uA;
  sc_core::sc_signal<bool> state;

  void connect(MtjCell& cell);
  void trace(sc_core::sc_trace_file* tf) const;
};

}  // namespace mrampim
