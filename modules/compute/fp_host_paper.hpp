// Host model of the in-memory floating-point programs built with
// Rounding::Paper (fp_program.cpp, docs/floating-point.md "Rounding
// procedures"): the bits those programs leave in the result field, for every
// input bit pattern, any format the builder accepts, either logic family (the
// emitter gives both the same logic; only the steps differ). What the tests
// and tools compare paper results with; fp_host_reference.hpp is its IEEE
// counterpart. Integer arithmetic only, no allocation.
//
// The paper's procedure takes every input as a normal number: hidden bit 1
// and the exponent field as it stands, so zeros and subnormals (field 0) are
// the numbers 1.f x 2^-bias, and infinities and NaNs (field all ones) the
// numbers 1.f x 2^(bias + 1), one binade above the largest normal: nothing
// looks for either (the builder emits mark_subnormals, add_specials and
// mul_specials only for Ieee). Each step below is what emit_add / emit_mul /
// normalise_round do without guard bits (grs = 0, ext = 0):
//
// Addition, a + b:
//   1. The operand with the larger exponent field leads ("big"); on equal
//      fields a leads (the swap is masked by ea < eb, the subtractor's borrow).
//   2. Alignment by search: each difference k = 1 .. min(Nm, 2^Ne - 2) has
//      its own search and shift of the small (Nm + 1)-bit mantissa; rows no
//      search matched (difference > Nm, or 2^Ne - 1, which the loop stops
//      short of because two finite exponents never differ by that much) lose
//      the small mantissa entirely. Bits shifted out are dropped: no guard,
//      round or sticky bit.
//   3. One adder adds, or subtracts where the signs differ; a negative
//      difference (equal fields only, so exact) is negated and takes the
//      small operand's sign.
//   4. Normalise: the leading one of the (Nm + 2)-bit sum at position q moves
//      to Nm, the field becomes eB + q - Nm, and the fraction is what lands in
//      the Nm cells below it: truncation, bits shifted out on a carry are lost.
//   5. Pack: a field <= 0 is below the normal range and the magnitude is
//      cleared, keeping the result's sign (a signed zero); a field >= 2^Ne - 1
//      is an infinity of the result's sign. An all-zero sum (exact
//      cancellation) is +0, or -0 when both operands are negative: the sign
//      is sign(a) AND sign(b), whatever cancelled.
// Multiplication, a x b:
//   sign a XOR b; the exact (2 Nm + 2)-bit product of the mantissas (shift and
//   add loses nothing), whose leading one is at 2 Nm or 2 Nm + 1 since both
//   hidden bits are 1, so a product is never zero; the field is
//   ea + eb - bias (+1 when the leading one is at 2 Nm + 1), the fraction the
//   Nm bits below the leading one (truncated); then the same pack: <= 0 a
//   zero of the product's sign, >= 2^Ne - 1 an infinity of that sign.
// MAC, c + a x b: the multiplication into a product field, then the addition
// with c as the first operand. Two truncations. (Which operand leads on equal
// fields does not change a sum: the larger mantissa's sign wins either way.)
//
// So, e.g., 0 x y is 0 only when ey - bias + (carry) <= 0, and inf x 1 is
// (1.0 x 2^(bias+1)) x 1, which overflows to an infinity; NaN inputs give
// numbers or infinities, never NaNs, and no result has exponent field 0
// except a signed zero.
#pragma once

#include <cstdint>

#include "compute/fp_format.hpp"

namespace mrampim {

namespace fp_paper_detail {

inline std::uint32_t leading_one(std::uint64_t v) {  // position of the highest set bit; v != 0
  return 63u - std::uint32_t(__builtin_clzll(v));
}

// normalise_round's pack: field <= 0 flushes the magnitude (the sign stays),
// field >= all ones is an infinity; otherwise sign, field and fraction.
inline std::uint64_t pack(const FpFormat& f, bool sign, std::int64_t field, std::uint64_t fraction) {
  const std::uint64_t s = sign ? f.sign_bit() : 0;
  const std::int64_t max_field = std::int64_t(f.max_exponent_field());
  if (field <= 0) return s;
  if (field >= max_field) return s | (std::uint64_t(max_field) << f.nm);
  return s | (std::uint64_t(field) << f.nm) | (fraction & f.fraction_mask());
}

}  // namespace fp_paper_detail

inline std::uint64_t fp_host_paper_add(const FpFormat& f, std::uint64_t a, std::uint64_t b) {
  const std::uint32_t nm = f.nm;
  a &= f.bits_mask();  // the operand fields hold only the format's bits
  b &= f.bits_mask();
  const std::uint32_t ea = f.exponent_field(a), eb = f.exponent_field(b);
  const bool a_leads = ea >= eb;
  const std::uint64_t big = a_leads ? a : b, small = a_leads ? b : a;
  const std::uint32_t e_big = a_leads ? ea : eb, diff = a_leads ? ea - eb : eb - ea;
  const std::uint64_t hidden = std::uint64_t{1} << nm;
  const std::uint64_t m_big = hidden | f.fraction(big);
  std::uint64_t m_small = hidden | f.fraction(small);
  // Differences the alignment loop has no search for clear the small mantissa.
  if (diff > nm || diff == f.max_exponent_field()) m_small = 0;
  else m_small >>= diff;
  bool sign = f.sign(big);
  std::uint64_t sum;
  if (sign == f.sign(small)) {
    sum = m_big + m_small;
  } else if (m_big >= m_small) {
    sum = m_big - m_small;
  } else {
    sum = m_small - m_big;
    sign = !sign;
  }
  if (sum == 0) return (f.sign(a) && f.sign(b)) ? f.sign_bit() : 0;
  const std::uint32_t q = fp_paper_detail::leading_one(sum);
  const std::uint64_t fraction = q > nm ? sum >> (q - nm) : sum << (nm - q);
  return fp_paper_detail::pack(f, sign, std::int64_t(e_big) + std::int64_t(q) - std::int64_t(nm), fraction);
}

inline std::uint64_t fp_host_paper_mul(const FpFormat& f, std::uint64_t a, std::uint64_t b) {
  const std::uint32_t nm = f.nm;
  a &= f.bits_mask();
  b &= f.bits_mask();
  const std::uint64_t hidden = std::uint64_t{1} << nm;
  // (Nm + 1)-bit mantissas, Nm <= 30: the product fits 62 bits.
  const std::uint64_t product = (hidden | f.fraction(a)) * (hidden | f.fraction(b));
  const std::uint32_t carry = std::uint32_t(product >> (2 * nm + 1));  // leading one at 2 Nm + 1
  const std::int64_t field =
      std::int64_t(f.exponent_field(a)) + std::int64_t(f.exponent_field(b)) - f.bias() + std::int64_t(carry);
  return fp_paper_detail::pack(f, f.sign(a) != f.sign(b), field, product >> (nm + carry));
}

// c + a x b: the truncated product, then the truncated sum, c first.
inline std::uint64_t fp_host_paper_mac(const FpFormat& f, std::uint64_t c, std::uint64_t a, std::uint64_t b) {
  return fp_host_paper_add(f, c, fp_host_paper_mul(f, a, b));
}

}  // namespace mrampim
