// The host reference for the in-memory floating point: independent of the
// model, it decodes operands to double, computes there and rounds once to the
// format (round to nearest, ties to even, with subnormals and overflow to
// infinity). For Ne <= 9 and Nm <= 24 this is exact: a product of two
// (Nm + 1)-bit significands fits double's 53 bits, and a sum rounded first to
// 53 bits then to Nm + 1 bits is correctly rounded because 53 >= 2 (Nm + 1) + 2.
//
// NaN policy (the model's too, docs/floating-point.md): the result of an
// operation with a NaN operand is the first NaN operand, quieted; an invalid
// operation (inf - inf, 0 x inf) gives the default NaN, sign 1 and only the
// quiet bit set -- what x86-64 SSE does, so on such a host fp32 can also be
// checked against native float arithmetic bit for bit.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "compute/fp_format.hpp"

namespace mrampim::test {

inline double fp_decode(const FpFormat& f, std::uint64_t bits) {
  const double sign = f.sign(bits) ? -1.0 : 1.0;
  const std::uint32_t e = f.exponent_field(bits);
  const std::uint64_t frac = f.fraction(bits);
  if (e == f.max_exponent_field()) return frac ? std::nan("") : sign * INFINITY;
  if (e == 0) return sign * std::ldexp(double(frac), 1 - f.bias() - f.nm);
  return sign * std::ldexp(double(frac | (std::uint64_t{1} << f.nm)), int(e) - f.bias() - f.nm);
}

// Rounds a finite or infinite double (not NaN) to the format, ties to even.
inline std::uint64_t fp_round(const FpFormat& f, double v) {
  const std::uint64_t sign = std::signbit(v) ? f.sign_bit() : 0;
  const std::uint64_t inf = sign | (std::uint64_t(f.max_exponent_field()) << f.nm);
  double a = std::fabs(v);
  if (std::isinf(a)) return inf;
  if (a == 0) return sign;
  // a = m * 2^q exactly, m a 53-bit integer.
  int e2 = 0;
  const double fr = std::frexp(a, &e2);  // a = fr * 2^e2, fr in [0.5, 1)
  const std::uint64_t m = std::uint64_t(std::ldexp(fr, 53));
  const int q = e2 - 53;
  // The format's quantum at this magnitude: 2^(max(e, emin) - nm), e = e2 - 1.
  const int emin = 1 - f.bias();
  const int qe = std::max(e2 - 1, emin) - f.nm;
  std::uint64_t n = 0;
  if (qe <= q) {
    n = m << (q - qe);  // only when the value is a multiple of the quantum: exact
  } else {
    const int s = qe - q;
    if (s > 54) {
      n = 0;  // far below half the smallest quantum: rounds to zero
    } else {
      const std::uint64_t kept = s >= 64 ? 0 : m >> s;
      const std::uint64_t rest = m & ((std::uint64_t{1} << s) - 1);
      const std::uint64_t half = std::uint64_t{1} << (s - 1);
      n = kept + ((rest > half || (rest == half && (kept & 1))) ? 1 : 0);
    }
  }
  int qn = qe;
  if (n >> (f.nm + 1)) {  // rounding carried to a new binade
    n >>= 1;
    ++qn;
  }
  if (n == 0) return sign;
  if (n < (std::uint64_t{1} << f.nm)) return sign | n;  // subnormal: exponent field 0
  const std::int64_t field = std::int64_t(qn) + f.nm + f.bias();
  if (field >= std::int64_t(f.max_exponent_field())) return inf;
  return sign | (std::uint64_t(field) << f.nm) | (n & f.fraction_mask());
}

inline std::uint64_t fp_quiet(const FpFormat& f, std::uint64_t nan) { return nan | f.quiet_bit(); }
inline std::uint64_t fp_default_nan(const FpFormat& f) {
  return f.sign_bit() | (std::uint64_t(f.max_exponent_field()) << f.nm) | f.quiet_bit();
}

inline std::uint64_t fp_add(const FpFormat& f, std::uint64_t a, std::uint64_t b) {
  if (f.is_nan(a)) return fp_quiet(f, a);
  if (f.is_nan(b)) return fp_quiet(f, b);
  if (f.is_inf(a) && f.is_inf(b) && f.sign(a) != f.sign(b)) return fp_default_nan(f);
  return fp_round(f, fp_decode(f, a) + fp_decode(f, b));
}

inline std::uint64_t fp_mul(const FpFormat& f, std::uint64_t a, std::uint64_t b) {
  if (f.is_nan(a)) return fp_quiet(f, a);
  if (f.is_nan(b)) return fp_quiet(f, b);
  if ((f.is_inf(a) && f.is_zero(b)) || (f.is_zero(a) && f.is_inf(b))) return fp_default_nan(f);
  return fp_round(f, fp_decode(f, a) * fp_decode(f, b));
}

// c + a x b, the product rounded first (the in-memory MAC is a multiply then an add).
inline std::uint64_t fp_mac(const FpFormat& f, std::uint64_t c, std::uint64_t a, std::uint64_t b) {
  return fp_add(f, c, fp_mul(f, a, b));
}

}  // namespace mrampim::test
