#include "neuron/cmos_inverter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mrampim {

CmosInverter::CmosInverter(const InverterParams& p) : p_(p) {
  if (!(p.vdd_V > 0 && p.vth_V > 0 && p.vth_V < p.vdd_V && p.i_on_uA_per_fin > 0 && p.alpha > 0 &&
        p.lambda_per_V >= 0 && p.subthreshold_mV_per_decade > 0 && p.fins > 0 && p.vdsat_over_vov > 0)) {
    throw std::invalid_argument("CmosInverter: parameters out of range");
  }
  v_s_ = p.subthreshold_mV_per_decade * 1e-3 * p.alpha / std::log(10.0);
  k_ = 1;
  // i_on per fin at |V_gs| = |V_ds| = vdd.
  k_ = p.fins * p.i_on_uA_per_fin * 1e-6 / drain_A(p.vdd_V, p.vdd_V);
}

double CmosInverter::drain_A(double v_gs, double v_ds) const {
  if (v_ds < 0) return -drain_A(v_gs - v_ds, -v_ds);  // source and drain swap
  const double x = (v_gs - p_.vth_V) / v_s_;
  const double v_ov = x > 40 ? v_s_ * x : v_s_ * std::log1p(std::exp(x));
  if (v_ov <= 0) return 0;
  // Below V_dsat the quadratic triode form, joining saturation with a zero
  // slope (C1); beyond it only channel-length modulation.
  const double v_dsat = p_.vdsat_over_vov * v_ov, u = std::min(v_ds / v_dsat, 1.0);
  return k_ * std::pow(v_ov, p_.alpha) * u * (2 - u) * (1 + p_.lambda_per_V * v_ds);
}

double CmosInverter::pull_down_A(double v_in, double v_out) const {
  return drain_A(v_in + p_.vdd_V, v_out + p_.vdd_V);
}

double CmosInverter::pull_up_A(double v_in, double v_out) const {
  return drain_A(p_.vdd_V - v_in, p_.vdd_V - v_out);
}

double CmosInverter::switching_voltage_V() const {
  // Pull-up minus pull-down falls as V rises: bisection.
  double lo = -p_.vdd_V, hi = p_.vdd_V;
  for (int i = 0; i < 80; ++i) {
    const double m = 0.5 * (lo + hi);
    (pull_up_A(m, m) > pull_down_A(m, m) ? lo : hi) = m;
  }
  return 0.5 * (lo + hi);
}

double CmosInverter::transconductance_S() const {
  const double vm = switching_voltage_V(), h = 1e-6;
  return (pull_down_A(vm + h, vm) - pull_down_A(vm - h, vm) - pull_up_A(vm + h, vm) + pull_up_A(vm - h, vm)) / (2 * h);
}

double CmosInverter::output_conductance_S() const {
  const double vm = switching_voltage_V(), h = 1e-6;
  return (pull_down_A(vm, vm + h) - pull_down_A(vm, vm - h) - pull_up_A(vm, vm + h) + pull_up_A(vm, vm - h)) / (2 * h);
}

double CmosInverter::on_current_A() const { return drain_A(2 * p_.vdd_V, 2 * p_.vdd_V); }

double CmosInverter::input_capacitance_F() const { return 2.0 * p_.fins * p_.c_gate_fF_per_fin * 1e-15; }

double CmosInverter::area_um2() const {
  return 2.0 * p_.fins * p_.fin_pitch_nm * 1e-3 * 2 * p_.gate_pitch_nm * 1e-3;
}

}  // namespace mrampim
