#include "device/mtj_switching.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "support/splitmix64.hpp"

namespace mrampim {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kGamma = 1.76e11;  // gyromagnetic ratio of the electron, rad / (s T)

void check_pulse(double i_uA, double t_ns) {
  if (!(i_uA >= 0)) throw std::invalid_argument("write current " + std::to_string(i_uA) + " uA is negative");
  if (!(t_ns > 0)) throw std::invalid_argument("write pulse " + std::to_string(t_ns) + " ns is not positive");
}

// A well-mixed 64-bit hash of a 64-bit key: SplitMix64's first output from it.
std::uint64_t mix(std::uint64_t z) { return SplitMix64{z}.next(); }

double unit(std::uint64_t h) { return (double(h >> 11) + 0.5) * 0x1.0p-53; }  // (0, 1)

}  // namespace

MtjSwitching::MtjSwitching(const SwitchingParams& p) : p_(p) {
  if (!(p.delta > 0) || !(p.i_c0_uA > 0) || !(p.alpha > 0) || !(p.mu0_hk_T > 0) || !(p.tau0_ns > 0) ||
      !(p.thermal_exponent > 0) || !(p.near_band >= 0 && p.near_band < 1)) {
    throw std::invalid_argument("switching parameters: Delta, I_c0, alpha, mu0 H_k, tau0 and the thermal exponent "
                                "must be positive and the band around I_c0 in [0, 1)");
  }
}

double MtjSwitching::thermal_time_ns(double i_uA, const CellSpread& c) const {
  const double x = i_uA / (p_.i_c0_uA * c.i_c0);
  if (x > 1) throw std::invalid_argument("the thermal regime holds below the critical current");
  return p_.tau0_ns * std::exp(p_.delta * c.delta * std::pow(1 - x, p_.thermal_exponent));
}

double MtjSwitching::precession_time_ns(double i_uA, const CellSpread& c) const {
  const double x = i_uA / (p_.i_c0_uA * c.i_c0);
  if (x <= 1) throw std::invalid_argument("the precessional regime holds above the critical current");
  const double t0_s = (1 + p_.alpha * p_.alpha) / (p_.alpha * kGamma * p_.mu0_hk_T);
  return t0_s * 1e9 / (x - 1);
}

// ln of each form's error rate: computed in the log domain so deep rates
// (1e-300 and below) neither underflow nor break the interpolation.
namespace {
double ln_thermal(double t_ns, double tau_ns) { return -t_ns / tau_ns; }
double ln_precessional(double t_ns, double tau_d_ns, double delta) {
  // ln s with s = (pi^2 Delta / 4) exp(-2 t / tau_D), kept in the log domain:
  // for small s, ln(1 - exp(-s)) = ln s - s / 2 + ..., so ln s itself once s
  // is below e^-30 (where the next term is under 1e-13).
  const double ln_s = std::log(kPi * kPi * delta / 4) - 2 * t_ns / tau_d_ns;
  if (ln_s < -30) return ln_s - std::exp(ln_s) / 2;
  return std::log(-std::expm1(-std::exp(ln_s)));  // ln(1 - exp(-s))
}
}  // namespace

double MtjSwitching::thermal_error_rate(double i_uA, double t_ns, const CellSpread& c) const {
  check_pulse(i_uA, t_ns);
  return std::exp(ln_thermal(t_ns, thermal_time_ns(i_uA, c)));
}

double MtjSwitching::precessional_error_rate(double i_uA, double t_ns, const CellSpread& c) const {
  check_pulse(i_uA, t_ns);
  return std::exp(ln_precessional(t_ns, precession_time_ns(i_uA, c), p_.delta * c.delta));
}

double MtjSwitching::error_rate(double i_uA, double t_ns, const CellSpread& c) const {
  check_pulse(i_uA, t_ns);
  const double ic = p_.i_c0_uA * c.i_c0, delta = p_.delta * c.delta, b = p_.near_band;
  const double x = i_uA / ic;
  if (x <= 1 - b || (b == 0 && x <= 1)) return std::exp(ln_thermal(t_ns, thermal_time_ns(i_uA, c)));
  if (x >= 1 + b) return std::exp(ln_precessional(t_ns, precession_time_ns(i_uA, c), delta));
  const double w = (x - (1 - b)) / (2 * b);
  const double lo = ln_thermal(t_ns, thermal_time_ns((1 - b) * ic, c));
  const double hi = ln_precessional(t_ns, precession_time_ns((1 + b) * ic, c), delta);
  return std::exp((1 - w) * lo + w * hi);
}

double MtjSwitching::pulse_for(double i_uA, double ber, const CellSpread& c) const {
  if (!(ber > 0 && ber < 1)) throw std::invalid_argument("a target error rate must lie in (0, 1)");
  if (!(i_uA > 0)) throw std::invalid_argument("write current " + std::to_string(i_uA) + " uA is not positive");
  const double x = i_uA / (p_.i_c0_uA * c.i_c0), b = p_.near_band;
  auto within_a_second = [&](double t) {
    if (!(t <= 1e9)) {
      throw std::invalid_argument("no pulse up to 1 s reaches an error rate of " + std::to_string(ber) + " at " +
                                  std::to_string(i_uA) + " uA");
    }
    return t;
  };
  if (x <= 1 - b || (b == 0 && x <= 1)) return within_a_second(thermal_time_ns(i_uA, c) * -std::log(ber));
  if (x >= 1 + b) {
    const double a = kPi * kPi * p_.delta * c.delta / 4;
    return std::max(0.0, precession_time_ns(i_uA, c) / 2 * std::log(a / -std::log1p(-ber)));
  }
  // Near I_c0: the interpolated rate falls with t; bisect in log time.
  double lo = 1e-6, hi = 1e9;  // ns: a femtosecond to a second
  if (error_rate(i_uA, hi, c) > ber) {
    throw std::invalid_argument("no pulse up to 1 s reaches an error rate of " + std::to_string(ber) + " at " +
                                std::to_string(i_uA) + " uA");
  }
  if (error_rate(i_uA, lo, c) <= ber) return lo;
  for (int i = 0; i < 200; ++i) {
    const double mid = std::sqrt(lo * hi);
    (error_rate(i_uA, mid, c) > ber ? lo : hi) = mid;
  }
  return hi;
}

double MtjSwitching::write_energy_fJ(double i_uA, double t_ns, double r_ohm) {
  check_pulse(i_uA, t_ns);
  return i_uA * i_uA * r_ohm * t_ns * 1e-6;  // (uA)^2 ohm ns = 1e-21 J = 1e-6 fJ
}

CellSpread MtjSwitching::draw_cell(std::uint64_t stream, std::uint64_t cell) const {
  const std::uint64_t key = mix(mix(std::uint64_t(p_.cell_seed) ^ mix(stream)) ^ cell);
  auto gauss = [&](std::uint64_t k) {  // Box-Muller from two hashed uniforms
    const double u1 = unit(mix(key ^ (2 * k + 1))), u2 = unit(mix(key ^ (2 * k + 2)));
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * kPi * u2);
  };
  auto factor = [](double sigma, double z) { return std::max(0.05, 1 + sigma * z); };
  CellSpread c;
  c.i_c0 = factor(p_.sigma_i_c0, gauss(0));
  c.delta = factor(p_.sigma_delta, gauss(1));
  c.resistance = factor(p_.sigma_r, gauss(2));
  return c;
}

bool MtjSwitching::switches(double i_uA, double t_ns, double u, const CellSpread& c) const {
  check_pulse(i_uA, t_ns);
  const double x = i_uA / (p_.i_c0_uA * c.i_c0), b = p_.near_band;
  if (x <= 1 - b || (b == 0 && x <= 1)) return -thermal_time_ns(i_uA, c) * std::log(u) < t_ns;
  if (x >= 1 + b) {
    const double theta0_sq = -std::log(u) / (p_.delta * c.delta);  // thermal initial angle, theta0^2 ~ Exp(Delta)
    if (theta0_sq >= kPi * kPi / 4) return true;
    return precession_time_ns(i_uA, c) / 2 * std::log(kPi * kPi / (4 * theta0_sq)) < t_ns;
  }
  return u >= error_rate(i_uA, t_ns, c);
}

}  // namespace mrampim
