// Which rows the search-masked steps of a program enable depends on the row's
// operands: the alignment distance, the leading one's position, the special
// values... This file computes, on the host, a key of everything the
// programs' searches look at (a row's *trajectory*): two rows with the same
// key take part in exactly the same steps, so they charge the same cells.
// Fast mode charges each row the cells that a bit-level run of a row with
// its key charged (lane_engine.hpp), which is exact as long as the key holds
// every decision; tests compare with bit-level runs on random, special and
// boundary operands of every program, format family and technology.
//
// The keys follow the procedures of fp_program.cpp and select_program.cpp
// step by step (docs/floating-point.md describes the procedures):
//   add   subnormal marks of a and b, which operand leads, the alignment
//         distance (0, 1 .. the last shift the loop emits, or beyond), the
//         leading one of the sum, the exponent below the normal range (its
//         low bits pick the subnormal shifts) or past it, a zero sum, and the
//         special operands (infinities, exponent fields of all ones, signs
//         of two infinities);
//   mul   the same for the product of the mantissas, and zero operands;
//   mac   the multiply's key and the add's (c + the product);
//   selections: the one condition each searches.
#pragma once

#include <cstdint>

#include "compute/fp_format.hpp"
#include "compute/fp_program.hpp"
#include "compute/select_program.hpp"

namespace mrampim {

std::uint64_t fp_add_trajectory(const FpFormat& f, Rounding r, std::uint64_t a, std::uint64_t b);
std::uint64_t fp_mul_trajectory(const FpFormat& f, Rounding r, std::uint64_t a, std::uint64_t b);
// c + a x b: `product` is the program's rounded a x b (fp_host_mul or
// fp_host_paper_mul), which the add takes as its second operand.
std::uint64_t fp_mac_trajectory(const FpFormat& f, Rounding r, std::uint64_t c, std::uint64_t a, std::uint64_t b,
                                std::uint64_t product);
std::uint64_t select_trajectory(SelectOp op, const FpFormat& f, std::uint64_t a, std::uint64_t b, std::uint64_t c);

// Training's common fp32 ieee MAC, c + a x b, quickly: when a, b and c are
// normal numbers or zeros, and the product and the sum (before rounding) are
// normal or zero, the searches' outcomes follow from a few facts: which of
// a, b is zero, else the multiply's carry (its leading one at 2 Nm or
// 2 Nm + 1); whether c is zero; which operand of the add leads; the
// alignment distance; and the leading one of the sum (or a zero sum).
// Returns their index (< kFp32MacCommon), or kFp32MacUncommon for any other
// row (fp_mac_trajectory then). `product` is the rounded a x b. Rows with the
// same index have the same fp_mac_trajectory key (tested).
inline constexpr std::uint32_t kFp32MacCommon = 1u << 15, kFp32MacUncommon = 0xffffffffu;
// Inline: it runs for every MAC of an exact fast-mode training.
// Branch-light: zeros and normal numbers mix at random in training, and a
// mispredicted branch costs more than computing both sides.
inline std::uint32_t fp32_mac_common_index(std::uint32_t c, std::uint32_t a, std::uint32_t b, std::uint32_t product) {
  constexpr std::uint32_t kFrac = 0x7fffffu, kHidden = 0x800000u, kMag = 0x7fffffffu;
  auto normal = [](std::uint32_t e) { return e - 1 < 254u; };  // fields 1..254
  const std::uint32_t ea = (a >> 23) & 0xffu, eb = (b >> 23) & 0xffu, ec = (c >> 23) & 0xffu;
  const std::uint32_t za = (a & kMag) == 0, zb = (b & kMag) == 0, zc = (c & kMag) == 0;
  std::uint32_t bad = ((!za) & !normal(ea)) | ((!zb) & !normal(eb)) | ((!zc) & !normal(ec));
  // The multiply (mark_subnormals gives a zero hidden bit 0 and exponent 1):
  // two nonzero mantissas carry or not (state 0, 1); a zero, b zero or both
  // (2, 3, 4) leave no leading one and the field the exponents' sum + 1.
  const std::uint64_t ma = za ? 0 : (kHidden | (a & kFrac)), mb_ = zb ? 0 : (kHidden | (b & kFrac));
  const auto carry = std::uint32_t((ma * mb_) >> 47);
  const std::uint32_t nz = (!za) & (!zb);
  const std::uint32_t mul_state = nz ? carry : 1 + za + 2 * zb;
  const std::uint32_t other = za ? (zb ? 1u : eb) : ea;
  bad |= nz ? !normal(ea + eb + carry - 127) : (other > 252);
  const std::uint32_t ep = (product >> 23) & 0xffu, zp = (product & kMag) == 0;
  bad |= (zp != (1 - nz)) | ((!zp) & !normal(ep));  // a rounded product out of range
  // The add, c + product, as emit_add: effective exponents, guard, round and
  // sticky bits (3), the small mantissa aligned by the distance (26 the last
  // shift, beyond: only its sticky bit), then add or subtract.
  const std::uint32_t e1 = zc ? 1 : ec, e2 = zp ? 1 : ep;
  const std::uint32_t ge = e1 >= e2;
  const std::uint32_t diff = ge ? e1 - e2 : e2 - e1;
  const std::uint64_t m1 = zc ? 0 : (kHidden | (c & kFrac)), m2 = zp ? 0 : (kHidden | (product & kFrac));
  const std::uint64_t big = ge ? m1 : m2, small = ge ? m2 : m1;
  const std::uint32_t far = diff > 26;
  const std::uint32_t shift = far ? 0 : diff, sticky_bits = diff > 3 && !far ? diff - 3 : 0;
  const std::uint64_t near = ((small << 3) >> shift) | ((small & ((std::uint64_t{1} << sticky_bits) - 1)) != 0);
  const std::uint64_t aligned = far ? (small != 0) : near;
  const std::uint32_t dclass = far ? 27 : diff;
  const std::uint64_t mbig = big << 3;
  const std::uint64_t diff_sum = mbig >= aligned ? mbig - aligned : aligned - mbig;
  const std::uint64_t sum = ((c ^ product) >> 31) != 0 ? diff_sum : mbig + aligned;
  const std::uint32_t e_big = ge ? e1 : e2;
  // q: ext (1) + the leading one's position; 0 for a zero sum, whose field
  // e_big + 1 must stay below all ones; else the field before rounding,
  // e_big + q - h (h = 27), must be normal.
  const std::uint32_t q = sum != 0 ? 64 - std::uint32_t(__builtin_clzll(sum | 1)) : 0;
  bad |= sum != 0 ? !normal(e_big + q - 27) : (e_big > 253);
  const std::uint32_t index = mul_state | zc << 3 | ge << 4 | dclass << 5 | q << 10;
  return bad ? kFp32MacUncommon : index;
}

}  // namespace mrampim
