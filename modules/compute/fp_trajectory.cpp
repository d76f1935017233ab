#include "compute/fp_trajectory.hpp"

#include <algorithm>
#include <stdexcept>

namespace mrampim {

namespace {

std::uint32_t bit_length(std::uint64_t v) { return v == 0 ? 0 : 64 - std::uint32_t(__builtin_clzll(v)); }

std::uint64_t ones(std::uint32_t n) { return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1; }

// Fields packed one after another into the key, least significant first.
class Key {
 public:
  void put(std::uint64_t value, std::uint32_t bits) {
    if (at_ + bits > 64) throw std::logic_error("trajectory key: more than 64 bits");
    v_ |= (value & ones(bits)) << at_;
    at_ += bits;
  }
  std::uint64_t value() const { return v_; }

 private:
  std::uint64_t v_ = 0;
  std::uint32_t at_ = 0;
};

struct Operand {
  std::uint64_t frac;
  std::uint32_t field;
  bool sign;
};

Operand split(const FpFormat& f, std::uint64_t x) { return {f.fraction(x), f.exponent_field(x), f.sign(x)}; }

// normalise_round (fp_program.cpp): the significand's leading one at q
// (none: a zero significand) moves to h; the exponent decrement l puts the
// field minus one in y, k bits; below the normal range IEEE shifts by -y
// (its low bits choose the shifts) or clears a deep underflow; then the
// overflow checks of the field.
void normalise_key(Key& key, const FpFormat& f, bool ieee, bool has_q, std::uint32_t q, std::uint32_t h,
                   std::uint64_t e_big, std::uint32_t e_big_width, std::uint32_t l_offset) {
  const std::uint32_t ne = f.ne;
  const std::uint32_t k = std::max<std::uint32_t>(e_big_width, bit_length(h + 1 + l_offset)) + 2;
  const std::uint64_t l = has_q ? std::uint64_t(h + 1 - q + l_offset) : 0;
  const std::uint64_t y = (e_big - l) & ones(k);
  const bool yneg = (y >> (k - 1)) & 1u;
  key.put(has_q, 1);
  key.put(has_q ? q : 0, 7);  // a product's leading one: at most 32 + 61
  key.put(yneg, 1);
  if (ieee && yneg) {
    const std::uint32_t j_bits = std::min<std::uint32_t>(bit_length(f.nm + 1), k - 1);  // at most 5
    key.put(y & ones(j_bits), 5);
    const bool deep = j_bits < k - 1 && (y >> j_bits) != ones(k - j_bits);
    key.put(deep, 1);
  } else {
    key.put(0, 6);
  }
  const std::uint64_t ef = yneg ? 0 : (y + 1) & ones(k);
  const bool m3 = (ef >> ne) == 0;
  const bool m1 = m3 && (ef & ones(ne)) == ones(ne);
  key.put(m3, 1);
  key.put(m1, 1);
}

// pick_nan's searches: an exponent field of all ones, then a zero fraction.
void nan_key(Key& key, const FpFormat& f, const Operand& x) {
  const bool emax = x.field == f.max_exponent_field();
  key.put(emax, 1);
  key.put(emax && x.frac == 0, 1);
}


// Key bits: add 3 + 6 + 17 + 7 = 33, mul 2 + 17 + 8 = 27; a MAC's both, 60.
void add_key(Key& key, const FpFormat& f, Rounding r, std::uint64_t a, std::uint64_t b) {
  const bool ieee = r == Rounding::Ieee;
  const std::uint32_t ne = f.ne, nm = f.nm;
  const std::uint32_t grs = ieee ? 3 : 0, m = nm + 1 + grs, ext = ieee ? 1 : 0;
  const Operand A = split(f, a), B = split(f, b);
  // Exponent: subnormal marks (IEEE), effective exponents, which leads.
  const bool za = ieee && A.field == 0, zb = ieee && B.field == 0;
  key.put(za, 1);
  key.put(zb, 1);
  const std::uint64_t ea = za ? 1 : A.field, eb = zb ? 1 : B.field;
  const bool ge = ea >= eb;
  key.put(ge, 1);
  const std::uint64_t diff = ge ? ea - eb : eb - ea;
  const std::uint64_t mant_a = (std::uint64_t(!za) << nm) | A.frac, mant_b = (std::uint64_t(!zb) << nm) | B.frac;
  const std::uint64_t big = ge ? mant_a : mant_b, small = ge ? mant_b : mant_a;
  const std::uint64_t e_big = ge ? ea : eb;
  const bool sb = ge ? A.sign : B.sign, ss = ge ? B.sign : A.sign;
  // Alignment: one search per distance up to the last shift the loop emits.
  const std::uint64_t last = std::min<std::uint64_t>(m - 1, ones(ne) - 1);
  std::uint64_t aligned = small << grs;
  bool sticky = false;
  std::uint64_t dclass;
  if (diff == 0) {
    dclass = 0;
  } else if (diff <= last) {
    dclass = diff;
    aligned >>= diff;
    if (ieee && diff > grs) sticky = (small & ones(std::uint32_t(diff - grs))) != 0;
  } else {
    dclass = last + 1;
    aligned = 0;
    sticky = ieee && small != 0;
  }
  aligned |= std::uint64_t(sticky);
  key.put(dclass, 6);  // at most m <= 34
  // Mantissa: add, or subtract (x + ~y + 1) where the signs differ.
  const bool sub = sb != ss;
  const std::uint64_t mb = big << grs;
  const std::uint64_t s = mb + (sub ? ~aligned & ones(m) : aligned) + (sub ? 1 : 0);
  const bool carry = (s >> m) & 1u, neg = sub && !carry;
  std::uint64_t low = s & ones(m);
  if (neg) low = (~low + 1) & ones(m);
  const std::uint64_t sum = (std::uint64_t(carry && !sub) << m) | low;  // m + 1 bits, then ext zeros below
  const bool has_q = sum != 0;
  const std::uint32_t q = has_q ? ext + bit_length(sum) - 1 : 0;
  normalise_key(key, f, ieee, has_q, q, ext + m - 1, e_big, ne, 0);
  if (ieee) {
    const std::uint64_t inf = ones(ne) << nm;
    const bool ainf = (a & ~f.sign_bit() & f.bits_mask()) == inf, binf = (b & ~f.sign_bit() & f.bits_mask()) == inf;
    key.put(ainf, 1);
    key.put(binf, 1);
    key.put(ainf && binf && A.sign != B.sign, 1);
    nan_key(key, f, B);
    nan_key(key, f, A);
  }
}

void mul_key(Key& key, const FpFormat& f, Rounding r, std::uint64_t a, std::uint64_t b) {
  const bool ieee = r == Rounding::Ieee;
  const std::uint32_t ne = f.ne, nm = f.nm;
  const Operand A = split(f, a), B = split(f, b);
  const bool za = ieee && A.field == 0, zb = ieee && B.field == 0;
  key.put(za, 1);
  key.put(zb, 1);
  const std::uint64_t ea = za ? 1 : A.field, eb = zb ? 1 : B.field;
  const std::uint64_t mant_a = (std::uint64_t(!za) << nm) | A.frac, mant_b = (std::uint64_t(!zb) << nm) | B.frac;
  // The exact product of the mantissas (2 Nm + 2 bits), `ext` zero cells below.
  const std::uint64_t product = mant_a * mant_b;
  const std::uint32_t ext = ieee ? (1u << bit_length(nm + 1)) : 0;
  const bool has_q = product != 0;
  const std::uint32_t q = has_q ? ext + bit_length(product) - 1 : 0;
  normalise_key(key, f, ieee, has_q, q, ext + 2 * nm, ea + eb, ne + 1, std::uint32_t(f.bias()));
  if (ieee) {
    const std::uint64_t inf = ones(ne) << nm, mag = ~f.sign_bit() & f.bits_mask();
    key.put((a & mag) == inf, 1);
    key.put((b & mag) == inf, 1);
    key.put((a & mag) == 0, 1);
    key.put((b & mag) == 0, 1);
    nan_key(key, f, B);
    nan_key(key, f, A);
  }
}

}  // namespace

// The keys of the three programs differ in their first bits (1 add, 2 mul,
// 3 MAC), so one key space holds them all.
std::uint64_t fp_add_trajectory(const FpFormat& f, Rounding r, std::uint64_t a, std::uint64_t b) {
  Key key;
  key.put(1, 2);
  add_key(key, f, r, a, b);
  return key.value();
}

std::uint64_t fp_mul_trajectory(const FpFormat& f, Rounding r, std::uint64_t a, std::uint64_t b) {
  Key key;
  key.put(2, 2);
  mul_key(key, f, r, a, b);
  return key.value();
}

std::uint64_t fp_mac_trajectory(const FpFormat& f, Rounding r, std::uint64_t c, std::uint64_t a, std::uint64_t b,
                                std::uint64_t product) {
  Key key;
  key.put(3, 2);
  mul_key(key, f, r, a, b);
  add_key(key, f, r, c, product);
  return key.value();
}

std::uint64_t select_trajectory(SelectOp op, const FpFormat& f, std::uint64_t a, std::uint64_t b, std::uint64_t) {
  const std::uint64_t mask = f.bits_mask();
  a &= mask;
  b &= mask;
  switch (op) {
    case SelectOp::Relu: return 4 | std::uint64_t(f.sign(a)) << 3;
    case SelectOp::MaxNonNegative: return 5 | std::uint64_t(a < b) << 3;
    case SelectOp::KeepIfEqual: return 6 | std::uint64_t(a == b) << 3;
    case SelectOp::KeepIfNonZero: return 7 | std::uint64_t(a == 0) << 3;
  }
  return 0;
}

}  // namespace mrampim
