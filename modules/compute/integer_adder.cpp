#include "compute/integer_adder.hpp"

#include <vector>
#include <stdexcept>
#include <string>

namespace mrampim {

namespace {

// The carry-in of one full adder: a column, or a constant for bit 0.
struct CarryIn {
  bool is_column;
  Column column;
  bool constant;
};

// One SOT full adder (4 steps). `y_inverted` feeds not-Y through the copies
// in step 1: the write current takes the complement of the sensed bit, at no
// extra cost, which is how subtraction x + ~y + 1 runs.
void emit_sot_full_adder(ProgramBuilder& b, Phase phase, Column x, Column y, bool y_inverted, CarryIn z, Column sum,
                         Column carry, Column scratch) {
  const Column c0 = scratch, c1 = Column(scratch + 1);
  b.step(phase);
  if (z.is_column) b.copy(sum, z.column); else b.set(sum, z.constant);
  if (y_inverted) b.copy_not(c0, y).copy_not(c1, y); else b.copy(c0, y).copy(c1, y);
  if (!z.is_column) b.set(carry, z.constant);
  else if (z.column != carry) b.copy(carry, z.column);
  b.step(phase).xor_(c0, x).and_(c1, x);
  b.step(phase).and_(carry, c0);
  b.step(phase).xor_(sum, c0).or_(carry, c1);
}

// The SOT propagate adder (integer_adder.hpp). Scratch: K (the carry-in
// cell), then P (N cells), then G (N cells).
void emit_sot_propagate_adder(ProgramBuilder& b, Phase phase, const AdderColumns& c, bool y_inverted,
                              bool cin_constant) {
  const std::uint32_t n = c.bits;
  const Column k = c.scratch;
  auto p = [&](std::uint32_t i) { return (i + 1 == n && c.carry_out) ? *c.carry_out : Column(c.scratch + 1 + i); };
  auto g = [&](std::uint32_t i) {
    const bool only_cell = n == 1 && c.carry_out && !c.carry_in && !cin_constant;
    return only_cell ? *c.carry_out : Column(c.scratch + 1 + n + i);
  };
  const bool zero_in = !c.carry_in && !cin_constant;  // constant carry-in 0: c_1 = g_0
  // Which bits produce a carry: all but the last, and the last for a carry-out.
  auto carries = [&](std::uint32_t i) { return i + 1 < n || c.carry_out.has_value(); };
  auto copy_y = [&](Column dst, std::uint32_t i) {
    if (y_inverted) b.copy_not(dst, Column(c.y + i)); else b.copy(dst, Column(c.y + i));
  };
  b.step(phase);
  for (std::uint32_t i = 0; i < n; ++i) {
    copy_y(Column(c.sum + i), i);
    if (!carries(i)) continue;
    if (!(zero_in && i == 0)) copy_y(p(i), i);
    copy_y(g(i), i);
  }
  if (c.carry_in) b.copy(k, *c.carry_in);
  else if (cin_constant) b.set(k, true);
  b.step(phase);
  for (std::uint32_t i = 0; i < n; ++i) {
    const Column x = Column(c.x + i);
    b.xor_(Column(c.sum + i), x);
    if (!carries(i)) continue;
    if (!(zero_in && i == 0)) b.xor_(p(i), x);
    b.and_(g(i), x);
  }
  Column carry = zero_in ? g(0) : k;
  for (std::uint32_t i = zero_in ? 1 : 0; i < n; ++i) {
    b.step(phase).xor_(Column(c.sum + i), carry);
    if (!carries(i)) break;
    b.and_(p(i), carry);
    b.step(phase).or_(p(i), g(i));
    carry = p(i);
  }
}

// One MAGIC NOR full adder (10 steps; 11 with the NOT of Y for subtraction).
// `z` must be a column here; a constant carry-in is first written into it by
// the caller within this adder's initialisation step (`z_init`).
void emit_reram_full_adder(ProgramBuilder& b, Phase phase, Column x, Column y, bool y_inverted, Column z,
                           std::optional<bool> z_init, Column sum, Column carry, Column scratch) {
  Column t[8];
  for (int i = 0; i < 8; ++i) t[i] = Column(scratch + i);  // t[7]: not-Y for subtraction
  b.step(phase);
  for (int i = 0; i < 7; ++i) b.set(t[i], true);
  if (y_inverted) b.set(t[7], true);
  b.set(sum, true).set(carry, true);
  if (z_init) b.set(z, *z_init);
  Column yy = y;
  if (y_inverted) {
    b.step(phase).nor(t[7], {y});
    yy = t[7];
  }
  b.step(phase).nor(t[0], {x, yy});       // not (X or Y)
  b.step(phase).nor(t[1], {x, t[0]});
  b.step(phase).nor(t[2], {yy, t[0]});
  b.step(phase).nor(t[3], {t[1], t[2]});  // XNOR(X, Y)
  b.step(phase).nor(t[4], {t[3], z});     // (X xor Y) and not Z
  b.step(phase).nor(t[5], {t[3], t[4]});
  b.step(phase).nor(t[6], {z, t[4]});
  b.step(phase).nor(sum, {t[5], t[6]});   // XNOR(XNOR(X, Y), Z) = X xor Y xor Z
  b.step(phase).nor(carry, {t[0], t[4]}); // (X or Y) and not ((X xor Y) and not Z): the majority
}

// A named group of columns [first, first + width) of an adder's layout.
struct Field {
  const char* name;
  std::uint32_t first;
  std::uint32_t width;
};

// Every field must lie inside the array (no 16-bit column address may wrap)
// and no two may share a cell: results never overwrite the operands, which
// stay unchanged, nor the scratch cells the adder computes in.
void check_fields(const std::vector<Field>& fields, std::uint32_t cols) {
  for (const Field& f : fields) {
    if (f.first + f.width > cols) {
      throw std::invalid_argument("adder layout: " + std::string(f.name) + " (columns " + std::to_string(f.first) +
                                  ".." + std::to_string(f.first + f.width - 1) + ") lies outside the array's " +
                                  std::to_string(cols) + " columns");
    }
  }
  for (auto a = fields.begin(); a != fields.end(); ++a) {
    for (auto b = a + 1; b != fields.end(); ++b) {
      if (a->first < b->first + b->width && b->first < a->first + a->width) {
        throw std::invalid_argument("adder layout: " + std::string(a->name) + " overlaps " + b->name);
      }
    }
  }
}

void check_layout(LogicFamily family, const AdderColumns& c, AddOp op, std::uint32_t cols) {
  if (c.bits == 0 || c.bits > 64) throw std::invalid_argument("adder width must be 1..64 bits");
  const std::uint32_t n = c.bits, s = adder_scratch_columns(family, op, c.bits, c.sot);
  // What the adder writes must not share a cell with anything else; what it
  // only reads (the operands, a carry-in column) may share cells with each
  // other, e.g. x + x.
  std::vector<Field> writes{{"the sum", c.sum, n}, {"the scratch cells", c.scratch, s}};
  if (c.carry_out) writes.push_back({"the carry-out", *c.carry_out, 1});
  std::vector<Field> reads{{"x", c.x, n}, {"y", c.y, n}};
  if (c.carry_in) reads.push_back({"the carry-in", *c.carry_in, 1});
  check_fields(writes, cols);
  for (const Field& r : reads) {
    std::vector<Field> pair_check{r};
    pair_check.insert(pair_check.end(), writes.begin(), writes.end());
    check_fields(pair_check, cols);
  }
}

}  // namespace

std::uint16_t adder_scratch_columns(LogicFamily family, AddOp op, std::uint16_t bits, SotAdder sot) {
  if (family == LogicFamily::SotStateful) {
    return sot == SotAdder::FullAdders ? 3 : std::uint16_t(2 * bits + 1);  // c0, c1, carry; or K, P, G
  }
  return op == AddOp::Subtract ? 10 : 9;  // t1..t7 (+ not-Y), two carry cells
}

std::uint16_t full_adder_scratch_columns(LogicFamily family) {
  return family == LogicFamily::SotStateful ? 2 : 7;
}

void emit_ripple_adder(ProgramBuilder& b, LogicFamily family, const AdderColumns& c, AddOp op, Phase phase) {
  check_layout(family, c, op, b.cols());
  const bool sub = op == AddOp::Subtract;
  const bool cin = sub;  // x - y = x + ~y + 1, unless a carry-in column is given
  if (family == LogicFamily::SotStateful && c.sot == SotAdder::Propagate) {
    emit_sot_propagate_adder(b, phase, c, sub, !c.carry_in && cin);
    return;
  }
  for (std::uint16_t i = 0; i < c.bits; ++i) {
    const bool last = i + 1 == c.bits;
    const Column x = Column(c.x + i), y = Column(c.y + i), s = Column(c.sum + i);
    if (family == LogicFamily::SotStateful) {
      const Column cc = Column(c.scratch + 2);
      const Column carry = (last && c.carry_out) ? *c.carry_out : cc;
      const CarryIn z = i > 0 ? CarryIn{true, cc, false}
                              : (c.carry_in ? CarryIn{true, *c.carry_in, false} : CarryIn{false, 0, cin});
      emit_sot_full_adder(b, phase, x, y, sub, z, s, carry, c.scratch);
    } else {
      const std::uint16_t base = sub ? 8 : 7;
      const Column k_in = Column(c.scratch + base + (i % 2));
      const Column k_out = (last && c.carry_out) ? *c.carry_out : Column(c.scratch + base + ((i + 1) % 2));
      if (i == 0 && c.carry_in) {
        emit_reram_full_adder(b, phase, x, y, sub, *c.carry_in, std::nullopt, s, k_out, c.scratch);
      } else {
        emit_reram_full_adder(b, phase, x, y, sub, k_in, i == 0 ? std::optional<bool>(cin) : std::nullopt, s,
                              k_out, c.scratch);
      }
    }
  }
}

MicroProgram build_ripple_adder(const ArrayShape& shape, const AdderColumns& c, AddOp op) {
  ProgramBuilder b(std::string(op == AddOp::Add ? "add" : "sub") + std::to_string(c.bits), shape);
  emit_ripple_adder(b, shape.family, c, op, Phase::Logic);
  return b.finish();
}

MicroProgram build_full_adder(const ArrayShape& shape, Column x, Column y, Column z, Column sum, Column carry,
                              Column scratch) {
  const LogicFamily family = shape.family;
  // A lone full adder uses the ripple adder's cache cells minus the carry
  // cell, which is `carry` here.
  const std::uint32_t scratch_cells = full_adder_scratch_columns(family);
  check_fields({{"x", x, 1}, {"y", y, 1}, {"z", z, 1}, {"the sum", sum, 1}, {"the carry", carry, 1},
                {"the scratch cells", scratch, scratch_cells}},
               shape.cols);
  ProgramBuilder b("full-adder", shape);
  if (family == LogicFamily::SotStateful) {
    emit_sot_full_adder(b, Phase::Logic, x, y, false, CarryIn{true, z, false}, sum, carry, scratch);
  } else {
    emit_reram_full_adder(b, Phase::Logic, x, y, false, z, std::nullopt, sum, carry, scratch);
  }
  return b.finish();
}

}  // namespace mrampim
