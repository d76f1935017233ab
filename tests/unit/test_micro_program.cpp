#include <catch2/catch.hpp>

#include "subarray/micro_program.hpp"

using namespace mrampim;
using Catch::Matchers::Contains;

TEST_CASE("ops of one step may not write a column another op reads or writes", "[program]") {
  ProgramBuilder b("h", ArrayShape{LogicFamily::SotStateful, 64, 1});
  b.step(Phase::Logic).copy(1, 0);
  CHECK_THROWS_WITH(b.copy(1, 2), Contains("column 1 is written"));
  CHECK_THROWS_WITH(b.copy(3, 1), Contains("column 1 is read"));
  CHECK_THROWS_WITH(b.copy(0, 5), Contains("column 0 is written"));
  b.xor_(4, 0);   // reading the same source twice is fine
  b.step(Phase::Logic).copy(0, 1);  // a new step starts clean
  CHECK(b.finish().steps().size() == 2);
}

TEST_CASE("ops must exist on the technology", "[program]") {
  ProgramBuilder sot("s", ArrayShape{LogicFamily::SotStateful, 64, 1});
  sot.step(Phase::Logic);
  CHECK_THROWS_WITH(sot.nor(3, {1, 2}), Contains("NOR is the ReRAM"));
  ProgramBuilder reram("r", ArrayShape{LogicFamily::ReramNor, 64, 64});
  reram.step(Phase::Logic);
  CHECK_THROWS_WITH(reram.xor_(3, 1), Contains("'xor' is a stateful SOT write"));
  CHECK_THROWS_WITH(reram.nor(3, {3}), Contains("cannot be one of its inputs"));
  CHECK_THROWS_WITH(reram.nor(3, {}), Contains("1 to 3 inputs"));
}

TEST_CASE("columns, registers and shift groups are checked", "[program]") {
  ProgramBuilder b("c", ArrayShape{LogicFamily::SotStateful, 64, 1});
  CHECK_THROWS_WITH(b.copy(1, 0), Contains("before the first step"));
  b.step(Phase::Logic);
  CHECK_THROWS_WITH(b.copy(64, 0), Contains("outside the array's 64 columns"));
  CHECK_THROWS_WITH(b.shift(10, 12, 8, 1), Contains("partly overlap"));
  CHECK_THROWS_WITH(b.shift(10, 10, 8, 9), Contains("exceeds the group width"));
  CHECK_THROWS_WITH(b.mask(4), Contains("does not exist"));
  CHECK_THROWS_WITH(b.search(0, 4, 0x1f, 1), Contains("beyond the group width"));
  b.search(0, 4, 0xf, 1);
  CHECK_THROWS_WITH(b.mask(1).copy(20, 21), Contains("m1 is used while a search"));
}

TEST_CASE("a search and the ops that use its register are ordered by steps", "[program]") {
  ProgramBuilder b("o", ArrayShape{LogicFamily::SotStateful, 64, 1});
  b.step(Phase::Alignment).mask(1).copy(20, 21);
  // In one step every op senses first: a search cannot feed an op beside it.
  CHECK_THROWS_WITH(b.search(0, 4, 0xf, 1), Contains("m1 is written by a search while the same step uses it"));
  b.mask(0).search(0, 4, 0xf, 2);  // another register is fine
  CHECK_THROWS_WITH(b.search(4, 4, 0, 2), Contains("m2 is written by a search while the same step uses it"));
  CHECK_THROWS_WITH(b.mask(2).copy(22, 23), Contains("m2 is used while a search of the same step writes it"));
  b.step(Phase::Alignment).mask(2).copy(22, 23);  // the next step sees the search's rows
  const MicroProgram p = b.finish();
  CHECK(p.has_search());
  CHECK(p.steps().size() == 2);
}

TEST_CASE("a program prints as a listing and costs itself without running", "[program]") {
  ProgramBuilder b("demo", ArrayShape{LogicFamily::SotStateful, 64, 1});
  b.step(Phase::Alignment).search(0, 3, 5, 1);
  b.step(Phase::Alignment).mask(1).shift(10, 10, 8, 5);
  b.step(Phase::Mantissa).mask(0).xor_(30, 31).copy(32, 33);
  const MicroProgram p = b.finish();
  const std::string l = p.listing();
  CHECK_THAT(l, Contains("search c0+3 == 0x5 -> m1"));
  CHECK_THAT(l, Contains("shift c10+8 <- c10 by 5 @m1"));
  CHECK_THAT(l, Contains("xor c30 <- c31"));
  const ActivityCounts c = p.cost(100);
  CHECK(c.compute_steps == 3);
  CHECK(c.steps_of(StepKind::Search) == 1);
  CHECK(c.steps_of(StepKind::Read) == 2);
  CHECK(c.steps_of(StepKind::Write) == 2);
  CHECK(c.cells_of(StepKind::Search) == 300);
  CHECK(c.cells_of(StepKind::Read) == 100 * (3 + 2 + 1));   // shift reads 8-5 cells; xor 2; copy 1
  CHECK(c.cells_of(StepKind::Write) == 100 * (8 + 1 + 1));
  CHECK(p.cost(100, Phase::Alignment).compute_steps == 2);
  CHECK(p.cells_written_per_row() == 8 + 2);
  StepPrices prices;
  prices.latency_ns = {1, 2, 3, 4};
  CHECK(p.step_latency_ns(0, prices) == 3);
  CHECK(p.step_latency_ns(2, prices) == 1 + 2);
}
