#include "compute/fp_published_cost.hpp"

namespace mrampim {

namespace {

constexpr std::size_t kRead = std::size_t(StepKind::Read), kWrite = std::size_t(StepKind::Write),
                      kSearch = std::size_t(StepKind::Search), kNor = std::size_t(StepKind::Nor);

PublishedCost sot_add(double ne, double nm) {  // Eq. 2
  PublishedCost c;
  c.latency_steps[kRead] = 1 + 7 * ne + 7 * nm;
  c.latency_steps[kWrite] = 7 * ne + 7 * nm;
  c.latency_steps[kSearch] = 2 * (nm + 2);
  c.energy_bits[kRead] = 1 + 14 * ne + 12 * nm;
  c.energy_bits[kWrite] = 14 * ne + 12 * nm;
  c.energy_bits[kSearch] = 2 * (nm + 2);
  return c;
}

PublishedCost sot_mul(double ne, double nm) {  // Eq. 3: every step a read and a write
  PublishedCost c;
  const double t = 2 * nm * nm + 6.5 * nm + 6 * ne + 3;
  const double e = 4.5 * nm * nm + 11.5 * nm + 13.5 * ne + 6.5;
  c.latency_steps[kRead] = c.latency_steps[kWrite] = t;
  c.energy_bits[kRead] = c.energy_bits[kWrite] = e;
  return c;
}

PublishedCost floatpim_add(double ne, double nm) {
  PublishedCost c;
  c.latency_steps[kNor] = c.energy_bits[kNor] = 3 + 16 * ne + 19 * nm + nm * nm;
  c.latency_steps[kSearch] = c.energy_bits[kSearch] = 2 * nm + 1;
  return c;
}

PublishedCost floatpim_mul(double ne, double nm) {
  PublishedCost c;
  c.latency_steps[kNor] = c.energy_bits[kNor] = 12 * ne + 6.5 * nm * nm - 7.5 * nm - 2;
  return c;
}

}  // namespace

double PublishedCost::latency_ns(const StepPrices& p) const {
  double t = 0;
  for (std::size_t k = 0; k < kStepKinds; ++k) t += latency_steps[k] * p.latency_ns[k];
  return t;
}

double PublishedCost::energy_pJ(const StepPrices& p) const {
  double e = 0;
  for (std::size_t k = 0; k < kStepKinds; ++k) e += energy_bits[k] * p.energy_fJ[k];
  return e * 1e-3;
}

PublishedCost& PublishedCost::operator+=(const PublishedCost& o) {
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    latency_steps[k] += o.latency_steps[k];
    energy_bits[k] += o.energy_bits[k];
  }
  return *this;
}

PublishedCost published_cost(FpOp op, const FpFormat& format, LogicFamily family) {
  const double ne = format.ne, nm = format.nm;
  const bool sot = family == LogicFamily::SotStateful;
  PublishedCost c;
  if (op != FpOp::Mul) c += sot ? sot_add(ne, nm) : floatpim_add(ne, nm);
  if (op != FpOp::Add) c += sot ? sot_mul(ne, nm) : floatpim_mul(ne, nm);
  return c;
}

}  // namespace mrampim
