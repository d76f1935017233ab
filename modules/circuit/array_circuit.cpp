#include "circuit/array_circuit.hpp"

#include <algorithm>
#include <cmath>

namespace mrampim {

namespace {

constexpr double kFemto = 1e-15, kNano = 1e-9, kMicro = 1e-6;

}  // namespace

double ArrayCircuit::line_delay_ns(double r_line_ohm, double c_line_fF) const {
  const double c = c_line_fF * kFemto;
  return (0.69 * t_.circuit.r_driver_ohm * c + 0.38 * r_line_ohm * c) / kNano;
}

double ArrayCircuit::step_line_delay_ns() const {
  return std::max(line_delay_ns(column_line_ohm(), column_line_fF()), line_delay_ns(row_line_ohm(), row_line_fF()));
}

double ArrayCircuit::cell_current_uA(StepKind k) const {
  const DeviceParams& d = t_.device;
  switch (k) {
    case StepKind::Read:
    case StepKind::Search: return t_.cell.v_read_V / d.r_on_ohm / kMicro;
    case StepKind::Write:
      return t_.family == LogicFamily::SotStateful ? d.i_write_uA : d.v_set_V / d.r_on_ohm / kMicro;
    case StepKind::Nor: return t_.family == LogicFamily::ReramNor ? d.v_nor_V / (2 * d.r_on_ohm) / kMicro : 0.0;
  }
  return 0.0;
}

std::uint32_t ArrayCircuit::sub_steps(StepKind k) const {
  // A group holds at least one row: the technology's check guarantees one
  // row's current fits a line, so n never exceeds the rows.
  const double n = std::ceil(line_current_uA(k) / t_.circuit.i_line_max_uA * (1 - 1e-12));
  return std::uint32_t(std::clamp(n, 1.0, double(t_.array.rows)));
}

double ArrayCircuit::latency_ns(StepKind k) const {
  const bool senses = k == StepKind::Read || k == StepKind::Search;
  const double cell = senses ? t_.circuit.t_sense_ns : t_.device.t_switch_ns;
  return double(sub_steps(k)) * (step_line_delay_ns() + cell);  // decoding: once per step (StepPrices::step_ns)
}

double ArrayCircuit::write_drive_V() const {
  return t_.device.i_write_uA * kMicro * (t_.device.r_channel_ohm + t_.cell.r_access_ohm);
}

double ArrayCircuit::cell_energy_fJ(StepKind k) const {
  const DeviceParams& d = t_.device;
  const double t_sense = t_.circuit.t_sense_ns * kNano, t_switch = d.t_switch_ns * kNano;
  switch (k) {
    case StepKind::Read:
    case StepKind::Search: {
      const double i_cell = 0.5 * (t_.cell.v_read_V / d.r_on_ohm + t_.cell.v_read_V / d.r_off_ohm);
      return (t_.cell.v_read_V * i_cell * t_sense + t_.circuit.v_dd_V * t_.circuit.i_sense_uA * kMicro * t_sense) / kFemto;
    }
    case StepKind::Write:
      if (t_.family == LogicFamily::SotStateful) {
        const double i = d.i_write_uA * kMicro;
        return i * i * (d.r_channel_ohm + t_.cell.r_access_ohm) * t_switch / kFemto;
      }
      return d.v_set_V * d.v_set_V / d.r_on_ohm * t_switch / kFemto;
    case StepKind::Nor:
      return t_.family == LogicFamily::ReramNor ? d.v_nor_V * d.v_nor_V / (2 * d.r_on_ohm) * t_switch / kFemto : 0.0;
  }
  return 0.0;
}

double ArrayCircuit::column_line_energy_fJ(StepKind k) const {
  const double c = column_line_fF();  // fF x V^2 = fJ
  const double v_read = t_.cell.v_read_V;
  switch (k) {
    case StepKind::Read:
    case StepKind::Search: return c * v_read * v_read * sub_steps(k);
    case StepKind::Write:
      if (t_.family == LogicFamily::SotStateful) {
        const double v = write_drive_V(), vb = t_.device.v_write_V;
        return c * (v * v + vb * vb) * sub_steps(k);  // the current's line pair, and the gate line at Vb
      }
      return c * t_.device.v_set_V * t_.device.v_set_V * sub_steps(k);
    case StepKind::Nor:
      return t_.family == LogicFamily::ReramNor ? c * t_.device.v_nor_V * t_.device.v_nor_V * sub_steps(k) : 0.0;
  }
  return 0.0;
}

double ArrayCircuit::row_line_energy_fJ() const {
  const double v = t_.family == LogicFamily::SotStateful ? t_.cell.v_wordline_V : t_.circuit.v_dd_V;
  return row_line_fF() * v * v;
}

double ArrayCircuit::access_width_nm() const {
  if (t_.family != LogicFamily::SotStateful) return 0.0;
  return t_.device.i_write_uA / t_.cell.i_drive_uA_per_um * 1e3;
}

double ArrayCircuit::cell_width_nm() const {
  const double pitch = t_.area.line_pitch_F * t_.area.feature_nm;
  const double lines = double(t_.cell.column_lines) * pitch;
  const double transistor = access_width_nm();
  return transistor > 0 ? std::max(lines, transistor + pitch) : lines;
}

double ArrayCircuit::cell_height_nm() const {
  return double(t_.cell.row_lines) * t_.area.line_pitch_F * t_.area.feature_nm;
}

double ArrayCircuit::periphery_area_um2() const {
  const AreaParams& a = t_.area;
  // A sense amplifier per row partition. The switches that cut a row's line
  // are not charged: in a 1T-1R array the cells' access transistors already
  // isolate them, and one transistor per partition is small beside its sense
  // amplifier.
  const double per_row = double(t_.circuit.row_partitions(t_.array.cols));
  return double(t_.array.rows + t_.array.cols) * a.driver_um2 + double(t_.array.rows) * per_row * a.sense_amp_um2 +
         a.decoder_um2;
}

double ArrayCircuit::subarray_area_um2() const {
  return double(t_.array.rows) * double(t_.array.cols) * cell_area_um2() + periphery_area_um2();
}

StepPrices ArrayCircuit::prices() const {
  StepPrices p;
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    const StepKind kind = StepKind(k);
    if (kind == StepKind::Nor && t_.family != LogicFamily::ReramNor) continue;  // no such step
    p.latency_ns[k] = latency_ns(kind);
    p.energy_fJ[k] = cell_energy_fJ(kind);
    p.column_line_fJ[k] = column_line_energy_fJ(kind);
    p.sub_steps[k] = sub_steps(kind);
  }
  p.row_line_fJ = row_line_energy_fJ();
  p.step_ns = t_.circuit.t_decode_ns;
  p.periphery_pJ = step_energy_pJ();
  p.command_pJ = t_.controller.e_command_pJ;
  return p;
}

}  // namespace mrampim
