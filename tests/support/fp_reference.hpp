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

#include <cstdint>

#include "compute/fp_format.hpp"
#include "compute/fp_value.hpp"

namespace mrampim::test {

// Decoding and rounding are the library's host conversions (fp_value.hpp):
// host code, not the micro-programs under test.
inline double fp_decode(const FpFormat& f, std::uint64_t bits) { return fp_to_double(f, bits); }
inline std::uint64_t fp_round(const FpFormat& f, double v) { return fp_from_double(f, v); }

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
