#include "device/approximate_writes.hpp"

#include <stdexcept>

namespace mrampim {

ApproximateWrites::ApproximateWrites(const MtjSwitching& switching, double r_p_ohm, double r_ap_ohm,
                                     std::vector<WritePulse> pulses, std::uint64_t seed, bool variation,
                                     bool read_before_write)
    : switching_(switching),
      r_p_ohm_(r_p_ohm),
      r_ap_ohm_(r_ap_ohm),
      pulses_(std::move(pulses)),
      variation_(variation),
      read_before_write_(read_before_write),
      rng_{seed * 0x9e3779b97f4a7c15ull ^ 0x6a09e667f3bcc909ull} {
  if (pulses_.empty() || pulses_.size() > 64) throw std::invalid_argument("a word holds 1 to 64 bits");
  for (std::size_t i = 0; i < pulses_.size(); ++i) {
    if (!(pulses_[i].i_uA >= 0) || !(pulses_[i].t_ns > 0)) {
      throw std::invalid_argument("bit " + std::to_string(i) + "'s write pulse (" + std::to_string(pulses_[i].i_uA) +
                                  " uA, " + std::to_string(pulses_[i].t_ns) +
                                  " ns) needs a current of at least 0 and a duration above 0");
    }
  }
  // An SOT cell's write current passes its channel, not the MTJ: one resistance for both states.
  if (!(r_p_ohm > 0) || !(r_ap_ohm >= r_p_ohm)) throw std::invalid_argument("the write path needs R_AP >= R_P > 0");
}

double ApproximateWrites::uniform() { return (double(rng_.next() >> 11) + 0.5) * 0x1.0p-53; }  // (0, 1)

double ApproximateWrites::error_rate(std::uint64_t addr, unsigned bit) const {
  const WritePulse& p = pulses_.at(bit);
  const CellSpread c = variation_ ? switching_.draw_cell(addr, bit) : CellSpread{};
  return switching_.error_rate(p.i_uA, p.t_ns, c);
}

const ApproximateWrites::Cell& ApproximateWrites::cell(std::uint64_t addr, unsigned bit) {
  const std::size_t at = std::size_t(addr) * pulses_.size() + bit;
  if (at >= cells_.size()) cells_.resize(at + 1);
  Cell& c = cells_[at];
  if (c.error_rate < 0) {
    const CellSpread s = variation_ ? switching_.draw_cell(addr, bit) : CellSpread{};
    c.error_rate = switching_.error_rate(pulses_[bit].i_uA, pulses_[bit].t_ns, s);
    c.resistance = s.resistance;
  }
  return c;
}

std::uint64_t ApproximateWrites::write(std::uint64_t addr, std::uint64_t old, std::uint64_t value) {
  ++counts_.words;
  std::uint64_t stored = old;
  const std::uint64_t word = pulses_.size() == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << pulses_.size()) - 1;
  // The bits pulsed, lowest first: only those that change when the old
  // word is read first, else every bit of the word.
  for (std::uint64_t todo = read_before_write_ ? (old ^ value) & word : word; todo != 0; todo &= todo - 1) {
    const unsigned bit = unsigned(__builtin_ctzll(todo));
    const bool from = (old >> bit) & 1u, to = (value >> bit) & 1u;
    const WritePulse& p = pulses_[bit];
    const Cell& c = cell(addr, bit);
    ++counts_.pulsed;
    counts_.energy_fJ += MtjSwitching::write_energy_fJ(p.i_uA, p.t_ns, (from ? r_ap_ohm_ : r_p_ohm_) * c.resistance);
    if (from == to) continue;  // pushed toward the state it holds: not disturbed
    ++counts_.attempted;
    if (uniform() >= c.error_rate) {
      stored ^= std::uint64_t{1} << bit;
    } else {
      ++counts_.failed;
    }
  }
  return stored;
}

WritePulse ApproximateWrites::safe_pulse(const MtjSwitching& switching, double i_uA, double ber, double k) {
  const SwitchingParams& p = switching.params();
  const CellSpread hard{1 + k * p.sigma_i_c0, 1 + k * p.sigma_delta, 1};
  return WritePulse{i_uA, switching.pulse_for(i_uA, ber, hard)};
}

}  // namespace mrampim
