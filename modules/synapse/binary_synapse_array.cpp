#include "synapse/binary_synapse_array.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "support/counter_gauss.hpp"

namespace mrampim {

BinarySynapseArray::BinarySynapseArray(const SynapseParams& p, const VariationParams& v, std::uint32_t inputs,
                                       std::uint32_t outputs, std::uint64_t stream)
    : p_(p), inputs_(inputs), outputs_(outputs) {
  if (inputs == 0 || outputs == 0) throw std::invalid_argument("BinarySynapseArray: no inputs or no outputs");
  if (p.rows_per_subarray == 0) throw std::invalid_argument("BinarySynapseArray: subarrays of 0 rows");
  spread_.resize(std::size_t(rows()) * outputs * 2);
  for (std::size_t d = 0; d < spread_.size(); ++d) {
    // Clamped at 0.05 (as MtjSwitching::draw_cell): no resistance turns zero or negative.
    spread_[d] = v.sigma_r > 0 ? float(std::max(0.05, 1 + v.sigma_r * counter_gauss(v.seed * 0x9e3779b97f4a7c15ull ^ stream ^ (d * 0xbf58476d1ce4e5b9ull)))) : 1.0f;
  }
}

void BinarySynapseArray::program(const std::vector<std::int8_t>& weights) {
  const std::size_t n = std::size_t(rows()) * outputs_;
  if (weights.size() != n) {
    throw std::invalid_argument("synapse array: " + std::to_string(weights.size()) + " weights for a " +
                                std::to_string(rows()) + " x " + std::to_string(outputs_) + " array (" +
                                std::to_string(n) + ", the bias row included)");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (weights[i] != 1 && weights[i] != -1) {
      throw std::invalid_argument("synapse array: weight " + std::to_string(i) + " is " + std::to_string(weights[i]) +
                                  " (binarized weights are +1 or -1)");
    }
  }
  // A first write sets every device; a rewrite switches the pairs that change.
  for (std::size_t i = 0; i < n; ++i) {
    if (weights_.empty() || weights_[i] != weights[i]) devices_written_ += 2;
  }
  weights_ = weights;
  g_pos_.resize(n);
  g_neg_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const bool plus = weights[i] > 0;
    g_pos_[i] = float(1 / ((plus ? p_.r_low_ohm : p_.r_high_ohm) * spread_[2 * i]));
    g_neg_[i] = float(1 / ((plus ? p_.r_high_ohm : p_.r_low_ohm) * spread_[2 * i + 1]));
  }
}

double BinarySynapseArray::line_settle_ns() const {
  // A segment's distributed RC line settles to 1% in about ln(100) times its Elmore delay R C / 2.
  const double n = std::min<double>(rows(), p_.rows_per_subarray);
  return std::log(100.0) * 0.5 * (n * p_.r_wire_ohm) * (n * p_.c_wire_fF * 1e-15) * 1e9;
}

double BinarySynapseArray::unit_current_A(double v) const { return v * (1 / p_.r_low_ohm - 1 / p_.r_high_ohm); }

double BinarySynapseArray::line_current(const float* g, std::size_t stride, const double* v, double* abs_current) const {
  // Each subarray's segment of the line ends at the summing node on its own.
  const std::size_t rows_total = rows(), seg = p_.rows_per_subarray;
  double sum = 0;
  for (std::size_t first = 0; first < rows_total; first += seg) {
    sum += segment_current(g + first * stride, stride, v + first, std::min(seg, rows_total - first), abs_current);
  }
  return sum;
}

double BinarySynapseArray::segment_current(const float* g, std::size_t stride, const double* v, std::size_t n,
                                           double* abs_current) const {
  if (p_.r_wire_ohm == 0) {
    double i = 0, a = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const double c = v[k] * g[k * stride];
      i += c;
      a += std::abs(c);
    }
    *abs_current += a;
    return i;
  }
  // Node k joins device k (to row voltage v[k]) and its neighbours through
  // r_wire; node n-1 reaches the amplifier's virtual ground through r_wire.
  // (g_k + G_{k-1,k} + G_{k,k+1}) u_k - G u_{k-1} - G u_{k+1} = g_k v_k.
  const double gw = 1 / p_.r_wire_ohm;
  diag_.resize(n);
  rhs_.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    diag_[k] = double(g[k * stride]) + (k > 0 ? gw : 0) + gw;  // the last node's second wire goes to ground
    rhs_[k] = double(g[k * stride]) * v[k];
  }
  // Thomas algorithm: off-diagonals all -gw.
  for (std::size_t k = 1; k < n; ++k) {
    const double m = -gw / diag_[k - 1];
    diag_[k] -= m * -gw;
    rhs_[k] -= m * rhs_[k - 1];
  }
  double u_next = rhs_[n - 1] / diag_[n - 1];
  const double to_amplifier = u_next * gw;
  double a = std::abs((v[n - 1] - u_next) * double(g[(n - 1) * stride]));
  for (std::size_t k = n - 1; k-- > 0;) {
    const double u = (rhs_[k] + gw * u_next) / diag_[k];
    a += std::abs((v[k] - u) * double(g[k * stride]));
    u_next = u;
  }
  *abs_current += a;
  return to_amplifier;
}

double BinarySynapseArray::evaluate(const double* v, double vdd, double* i_pos, double* i_neg) const {
  if (weights_.empty()) throw std::logic_error("synapse array: evaluated before it was programmed");
  double abs_current = 0;
  for (std::uint32_t c = 0; c < outputs_; ++c) {
    i_pos[c] = line_current(&g_pos_[c], outputs_, v, &abs_current);
    i_neg[c] = line_current(&g_neg_[c], outputs_, v, &abs_current);
  }
  return vdd * abs_current;
}

}  // namespace mrampim
