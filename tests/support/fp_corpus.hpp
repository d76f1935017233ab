// Hard floating-point cases for a format: the special values, the edges of
// the normal and subnormal ranges, exact ties, total cancellation, every
// exponent difference from 0 to Nm + 3 and beyond, overflow and underflow.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "compute/fp_format.hpp"

namespace mrampim::test {

inline std::uint64_t fp_pack(const FpFormat& f, bool sign, std::uint64_t exp_field, std::uint64_t frac) {
  return (sign ? f.sign_bit() : 0) | ((exp_field & f.max_exponent_field()) << f.nm) | (frac & f.fraction_mask());
}

// Special and edge values, both signs.
inline std::vector<std::uint64_t> fp_edge_values(const FpFormat& f) {
  const std::uint64_t emax = f.max_exponent_field(), fmax = f.fraction_mask();
  std::vector<std::uint64_t> v;
  for (bool s : {false, true}) {
    v.push_back(fp_pack(f, s, 0, 0));                     // zero
    v.push_back(fp_pack(f, s, 0, 1));                     // smallest subnormal
    v.push_back(fp_pack(f, s, 0, fmax));                  // largest subnormal
    v.push_back(fp_pack(f, s, 0, fmax >> 1));             // a subnormal with a leading zero
    v.push_back(fp_pack(f, s, 1, 0));                     // smallest normal
    v.push_back(fp_pack(f, s, 1, 1));
    v.push_back(fp_pack(f, s, std::uint64_t(f.bias()), 0));      // 1.0
    v.push_back(fp_pack(f, s, std::uint64_t(f.bias()), 1));      // 1 + ulp
    v.push_back(fp_pack(f, s, std::uint64_t(f.bias()), fmax));   // 2 - ulp
    v.push_back(fp_pack(f, s, std::uint64_t(f.bias()) + 1, f.quiet_bit()));  // 3.0
    v.push_back(fp_pack(f, s, emax - 1, fmax));           // largest finite
    v.push_back(fp_pack(f, s, emax - 1, 0));
    v.push_back(fp_pack(f, s, emax, 0));                  // infinity
    v.push_back(fp_pack(f, s, emax, f.quiet_bit()));      // default-like quiet NaN
    v.push_back(fp_pack(f, s, emax, 1));                  // signalling NaN with a payload
    v.push_back(fp_pack(f, s, emax, fmax));               // quiet NaN, full payload
  }
  return v;
}

// Operand pairs (c = 0) for the hard cases of addition and multiplication.
inline std::vector<std::array<std::uint64_t, 3>> fp_hard_pairs(const FpFormat& f, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::uint64_t emax = f.max_exponent_field(), fmax = f.fraction_mask();
  std::vector<std::array<std::uint64_t, 3>> out;
  const auto edges = fp_edge_values(f);
  for (auto a : edges) {
    for (auto b : edges) out.push_back({a, b, 0});
  }
  for (int rep = 0; rep < 8; ++rep) {
    // Every exponent difference from 0 to Nm + 3 and a few beyond, both
    // effective operations, at random magnitudes and near the range ends.
    for (std::uint64_t d = 0; d <= std::uint64_t(f.nm) + 8 && d < emax - 1; ++d) {
      for (bool opposite : {false, true}) {
        const std::uint64_t ea = 1 + d + rng() % (emax - 1 - d);
        const bool s = rng() & 1;
        out.push_back({fp_pack(f, s, ea, rng()), fp_pack(f, s != opposite, ea - d, rng()), 0});
        out.push_back({fp_pack(f, s, d + 1, rng()), fp_pack(f, s != opposite, 1, rng()), 0});  // near the bottom
        out.push_back({fp_pack(f, s, emax - 1, rng()), fp_pack(f, s != opposite, emax - 1 - d, rng()), 0});
      }
    }
    // Exact ties: x + half an ulp of x (and x with its last bit set).
    for (std::uint64_t lsb : {0u, 1u}) {
      const std::uint64_t ea = std::uint64_t(f.nm) + 2 + rng() % (emax - f.nm - 3);
      const std::uint64_t x = fp_pack(f, false, ea, (rng() & ~std::uint64_t{1}) | lsb);
      out.push_back({x, fp_pack(f, false, ea - f.nm - 1, 0), 0});
      out.push_back({x, fp_pack(f, true, ea - f.nm - 1, 0), 0});
    }
    // Total cancellation and near cancellation.
    const std::uint64_t x = rng() & f.bits_mask() & ~f.sign_bit();
    out.push_back({x, x | f.sign_bit(), 0});
    out.push_back({x, (x ^ 1) | f.sign_bit(), 0});
    // Overflow and underflow.
    out.push_back({fp_pack(f, false, emax - 1, rng()), fp_pack(f, false, emax - 1, rng()), 0});
    out.push_back({fp_pack(f, false, 1, rng()), fp_pack(f, true, 1, rng()), 0});
    out.push_back({fp_pack(f, false, 1, rng()), fp_pack(f, true, 0, rng()), 0});
    // Products that under- and overflow.
    out.push_back({fp_pack(f, false, 1 + rng() % (emax / 2), rng()), fp_pack(f, true, 1 + rng() % (emax / 2), rng()), 0});
    out.push_back({fp_pack(f, false, emax / 2 + rng() % (emax / 2), rng()),
                   fp_pack(f, false, emax / 2 + rng() % (emax / 2), rng()), 0});
    out.push_back({fp_pack(f, false, 0, rng()), fp_pack(f, false, rng() % emax, rng()), 0});
    (void)fmax;
  }
  return out;
}

}  // namespace mrampim::test
