// How a step's ops share a row's lines (MicroProgram, "Line sharing"): per
// phase a row partition senses one column, evaluates one NOR and serves one
// search; a step that needs more runs as more phases of the kind. Counts
// here are worked out from that rule by hand; the bits never depend on it.
#include <catch2/catch.hpp>

#include <random>

#include "circuit/array_circuit.hpp"
#include "compute/fp_program.hpp"
#include "support/array_fixture.hpp"

using namespace mrampim;
using mrampim::test::ArrayFixture;

namespace {

// 24 copies side by side (source 0..23 into 100..123) and two constants.
MicroProgram copies(const ArrayShape& shape) {
  ProgramBuilder b("copies", shape);
  b.step(Phase::Logic);
  for (Column i = 0; i < 24; ++i) b.copy(Column(100 + i), i);
  b.set(200, true).set(201, false);
  return b.finish();
}

}  // namespace

TEST_CASE("SOT-MRAM senses every cell on its own: side-by-side gates take one phase", "[line-sharing]") {
  const Technology t = load_technology("sot-mram-1t1r");
  const MicroProgram p = copies(ArrayShape::of(t));
  REQUIRE(p.steps().size() == 1);
  CHECK(p.steps()[0].phases[std::size_t(StepKind::Read)] == 1);
  CHECK(p.steps()[0].phases[std::size_t(StepKind::Write)] == 1);
}

TEST_CASE("one sense amplifier per row: a step senses one column per phase, and writes what it sensed",
          "[line-sharing]") {
  const Technology t = load_technology("sot-mram-1t1r", {"circuit.partition_cols=1024"});
  const MicroProgram p = copies(ArrayShape::of(t));
  CHECK(p.steps()[0].phases[std::size_t(StepKind::Read)] == 24);
  CHECK(p.steps()[0].phases[std::size_t(StepKind::Write)] == 24);
  // Latency: one decoding, then 24 read and 24 write phases at the derived prices.
  const StepPrices prices = StepPrices::from(t);
  CHECK(p.step_latency_ns(0, prices) ==
        Approx(prices.step_ns + 24 * prices.latency_ns[std::size_t(StepKind::Read)] +
               24 * prices.latency_ns[std::size_t(StepKind::Write)]));
  // Partitions of 8 columns: columns 0..23 fall 8 to a partition.
  const Technology eight = load_technology("sot-mram-1t1r", {"circuit.partition_cols=8"});
  CHECK(copies(ArrayShape::of(eight)).steps()[0].phases[std::size_t(StepKind::Read)] == 8);
  // Constants sense nothing: one write phase, whatever the partitions.
  ProgramBuilder b("constants", ArrayShape::of(t));
  b.step(Phase::Logic);
  for (Column i = 0; i < 24; ++i) b.set(i, i % 2 == 0);
  const MicroProgram c = b.finish();
  CHECK(c.steps()[0].phases[std::size_t(StepKind::Read)] == 0);
  CHECK(c.steps()[0].phases[std::size_t(StepKind::Write)] == 1);
}

TEST_CASE("MAGIC NORs meet on their partition's line: NORs sharing a partition take a phase each",
          "[line-sharing][reram]") {
  const ArrayShape whole{LogicFamily::ReramNor, 64, 64};
  const ArrayShape fours{LogicFamily::ReramNor, 64, 4};
  auto build = [](const ArrayShape& s) {
    ProgramBuilder b("nors", s);
    b.step(Phase::Logic);
    b.nor(2, {0, 1}).nor(6, {4, 5}).nor(10, {8, 9});  // partitions 0, 1, 2 (of four columns)
    b.nor(7, {3});                                     // spans partitions 0 and 1
    return b.finish();
  };
  CHECK(build(whole).steps()[0].phases[std::size_t(StepKind::Nor)] == 4);
  // Partition 0 holds two NORs (c2 and the span 3..7), and so does 1.
  CHECK(build(fours).steps()[0].phases[std::size_t(StepKind::Nor)] == 2);
  // The shipped FloatPIM: one partition, the whole row.
  const Technology reram = load_technology("reram-floatpim");
  CHECK(reram.circuit.row_partitions(reram.array.cols) == 1);
}

TEST_CASE("searches share their match line: two in one partition take two phases", "[line-sharing]") {
  auto build = [](const ArrayShape& s) {
    ProgramBuilder b("searches", s);
    b.step(Phase::Logic).search(0, 8, 0x5a, 1).search(16, 8, 0x00, 2);
    return b.finish();
  };
  CHECK(build(ArrayShape{LogicFamily::SotStateful, 64, 1}).steps()[0].phases[std::size_t(StepKind::Search)] == 1);
  CHECK(build(ArrayShape{LogicFamily::SotStateful, 64, 64}).steps()[0].phases[std::size_t(StepKind::Search)] == 2);
  // A key that reaches into the other search's partition joins it.
  CHECK(build(ArrayShape{LogicFamily::SotStateful, 64, 20}).steps()[0].phases[std::size_t(StepKind::Search)] == 2);
  CHECK(build(ArrayShape{LogicFamily::SotStateful, 64, 8}).steps()[0].phases[std::size_t(StepKind::Search)] == 1);
}

TEST_CASE("partitions change phases and costs, never bits", "[line-sharing][fp]") {
  for (const char* tech : {"sot-mram-1t1r", "reram-floatpim"}) {
    CAPTURE(tech);
    ArrayFixture a(tech, {"circuit.partition_cols=1"});
    ArrayFixture b(tech, {"circuit.partition_cols=1024"});
    std::mt19937_64 ra(41), rb(41);
    a.randomise(ra);
    b.randomise(rb);
    const FpProgram pa = build_fp_program(FpOp::Mac, FpFormat::fp32(), Rounding::Ieee, ArrayShape::of(a.tech));
    const FpProgram pb = build_fp_program(FpOp::Mac, FpFormat::fp32(), Rounding::Ieee, ArrayShape::of(b.tech));
    REQUIRE(pa.program.steps().size() == pb.program.steps().size());
    a.array.execute(pa.program);
    b.array.execute(pb.program);
    CHECK(a.snapshot() == b.snapshot());
    const ActivityCounts ca = a.account.total(), cb = b.account.total();
    CHECK(ca.compute_steps == cb.compute_steps);
    CHECK(ca.cells == cb.cells);
    // Sensing one column per row at a time only adds phases.
    CHECK(ca.steps_of(StepKind::Read) < cb.steps_of(StepKind::Read));
    CHECK(ca.steps_of(StepKind::Write) <= cb.steps_of(StepKind::Write));
  }
}

TEST_CASE("shifts, gates reading their destination, and mixed writes share partitions by the same rule",
          "[line-sharing]") {
  // Partitions of 4 columns.
  const ArrayShape fours{LogicFamily::SotStateful, 64, 4};
  // A 12-bit shift by 3 from columns 0..11 into 20..31: it senses the 9 bits
  // that stay (columns 3..11: partitions 0, 1, 2 hold 1, 4 and 4 of them).
  {
    ProgramBuilder b("shift", fours);
    b.step(Phase::Logic).shift(20, 0, 12, 3);
    const MicroProgram p = b.finish();
    CHECK(p.steps()[0].phases[std::size_t(StepKind::Read)] == 4);
    CHECK(p.steps()[0].phases[std::size_t(StepKind::Write)] == 4);
  }
  // An XOR senses its operand and its destination: two columns of partition 0.
  {
    ProgramBuilder b("xor", fours);
    b.step(Phase::Logic).xor_(1, 2);
    CHECK(b.finish().steps()[0].phases[std::size_t(StepKind::Read)] == 2);
  }
  // Constants beside sensed copies: the writes follow the sensing (2 phases:
  // columns 8 and 9 share partition 2), the constants ride along.
  {
    ProgramBuilder b("mixed", fours);
    b.step(Phase::Logic).copy(40, 8).copy(41, 9).set(50, true).set(51, false);
    const MicroProgram p = b.finish();
    CHECK(p.steps()[0].phases[std::size_t(StepKind::Read)] == 2);
    CHECK(p.steps()[0].phases[std::size_t(StepKind::Write)] == 2);
  }
}
