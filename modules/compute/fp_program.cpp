#include "compute/fp_program.hpp"

#include <algorithm>
#include <stdexcept>

namespace mrampim {

const char* to_string(FpOp op) {
  switch (op) {
    case FpOp::Add: return "add";
    case FpOp::Mul: return "mul";
    case FpOp::Mac: return "mac";
  }
  return "?";
}

const char* to_string(Rounding r) { return r == Rounding::Ieee ? "ieee" : "paper"; }

Rounding parse_rounding(const std::string& name) {
  if (name == "ieee") return Rounding::Ieee;
  if (name == "paper") return Rounding::Paper;
  throw std::invalid_argument("unknown rounding '" + name + "': use ieee or paper");
}

namespace {

// Row-enable registers: m0 holds the rows the host enabled and is never
// written; m1..m3 receive search results.
constexpr std::uint8_t kAll = 0, kM1 = 1, kM2 = 2, kM3 = 3;

std::uint32_t bit_length(std::uint64_t v) {
  std::uint32_t n = 0;
  for (; v != 0; v >>= 1) ++n;
  return n;
}

std::uint64_t low_ones(std::uint32_t n) { return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1; }

GateOp set_op(Column c, bool bit) { return {bit ? StatefulGate::Set1 : StatefulGate::Set0, c, c}; }
GateOp copy_op(Column dst, Column src) { return {StatefulGate::Copy, dst, src}; }

void append_copy(std::vector<GateOp>& ops, Field dst, Field src) {
  for (std::uint32_t i = 0; i < dst.width; ++i) ops.push_back(copy_op(dst.at(i), src.at(i)));
}
void append_set(std::vector<GateOp>& ops, Field dst, std::uint64_t value) {
  for (std::uint32_t i = 0; i < dst.width; ++i) ops.push_back(set_op(dst.at(i), i < 64 && ((value >> i) & 1u)));
}

class FpProcedure {
 public:
  // `adder_bits`: the widest add the adder cache cells must hold (a trial
  // build finds it: widest_add()).
  FpProcedure(FpOp op, const FpFormat& f, Rounding r, const ArrayShape& shape, Field temps,
              std::uint32_t limit, std::uint16_t adder_bits)
      : op_(op),
        f_(f),
        ieee_(r == Rounding::Ieee),
        b_(std::string(to_string(op)) + "-" + f.name() + "-" + to_string(r), shape),
        e_(b_, shape.family, temps),
        alloc_(0, limit) {
    layout_.format = f;
    layout_.op = op;
    layout_.rounding = r;
    adder_bits_ = adder_bits;
  }

  FpProgram build() {
    const std::uint32_t w = f_.width();
    const FpLayout fixed = fp_operand_layout(op_, f_, layout_.rounding);
    layout_.a = alloc_.take(w, "operand a");
    layout_.b = alloc_.take(w, "operand b");
    if (op_ == FpOp::Mac) layout_.c = alloc_.take(w, "addend c");
    layout_.result = alloc_.take(w, "the result");
    layout_.scratch_first = Column(alloc_.next());
    if (layout_.result.first != fixed.result.first || layout_.scratch_first != fixed.scratch_first) {
      throw std::logic_error("fp program: operands placed other than fp_operand_layout says");
    }
    adder_scratch_ = alloc_.take(std::max(adder_scratch_columns(e_.family(), AddOp::Add, adder_bits_),
                                          adder_scratch_columns(e_.family(), AddOp::Subtract, adder_bits_)),
                                 "adder cache cells");
    carries_ = alloc_.take(3, "increment carries");
    switch (op_) {
      case FpOp::Add: emit_add(layout_.a, layout_.b, layout_.result); break;
      case FpOp::Mul: emit_mul(layout_.a, layout_.b, layout_.result); break;
      case FpOp::Mac: {
        // c + a x b: the product, rounded, then the sum (two roundings).
        const Field product = alloc_.take(w, "the product a x b");
        emit_mul(layout_.a, layout_.b, product);
        emit_add(layout_.c, product, layout_.result);
        break;
      }
    }
    fields_end_ = alloc_.next();
    layout_.scratch_cells = fields_end_ - layout_.scratch_first + e_.temps_used();
    return FpProgram{b_.finish(), layout_};
  }

  std::uint32_t fields_end() const { return fields_end_; }
  std::uint32_t temps_used() const { return e_.temps_used(); }
  std::uint16_t widest_add() const { return widest_add_; }

 private:
  Field frac(Field x) const { return x.slice(0, f_.nm); }
  Field expo(Field x) const { return x.slice(f_.nm, f_.ne); }
  Field mag(Field x) const { return x.slice(0, f_.nm + f_.ne); }
  Column sign(Field x) const { return x.at(f_.nm + f_.ne); }
  Field take(std::uint32_t w, const char* what) { return alloc_.take(w, what); }
  Column one(const char* what) { return alloc_.take_one(what); }
  static Field col(Column c) { return Field{c, 1}; }
  // The current rows whose field equals `key` go to register `into`, which
  // becomes the current mask: chained, the searches AND their conditions.
  void narrow(Field f, std::uint64_t key, std::uint8_t into) {
    e_.search(f, key, into);
    e_.mask(into);
  }

  void emit_add(Field a, Field b, Field r);
  void mark_subnormals(Field a, Field b, Column ha, Column hb, Field ea, Field eb);
  void set_default_nan(Field r);
  std::uint64_t inf_mag() const { return low_ones(f_.ne) << f_.nm; }  // exponent and fraction of an infinity
  void emit_mul(Field a, Field b, Field r);
  void mul_specials(Field a, Field b, Field r, Column sign_col);
  void normalise_round(Field xe, std::uint32_t ext, std::uint32_t h, Field e_big, std::uint32_t l_offset,
                       Column sign_col, Column zero_sign, Field r);
  void add_specials(Field a, Field b, Field r);
  void pick_nan(Field x, Field r);

  FpOp op_;
  FpFormat f_;
  bool ieee_;
  ProgramBuilder b_;
  LogicEmitter e_;
  ColumnAllocator alloc_;
  FpLayout layout_;
  Field adder_scratch_, carries_;
  std::uint16_t adder_bits_ = 0, widest_add_ = 0;

  // An add in the adder cache cells, which must hold what it needs.
  void add(const AdderColumns& c, AddOp op) {
    widest_add_ = std::max(widest_add_, c.bits);
    if (adder_scratch_columns(e_.family(), op, c.bits, c.sot) > adder_scratch_.width) {
      throw std::logic_error(b_.name() + ": a " + std::to_string(c.bits) + "-bit add needs more adder cache cells than " +
                             std::to_string(adder_scratch_.width));
    }
    e_.add(c, op);
  }
  std::uint32_t fields_end_ = 0;
};

// Exponent field 0 is a zero or a subnormal: hidden bit 0 and exponent 1.
// One search per operand, in one step.
void FpProcedure::mark_subnormals(Field a, Field b, Column ha, Column hb, Field ea, Field eb) {
  e_.searches({{expo(a), 0, kM1}, {expo(b), 0, kM2}});
  e_.mask(kM1);
  e_.parallel({set_op(ha, false), set_op(ea.at(0), true)});
  e_.mask(kM2);
  e_.parallel({set_op(hb, false), set_op(eb.at(0), true)});
  e_.mask(kAll);
}

// The default NaN of an invalid operation into r, in the current rows.
void FpProcedure::set_default_nan(Field r) {
  std::vector<GateOp> ops;
  append_set(ops, r, f_.sign_bit() | inf_mag() | f_.quiet_bit());
  e_.parallel(ops);
}

void FpProcedure::emit_add(Field a, Field b, Field r) {
  const std::uint32_t ne = f_.ne, nm = f_.nm;
  const std::uint32_t grs = ieee_ ? 3 : 0;  // guard, round and sticky bits below the fraction
  const std::uint32_t m = nm + 1 + grs;     // aligned mantissa: [S R G] fraction, hidden bit on top
  e_.mask(kAll);

  // ---- Exponent: hidden bits, effective exponents, |eA - eB|.
  e_.phase(Phase::Exponent);
  const Field ea = take(ne, "exponent of a"), eb = take(ne, "exponent of b");
  const Column ha = one("hidden bit of a"), hb = one("hidden bit of b");
  {
    std::vector<GateOp> ops{set_op(ha, true), set_op(hb, true)};
    append_copy(ops, ea, expo(a));
    append_copy(ops, eb, expo(b));
    e_.parallel(ops);
  }
  if (ieee_) mark_subnormals(a, b, ha, hb, ea, eb);
  const Field diff = take(ne, "exponent difference");
  const Column ge = one("ea >= eb"), nge = one("ea < eb");
  add(AdderColumns{ea.first, eb.first, diff.first, std::uint16_t(ne), adder_scratch_.first, ge, {}},
         AddOp::Subtract);
  e_.copy_not(col(nge), col(ge));
  // Where eb is the larger, eA - eB wrapped negative: negate it, ~x + 1.
  e_.gate_bit(StatefulGate::Xor, diff, nge);
  e_.increment(diff, nge, carries_);

  // The operand with the larger exponent leads ("big"); mantissas unpacked.
  const Field mb = take(m, "big mantissa"), ms = take(m, "small mantissa"), eB = take(ne, "big exponent");
  const Column sb = one("big sign"), ss = one("small sign");
  auto unpack = [&](Field big, Column hbig, Field ebig, Field small, Column hsmall, bool clear_low) {
    std::vector<GateOp> ops;
    append_copy(ops, mb.slice(grs, nm), frac(big));
    ops.push_back(copy_op(mb.top(), hbig));
    append_copy(ops, eB, ebig);
    ops.push_back(copy_op(sb, sign(big)));
    append_copy(ops, ms.slice(grs, nm), frac(small));
    ops.push_back(copy_op(ms.top(), hsmall));
    ops.push_back(copy_op(ss, sign(small)));
    if (clear_low && grs > 0) {
      append_set(ops, mb.slice(0, grs), 0);
      append_set(ops, ms.slice(0, grs), 0);
    }
    e_.parallel(ops);
  };
  unpack(a, ha, ea, b, hb, true);
  narrow(col(ge), 0, kM1);
  unpack(b, hb, eb, a, ha, false);
  e_.mask(kAll);

  // ---- Alignment: one search per shift amount, one shift for all its rows.
  e_.phase(Phase::Alignment);
  const Column done = one("aligned");
  Field prefix_or;
  Column sticky = 0;
  if (ieee_) {
    // prefix_or[j] = OR of the small fraction's bits 0..j (with the hidden
    // bit): the sticky bit of a shift by grs + 1 + j.
    prefix_or = take(nm + 1, "prefix OR of the small mantissa");
    sticky = one("sticky");
    e_.copy(prefix_or, ms.slice(grs, nm + 1));
    for (std::uint32_t j = 1; j <= nm; ++j) e_.parallel({{StatefulGate::Or, prefix_or.at(j), prefix_or.at(j - 1)}});
    e_.parallel({set_op(done, false), set_op(sticky, false)});
  } else {
    e_.parallel({set_op(done, false)});
  }
  narrow(diff, 0, kM1);
  e_.parallel({set_op(done, true)});
  const std::uint32_t max_diff = std::uint32_t(low_ones(ne)) - 1;  // largest difference of two finite exponents
  for (std::uint32_t k = 1; k < m && k <= max_diff; ++k) {
    e_.mask(kAll);
    narrow(diff, k, kM1);
    std::vector<GateOp> ops{set_op(done, true)};
    if (ieee_ && k > grs) ops.push_back(copy_op(sticky, prefix_or.at(k - grs - 1)));
    e_.shift(ms, ms, int(k), ops);
  }
  // Rows shifted by m or more lose the whole small mantissa (to the sticky bit).
  e_.mask(kAll);
  narrow(col(done), 0, kM1);
  {
    std::vector<GateOp> ops;
    append_set(ops, ms, 0);
    if (ieee_) ops.push_back(copy_op(sticky, prefix_or.top()));
    e_.parallel(ops);
  }
  e_.mask(kAll);
  if (ieee_) e_.parallel({{StatefulGate::Or, ms.at(0), sticky}});

  // ---- Mantissa: add, or subtract where the signs differ.
  e_.phase(Phase::Mantissa);
  const Column sub = one("effective subtraction"), nsub = one("effective addition"), neg = one("negative");
  e_.copy(col(sub), col(sb));
  e_.parallel({{StatefulGate::Xor, sub, ss}});
  e_.parallel({{StatefulGate::CopyNot, nsub, sub}});
  e_.gate_bit(StatefulGate::Xor, ms, sub);  // x - y = x + ~y + 1, the 1 as carry-in
  // The sum sits above `ext` zero cells that keep the bit a 1-position right
  // shift (mantissa overflow) moves out, for the sticky bit.
  const std::uint32_t ext = ieee_ ? 1 : 0;
  const Field sum = take(ext + m + 1, "mantissa sum");
  add(AdderColumns{mb.first, ms.first, sum.at(ext), std::uint16_t(m), adder_scratch_.first, sum.at(ext + m), sub},
         AddOp::Add);
  // Subtracting: carry out 1 means big >= small (drop it); 0 means the result
  // is negative (possible only with equal exponents, so exact): negate it and
  // take the small operand's sign.
  e_.parallel({{StatefulGate::CopyNot, neg, sum.at(ext + m)}});
  e_.parallel({{StatefulGate::And, neg, sub}, {StatefulGate::And, sum.at(ext + m), nsub}});
  e_.gate_bit(StatefulGate::Xor, sum.slice(ext, m), neg);
  e_.increment(sum.slice(ext, m), neg, carries_);
  e_.parallel({{StatefulGate::Xor, sb, neg}});
  if (ext > 0) e_.fill(sum.slice(0, ext), false);
  // An exact zero is +0, or -0 when both operands are negative.
  const Column zero_sign = one("sign of a zero sum");
  e_.copy(col(zero_sign), col(sign(a)));
  e_.parallel({{StatefulGate::And, zero_sign, sign(b)}});

  // ---- Normalise, round, pack; then the special operands.
  normalise_round(sum, ext, ext + m - 1, eB, 0, sb, zero_sign, r);
  if (ieee_) add_specials(a, b, r);
}

void FpProcedure::emit_mul(Field a, Field b, Field r) {
  const std::uint32_t ne = f_.ne, nm = f_.nm;
  e_.mask(kAll);

  // ---- Exponent: sign, hidden bits, effective exponents, their sum.
  e_.phase(Phase::Exponent);
  const Column sign_col = one("product sign");
  const Field ma = take(nm + 1, "mantissa of a"), mb = take(nm + 1, "mantissa of b");
  const Field ea = take(ne, "exponent of a"), eb = take(ne, "exponent of b");
  {
    std::vector<GateOp> ops{copy_op(sign_col, sign(a)), set_op(ma.top(), true), set_op(mb.top(), true)};
    append_copy(ops, ma.slice(0, nm), frac(a));
    append_copy(ops, mb.slice(0, nm), frac(b));
    append_copy(ops, ea, expo(a));
    append_copy(ops, eb, expo(b));
    e_.parallel(ops);
  }
  e_.parallel({{StatefulGate::Xor, sign_col, sign(b)}});
  if (ieee_) mark_subnormals(a, b, ma.top(), mb.top(), ea, eb);
  const Field esum = take(ne + 1, "exponent sum");
  add(AdderColumns{ea.first, eb.first, esum.first, std::uint16_t(ne), adder_scratch_.first, esum.top(), {}},
         AddOp::Add);

  // ---- Mantissa: shift and add. Two windows of the running sum swap roles:
  // each step adds a AND b_j to the window shifted down by one, and the bit
  // that falls out of the window is final.
  e_.phase(Phase::Mantissa);
  // Below the product, `ext` zero cells keep what a subnormal result's right
  // shift moves out, for the sticky bit.
  const std::uint32_t ext = ieee_ ? (1u << bit_length(nm + 1)) : 0;
  const std::uint32_t pw = 2 * nm + 2;
  const Field xe = take(ext + pw, "product");
  const Field product = xe.slice(ext, pw);
  Field u = take(nm + 2, "partial sum"), v = take(nm + 2, "partial sum (other)");
  const Field t = take(nm + 1, "partial product");
  // Partial products a AND b_j. SOT-MRAM: b_j copied across, then ANDed
  // with a, two steps whatever the width. ReRAM, whose row evaluates one NOR
  // per phase: NOR(not a, not b_j), a's complement made once, so a round
  // spends nm + 2 NORs on it instead of a copy and a 3-NOR AND per bit.
  const bool nor_pp = e_.family() == LogicFamily::ReramNor;
  const Field na = nor_pp ? take(nm + 1, "complement of a") : Field{0, 0};
  const Column nb = nor_pp ? take(1, "complement of b_j").first : Column(0);
  if (nor_pp) {
    std::vector<GateOp> ops{{StatefulGate::CopyNot, nb, mb.at(0)}, set_op(u.top(), false)};
    for (std::uint32_t i = 0; i < nm + 1; ++i) ops.push_back({StatefulGate::CopyNot, na.at(i), ma.at(i)});
    e_.parallel(ops);
    e_.nor_bit(u.slice(0, nm + 1), na, nb);
  } else {
    e_.gate_bit(StatefulGate::Copy, u.slice(0, nm + 1), mb.at(0));
    std::vector<GateOp> ops{set_op(u.top(), false)};
    for (std::uint32_t i = 0; i < nm + 1; ++i) ops.push_back({StatefulGate::And, u.at(i), ma.at(i)});
    e_.parallel(ops);
  }
  for (std::uint32_t j = 1; j <= nm; ++j) {
    if (nor_pp) {
      e_.parallel({copy_op(product.at(j - 1), u.at(0)), {StatefulGate::CopyNot, nb, mb.at(j)}});
      e_.nor_bit(t, na, nb);
    } else {
      std::vector<GateOp> ops{copy_op(product.at(j - 1), u.at(0))};
      for (std::uint32_t i = 0; i < nm + 1; ++i) ops.push_back(copy_op(t.at(i), mb.at(j)));
      e_.parallel(ops);
      e_.gate_field(StatefulGate::And, t, ma);
    }
    add(AdderColumns{u.at(1), t.first, v.first, std::uint16_t(nm + 1), adder_scratch_.first, v.top(), {}},
           AddOp::Add);
    std::swap(u, v);
  }
  {
    std::vector<GateOp> ops;
    append_copy(ops, product.slice(nm, nm + 2), u);
    if (ext > 0) append_set(ops, xe.slice(0, ext), 0);
    e_.parallel(ops);
  }

  // ---- Normalise, round, pack: the leading one of a normal product is at
  // 2 Nm or 2 Nm + 1; the exponent sum carries the bias once too many.
  normalise_round(xe, ext, ext + 2 * nm, esum, std::uint32_t(f_.bias()), sign_col, sign_col, r);
  if (ieee_) mul_specials(a, b, r, sign_col);
}

void FpProcedure::mul_specials(Field a, Field b, Field r, Column sign_col) {
  const std::uint64_t inf = inf_mag();
  e_.phase(Phase::Normalise);
  e_.mask(kAll);
  // An infinite operand makes an infinity of the product's sign ...
  for (Field x : {b, a}) {
    narrow(mag(x), inf, kM1);
    std::vector<GateOp> ops;
    append_set(ops, mag(r), inf);
    ops.push_back(copy_op(sign(r), sign_col));
    e_.parallel(ops);
    e_.mask(kAll);
  }
  // ... unless the other is zero: 0 x inf is invalid, the default NaN.
  for (const auto& [x, y] : {std::pair<Field, Field>{a, b}, std::pair<Field, Field>{b, a}}) {
    narrow(mag(x), inf, kM1);
    narrow(mag(y), 0, kM2);
    set_default_nan(r);
    e_.mask(kAll);
  }
  pick_nan(b, r);
  pick_nan(a, r);
}

// xe: the significand, `ext` zero cells at the bottom; h: the position of
// the hidden bit when the result's exponent field equals e_big; l_offset is
// added to the exponent decrement. Writes sign, exponent and fraction of r.
void FpProcedure::normalise_round(Field xe, std::uint32_t ext, std::uint32_t h, Field e_big, std::uint32_t l_offset,
                                  Column sign_col, Column zero_sign, Field r) {
  const std::uint32_t ne = f_.ne, nm = f_.nm;
  e_.phase(Phase::Normalise);
  e_.mask(kAll);
  const std::uint32_t top = xe.width - 1;
  // The leading one at position q moves to h; the exponent falls by h - q.
  // y = e_big - (h + 1 - q) - l_offset is the exponent field minus one, in
  // k-bit two's complement.
  const std::uint32_t k = std::max<std::uint32_t>(e_big.width, bit_length(h + 1 + l_offset)) + 2;
  const Field n = take(xe.width, "normalised significand"), l = take(k, "exponent decrement");
  e_.fill(l, false);
  for (std::uint32_t q = top + 1; q-- > ext;) {
    e_.mask(kAll);
    narrow(xe.slice(q, top + 1 - q), 1, kM1);
    std::vector<GateOp> ops;
    append_set(ops, l, h + 1 - q + l_offset);
    e_.shift(n, xe, int(q) - int(h), ops);
  }
  e_.mask(kAll);
  const Field ek = take(k, "exponent"), y = take(k, "exponent field - 1");
  {
    std::vector<GateOp> ops;
    append_copy(ops, ek.slice(0, e_big.width), e_big);
    append_set(ops, ek.slice(e_big.width, k - e_big.width), 0);
    e_.parallel(ops);
  }
  add(AdderColumns{ek.first, l.first, y.first, std::uint16_t(k), adder_scratch_.first, {}, {}}, AddOp::Subtract);

  // Below the normal range (y < 0): the result is subnormal. IEEE shifts the
  // significand right by -y = ~y + 1 so its exponent is the smallest normal's
  // (field 0); the paper's procedure flushes it to zero.
  e_.search(col(y.top()), 1, kM2);
  if (ieee_) {
    e_.mask(kM2);
    e_.shift(n, n, 1);
    const std::uint32_t j_bits = std::min<std::uint32_t>(bit_length(nm + 1), k - 1);
    for (std::uint32_t j = 0; j < j_bits; ++j) {
      e_.mask(kM2);
      narrow(col(y.at(j)), 0, kM1);
      e_.shift(n, n, int(1u << j));
    }
    if (j_bits < k - 1) {
      // Shifted further than that, nothing is left at or above half the
      // smallest subnormal: the significand is cleared.
      const Column deep = one("underflow below the subnormals");
      e_.mask(kAll);
      e_.parallel({set_op(deep, false)});
      e_.mask(kM2);
      e_.parallel({set_op(deep, true)});
      narrow(y.slice(j_bits, k - j_bits), low_ones(k - j_bits), kM1);
      e_.parallel({set_op(deep, false)});
      e_.mask(kAll);
      narrow(col(deep), 1, kM1);
      e_.fill(n, false);
    }
  }
  e_.mask(kAll);
  const Column one_col = one("constant 1");
  e_.parallel({set_op(one_col, true)});
  e_.increment(y, one_col, carries_);  // y is now the exponent field
  e_.mask(kM2);
  e_.fill(y, false);
  e_.mask(kAll);

  // Overflow: a field of all ones or more is an infinity.
  const Column ovf = one("overflow");
  e_.parallel({set_op(ovf, true)});
  narrow(y.slice(ne, k - ne), 0, kM3);
  e_.parallel({set_op(ovf, false)});
  narrow(y.slice(0, ne), low_ones(ne), kM1);
  e_.parallel({set_op(ovf, true)});
  e_.mask(kAll);

  // Round to nearest, ties to even: up when the guard bit is set and the
  // sticky bits or the last fraction bit are.
  const std::uint32_t g = h - nm - 1;  // guard bit position in n
  const Column round_up = one("round up");
  if (ieee_) {
    for (std::uint32_t stride = 1; stride < g; stride *= 2) {  // OR of n[0..g) into n[0]
      std::vector<GateOp> ops;
      for (std::uint32_t i = 0; i + stride < g; i += 2 * stride) {
        ops.push_back({StatefulGate::Or, n.at(i), n.at(i + stride)});
      }
      e_.parallel(ops);
    }
    e_.copy(col(round_up), col(n.at(g + 1)));
    if (g > 0) e_.parallel({{StatefulGate::Or, round_up, n.at(0)}});
    e_.parallel({{StatefulGate::And, round_up, n.at(g)}});
  }
  {
    std::vector<GateOp> ops;
    append_copy(ops, frac(r), n.slice(h - nm, nm));
    append_copy(ops, expo(r), y.slice(0, ne));
    ops.push_back(copy_op(sign(r), sign_col));
    e_.parallel(ops);
  }
  // The packed exponent and fraction take the increment together: a carry
  // out of the fraction raises the exponent (and can make an infinity).
  if (ieee_) e_.increment(mag(r), round_up, carries_);

  narrow(col(ovf), 1, kM1);
  {
    std::vector<GateOp> ops;
    append_set(ops, mag(r), low_ones(ne) << nm);
    e_.parallel(ops);
  }
  e_.mask(kAll);
  // A zero significand (exact cancellation, or zero operands) is a signed zero.
  narrow(xe.slice(ext, xe.width - ext), 0, kM1);
  {
    std::vector<GateOp> ops;
    append_set(ops, mag(r), 0);
    ops.push_back(copy_op(sign(r), zero_sign));
    e_.parallel(ops);
  }
  if (!ieee_) {
    e_.mask(kM2);
    e_.fill(mag(r), false);
  }
  e_.mask(kAll);
}

// r = x quieted, where x is a NaN (exponent all ones, fraction not zero).
void FpProcedure::pick_nan(Field x, Field r) {
  const std::uint32_t ne = f_.ne, nm = f_.nm;
  const Column is_nan = one("operand is a NaN");
  e_.mask(kAll);
  e_.parallel({set_op(is_nan, false)});
  narrow(expo(x), low_ones(ne), kM1);
  e_.parallel({set_op(is_nan, true)});
  narrow(frac(x), 0, kM2);
  e_.parallel({set_op(is_nan, false)});
  e_.mask(kAll);
  narrow(col(is_nan), 1, kM1);
  std::vector<GateOp> ops;
  append_copy(ops, r.slice(0, nm - 1), x.slice(0, nm - 1));
  ops.push_back(set_op(r.at(nm - 1), true));  // the quiet bit
  append_copy(ops, r.slice(nm, ne + 1), x.slice(nm, ne + 1));
  e_.parallel(ops);
  e_.mask(kAll);
}

void FpProcedure::add_specials(Field a, Field b, Field r) {
  const std::uint64_t inf = inf_mag();
  e_.phase(Phase::Normalise);
  e_.mask(kAll);
  // An infinity wins over a finite operand.
  for (Field x : {b, a}) {
    narrow(mag(x), inf, kM1);
    e_.copy(r, x);
    e_.mask(kAll);
  }
  // inf - inf is invalid: the default NaN.
  const Column signs_differ = one("signs differ");
  e_.copy(col(signs_differ), col(sign(a)));
  e_.parallel({{StatefulGate::Xor, signs_differ, sign(b)}});
  narrow(mag(a), inf, kM1);
  narrow(mag(b), inf, kM2);
  narrow(col(signs_differ), 1, kM3);
  set_default_nan(r);
  // A NaN operand wins over everything, a's over b's.
  pick_nan(b, r);
  pick_nan(a, r);
}

}  // namespace

FpLayout fp_operand_layout(FpOp op, const FpFormat& format, Rounding rounding) {
  const std::uint16_t w = std::uint16_t(format.width());
  FpLayout l;
  l.format = format;
  l.op = op;
  l.rounding = rounding;
  l.a = Field{0, w};
  l.b = Field{w, w};
  Column next = Column(2 * w);
  if (op == FpOp::Mac) {
    l.c = Field{next, w};
    next = Column(next + w);
  }
  l.result = Field{next, w};
  l.scratch_first = Column(next + w);
  return l;
}

FpProgram build_fp_program(FpOp op, const FpFormat& format, Rounding rounding, const ArrayShape& shape) {
  const LogicFamily family = shape.family;
  const std::uint32_t cols = shape.cols;

  // A first build on a row as wide as column addresses reach finds the
  // widest add (the adder's cache cells grow with it on SOT-MRAM) and, on
  // ReRAM, how many NOR cache cells the sequences need (parked in the row's
  // upper half); the second puts exactly that many in the real row.
  constexpr std::uint32_t kWidest = 65535, kHalf = 32768;
  constexpr std::uint16_t kAnyAdd = 64;
  const ArrayShape widest{family, kWidest, 1};  // trial builds are not costed
  if (family == LogicFamily::SotStateful) {
    FpProcedure trial(op, format, rounding, widest, Field{0, 0}, kWidest, kAnyAdd);
    trial.build();
    FpProcedure p(op, format, rounding, shape, Field{0, 0}, cols, trial.widest_add());
    return p.build();
  }
  FpProcedure trial(op, format, rounding, widest, Field{Column(kHalf), std::uint16_t(kWidest - kHalf)},
                    kHalf, kAnyAdd);
  trial.build();
  if (trial.fields_end() + trial.temps_used() > cols) {
    throw std::invalid_argument(std::string("fp ") + to_string(op) + " " + format.name() + " on " +
                                to_string(family) + " needs " + std::to_string(trial.fields_end() + trial.temps_used()) +
                                " columns per row; the array has " + std::to_string(cols));
  }
  FpProcedure p(op, format, rounding, shape,
                Field{Column(trial.fields_end()), std::uint16_t(trial.temps_used())},
                trial.fields_end(), trial.widest_add());
  return p.build();
}

}  // namespace mrampim
