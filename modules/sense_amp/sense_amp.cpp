#include "sense_amp/sense_amp.hpp"

#include <algorithm>

#include "device/reram_memristor.hpp"
#include "device/she_mtj.hpp"

namespace mrampim {

SenseAmp::SenseAmp(double r_bit0_ohm, double r_bit1_ohm, double v_read_V, double offset_uA, SenseCost read,
                   SenseCost search)
    : r0_(r_bit0_ohm),
      r1_(r_bit1_ohm),
      v_read_V_(v_read_V),
      offset_uA_(offset_uA),
      read_cost_(read),
      search_cost_(search) {}

SenseAmp SenseAmp::for_technology(const Technology& t) {
  const double v = t.cell.v_read_V, off = t.sense.offset_uA;
  const SenseCost read{t.step.t_read_ns, t.step.e_read_fJ}, search{t.step.t_search_ns, t.step.e_search_fJ};
  if (t.family == LogicFamily::SotStateful) {
    const SheMtj mtj(t.device);
    return SenseAmp(mtj.resistance_ohm(false), mtj.resistance_ohm(true), v, off, read, search);
  }
  const ReramMemristor mem(t.device);
  return SenseAmp(mem.resistance_ohm(false), mem.resistance_ohm(true), v, off, read, search);
}

bool SenseAmp::read(double i_cell_uA) const {
  // Bit 1 is whichever state draws less current when it is the high resistance.
  const bool low_current_bit = r1_ > r0_;
  return (i_cell_uA < reference_uA()) ? low_current_bit : !low_current_bit;
}

double SenseAmp::search_path_uA(bool key, double i_cell_uA) const {
  // A key equal to the high-resistance bit senses the cell directly (a match
  // is then a low current); the other key senses the mirror I0 + I1 - I, which
  // is low exactly when the cell holds the low-resistance bit.
  const bool high_r_bit = r1_ > r0_;
  if (key == high_r_bit) return i_cell_uA;
  return current_of_bit_uA(false) + current_of_bit_uA(true) - i_cell_uA;
}

double SenseAmp::margin_uA(double variation) const {
  const double r_low = std::min(r0_, r1_), r_high = std::max(r0_, r1_);
  const double i_low_state = current_uA(r_low * (1.0 + variation));   // weakest "high current"
  const double i_high_state = current_uA(r_high * (1.0 - variation)); // strongest "low current"
  const double ref = reference_uA();
  return std::min(i_low_state - ref, ref - i_high_state);
}

double SenseAmp::max_variation() const {
  // margin_uA falls monotonically with variation: bisect on [0, 1).
  if (!senses_reliably(0.0)) return 0.0;
  double lo = 0.0, hi = 0.999999;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (senses_reliably(mid) ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace mrampim
