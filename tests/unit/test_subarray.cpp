#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "support/array_fixture.hpp"

using namespace mrampim;
using mrampim::test::ArrayFixture;

TEST_CASE("storage is bit-sliced: 64 rows of one column per word", "[subarray]") {
  ArrayFixture f("sot-mram-1t1r");
  CHECK(f.array.words_per_column() == 1024 / 64);
  f.array.poke(70, 3, true);
  CHECK(f.array.column_words(3)[1] == (std::uint64_t{1} << 6));
  CHECK(f.array.peek(70, 3));
  f.array.poke_field(5, 10, 12, 0xabc);
  CHECK(f.array.peek_field(5, 10, 12) == 0xabc);
  CHECK(f.account.total() == ActivityCounts{});  // debug access costs nothing
}

TEST_CASE("geometry comes from the technology, rows must be a multiple of 64", "[subarray]") {
  ArrayFixture f("sot-mram-1t1r", {"array.rows=128", "array.cols=256"});
  CHECK(f.array.rows() == 128);
  CHECK(f.array.cols() == 256);
  CHECK_THROWS_AS(ArrayFixture("sot-mram-1t1r", {"array.rows=96"}), ConfigError);
  CHECK_THROWS(f.array.peek(128, 0));
  CHECK_THROWS(f.array.peek_field(0, 250, 8));
}

TEST_CASE("host row and field access through the data port is costed", "[subarray]") {
  ArrayFixture f("sot-mram-1t1r", {"array.rows=128", "array.cols=256"});
  f.array.write_field(9, 100, 32, 0xdeadbeef);
  CHECK(f.array.read_field(9, 100, 32) == 0xdeadbeef);
  const ActivityCounts c = f.account.phase(Phase::HostAccess);
  CHECK(c.steps_of(StepKind::Write) == 1);
  CHECK(c.steps_of(StepKind::Read) == 1);
  CHECK(c.cells_of(StepKind::Write) == 32);
  CHECK(c.cells_of(StepKind::Read) == 32);

  std::vector<std::uint64_t> row(4), back(4);
  std::mt19937_64 rng(1);
  for (auto& w : row) w = rng();
  f.array.write_row(17, row.data());
  f.array.read_row(17, back.data());
  CHECK(back == row);
  for (Column col = 0; col < 256; ++col) REQUIRE(f.array.peek(17, col) == bool((row[col / 64] >> (col % 64)) & 1));
  CHECK(f.account.phase(Phase::HostAccess).cells_of(StepKind::Write) == 32 + 256);
}

TEST_CASE("stateful gates over masked rows follow the MTJ rule word by word", "[subarray]") {
  std::mt19937_64 rng(11);
  const StatefulGate gates[] = {StatefulGate::Copy, StatefulGate::CopyNot, StatefulGate::Set0, StatefulGate::Set1,
                                StatefulGate::And,  StatefulGate::Or,      StatefulGate::Xor};
  for (StatefulGate g : gates) {
    ArrayFixture f("sot-mram-1t1r");
    f.randomise(rng);
    const RowMask m = test::random_mask(f.array.rows(), rng);
    f.array.set_mask(1, m);
    const auto before = f.snapshot();
    ProgramBuilder b("gate", ArrayShape::of(f.tech));
    b.step(Phase::Logic).mask(1).gate(g, 7, 3);
    f.array.execute(b.finish());
    CAPTURE(to_string(g));
    for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
      const bool x = f.array.peek(r, 3);
      const bool y0 = (before[7 * f.array.words_per_column() + r / 64] >> (r % 64)) & 1;
      bool expected = y0;
      if (m.test(r)) {
        switch (g) {
          case StatefulGate::Copy: expected = x; break;
          case StatefulGate::CopyNot: expected = !x; break;
          case StatefulGate::Set0: expected = false; break;
          case StatefulGate::Set1: expected = true; break;
          case StatefulGate::And: expected = x && y0; break;
          case StatefulGate::Or: expected = x || y0; break;
          case StatefulGate::Xor: expected = x != y0; break;
        }
      }
      REQUIRE(f.array.peek(r, 7) == expected);
    }
    // Nothing but the destination column changed.
    auto after = f.snapshot();
    for (std::size_t w = 0; w < after.size(); ++w) {
      if (w / f.array.words_per_column() != 7) REQUIRE(after[w] == before[w]);
    }
  }
}

TEST_CASE("MAGIC NOR on the ReRAM subarray", "[subarray][reram]") {
  std::mt19937_64 rng(12);
  ArrayFixture f("reram-floatpim");
  f.randomise(rng);
  const RowMask m = test::random_mask(f.array.rows(), rng);
  f.array.set_mask(2, m);
  const auto before = f.snapshot();
  ProgramBuilder b("nor", ArrayShape::of(f.tech));
  b.step(Phase::Logic).set(20, true);
  b.step(Phase::Logic).mask(2).nor(20, {1, 2, 3});
  b.step(Phase::Logic).mask(0).nor(21, {4});  // uninitialised output: out AND NOT in
  f.array.execute(b.finish());
  const std::size_t wpc = f.array.words_per_column();
  for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
    const bool any = f.array.peek(r, 1) || f.array.peek(r, 2) || f.array.peek(r, 3);
    REQUIRE(f.array.peek(r, 20) == (m.test(r) ? !any : true));
    const bool old21 = (before[21 * wpc + r / 64] >> (r % 64)) & 1;
    REQUIRE(f.array.peek(r, 21) == (old21 && !f.array.peek(r, 4)));
  }
}

TEST_CASE("shifts move a column group by any amount in one step on SOT", "[subarray]") {
  std::mt19937_64 rng(13);
  for (int amount : {1, 3, 23, -1, -7, 24, 0}) {
    for (bool in_place : {true, false}) {
      ArrayFixture f("sot-mram-1t1r");
      f.randomise(rng);
      const RowMask m = test::random_mask(f.array.rows(), rng);
      f.array.set_mask(1, m);
      const Column src = 100, dst = in_place ? 100 : 200;
      const std::uint16_t width = 24;
      std::vector<std::uint64_t> in(f.array.rows()), old(f.array.rows());
      for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
        in[r] = f.array.peek_field(r, src, width);
        old[r] = f.array.peek_field(r, dst, width);
      }
      ProgramBuilder b("shift", ArrayShape::of(f.tech));
      b.step(Phase::Alignment).mask(1).shift(dst, src, width, std::int16_t(amount));
      const MicroProgram p = b.finish();
      CHECK(p.steps().size() == 1);
      f.array.execute(p);
      const std::uint64_t lim = (1ull << width) - 1;
      for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
        const std::uint64_t shifted = amount >= 0 ? (in[r] >> amount) : ((in[r] << -amount) & lim);
        CAPTURE(amount, in_place, r);
        REQUIRE(f.array.peek_field(r, dst, width) == (m.test(r) ? shifted : old[r]));
      }
    }
  }
}

TEST_CASE("ReRAM shifts by any amount in one step, one phase per bit its row senses", "[subarray][reram]") {
  std::mt19937_64 rng(14);
  ArrayFixture f("reram-floatpim");
  f.randomise(rng);
  std::vector<std::uint64_t> in(f.array.rows());
  for (std::uint32_t r = 0; r < f.array.rows(); ++r) in[r] = f.array.peek_field(r, 50, 16);
  ProgramBuilder b("shift", ArrayShape::of(f.tech));
  b.step(Phase::Alignment).shift(300, 50, 16, 5);
  const MicroProgram p = b.finish();
  CHECK(p.steps().size() == 1);
  f.array.execute(p);
  for (std::uint32_t r = 0; r < f.array.rows(); ++r) REQUIRE(f.array.peek_field(r, 300, 16) == in[r] >> 5);
  // One partition per row: the 11 bits that stay are sensed and written one
  // after another; the 5 shifted in are constant 0s, written with them.
  CHECK(f.account.total().steps_of(StepKind::Read) == 11);
  CHECK(f.account.total().steps_of(StepKind::Write) == 11);
  CHECK(f.account.total().cells_of(StepKind::Write) == 16ull * f.array.rows());
}

TEST_CASE("ReRAM shifts toward the most significant end under a row mask", "[subarray][reram]") {
  std::mt19937_64 rng(16);
  ArrayFixture f("reram-floatpim");
  f.randomise(rng);
  const RowMask m = mrampim::test::random_mask(f.array.rows(), rng);
  f.array.set_mask(1, m);
  std::vector<std::uint64_t> in(f.array.rows()), old(f.array.rows());
  for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
    in[r] = f.array.peek_field(r, 60, 16);
    old[r] = f.array.peek_field(r, 400, 16);
  }
  ProgramBuilder b("shift-left", ArrayShape::of(f.tech));
  b.step(Phase::Normalise).mask(1).shift(400, 60, 16, -3);
  const MicroProgram p = b.finish();
  CHECK(p.steps().size() == 1);
  f.array.execute(p);
  for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
    CAPTURE(r);
    REQUIRE(f.array.peek_field(r, 400, 16) == (m.test(r) ? ((in[r] << 3) & 0xffff) : old[r]));
    REQUIRE(f.array.peek_field(r, 60, 16) == in[r]);
  }
  // 13 bits sensed and written, one per phase; 16 cells written in every
  // enabled row.
  CHECK(f.account.total().steps_of(StepKind::Write) == 13);
  CHECK(f.account.total().cells_of(StepKind::Write) == 16ull * m.count());
}

TEST_CASE("search gives the rows whose stored bits equal the key", "[subarray]") {
  std::mt19937_64 rng(15);
  for (const char* tech : {"sot-mram-1t1r", "reram-floatpim"}) {
    ArrayFixture f(tech);
    f.randomise(rng);
    const RowMask in = test::random_mask(f.array.rows(), rng);
    f.array.set_mask(1, in);
    for (std::uint32_t r = 0; r < f.array.rows(); r += 3) f.array.poke_field(r, 40, 5, 0x13);
    ProgramBuilder b("search", ArrayShape::of(f.tech));
    b.step(Phase::Alignment).mask(1).search(40, 5, 0x13, 2);
    f.array.execute(b.finish());
    std::uint32_t n = 0;
    for (std::uint32_t r = 0; r < f.array.rows(); ++r) {
      const bool expected = in.test(r) && f.array.peek_field(r, 40, 5) == 0x13;
      REQUIRE(f.array.mask(2).test(r) == expected);
      n += expected;
    }
    CHECK(n > 100);
    const ActivityCounts c = f.account.total();
    CHECK(c.steps_of(StepKind::Search) == 1);
    CHECK(c.cells_of(StepKind::Search) == 5ull * in.count());
  }
}

TEST_CASE("a step latency is paid once, its energy grows with the active rows", "[subarray][ledger]") {
  ProgramBuilder b("x", ArrayShape{LogicFamily::SotStateful, 1024, 1});
  b.step(Phase::Logic).mask(1).xor_(5, 6).and_(7, 8);
  const MicroProgram p = b.finish();
  for (std::uint32_t rows : {64u, 640u, 1024u}) {
    ArrayFixture f("sot-mram-1t1r");
    f.array.set_mask(1, RowMask::range(1024, 0, rows));
    f.array.execute(p);
    const ActivityCounts c = f.account.total();
    CHECK(c.compute_steps == 1);
    CHECK(c.steps_of(StepKind::Read) == 1);
    CHECK(c.steps_of(StepKind::Write) == 1);
    CHECK(c.cells_of(StepKind::Write) == 2ull * rows);
    CHECK(c.cells_of(StepKind::Read) == 3ull * rows);  // xor reads x and y, and reads x
    // Priced by the counted prices: the cells, the step's 3 read and 2
    // write column lines, the enabled rows' word lines raised once, and the
    // step's decoders.
    const StepPrices& pr = f.account.prices();
    const std::size_t R = std::size_t(StepKind::Read), W = std::size_t(StepKind::Write);
    CHECK(c.column_lines[R] == 3);
    CHECK(c.column_lines[W] == 2);
    CHECK(c.row_lines == rows);
    CHECK(f.account.latency_ns() == Approx(pr.step_ns + pr.latency_ns[R] + pr.latency_ns[W]));
    CHECK(f.account.energy_pJ() ==
          Approx((3.0 * rows * pr.energy_fJ[R] + 2.0 * rows * pr.energy_fJ[W] + 3 * pr.column_line_fJ[R] +
                  2 * pr.column_line_fJ[W] + rows * pr.row_line_fJ) * 1e-3 + pr.periphery_pJ));
    CHECK(c == p.cost(rows));
  }
}

TEST_CASE("a program for another technology or a narrower array is refused", "[subarray]") {
  ArrayFixture f("sot-mram-1t1r", {"array.cols=128"});
  ProgramBuilder reram("r", ArrayShape{LogicFamily::ReramNor, 128, 128});
  reram.step(Phase::Logic).set(3, true);
  CHECK_THROWS_WITH(f.array.execute(reram.finish()), Catch::Matchers::Contains("built for reram"));
  ProgramBuilder wide("w", ArrayShape{LogicFamily::SotStateful, 1024, 1});
  wide.step(Phase::Logic).copy(500, 1);
  CHECK_THROWS_WITH(f.array.execute(wide.finish()), Catch::Matchers::Contains("uses 501 columns"));
}

TEST_CASE("whole-program execution and step-by-step execution agree bit for bit and count for count",
          "[subarray][ledger]") {
  std::mt19937_64 rng(16);
  for (bool with_search : {false, true}) {
    ProgramBuilder b("mixed", ArrayShape{LogicFamily::SotStateful, 1024, 1});
    b.step(Phase::Exponent).mask(1).xor_(10, 11).mask(2).and_(12, 13);
    if (with_search) b.step(Phase::Alignment).mask(0).search(20, 3, 5, 3);
    b.step(Phase::Alignment).mask(with_search ? 3 : 1).shift(30, 30, 16, 4);
    b.step(Phase::Mantissa).mask(0).copy_not(40, 41).or_(42, 43);
    const MicroProgram p = b.finish();
    ArrayFixture whole("sot-mram-1t1r"), stepped("sot-mram-1t1r");
    whole.randomise(rng);
    std::memcpy(stepped.array.column_words(0), whole.array.column_words(0), 1024 * 16 * 8);
    const RowMask m1 = test::random_mask(1024, rng), m2 = test::random_mask(1024, rng);
    for (auto* f : {&whole, &stepped}) {
      f->array.set_mask(1, m1);
      f->array.set_mask(2, m2);
    }
    whole.array.execute(p);
    for (std::size_t s = 0; s < p.steps().size(); ++s) stepped.array.execute_step(p, s);
    CAPTURE(with_search);
    CHECK(whole.snapshot() == stepped.snapshot());
    for (std::size_t ph = 0; ph < kPhases; ++ph) CHECK(whole.account.phase(Phase(ph)) == stepped.account.phase(Phase(ph)));
    CHECK(whole.account.cells_occupied_per_row() == stepped.account.cells_occupied_per_row());
    CHECK(whole.account.cells_occupied_per_row() == p.cells_written_per_row());
  }
}

TEST_CASE("Whole rows, row-major, through bit transposes: peek_rows and poke_rows", "[subarray][rows]") {
  // A width that is not a multiple of 64 and a range that cuts row groups.
  mrampim::test::ArrayFixture fx("sot-mram-1t1r", {"array.rows=256", "array.cols=200"});
  mrampim::Subarray& s = fx.array;
  std::mt19937_64 rng(21);
  fx.randomise(rng);
  REQUIRE(s.row_words() == 4);
  std::vector<std::uint64_t> rows(100 * 4);
  s.peek_rows(70, 100, rows.data());
  for (std::uint32_t r = 70; r < 170; ++r) {
    for (mrampim::Column c = 0; c < 200; ++c) {
      if (((rows[(r - 70) * 4 + c / 64] >> (c % 64)) & 1u) != std::uint64_t(s.peek(r, c))) FAIL("row " << r << " col " << c);
    }
    REQUIRE((rows[(r - 70) * 4 + 3] >> 8) == 0);  // past column 199: 0
  }
  const auto before = fx.snapshot();
  std::vector<std::uint64_t> in(30 * 4);
  for (auto& w : in) w = rng();
  s.poke_rows(60, 30, in.data());
  for (std::uint32_t r = 0; r < 256; ++r) {
    for (mrampim::Column c = 0; c < 200; ++c) {
      const bool want = (r >= 60 && r < 90) ? ((in[(r - 60) * 4 + c / 64] >> (c % 64)) & 1u)
                                             : ((before[std::size_t(c) * 4 + r / 64] >> (r % 64)) & 1u);
      if (s.peek(r, c) != want) FAIL("row " << r << " col " << c);
    }
  }
  CHECK(fx.account.total() == mrampim::ActivityCounts{});  // debug access: nothing charged
  CHECK_THROWS_AS(s.peek_rows(250, 7, rows.data()), std::out_of_range);
  CHECK_THROWS_AS(s.poke_rows(256, 1, in.data()), std::out_of_range);
}

TEST_CASE("a step drives one column line per distinct column, however many of its ops touch it", "[subarray][ledger]") {
  // Two copies of column 0 and a search of 0..3: column 0 is read once and
  // searched once; each destination is written.
  ProgramBuilder b("lines", ArrayShape{LogicFamily::SotStateful, 1024, 1});
  b.step(Phase::Logic).copy(10, 0).copy(11, 0).copy_not(12, 1);
  b.step(Phase::Logic).search(0, 4, 0x5, 1);
  const MicroProgram p = b.finish();
  ArrayFixture f("sot-mram-1t1r");
  f.array.execute(p);
  const ActivityCounts c = f.account.total();
  CHECK(c.column_lines[std::size_t(StepKind::Read)] == 2);    // columns 0 and 1
  CHECK(c.column_lines[std::size_t(StepKind::Write)] == 3);   // 10, 11, 12
  CHECK(c.column_lines[std::size_t(StepKind::Search)] == 4);  // 0..3
  CHECK(c.cells_of(StepKind::Read) == 3ull * 1024);           // cells still count per op
  CHECK(c == p.cost(1024));                                   // the static counts agree
  // A NOR drives its inputs' and its output's lines.
  ProgramBuilder n("nor", ArrayShape{LogicFamily::ReramNor, 1024, 1024});
  n.step(Phase::Logic).set(5, true);
  n.step(Phase::Logic).nor(5, {1, 2});
  ArrayFixture g("reram-floatpim");
  g.array.execute(n.finish());
  CHECK(g.account.total().column_lines[std::size_t(StepKind::Nor)] == 3);
}
