// The subarray's circuits around its cells -- lines, their drivers, the
// sense amplifiers, the decoders and the row-enable registers -- and the
// step prices they imply: the counted mode's prices (StepPrices::from). The
// published-formula mode keeps the technology's calibrated [step] prices.
//
// Owns: nothing (a view of a Technology).
// Exposes: each line's resistance, capacitance and charging time, each step
// kind's latency, and the energy of a touched cell, a driven line and a step.
// Costs: defines the counted prices; docs/technology.md, "Counted step
// prices", derives each term.
//
// Organisation: rows are lanes; a step applies one operation to every row a
// row-enable register enables. A column line runs over the R rows of each
// column the step touches; a word line over the C columns of each enabled
// row, raised when its row becomes enabled and kept up while it stays so.
//
// Current limit: all the enabled rows of a step draw their cells' current
// through the column line of each column it touches (a write: I_write per
// SOT cell, V_set / R_on per ReRAM SET; a NOR V_nor / (2 R_on); a read or
// search V_read / R_on). A step whose R rows would draw more than
// circuit.i_line_max_uA runs in n = ceil(R I / I_max) row groups, one after
// another (the controller sizes a step by the rows it may enable, not by
// how many a search found): its line charging and its cells' switching or
// sensing repeat n times, its decoding does not.
//
// Latency of a step: t_decode once (StepPrices::step_ns), then for each kind
// k it holds n_k (t_line + t_cell(k)) (a read-then-write step charges its
// read phase's lines and sensing, then its write phase's):
//   t_line  the slower line: 0.69 R_driver C_line + 0.38 R_wire C_line (a
//           driver charging a distributed RC line to half swing, Elmore);
//   t_cell  t_sense for reads and searches, the switching time for writes
//           and NORs.
// Energy:
//   a cell read or searched  V_read I_cell t_sense + V_dd I_sense t_sense
//                            (I_cell the mean of the two states' currents)
//   a cell written, SOT      I_write^2 (R_channel + R_access) t_switch
//   a cell written, ReRAM    V_set^2 / R_on t_switch (a SET: initialisation or data)
//   a NOR output, ReRAM      V_nor^2 / (2 R_on) t_switch (V0 over one
//                            low-resistance input and the output it switches)
//   a column line driven     C_col V^2: read and search V_read; SOT write the
//                            current pair at I_write (R_channel + R_access)
//                            and the gate line at Vb; ReRAM write V_set, NOR V_nor
//   a word line raised       C_row V_wl^2 (SOT: the access gate; ReRAM: V_dd)
//   a step                   e_decode (decoders, row-enable registers)
//
// Area: a cell is column_lines x row_lines metal pitches (a 1T-1R cell at
// least its access transistor's width, sized for the write current, plus a
// pitch, across); the periphery one driver per row and per column, one sense
// amplifier per row partition and the decoders.
//
// Line sharing (circuit.partition_cols; MicroProgram, "Line sharing"): a
// row's cells meet on its line, so per phase a partition senses one column
// and evaluates one MAGIC NOR. A step needing more runs as several phases,
// each paying its kind's t_line + t_cell (latency_ns) again; its decoding
// once. Writes follow their sensed values; constant writes take one phase.
#pragma once

#include "ledger/cost_ledger.hpp"
#include "tech/technology.hpp"

namespace mrampim {

class ArrayCircuit {
 public:
  explicit ArrayCircuit(const Technology& t) : t_(t) {}
  ArrayCircuit(Technology&&) = delete;  // it keeps a reference: the technology must outlive it

  // Lines: a column line crosses every row, a word line every column.
  double column_line_fF() const { return double(t_.array.rows) * t_.circuit.c_wire_fF; }
  double row_line_fF() const { return double(t_.array.cols) * t_.circuit.c_wire_fF; }
  double column_line_ohm() const { return double(t_.array.rows) * t_.circuit.r_wire_ohm; }
  double row_line_ohm() const { return double(t_.array.cols) * t_.circuit.r_wire_ohm; }
  // Time to charge a line through its driver to half swing, ns.
  double line_delay_ns(double r_line_ohm, double c_line_fF) const;
  // The slower of a step's lines.
  double step_line_delay_ns() const;

  // What a column line carries when every row's cell of it conducts, and
  // the row groups a step of the kind therefore takes.
  double cell_current_uA(StepKind k) const;
  double line_current_uA(StepKind k) const { return double(t_.array.rows) * cell_current_uA(k); }
  std::uint32_t sub_steps(StepKind k) const;

  double latency_ns(StepKind k) const;
  double cell_energy_fJ(StepKind k) const;
  double column_line_energy_fJ(StepKind k) const;
  double row_line_energy_fJ() const;
  double step_energy_pJ() const { return t_.circuit.e_decode_pJ; }

  // The SOT write current's drive voltage over channel and access transistor.
  double write_drive_V() const;

  // Layout: the cell's width across its column lines and height along them, nm.
  double access_width_nm() const;  // SOT: the write current over the drive per width; 0 for a crossbar
  double cell_width_nm() const;
  double cell_height_nm() const;
  double cell_area_um2() const { return cell_width_nm() * cell_height_nm() * 1e-6; }
  double periphery_area_um2() const;
  double subarray_area_um2() const;

  StepPrices prices() const;

 private:
  const Technology& t_;
};

}  // namespace mrampim
