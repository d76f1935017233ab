// The published formulas (facts sec. 3, 4) and the comparison they must
// reproduce with the shipped technologies (facts sec. 5, 6).
#include <catch2/catch.hpp>

#include "compute/fp_published_cost.hpp"
#include "tech/technology.hpp"

using namespace mrampim;

namespace {

constexpr std::size_t R = 0, W = 1, S = 2, N = 3;

double latency(FpOp op, const FpFormat& f, const char* tech) {
  const Technology t = load_technology(tech);
  return published_cost(op, f, t.family).latency_ns(StepPrices::calibrated(t));
}

double energy(FpOp op, const FpFormat& f, const char* tech) {
  const Technology t = load_technology(tech);
  return published_cost(op, f, t.family).energy_pJ(StepPrices::calibrated(t));
}

}  // namespace

TEST_CASE("Eq. 2 and Eq. 3 give the counts of the facts' table", "[fp][published]") {
  struct Row { FpFormat f; double r, w, s, er, ew, mul_t, mul_e; };
  for (const Row& row : {Row{FpFormat::fp32(), 218, 217, 50, 389, 388, 1258.5, 2759.5},
                         Row{FpFormat::fp16(), 106, 105, 24, 191, 190, 298, 639},
                         Row{FpFormat::bf16(), 106, 105, 18, 197, 196, 194.5, 415.5}}) {
    CAPTURE(row.f.name());
    const PublishedCost add = published_cost(FpOp::Add, row.f, LogicFamily::SotStateful);
    CHECK(add.steps[R] == row.r);
    CHECK(add.steps[W] == row.w);
    CHECK(add.steps[S] == row.s);
    CHECK(add.cells[R] == row.er);
    CHECK(add.cells[W] == row.ew);
    CHECK(add.cells[S] == row.s);
    const PublishedCost mul = published_cost(FpOp::Mul, row.f, LogicFamily::SotStateful);
    CHECK(mul.steps[R] == row.mul_t);
    CHECK(mul.steps[W] == row.mul_t);
    CHECK(mul.cells[R] == row.mul_e);
    CHECK(mul.cells[W] == row.mul_e);
  }
}

TEST_CASE("FloatPIM's formulas give its fp32 and bf16 counts", "[fp][published]") {
  const auto fp32 = FpFormat::fp32(), bf16 = FpFormat::bf16();
  CHECK(published_cost(FpOp::Mul, fp32, LogicFamily::ReramNor).steps[N] == 3360);
  CHECK(published_cost(FpOp::Add, fp32, LogicFamily::ReramNor).steps[N] == 1097);
  CHECK(published_cost(FpOp::Add, fp32, LogicFamily::ReramNor).steps[S] == 47);
  const PublishedCost mac = published_cost(FpOp::Mac, fp32, LogicFamily::ReramNor);
  CHECK(mac.steps[N] == 4457);
  CHECK(mac.steps[S] == 47);
  const PublishedCost mac16 = published_cost(FpOp::Mac, bf16, LogicFamily::ReramNor);
  CHECK(mac16.steps[N] == 673);
  CHECK(mac16.steps[S] == 15);
}

TEST_CASE("published-formula mode reproduces the paper's fp32 MAC comparison", "[fp][published]") {
  const FpFormat f = FpFormat::fp32();
  const double e_ratio = energy(FpOp::Mac, f, "reram-floatpim") / energy(FpOp::Mac, f, "sot-mram-1t1r");
  const double t_ratio = latency(FpOp::Mac, f, "reram-floatpim") / latency(FpOp::Mac, f, "sot-mram-1t1r");
  // FloatPIM / SOT-MRAM = 3.3x energy, 1.8x latency, each within 10% (facts sec. 5).
  CHECK(e_ratio == Approx(3.3).epsilon(0.10));
  CHECK(t_ratio == Approx(1.8).epsilon(0.10));
  // The fast-switching cell cuts the MAC latency by 56.7%, within 5 points.
  const double cut = 1.0 - latency(FpOp::Mac, f, "sot-mram-fast") / latency(FpOp::Mac, f, "sot-mram-1t1r");
  CHECK(cut * 100 == Approx(56.7).margin(5.0));
}
