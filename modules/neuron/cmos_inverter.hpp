// The neuron's CMOS inverter between +vdd and -vdd (analog-MLP facts sec.
// 3: two FinFETs of `fins` fins each). Each transistor follows the
// alpha-power law (Sakurai-Newton) with a smooth turn-on (its subthreshold
// swing), a smooth linear region and channel-length modulation, the last
// giving the inverter its finite gain:
//   V_ov = v_s ln(1 + exp((V_gs - V_th) / v_s)),  v_s = S alpha / ln 10
//   I_D  = K V_ov^alpha u (2 - u) (1 + lambda V_ds),  u = min(V_ds / V_dsat, 1),
//   V_dsat = kappa V_ov (velocity saturation: kappa < 1),
//   K set so one fin carries i_on at |V_gs| = |V_ds| = vdd.
// The n and p transistors are matched, so the switching voltage is 0.
//
// Owns: the parameters. Exposes: the currents at a bias point, the
// switching voltage, the small-signal gain there, the input capacitance,
// the on-current and the layout area. Costs: nothing itself (the neuron
// prices its static power and delay from these).
#pragma once

#include "analog_tile/analog_params.hpp"

namespace mrampim {

class CmosInverter {
 public:
  // Throws std::invalid_argument for vth >= vdd or parameters <= 0.
  explicit CmosInverter(const InverterParams& p);

  const InverterParams& params() const { return p_; }
  double vdd_V() const { return p_.vdd_V; }
  // The pull-down (n, source at -vdd) and pull-up (p, source at +vdd)
  // currents, A, with the input at v_in and the output at v_out (both
  // within the rails).
  double pull_down_A(double v_in, double v_out) const;
  double pull_up_A(double v_in, double v_out) const;
  // V_M: the input at which the inverter's output equals its input.
  double switching_voltage_V() const;
  // At V_M: the transconductance (both transistors', S), the output
  // conductance (both, S) and the unloaded gain, their ratio.
  double transconductance_S() const;
  double output_conductance_S() const;
  double gain() const { return transconductance_S() / output_conductance_S(); }
  // One transistor's current at |V_gs| = |V_ds| = 2 vdd (rail to rail): what charges a load.
  double on_current_A() const;
  // Both gates, F.
  double input_capacitance_F() const;
  // Two transistors of `fins` fins, each two gate pitches long (gate and a shared contact), um^2.
  double area_um2() const;

 private:
  double drain_A(double v_gs, double v_ds) const;  // one transistor, v_gs and v_ds of its own polarity

  InverterParams p_;
  double v_s_ = 0;  // smoothing voltage of the turn-on
  double k_ = 0;    // A / V^alpha
};

}  // namespace mrampim
