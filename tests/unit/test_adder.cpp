#include <catch2/catch.hpp>

#include <random>

#include "compute/integer_adder.hpp"
#include "support/array_fixture.hpp"

using namespace mrampim;
using mrampim::test::ArrayFixture;

namespace {

const char* const kTechs[] = {"sot-mram-1t1r", "reram-floatpim"};

}  // namespace

TEST_CASE("full adder, exhaustive over its 8 inputs on all 1024 rows, operands kept", "[adder]") {
  for (const char* tech : kTechs) {
    CAPTURE(tech);
    std::mt19937_64 rng(21);
    ArrayFixture f(tech);
    f.randomise(rng);
    const Column x = 0, y = 1, z = 2, s = 40, c = 41, scratch = 50;
    for (std::uint32_t r = 0; r < f.array.rows(); ++r) f.array.poke_field(r, x, 3, (r * 5 + r / 64) & 7);
    const auto before = f.snapshot();
    const MicroProgram p = build_full_adder(ArrayShape::of(f.tech), x, y, z, s, c, scratch);
    f.array.execute(p);
    for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
      const unsigned in = unsigned(f.array.peek_field(r, x, 3));
      REQUIRE(in == ((r * 5 + r / 64) & 7));  // X, Y, Z unchanged
      const unsigned ones = (in & 1) + ((in >> 1) & 1) + ((in >> 2) & 1);
      REQUIRE(f.array.peek(r, s) == bool(ones & 1));
      REQUIRE(f.array.peek(r, c) == (ones >= 2));
    }
    // Every column the adder does not own is untouched.
    const std::size_t wpc = f.array.words_per_column();
    const auto after = f.snapshot();
    const std::uint16_t n_scratch = full_adder_scratch_columns(f.tech.family);
    for (std::size_t w = 0; w < after.size(); ++w) {
      const std::size_t col = w / wpc;
      const bool owned = col == s || col == c || (col >= scratch && col < std::size_t(scratch + n_scratch));
      if (!owned) REQUIRE(after[w] == before[w]);
    }
  }
}

TEST_CASE("the ledger counts 4 steps and 4 cells per SOT full adder, 10 and 9 per FloatPIM one (9 NORs)", "[adder][ledger]") {
  struct Expect { const char* tech; std::uint64_t steps; std::uint32_t cells; };
  for (const Expect e : {Expect{"sot-mram-1t1r", 4, 4}, Expect{"reram-floatpim", 10, 9}}) {
    CAPTURE(e.tech);
    ArrayFixture f(e.tech);
    const MicroProgram p = build_full_adder(ArrayShape::of(f.tech), 0, 1, 2, 3, 4, 10);
    f.array.execute(p);
    CHECK(f.account.total().compute_steps == e.steps);
    CHECK(f.account.cells_occupied_per_row() == e.cells);
    CHECK(p.cells_written_per_row() == e.cells);
    CHECK(f.account.total() == p.cost(f.array.rows()));
  }
}

TEST_CASE("an N-bit add counts 2N - 1 steps and 3N - 3 cells on SOT (4N and N + 3 with full adders), 10N steps and "
          "N + 9 cells on FloatPIM",
          "[adder][ledger]") {
  // No carry-in column, no carry-out. The propagate adder (integer_adder.hpp):
  // two bulk steps, then bits 1..N-2 two steps each (bit 0's carry is g_0),
  // the last bit one (no carry-out); cells: the sum, P of bits 1..N-2, G of
  // bits 0..N-2 (N = 1: the sum alone, in the two bulk steps).
  struct Expect {
    const char* tech;
    SotAdder sot;
    std::uint64_t steps[3];  // for N = 1, 8, 32
    std::uint32_t cells[3];
  };
  for (const Expect e : {Expect{"sot-mram-1t1r", SotAdder::Propagate, {2, 15, 63}, {1, 21, 93}},
                         Expect{"sot-mram-1t1r", SotAdder::FullAdders, {4, 32, 128}, {4, 11, 35}},
                         Expect{"reram-floatpim", SotAdder::Propagate, {10, 80, 320}, {10, 17, 41}}}) {
    const std::uint16_t widths[] = {1, 8, 32};
    for (int w = 0; w < 3; ++w) {
      const std::uint16_t n = widths[w];
      CAPTURE(e.tech, int(e.sot), n);
      ArrayFixture f(e.tech);
      AdderColumns cols{0, 64, 128, n, 200, {}, {}};
      cols.sot = e.sot;
      const MicroProgram p = build_ripple_adder(ArrayShape::of(f.tech), cols, AddOp::Add);
      f.array.execute(p);
      CHECK(f.account.total().compute_steps == e.steps[w]);
      CHECK(f.account.cells_occupied_per_row() == e.cells[w]);
      // The host writing operands occupies nothing; clearing starts afresh.
      f.array.write_field(0, 64, n, 1);
      CHECK(f.account.cells_occupied_per_row() == e.cells[w]);
      f.account.clear_occupancy();
      CHECK(f.account.cells_occupied_per_row() == 0);
    }
  }
}

TEST_CASE("N-bit ripple add and subtract against host integers, 100,000 pairs per width", "[adder]") {
  const std::pair<const char*, SotAdder> variants[] = {
      {"sot-mram-1t1r", SotAdder::Propagate}, {"sot-mram-1t1r", SotAdder::FullAdders}, {"reram-floatpim", SotAdder::Propagate}};
  for (const auto& [tech, sot] : variants) {
    for (unsigned bits : {1u, 2u, 8u, 24u, 32u}) {
      for (AddOp op : {AddOp::Add, AddOp::Subtract}) {
        CAPTURE(tech, int(sot), bits, op == AddOp::Add ? "add" : "sub");
        std::mt19937_64 rng(1000 + bits);
        ArrayFixture f(tech);
        f.randomise(rng);
        const std::uint16_t n = std::uint16_t(bits);
        AdderColumns cols{0, Column(n), Column(2 * n), n, Column(3 * n + 1), Column(3 * n), {}};
        cols.sot = sot;
        const MicroProgram p = build_ripple_adder(ArrayShape::of(f.tech), cols, op);
        const std::uint64_t lim = (1ull << bits) - 1;
        const std::uint32_t rows = f.array.rows();
        const unsigned batches = (100000 + rows - 1) / rows;
        std::vector<std::uint64_t> a(rows), b(rows);
        std::uint64_t checked = 0;
        for (unsigned batch = 0; batch < batches; ++batch) {
          for (std::uint32_t r = 0; r < rows; ++r) {
            a[r] = rng() & lim;
            b[r] = rng() & lim;
          }
          if (batch == 0) {  // edges: zero, all ones, equal operands, one-off
            a[0] = 0; b[0] = 0;
            a[1] = lim; b[1] = lim;
            a[2] = lim; b[2] = 1;
            a[3] = 0; b[3] = lim;
            a[4] = 12345 & lim; b[4] = 12345 & lim;
          }
          for (std::uint32_t r = 0; r < rows; ++r) {
            f.array.poke_field(r, cols.x, n, a[r]);
            f.array.poke_field(r, cols.y, n, b[r]);
          }
          f.array.execute(p);
          for (std::uint32_t r = 0; r < rows; ++r) {
            const std::uint64_t want = (op == AddOp::Add ? a[r] + b[r] : a[r] - b[r]) & lim;
            const bool carry = op == AddOp::Add ? ((a[r] + b[r]) >> bits) & 1 : a[r] >= b[r];
            CAPTURE(r, a[r], b[r]);
            REQUIRE(f.array.peek_field(r, cols.sum, n) == want);
            REQUIRE(f.array.peek(r, *cols.carry_out) == carry);
            REQUIRE(f.array.peek_field(r, cols.x, n) == a[r]);
            REQUIRE(f.array.peek_field(r, cols.y, n) == b[r]);
            ++checked;
          }
        }
        CHECK(checked >= 100000);
        // Steps, with the carry-out: SOT propagate 2N (add: bit 0 free) or
        // 2N + 2 (subtract: a carry-in of 1 in K); SOT full adders 4 per bit
        // (subtraction's not-Y rides on the copies); FloatPIM 10 per bit (11
        // with the NOT of Y for subtraction).
        std::uint64_t steps = 0;
        if (f.tech.family == LogicFamily::ReramNor) steps = (op == AddOp::Add ? 10 : 11) * bits;
        else if (sot == SotAdder::FullAdders) steps = 4 * bits;
        else steps = op == AddOp::Add ? 2 * bits : 2 * bits + 2;
        CHECK(f.account.total().compute_steps == steps * batches);
        CHECK(f.account.total() == [&] {
          ActivityCounts c;
          for (unsigned i = 0; i < batches; ++i) c += p.cost(rows);
          return c;
        }());
      }
    }
  }
}

TEST_CASE("adder layouts that would clobber an operand or leave the array are refused", "[adder]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(build_ripple_adder(ArrayShape{LogicFamily::SotStateful, 1024, 1}, AdderColumns{0, 8, 4, 8, 100, {}, {}}, AddOp::Add),
                    Contains("x overlaps the sum"));
  CHECK_THROWS_WITH(build_ripple_adder(ArrayShape{LogicFamily::SotStateful, 1024, 1}, AdderColumns{0, 8, 16, 8, 20, {}, {}}, AddOp::Add),
                    Contains("the sum overlaps the scratch cells"));
  CHECK_THROWS_WITH(build_ripple_adder(ArrayShape{LogicFamily::ReramNor, 1024, 1024}, AdderColumns{0, 8, 16, 8, 30, 3, {}}, AddOp::Add),
                    Contains("x overlaps the carry-out"));
  // A field past the last column is refused, also where a 16-bit column
  // address would wrap around to column 0.
  CHECK_THROWS_WITH(build_ripple_adder(ArrayShape{LogicFamily::SotStateful, 1024, 1}, AdderColumns{1020, 0, 8, 8, 100, {}, {}}, AddOp::Add),
                    Contains("x (columns 1020..1027) lies outside the array's 1024 columns"));
  CHECK_THROWS_WITH(
      build_ripple_adder(ArrayShape{LogicFamily::SotStateful, 65535, 1}, AdderColumns{65530, 0, 8, 8, 100, {}, {}}, AddOp::Add),
      Contains("lies outside the array's 65535 columns"));
  // Operands are only read: they may share cells (x + x doubles).
  CHECK_NOTHROW(build_ripple_adder(ArrayShape{LogicFamily::SotStateful, 1024, 1}, AdderColumns{0, 0, 8, 8, 20, {}, {}}, AddOp::Add));
  CHECK_NOTHROW(build_ripple_adder(ArrayShape{LogicFamily::ReramNor, 1024, 1024}, AdderColumns{0, 4, 16, 8, 30, {}, {}}, AddOp::Add));
  // A lone full adder: every input, output and cache cell distinct.
  CHECK_THROWS_WITH(build_full_adder(ArrayShape{LogicFamily::SotStateful, 1024, 1}, 0, 1, 2, 0, 4, 10), Contains("x overlaps the sum"));
  CHECK_THROWS_WITH(build_full_adder(ArrayShape{LogicFamily::SotStateful, 1024, 1}, 0, 1, 2, 3, 4, 3),
                    Contains("the sum overlaps the scratch cells"));
  // FloatPIM's 7 cache cells from column 5 reach column 11, over x.
  CHECK_THROWS_WITH(build_full_adder(ArrayShape{LogicFamily::ReramNor, 1024, 1024}, 10, 11, 12, 13, 14, 5),
                    Contains("x overlaps the scratch cells"));
  CHECK_NOTHROW(build_full_adder(ArrayShape{LogicFamily::ReramNor, 1024, 1024}, 10, 11, 12, 13, 14, 15));
}

TEST_CASE("a carry-in column makes each row add or subtract by itself", "[adder]") {
  const std::pair<const char*, SotAdder> variants[] = {
      {"sot-mram-1t1r", SotAdder::Propagate}, {"sot-mram-1t1r", SotAdder::FullAdders}, {"reram-floatpim", SotAdder::Propagate}};
  for (const auto& [tech, sot] : variants) {
    CAPTURE(tech, int(sot));
    std::mt19937_64 rng(77);
    ArrayFixture f(tech);
    f.randomise(rng);
    const std::uint16_t n = 16;
    // y is stored already inverted in rows that subtract: x + (y ^ sub) + sub.
    const Column sub_col = 60;
    AdderColumns cols{0, 16, 32, n, 100, Column(48), sub_col};
    cols.sot = sot;
    const MicroProgram p = build_ripple_adder(ArrayShape::of(f.tech), cols, AddOp::Add);
    std::vector<std::uint64_t> a(f.array.rows()), b(f.array.rows());
    for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
      a[r] = rng() & 0xffff;
      b[r] = rng() & 0xffff;
      const bool sub = f.array.peek(r, sub_col);
      f.array.poke_field(r, 0, n, a[r]);
      f.array.poke_field(r, 16, n, sub ? (~b[r] & 0xffff) : b[r]);
    }
    f.array.execute(p);
    for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
      CAPTURE(r);
      const bool sub = f.array.peek(r, sub_col);
      REQUIRE(f.array.peek_field(r, 32, n) == ((sub ? a[r] - b[r] : a[r] + b[r]) & 0xffff));
      REQUIRE(f.array.peek(r, 48) == (sub ? a[r] >= b[r] : ((a[r] + b[r]) >> 16) != 0));
    }
  }
  CHECK_THROWS_WITH(build_ripple_adder(ArrayShape{LogicFamily::SotStateful, 1024, 1}, AdderColumns{0, 8, 16, 8, 30, {}, Column(31)},
                                       AddOp::Add),
                    Catch::Matchers::Contains("the carry-in overlaps the scratch cells"));
}
