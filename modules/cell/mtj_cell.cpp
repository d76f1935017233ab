#include "cell/mtj_cell.hpp"

namespace mrampim {

MtjCell::MtjCell(sc_core::sc_module_name name, const Technology& tech, CostAccount& account, bool initial)
    : sc_core::sc_module(name),
      wl("wl"),
      sl("sl"),
      rbl("rbl"),
      wbl("wbl"),
      i_mtj_uA("i_mtj_uA"),
      i_she_uA("i_she_uA"),
      state("state"),
      mtj_(tech.device),
      account_(account),
      v_wl_on_(0.5 * tech.cell.v_wordline_V),
      v_gate_(0.5 * tech.device.v_write_V),
      stored_(initial) {
  if (tech.family != LogicFamily::SotStateful) {
    throw ConfigError("MtjCell needs a sot-mram technology, not '" + tech.name + "' (" + tech.source + ")");
  }
  SC_HAS_PROCESS(MtjCell);
  // evaluate() is the only process writing the outputs; a completed pulse
  // re-triggers it through switched_.
  SC_METHOD(evaluate);
  sensitive << wl << sl << rbl << wbl << switched_;
  SC_METHOD(finish_pulse);
  sensitive << pulse_done_;
  dont_initialize();
}

void MtjCell::evaluate() {
  const bool on = wl.read() >= v_wl_on_;
  const double v_sl = sl.read(), v_rbl = rbl.read(), v_wbl = wbl.read();
  const double i_mtj = on ? (v_sl - v_rbl) / mtj_.resistance_ohm(stored_) * 1e6 : 0.0;
  const double i_she = on ? (v_wbl - v_sl) / mtj_.she_channel_ohm() * 1e6 : 0.0;
  i_mtj_uA.write(i_mtj);
  i_she_uA.write(i_she);
  state.write(stored_);

  // A read: access on, RBL biased negative, no channel current.
  const bool read_now = on && v_rbl < 0.0 && i_she == 0.0;
  if (read_now && !reading_) {
    account_.begin_step(Phase::Logic);
    account_.charge_step(Phase::Logic, StepKind::Read);
    account_.charge_cells(Phase::Logic, StepKind::Read, 1);
  }
  reading_ = read_now;

  // A write pulse: enough channel current, RBL not negatively biased. Its
  // energy is spent whether or not the cell is gated; a change of A or C while
  // the current flows starts a new pulse (and is charged as one).
  const bool a = v_rbl >= v_gate_;
  const bool c = i_she > 0.0;
  const bool pulse_now = on && v_rbl >= 0.0 && mtj_.switches(true, i_she);
  if (!pulse_now) held_ = false;
  // A new pulse: none running or held, or the drive (A or C) changed under a
  // running or held one -- reversing the current on a held cell writes again.
  const bool new_drive = !(pulsing_ || held_) || a != pulse_a_ || c != pulse_c_;
  if (pulse_now && new_drive) {
    pulse_a_ = a;
    pulse_c_ = c;
    held_ = false;
    pulse_done_.cancel();
    pulse_done_.notify(sc_core::sc_time(mtj_.params().t_switch_ns, sc_core::SC_NS));
    account_.begin_step(Phase::Logic);
    account_.charge_step(Phase::Logic, StepKind::Write);
    account_.charge_cells(Phase::Logic, StepKind::Write, 1);
    pulsing_ = true;
  } else if (!pulse_now && pulsing_) {
    pulse_done_.cancel();  // released before the switching time: nothing switches
    pulsing_ = false;
  }
}

void MtjCell::finish_pulse() {
  if (!pulsing_) return;
  const bool next = SheMtj::next_state(pulse_a_, stored_, pulse_c_);
  if (next != stored_) ++switches_;
  stored_ = next;
  // One pulse, one switching event: holding the same drive longer changes
  // nothing. The next pulse starts when the drive is released and applied
  // again, or when A or C changes under it.
  held_ = true;
  pulsing_ = false;
  switched_.notify(sc_core::SC_ZERO_TIME);
}

void MtjCellWires::connect(MtjCell& cell) {
  cell.wl(wl);
  cell.sl(sl);
  cell.rbl(rbl);
  cell.wbl(wbl);
  cell.i_mtj_uA(i_mtj_uA);
  cell.i_she_uA(i_she_uA);
  cell.state(state);
}

void MtjCellWires::trace(sc_core::sc_trace_file* tf) const {
  for (const auto* v : {&wl, &sl, &rbl, &wbl, &i_mtj_uA, &i_she_uA}) sc_core::sc_trace(tf, *v, v->basename());
  sc_core::sc_trace(tf, state, state.basename());
}

}  // namespace mrampim
