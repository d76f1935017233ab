#include "neuron/sot_sigmoid_neuron.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace mrampim {

SotSigmoidNeuron::SotSigmoidNeuron(const CmosInverter& inverter, double r_in_ohm, double r_feedback_ohm)
    : inverter_(inverter), r_in_(r_in_ohm), r_f_(r_feedback_ohm) {
  if (!(r_in_ohm > 0 && r_feedback_ohm > r_in_ohm)) {
    throw std::invalid_argument("SotSigmoidNeuron: the feedback MTJ must exceed the input MTJ (ratio > 1), both positive");
  }
}

NeuronPoint SotSigmoidNeuron::solve(double v_x) const {
  const double vdd = inverter_.vdd_V();
  if (!(std::abs(v_x) <= vdd)) {
    throw std::invalid_argument("SotSigmoidNeuron: input " + std::to_string(v_x) + " V outside the rails +/-" +
                                std::to_string(vdd) + " V");
  }
  const double a = r_f_ / (r_in_ + r_f_), b = r_in_ / (r_in_ + r_f_);
  auto node = [&](double v_out) { return a * v_x + b * v_out; };
  // Net current into the output node: falls with v_out.
  auto net = [&](double v_out) {
    const double vn = node(v_out);
    return inverter_.pull_up_A(vn, v_out) - inverter_.pull_down_A(vn, v_out) - (v_out - vn) / r_f_;
  };
  double lo = -vdd, hi = vdd;
  for (int i = 0; i < 64; ++i) {
    const double m = 0.5 * (lo + hi);
    (net(m) > 0 ? lo : hi) = m;
  }
  NeuronPoint p;
  p.v_out_V = 0.5 * (lo + hi);
  p.v_node_V = node(p.v_out_V);
  // The rails deliver the inverter's currents (+vdd the pull-up's, -vdd
  // absorbs the pull-down's); the amplifier delivers the input MTJ's from a rail.
  const double i_in = (v_x - p.v_node_V) / r_in_;
  p.power_W = vdd * (inverter_.pull_up_A(p.v_node_V, p.v_out_V) + inverter_.pull_down_A(p.v_node_V, p.v_out_V)) +
              vdd * std::abs(i_in);
  return p;
}

double SotSigmoidNeuron::centre_V() const {
  // The output falls with the input: bisection for V_out = V_M.
  const double vm = inverter_.switching_voltage_V(), vdd = inverter_.vdd_V();
  double lo = -vdd, hi = vdd;
  for (int i = 0; i < 64; ++i) {
    const double m = 0.5 * (lo + hi);
    (output_V(m) > vm ? lo : hi) = m;
  }
  return 0.5 * (lo + hi);
}

double SotSigmoidNeuron::centre_slope() const {
  const double c = centre_V(), h = 1e-5;
  return (output_V(c + h) - output_V(c - h)) / (2 * h);
}

double SotSigmoidNeuron::centre_slope_formula() const {
  // Small signal at V_M: the node divides as a = r_f / (r_in + r_f), b = 1 - a;
  // at the output, -g_m v_n - g_ds v_out - (v_out - v_n) / r_f = 0.
  const double gm = inverter_.transconductance_S(), gds = inverter_.output_conductance_S(), gf = 1 / r_f_;
  const double a = r_f_ / (r_in_ + r_f_), b = 1 - a;
  return -a * (gm - gf) / (b * gm + gds + a * gf);
}

double SotSigmoidNeuron::logistic_scale_V() const { return inverter_.vdd_V() / (2 * std::abs(centre_slope())); }

double SotSigmoidNeuron::delay_ns(double load_F) const {
  const double c_in = inverter_.input_capacitance_F();
  const double r_node = r_in_ * r_f_ / (r_in_ + r_f_);
  const double swing = 2 * inverter_.vdd_V() * (c_in + load_F) / inverter_.on_current_A();
  // The input node settles to 1% (ln 100 time constants), as the tile's lines do.
  return (std::log(100.0) * r_node * c_in + swing) * 1e9;
}

}  // namespace mrampim
