// Stochastic switching of an MTJ free layer: the probability that a write
// pulse of current I and duration t switches a cell, the pulse a target
// error rate needs, and the pulse's energy (approximate-writes facts sec. 2).
//
// Owns: the switching parameters of one technology ([switching]).
// Exposes: error_rate(I, t, cell), pulse_for(I, ber, cell), the regimes'
// closed forms, and the per-cell variation draws (CellSpread).
// Costs: write_energy_fJ(I, t, R) = I^2 R t, the caller giving the path's
// resistance (an STT cell's MTJ; an SOT cell's channel and access
// transistor).
//
// Regimes, for a cell of critical current I_c0 and stability factor Delta:
//   thermal (I <= (1 - b) I_c0)       P_sw(t) = 1 - exp(-t / tau),
//                                    tau = tau0 exp(Delta (1 - I / I_c0)^n)
//                                    (Koch et al. 2004; n = thermal_exponent)
//   precessional (I >= (1 + b) I_c0)  P_sw(t) = exp(-(pi^2 Delta / 4) exp(-2 t / tau_D)),
//                                    tau_D = (1 + alpha^2) / (alpha gamma mu0 H_k) / (I / I_c0 - 1)
//                                    (Sun 2000/2004, thermal initial angle)
//   near I_c0 (within the band b = switching.near_band) neither holds: ln of
//   the error rate is interpolated linearly in I between the thermal form at
//   (1 - b) I_c0 and the precessional form at (1 + b) I_c0, for the same t.
//   Both ends fall with t, so the interpolation does too, and it joins both
//   forms continuously.
// The error rate is 1 - P_sw for a write that must switch; a cell already in
// the target state is not disturbed (its current pushes it where it is).
#pragma once

#include <cstdint>

#include "tech/technology.hpp"

namespace mrampim {

// One cell's parameters relative to the nominal ones (variation): factors
// on I_c0, Delta and the resistance.
struct CellSpread {
  double i_c0 = 1, delta = 1, resistance = 1;
};

class MtjSwitching {
 public:
  // Throws ConfigError-free std::invalid_argument for parameters that make
  // no physical sense (a technology file is validated when read).
  explicit MtjSwitching(const SwitchingParams& p);

  const SwitchingParams& params() const { return p_; }

  // Probability that a pulse fails to switch a cell that must switch.
  // Throws std::invalid_argument for a negative current or a pulse <= 0.
  double error_rate(double i_uA, double t_ns, const CellSpread& c = {}) const;
  // The shortest pulse at current i_uA whose error rate is at most `ber`
  // (0 < ber < 1). Throws std::invalid_argument when no pulse reaches it
  // (a current too low for the rate within 1 s).
  double pulse_for(double i_uA, double ber, const CellSpread& c = {}) const;

  // The closed forms, each on its own (for tests and plots).
  double thermal_error_rate(double i_uA, double t_ns, const CellSpread& c = {}) const;
  double precessional_error_rate(double i_uA, double t_ns, const CellSpread& c = {}) const;
  // tau_D of the precessional regime, ns (I > I_c0).
  double precession_time_ns(double i_uA, const CellSpread& c = {}) const;
  // The thermal regime's mean switching time tau, ns (I < I_c0).
  double thermal_time_ns(double i_uA, const CellSpread& c = {}) const;

  // Energy of one pulse through a path of resistance r_ohm, fJ.
  static double write_energy_fJ(double i_uA, double t_ns, double r_ohm);

  // A cell's spread, drawn once from the seed and the cell's address by a
  // counter-based hash: the same cell always gets the same draw, and no
  // cell's draw is stored (untouched cells cost no memory). Gaussian factors
  // 1 + sigma z on I_c0, Delta and R, clamped at 0.05 so no parameter
  // turns zero or negative.
  CellSpread draw_cell(std::uint64_t stream, std::uint64_t cell) const;

  // Monte Carlo of the switching process itself, one write: a thermal
  // switching time drawn from Exp(tau), or the precessional switching time
  // from a thermal initial angle (theta0^2 ~ Exp(Delta)); near I_c0 a
  // Bernoulli draw of the interpolated rate. `u` is a uniform in (0, 1).
  bool switches(double i_uA, double t_ns, double u, const CellSpread& c = {}) const;

 private:
  SwitchingParams p_;
};

}  // namespace mrampim
