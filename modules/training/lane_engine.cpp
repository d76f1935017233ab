#include "training/lane_engine.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "compute/fp_engine.hpp"
#include "compute/fp_host_reference.hpp"
#include "compute/fp_published_cost.hpp"

namespace mrampim {

const char* to_string(ExecMode m) { return m == ExecMode::BitAccurate ? "bit-accurate" : "fast"; }

ExecMode parse_exec_mode(const std::string& s) {
  if (s == "bit-accurate") return ExecMode::BitAccurate;
  if (s == "fast") return ExecMode::Fast;
  throw std::invalid_argument("unknown mode '" + s + "' (bit-accurate or fast)");
}

const char* to_string(LaneOp op) {
  switch (op) {
    case LaneOp::Mac: return "mac";
    case LaneOp::Add: return "add";
    case LaneOp::Mul: return "mul";
    case LaneOp::Relu: return "relu";
    case LaneOp::Max: return "max";
    case LaneOp::KeepIfEqual: return "keep-if-equal";
    case LaneOp::KeepIfNonZero: return "keep-if-nonzero";
  }
  return "?";
}

namespace {

LaneOp lane_op(SelectOp s) {
  switch (s) {
    case SelectOp::Relu: return LaneOp::Relu;
    case SelectOp::MaxNonNegative: return LaneOp::Max;
    case SelectOp::KeepIfEqual: return LaneOp::KeepIfEqual;
    case SelectOp::KeepIfNonZero: return LaneOp::KeepIfNonZero;
  }
  return LaneOp::Relu;
}

float as_float(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

std::uint32_t as_bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

bool is_nan32(std::uint32_t u) { return (u & 0x7fffffffu) > 0x7f800000u; }

// fp32 MAC and add on the host, as the programs compute them: the MAC's two
// roundings, product then sum (no contraction: the build compiles this file
// with -ffp-contract=off). The loop is branch-free so that it vectorises; a
// chunk with a NaN result is redone lane by lane, from a copy of its
// accumulators, by the reference, which follows the model's NaN policy
// whatever operand order the compiler chose.
//   kMac: acc = acc + a x b (kScalarA: one a for every lane); else acc = acc + b.
template <bool kMac, bool kScalarA>
void accumulate_fp32(std::uint32_t* acc, const std::uint32_t* a, const std::uint32_t* b, std::size_t n) {
  constexpr std::size_t kChunk = 256;
  std::uint32_t old[kChunk];
  const FpFormat f = FpFormat::fp32();
  for (std::size_t base = 0; base < n; base += kChunk) {
    const std::size_t m = std::min(kChunk, n - base);
    std::uint32_t* c = acc + base;
    const std::uint32_t* x = kScalarA || !kMac ? a : a + base;  // an add has no a
    const std::uint32_t* y = b + base;
    std::memcpy(old, c, m * sizeof *c);
    std::uint32_t nan = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const float term = kMac ? as_float(x[kScalarA ? 0 : i]) * as_float(y[i]) : as_float(y[i]);
      const std::uint32_t u = as_bits(as_float(old[i]) + term);
      c[i] = u;
      nan |= std::uint32_t(is_nan32(u));
    }
    if (nan == 0) continue;
    for (std::size_t i = 0; i < m; ++i) {
      if (!is_nan32(c[i])) continue;
      c[i] = std::uint32_t(kMac ? fp_host_mac(f, old[i], x[kScalarA ? 0 : i], y[i]) : fp_host_add(f, old[i], y[i]));
    }
  }
}

// Counts that already hold every row (steps once, cells summed) into a tally.
void tally(RowCost& into, const ActivityCounts& c) {
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    into.steps[k] += double(c.steps[k]);
    into.cells[k] += double(c.cells[k]);
  }
}

}  // namespace

LaneEngine::LaneEngine(const Technology& tech, const FpFormat& format, Rounding rounding, ExecMode mode,
                       std::uint32_t subarrays, CostLedger& ledger, const std::string& name)
    : tech_(tech), format_(format), rounding_(rounding), mode_(mode) {
  if (format.width() > 32) throw std::invalid_argument("training takes formats of at most 32 bits");
  if (subarrays == 0) throw std::invalid_argument("training needs at least one compute subarray");
  if (mode == ExecMode::Fast && rounding == Rounding::Paper) {
    throw std::invalid_argument("fast mode reproduces ieee rounding only; run paper rounding with --mode bit-accurate");
  }
  const std::uint32_t cols = tech.array.cols;
  mac_ = build_fp_program(FpOp::Mac, format, rounding, tech.family, cols);
  add_ = build_fp_program(FpOp::Add, format, rounding, tech.family, cols);
  mul_ = build_fp_program(FpOp::Mul, format, rounding, tech.family, cols);
  for (std::size_t i = 0; i < select_.size(); ++i) {
    select_[i] = build_select_program(SelectOp(i), format, tech.family, cols);
  }
  lane_columns_ = std::max({mac_.program.columns_needed(), add_.program.columns_needed(),
                            mul_.program.columns_needed()});
  for (const auto& s : select_) lane_columns_ = std::max(lane_columns_, s.program.columns_needed());
  prices_ = StepPrices::from(tech);
  published_.resize(subarrays);
  published_mac_ = published_cost(FpOp::Mac, format, tech.family);
  published_add_ = published_cost(FpOp::Add, format, tech.family);
  published_mul_ = published_cost(FpOp::Mul, format, tech.family);
  for (std::uint32_t s = 0; s < subarrays; ++s) {
    CostAccount& a = ledger.open_account(name + ".subarray" + std::to_string(s), prices_);
    accounts_.push_back(&a);
    if (mode == ExecMode::BitAccurate) arrays_.emplace_back(tech_, a);
  }
}

void LaneEngine::host_transfer(std::size_t words, bool write) {
  const StepKind kind = write ? StepKind::Write : StepKind::Read;
  ActivityCounts t;
  t.compute_steps = words;
  t.steps[std::size_t(kind)] = words;
  t.cells[std::size_t(kind)] = std::uint64_t(words) * format_.width();
  accounts_.front()->charge(Phase::HostAccess, t);
  tally(published_.front(), t);
}

double LaneEngine::latency_ns() const { return accounts_.front()->latency_ns(); }

double LaneEngine::published_latency_ns() const { return published_.front().latency_ns(prices_); }

double LaneEngine::published_energy_pJ() const {
  double e = 0;
  for (const RowCost& r : published_) e += r.energy_pJ(prices_);
  return e;
}

void LaneEngine::charge_batch(std::uint32_t subarray, const MicroProgram& program, const RowCost* published,
                              std::uint32_t rows, unsigned moved_fields) {
  CostAccount& acc = *accounts_[subarray];
  RowCost& pub = published_[subarray];
  // Operands in: each bit a read and a write step, row-parallel (2b cycles).
  if (moved_fields != 0) {
    const std::uint64_t bits = std::uint64_t(moved_fields) * format_.width();
    ActivityCounts t;
    t.compute_steps = 2 * bits;
    t.steps[std::size_t(StepKind::Read)] = bits;
    t.steps[std::size_t(StepKind::Write)] = bits;
    t.cells[std::size_t(StepKind::Read)] = bits * rows;
    t.cells[std::size_t(StepKind::Write)] = bits * rows;
    acc.charge(Phase::Transfer, t);
    tally(pub, t);
  }
  if (published) {
    for (std::size_t k = 0; k < kStepKinds; ++k) {
      pub.steps[k] += published->steps[k];
      pub.cells[k] += published->cells[k] * rows;
    }
  }
  if (mode_ == ExecMode::Fast || !published) {
    const ActiveRows active{rows, rows, rows, rows};
    for (const PhaseCharge& pc : program.charges()) {
      const ActivityCounts c = pc.counts(active);
      if (mode_ == ExecMode::Fast) acc.charge(pc.phase, c);
      if (!published) tally(pub, c);
    }
  }
}

void LaneEngine::run(LaneOp op, const Prog& p, std::uint32_t* r, const std::uint32_t* a, std::size_t a_stride,
                     const std::uint32_t* b, const std::uint32_t* c, std::size_t n, unsigned moved_fields,
                     const RowCost* published) {
  lanes_[std::size_t(op)] += n;
  const std::uint32_t rows = tech_.array.rows;
  const std::uint32_t S = subarrays();
  std::size_t batch = 0;
  for (std::size_t base = 0; base < n; base += rows, ++batch) {
    const std::uint32_t m = std::uint32_t(std::min<std::size_t>(rows, n - base));
    const std::uint32_t s = std::uint32_t(batch % S);
    charge_batch(s, *p.program, published, m, moved_fields);
    if (mode_ == ExecMode::Fast) continue;
    Subarray& arr = arrays_[s];
    for (std::uint32_t i = 0; i < m; ++i) {
      const std::size_t k = base + i;
      if (a) arr.poke_field(i, p.a.first, p.a.width, a[k * a_stride]);
      if (b) arr.poke_field(i, p.b.first, p.b.width, b[k]);
      if (c) arr.poke_field(i, p.c.first, p.c.width, c[k]);
    }
    run_fp_rows(arr, *p.program, 0, m);
    for (std::uint32_t i = 0; i < m; ++i) r[base + i] = std::uint32_t(arr.peek_field(i, p.result.first, p.result.width));
  }
}

void LaneEngine::mac(std::uint32_t* acc, const std::uint32_t* a, std::size_t a_stride, const std::uint32_t* b,
                     std::size_t n) {
  if (mode_ == ExecMode::BitAccurate) {
    // The MAC computes c + a x b: the accumulator is c, and the result goes back to it.
    run(LaneOp::Mac, Prog{&mac_.program, mac_.layout.a, mac_.layout.b, mac_.layout.c, mac_.layout.result}, acc, a,
        a_stride, b, acc, n, 2, &published_mac_);
    return;
  }
  run(LaneOp::Mac, Prog{&mac_.program, {}, {}, {}, {}}, nullptr, nullptr, 0, nullptr, nullptr, n, 2, &published_mac_);
  if (format_ == FpFormat::fp32()) {
    if (a_stride == 0) {
      accumulate_fp32<true, true>(acc, a, b, n);
    } else if (a_stride == 1) {
      accumulate_fp32<true, false>(acc, a, b, n);
    } else {
      for (std::size_t i = 0; i < n; ++i) acc[i] = std::uint32_t(fp_host_mac(format_, acc[i], a[i * a_stride], b[i]));
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i) acc[i] = std::uint32_t(fp_host_mac(format_, acc[i], a[i * a_stride], b[i]));
}

void LaneEngine::add(std::uint32_t* acc, const std::uint32_t* b, std::size_t n) {
  if (mode_ == ExecMode::BitAccurate) {
    run(LaneOp::Add, Prog{&add_.program, add_.layout.a, add_.layout.b, {}, add_.layout.result}, acc, acc, 1, b,
        nullptr, n, 1, &published_add_);
    return;
  }
  run(LaneOp::Add, Prog{&add_.program, {}, {}, {}, {}}, nullptr, nullptr, 0, nullptr, nullptr, n, 1, &published_add_);
  if (format_ == FpFormat::fp32()) {
    accumulate_fp32<false, false>(acc, nullptr, b, n);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) acc[i] = std::uint32_t(fp_host_add(format_, acc[i], b[i]));
}

void LaneEngine::mul(std::uint32_t* r, const std::uint32_t* a, std::size_t a_stride, const std::uint32_t* b,
                     std::size_t n) {
  if (mode_ == ExecMode::BitAccurate) {
    run(LaneOp::Mul, Prog{&mul_.program, mul_.layout.a, mul_.layout.b, {}, mul_.layout.result}, r, a, a_stride, b,
        nullptr, n, 2, &published_mul_);
    return;
  }
  run(LaneOp::Mul, Prog{&mul_.program, {}, {}, {}, {}}, nullptr, nullptr, 0, nullptr, nullptr, n, 2, &published_mul_);
  for (std::size_t i = 0; i < n; ++i) r[i] = std::uint32_t(fp_host_mul(format_, a[i * a_stride], b[i]));
}

void LaneEngine::select(SelectOp op, std::uint32_t* r, const std::uint32_t* a, const std::uint32_t* b,
                        const std::uint32_t* c, std::size_t n) {
  const SelectProgram& sp = select_[std::size_t(op)];
  const unsigned moved = unsigned(a != nullptr) + unsigned(b != nullptr) + unsigned(c != nullptr);
  if (mode_ == ExecMode::BitAccurate) {
    run(lane_op(op), Prog{&sp.program, sp.a, sp.b, sp.c, sp.result}, r, a, 1, b, c, n, moved, nullptr);
    return;
  }
  run(lane_op(op), Prog{&sp.program, {}, {}, {}, {}}, nullptr, nullptr, 0, nullptr, nullptr, n, moved, nullptr);
  for (std::size_t i = 0; i < n; ++i) {
    r[i] = std::uint32_t(select_host(op, format_, a ? a[i] : 0, b ? b[i] : 0, c ? c[i] : 0));
  }
}

}  // namespace mrampim
