// Host IEEE 754 arithmetic on a format's bit patterns: the reference the
// in-memory results are checked against (by the tests, the testbenches and
// the host initiator). Independent of the micro-programs: it decodes to
// double, computes there and rounds once (fp_value.hpp). For Ne <= 9 and
// Nm <= 24 this is exact: a product of two (Nm + 1)-bit significands fits
// double's 53 bits, and a sum rounded first to 53 bits then to Nm + 1 bits is
// correctly rounded because 53 >= 2 (Nm + 1) + 2.
//
// NaN policy (the model's too, docs/floating-point.md): the result of an
// operation with a NaN operand is the first NaN operand, quieted; an invalid
// operation (inf - inf, 0 x inf) gives the default NaN, sign 1 and only the
// quiet bit set -- what x86-64 SSE does.
#pragma once

#include <cstdint>
#include <vector>

#include "compute/fp_format.hpp"
#include "compute/fp_value.hpp"

namespace mrampim {

inline std::uint64_t fp_host_default_nan(const FpFormat& f) {
  return f.sign_bit() | (std::uint64_t(f.max_exponent_field()) << f.nm) | f.quiet_bit();
}

inline std::uint64_t fp_host_add(const FpFormat& f, std::uint64_t a, std::uint64_t b) {
  if (f.is_nan(a)) return a | f.quiet_bit();
  if (f.is_nan(b)) return b | f.quiet_bit();
  if (f.is_inf(a) && f.is_inf(b) && f.sign(a) != f.sign(b)) return fp_host_default_nan(f);
  return fp_from_double(f, fp_to_double(f, a) + fp_to_double(f, b));
}

inline std::uint64_t fp_host_mul(const FpFormat& f, std::uint64_t a, std::uint64_t b) {
  if (f.is_nan(a)) return a | f.quiet_bit();
  if (f.is_nan(b)) return b | f.quiet_bit();
  if ((f.is_inf(a) && f.is_zero(b)) || (f.is_zero(a) && f.is_inf(b))) return fp_host_default_nan(f);
  return fp_from_double(f, fp_to_double(f, a) * fp_to_double(f, b));
}

// c + a x b, the product rounded first (the in-memory MAC is a multiply then an add).
inline std::uint64_t fp_host_mac(const FpFormat& f, std::uint64_t c, std::uint64_t a, std::uint64_t b) {
  return fp_host_add(f, c, fp_host_mul(f, a, b));
}

// The sum of a_i x b_i, each product rounded, summed pairwise as the
// accelerator's dot-product command does it (controller.hpp): while n > 1,
// with m = ceil(n / 2), x_i = x_i + x_{i+m} for i < n - m, then n = m.
inline std::uint64_t fp_host_dot(const FpFormat& f, const std::vector<std::uint64_t>& a,
                                 const std::vector<std::uint64_t>& b) {
  std::vector<std::uint64_t> x(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) x[i] = fp_host_mul(f, a[i], b[i]);
  for (std::size_t n = x.size(); n > 1;) {
    const std::size_t m = (n + 1) / 2;
    for (std::size_t i = 0; i + m < n; ++i) x[i] = fp_host_add(f, x[i], x[i + m]);
    n = m;
  }
  return x.empty() ? 0 : x[0];
}

}  // namespace mrampim
