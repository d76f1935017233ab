// The analog sigmoidal neuron (analog-MLP facts sec. 3): a parallel-state
// MTJ (r_in) from the layer's amplifier output V_x to the inverter's input
// node, an antiparallel-state MTJ (r_feedback) from the inverter's output
// back to that node. With a high-gain inverter it is an inverting amplifier
// of gain r_feedback / r_in clipped at the rails: a decreasing sigmoid. The
// SOT write path only programs the two devices (their resistances set the
// slope); the inference current flows through the MTJs.
//
// The operating point solves Kirchhoff's current law exactly (no fitted
// curve): the input node takes no gate current, so
//   V_n = (V_x r_f + V_out r_in) / (r_in + r_f),
// and at the output node the inverter's pull-up less its pull-down equals
// the current into the feedback MTJ, (V_out - V_n) / r_f. That difference
// falls monotonically with V_out, so bisection over the rails finds it.
// Closed-loop centre slope, with the inverter's transconductance g_m and
// output conductance g_ds at V_M and a = r_f / (r_in + r_f), b = 1 - a:
//   dV_out/dV_x = -a (g_m - 1/r_f) / (b g_m + g_ds + a / r_f)
// (centre_slope_formula()); -r_f / r_in as g_m grows.
//
// Owns: the inverter and the two resistances (each drawn with the tile's
// variation by the caller). Exposes: the operating point at an input, the
// transfer curve's centre, slope and logistic scale, the static power, the
// delay and the area. Costs: static power (rails: the inverter's crowbar
// current; the input MTJ's current, delivered by the amplifier from a rail)
// and delay (the input node's RC and the output swing's charge).
#pragma once

#include "neuron/cmos_inverter.hpp"

namespace mrampim {

struct NeuronPoint {
  double v_out_V = 0;
  double v_node_V = 0;   // the inverter's input
  double power_W = 0;    // static, at this input
};

class SotSigmoidNeuron {
 public:
  // Throws std::invalid_argument for resistances <= 0 or r_feedback <= r_in.
  SotSigmoidNeuron(const CmosInverter& inverter, double r_in_ohm, double r_feedback_ohm);

  // V_x within the rails (the amplifier's output cannot leave them).
  // Throws std::invalid_argument otherwise.
  NeuronPoint solve(double v_x) const;
  double output_V(double v_x) const { return solve(v_x).v_out_V; }

  double r_in_ohm() const { return r_in_; }
  double r_feedback_ohm() const { return r_f_; }
  double ratio() const { return r_f_ / r_in_; }
  // The input at which the output equals the inverter's switching voltage:
  // the transfer curve's centre.
  double centre_V() const;
  // dV_out/dV_x there (numeric), and the closed-loop formula's value.
  double centre_slope() const;
  double centre_slope_formula() const;
  // The scale s of the logistic with the same centre slope and rails:
  // V_out = -vdd + 2 vdd / (1 + exp((V_x - centre) / s)), s = vdd / (2 |slope|).
  double logistic_scale_V() const;
  // Time for the output to settle after a step at the input: the input
  // node's RC to 1% (r_in || r_f over the inverter's gates) and the output swing
  // (2 vdd over the on-current, into the inverter's own and its load's
  // capacitance), ns. `load_F`: what the output drives.
  double delay_ns(double load_F) const;
  double area_um2() const { return inverter_.area_um2(); }  // the MTJs sit above the transistors
  const CmosInverter& inverter() const { return inverter_; }

 private:
  const CmosInverter& inverter_;
  double r_in_, r_f_;
};

}  // namespace mrampim
