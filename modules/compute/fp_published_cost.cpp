#include "compute/fp_published_cost.hpp"

namespace mrampim {

namespace {

constexpr std::size_t kRead = std::size_t(StepKind::Read), kWrite = std::size_t(StepKind::Write),
                      kSearch = std::size_t(StepKind::Search), kNor = std::size_t(StepKind::Nor);

PublishedCost sot_add(double ne, double nm) {  // Eq. 2
  PublishedCost c;
  c.steps[kRead] = 1 + 7 * ne + 7 * nm;
  c.steps[kWrite] = 7 * ne + 7 * nm;
  c.steps[kSearch] = 2 * (nm + 2);
  c.cells[kRead] = 1 + 14 * ne + 12 * nm;
  c.cells[kWrite] = 14 * ne + 12 * nm;
  c.cells[kSearch] = 2 * (nm + 2);
  return c;
}

PublishedCost sot_mul(double ne, double nm) {  // Eq. 3: every step a read and a write
  PublishedCost c;
  const double t = 2 * nm * nm + 6.5 * nm + 6 * ne + 3;
  const double e = 4.5 * nm * nm + 11.5 * nm + 13.5 * ne + 6.5;
  c.steps[kRead] = c.steps[kWrite] = t;
  c.cells[kRead] = c.cells[kWrite] = e;
  return c;
}

PublishedCost floatpim_add(double ne, double nm) {
  PublishedCost c;
  c.steps[kNor] = c.cells[kNor] = 3 + 16 * ne + 19 * nm + nm * nm;
  c.steps[kSearch] = c.cells[kSearch] = 2 * nm + 1;
  return c;
}

PublishedCost floatpim_mul(double ne, double nm) {
  PublishedCost c;
  c.steps[kNor] = c.cells[kNor] = 12 * ne + 6.5 * nm * nm - 7.5 * nm - 2;
  return c;
}

}  // namespace

PublishedCost published_cost(FpOp op, const FpFormat& format, LogicFamily family) {
  const double ne = format.ne, nm = format.nm;
  const bool sot = family == LogicFamily::SotStateful;
  PublishedCost c;
  if (op != FpOp::Mul) c += sot ? sot_add(ne, nm) : floatpim_add(ne, nm);
  if (op != FpOp::Add) c += sot ? sot_mul(ne, nm) : floatpim_mul(ne, nm);
  return c;
}

double published_mac_scratch_cells(const FpFormat& format, LogicFamily family) {
  if (family == LogicFamily::SotStateful) return 2 * 2 * (double(format.nm) + 1) + 4;
  return format == FpFormat::fp32() ? 455 : 0;
}

}  // namespace mrampim
