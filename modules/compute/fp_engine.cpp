#include "compute/fp_engine.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mrampim {

FpEngine::FpEngine(Subarray& array, FpOp op, const FpFormat& format, Rounding rounding)
    : array_(array), program_(build_fp_program(op, format, rounding, ArrayShape::of(array.technology()))) {
  for (std::size_t p = 0; p < kPhases; ++p) baseline_[p] = array_.account().phase(Phase(p));
}

void run_fp_rows(Subarray& array, const MicroProgram& program, std::uint32_t first, std::uint32_t count,
                 const FpEngine::StepHook& after_step) {
  const std::uint32_t rows = array.rows();
  if (count == 0 || first >= rows || count > rows - first) {
    throw std::out_of_range("rows " + std::to_string(first) + "+" + std::to_string(count) + " of a " +
                            std::to_string(rows) + "-row subarray");
  }
  const RowMask before = array.mask(0);
  array.set_mask(0, count == rows ? RowMask(rows, true) : RowMask::range(rows, first, count));
  if (after_step) {
    for (std::size_t step = 0; step < program.steps().size(); ++step) {
      array.execute_step(program, step);
      after_step(step);
    }
  } else {
    array.execute(program);
  }
  array.set_mask(0, before);
}

std::vector<std::uint64_t> FpEngine::run(const std::vector<FpOperands>& operands, const StepHook& after_step) {
  const FpLayout& l = program_.layout;
  const std::uint32_t rows = array_.rows();
  std::vector<std::uint64_t> results;
  results.reserve(operands.size());
  for (std::size_t base = 0; base < operands.size(); base += rows) {
    const std::uint32_t n = std::uint32_t(std::min<std::size_t>(rows, operands.size() - base));
    for (std::uint32_t r = 0; r < n; ++r) {
      const FpOperands& o = operands[base + r];
      array_.poke_field(r, l.a.first, l.a.width, o.a);
      array_.poke_field(r, l.b.first, l.b.width, o.b);
      if (l.op == FpOp::Mac) array_.poke_field(r, l.c.first, l.c.width, o.c);
    }
    run_fp_rows(array_, program_.program, 0, n, after_step);
    for (std::uint32_t r = 0; r < n; ++r) results.push_back(array_.peek_field(r, l.result.first, l.result.width));
    ++runs_;
    operations_ += n;
  }
  return results;
}

std::array<ActivityCounts, kPhases> FpEngine::counted() const {
  std::array<ActivityCounts, kPhases> c;
  for (std::size_t p = 0; p < kPhases; ++p) c[p] = array_.account().phase(Phase(p)) - baseline_[p];
  return c;
}

}  // namespace mrampim
