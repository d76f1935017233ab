// The host reference for the in-memory floating point, under the names the
// tests use: the library's host IEEE arithmetic (compute/fp_host_reference.hpp),
// which decodes to double, computes there and rounds once -- independent of
// the micro-programs under test.
#pragma once

#include <cstdint>

#include "compute/fp_format.hpp"
#include "compute/fp_host_reference.hpp"
#include "compute/fp_value.hpp"

namespace mrampim::test {

// Decoding and rounding are the library's host conversions (fp_value.hpp):
// host code, not the micro-programs under test.
inline double fp_decode(const FpFormat& f, std::uint64_t bits) { return fp_to_double(f, bits); }
inline std::uint64_t fp_round(const FpFormat& f, double v) { return fp_from_double(f, v); }

inline std::uint64_t fp_default_nan(const FpFormat& f) { return fp_host_default_nan(f); }
inline std::uint64_t fp_add(const FpFormat& f, std::uint64_t a, std::uint64_t b) { return fp_host_add(f, a, b); }
inline std::uint64_t fp_mul(const FpFormat& f, std::uint64_t a, std::uint64_t b) { return fp_host_mul(f, a, b); }
inline std::uint64_t fp_mac(const FpFormat& f, std::uint64_t c, std::uint64_t a, std::uint64_t b) {
  return fp_host_mac(f, c, a, b);
}

}  // namespace mrampim::test
