#include "controller/lane_engine.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "compute/fp_engine.hpp"
#include "compute/fp_host_paper.hpp"
#include "compute/fp_host_reference.hpp"
#include "compute/fp_published_cost.hpp"
#include "compute/fp_trajectory.hpp"
#include "controller/batch_kernels.hpp"
#include "controller/mac_trajectory_kernel.hpp"
#include "support/fnv1a.hpp"

namespace mrampim {

const char* to_string(ExecMode m) { return m == ExecMode::BitAccurate ? "bit-accurate" : "fast"; }

ExecMode parse_exec_mode(const std::string& s) {
  if (s == "bit-accurate") return ExecMode::BitAccurate;
  if (s == "fast") return ExecMode::Fast;
  throw std::invalid_argument("unknown mode '" + s + "' (bit-accurate or fast)");
}

const char* to_string(CostBasis b) { return b == CostBasis::Exact ? "exact" : "declared"; }

CostBasis parse_cost_basis(const std::string& s) {
  if (s == "exact") return CostBasis::Exact;
  if (s == "declared") return CostBasis::Declared;
  throw std::invalid_argument("unknown energy basis '" + s + "' (exact or declared)");
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

SelectOp select_op(LaneOp op) {
  switch (op) {
    case LaneOp::Relu: return SelectOp::Relu;
    case LaneOp::Max: return SelectOp::MaxNonNegative;
    case LaneOp::KeepIfEqual: return SelectOp::KeepIfEqual;
    default: return SelectOp::KeepIfNonZero;
  }
}

LaneOp lane_op(SelectOp s) {
  switch (s) {
    case SelectOp::Relu: return LaneOp::Relu;
    case SelectOp::MaxNonNegative: return LaneOp::Max;
    case SelectOp::KeepIfEqual: return LaneOp::KeepIfEqual;
    case SelectOp::KeepIfNonZero: return LaneOp::KeepIfNonZero;
  }
  return LaneOp::Relu;
}

// Counts that already hold every row (steps once, cells summed) into a tally.
void tally(RowCost& into, const ActivityCounts& c) {
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    into.steps[k] += double(c.steps[k]);
    into.cells[k] += double(c.cells[k]);
  }
}

}  // namespace

void LaneEngine::bind(const std::vector<Subarray*>& pool, const std::vector<CostAccount*>& paths,
                      std::uint32_t first) {
  if (pool.empty()) throw std::invalid_argument("LaneEngine::bind: an empty pool");
  if (paths.size() != pool.size()) throw std::invalid_argument("LaneEngine::bind: one path per pool subarray");
  flush();  // cells still owed to the subarrays bound so far
  if (pool.size() != published_.size()) {
    published_.assign(pool.size(), RowCost{});
    moved_.assign(pool.size(), ActivityCounts{});
  }
  paths_ = paths;
  accounts_.clear();
  arrays_.clear();
  streams_.clear();
  for (Subarray* s : pool) {
    accounts_.push_back(&s->account());
    if (mode_ == ExecMode::BitAccurate) arrays_.push_back(s);
    streams_.push_back(fnv1a64(s->account().name()));  // the stream its own write errors draw from
  }
  first_ = first % std::uint32_t(pool.size());
}

LaneEngine::LaneEngine(const Technology& tech, const FpFormat& format, Rounding rounding, ExecMode mode,
                       CostBasis basis)
    : tech_(tech), format_(format), rounding_(rounding), mode_(mode), basis_(basis) {
  if (format.width() > 32) throw std::invalid_argument("training takes formats of at most 32 bits");
  if (mode == ExecMode::Fast && tech.sense.spread > 0) {
    throw std::invalid_argument(tech.name + ": sense.spread above 0 draws search errors row by row on the bit-level "
                                "subarrays; fast mode decides searches on the host: use bit-accurate mode");
  }
  const ArrayShape shape = ArrayShape::of(tech);
  mac_ = build_fp_program(FpOp::Mac, format, rounding, shape);
  add_ = build_fp_program(FpOp::Add, format, rounding, shape);
  mul_ = build_fp_program(FpOp::Mul, format, rounding, shape);
  for (std::size_t i = 0; i < select_.size(); ++i) select_[i] = build_select_program(SelectOp(i), format, shape);
  lane_columns_ = std::max({mac_.program.columns_needed(), add_.program.columns_needed(),
                            mul_.program.columns_needed()});
  for (const auto& s : select_) lane_columns_ = std::max(lane_columns_, s.program.columns_needed());
  prices_ = StepPrices::from(tech);
  published_prices_ = StepPrices::calibrated(tech);
  published_mac_ = published_cost(FpOp::Mac, format, tech.family);
  published_add_ = published_cost(FpOp::Add, format, tech.family);
  published_mul_ = published_cost(FpOp::Mul, format, tech.family);
}

LaneEngine::OpCost LaneEngine::op_cost(LaneOp op) const {
  switch (op) {
    case LaneOp::Mac: return {&mac_.program, 2, &published_mac_};
    case LaneOp::Add: return {&add_.program, 1, &published_add_};
    case LaneOp::Mul: return {&mul_.program, 2, &published_mul_};
    default: {
      const SelectOp s = select_op(op);
      return {&select_[std::size_t(s)].program, select_inputs(s), nullptr};
    }
  }
}

std::size_t LaneEngine::trajectories() const {
  std::size_t n = 0;
  for (const auto& t : trajectories_) n += t ? t->trajectories() : 0;
  return n;
}

TrajectoryCosts& LaneEngine::trajectories(LaneOp op) {
  auto& t = trajectories_[std::size_t(op)];
  if (!t) {
    switch (op) {
      case LaneOp::Mac: t = std::make_unique<TrajectoryCosts>(tech_, mac_.program, mac_.layout.a, mac_.layout.b, mac_.layout.c); break;
      case LaneOp::Add: t = std::make_unique<TrajectoryCosts>(tech_, add_.program, add_.layout.a, add_.layout.b, Field{}); break;
      case LaneOp::Mul: t = std::make_unique<TrajectoryCosts>(tech_, mul_.program, mul_.layout.a, mul_.layout.b, Field{}); break;
      default: {
        const SelectProgram& sp = select_[std::size_t(select_op(op))];
        const unsigned inputs = select_inputs(select_op(op));
        t = std::make_unique<TrajectoryCosts>(tech_, sp.program, sp.a, inputs > 1 ? sp.b : Field{},
                                              inputs > 2 ? sp.c : Field{});
      }
    }
  }
  return *t;
}

template <class RowFn>
void LaneEngine::charge_rows(LaneOp op, std::size_t n, RowFn row) {
  TrajectoryCosts& tc = trajectories(op);
  charge_ids(op, n, [&](std::size_t i) {
    const RowKey k = row(i);
    return tc.id(k.key, k.a, k.b, k.c);
  });
}

void LaneEngine::Pending::count(std::uint32_t id, std::uint32_t row) {
  if (id >= seen.size()) {
    seen.resize(std::size_t(id) + 1, 0);
    counts.resize(4 * (std::size_t(id) + 1), 0);
  }
  if (!seen[id]) {
    seen[id] = 1;
    touched.push_back(id);
  }
  ++counts[4 * std::size_t(id) + (row & 3)];
}

template <class IdFn>
void LaneEngine::charge_ids(LaneOp op, std::size_t n, IdFn id_of) {
  if (n == 0) return;
  lanes_[std::size_t(op)] += n;
  const OpCost cost = op_cost(op);
  const std::uint32_t rows = tech_.array.rows, S = subarrays();
  if (pending_[std::size_t(op)].size() != S) pending_[std::size_t(op)].resize(S);
  static const RowCells kNoCells{};
  std::size_t batch = 0;
  for (std::size_t base = 0; base < n; base += rows, ++batch) {
    const auto m = std::uint32_t(std::min<std::size_t>(rows, n - base));
    const std::uint32_t pos = std::uint32_t((first_ + batch) % S);
    Pending& pend = pending_[std::size_t(op)][pos];
    for (std::uint32_t i = 0; i < m; ++i) pend.count(id_of(base + i), i);
    // The steps now (the schedule reads them); the cells at flush().
    charge_batch(pos, cost, m, 1, &kNoCells);
  }
  any_pending_ = true;
}

void LaneEngine::charge_fp32_macs(const std::uint32_t* acc, const std::uint32_t* a, std::size_t a_stride,
                                  const std::uint32_t* b, std::size_t n) {
  if (n == 0) return;
  lanes_[std::size_t(LaneOp::Mac)] += n;
  const OpCost cost = op_cost(LaneOp::Mac);
  TrajectoryCosts& tc = trajectories(LaneOp::Mac);
  const std::uint32_t rows = tech_.array.rows, S = subarrays();
  if (pending_[std::size_t(LaneOp::Mac)].size() != S) pending_[std::size_t(LaneOp::Mac)].resize(S);
  if (common_.size() != S) common_.resize(S);
  if (common_ids_.empty()) common_ids_.assign(kFp32MacCommon, kFp32MacUncommon);
  indices_.resize(n);
  batch::fp32_mac_common_indices(acc, a, a_stride, b, n, indices_.data());
  // The trajectory id of row k, priced on a scratch row on first sight.
  auto id_of = [&](std::size_t k) {
    const std::uint32_t x = a[k * a_stride], y = b[k];
    const auto model_p = std::uint32_t(fp_host_mul(format_, x, y));  // NaN payloads as the model picks them
    return tc.id(fp_mac_trajectory(format_, rounding_, acc[k], x, y, model_p), x, y, acc[k]);
  };
  static const RowCells kNoCells{};
  std::size_t batch = 0;
  for (std::size_t base = 0; base < n; base += rows, ++batch) {
    const auto m = std::uint32_t(std::min<std::size_t>(rows, n - base));
    const std::uint32_t pos = std::uint32_t((first_ + batch) % S);
    CommonCounts& h = common_[pos];
    if (h.counts.empty()) h.counts.assign(kFp32MacCommon, 0);
    for (std::uint32_t i = 0; i < m; ++i) {
      const std::size_t k = base + i;
      const std::uint32_t index = indices_[k];
      if (index == kFp32MacUncommon) {
        pending_[std::size_t(LaneOp::Mac)][pos].count(id_of(k), i);
      } else if (h.counts[index]++ == 0) {
        h.touched.push_back(index);
        if (common_ids_[index] == kFp32MacUncommon) common_ids_[index] = id_of(k);
      }
    }
    // The steps now (the schedule reads them); the cells at flush().
    charge_batch(pos, cost, m, 1, &kNoCells);
  }
  any_pending_ = true;
}

void LaneEngine::flush() {
  if (!any_pending_) return;
  for (std::size_t op = 0; op < kLaneOps; ++op) {
    for (std::size_t pos = 0; pos < pending_[op].size(); ++pos) {
      Pending& pend = pending_[op][pos];
      CommonCounts* common = op == std::size_t(LaneOp::Mac) && pos < common_.size() ? &common_[pos] : nullptr;
      if (pend.touched.empty() && (common == nullptr || common->touched.empty())) continue;
      TrajectoryCosts& tc = *trajectories_[op];
      RowCells sum{};
      auto add = [&](std::uint32_t id, std::uint64_t count) {
        const RowCells& c = tc.cells(id);
        for (std::size_t p = 0; p < kPhases; ++p) {
          for (std::size_t k = 0; k < kStepKinds; ++k) sum.cells[p][k] += c.cells[p][k] * count;
          sum.row_lines[p] += c.row_lines[p] * count;
        }
      };
      for (std::uint32_t id : pend.touched) {
        std::uint32_t* k4 = &pend.counts[4 * std::size_t(id)];
        add(id, std::uint64_t(k4[0]) + k4[1] + k4[2] + k4[3]);
        k4[0] = k4[1] = k4[2] = k4[3] = 0;
        pend.seen[id] = 0;
      }
      pend.touched.clear();
      if (common != nullptr) {
        for (std::uint32_t index : common->touched) {
          add(common_ids_[index], common->counts[index]);
          common->counts[index] = 0;
        }
        common->touched.clear();
      }
      for (std::size_t p = 0; p < kPhases; ++p) {
        ActivityCounts cells;
        for (std::size_t k = 0; k < kStepKinds; ++k) cells.cells[k] = sum.cells[p][k];
        cells.row_lines = sum.row_lines[p];
        if (cells != ActivityCounts{}) accounts_[pos]->charge(Phase(p), cells);
      }
    }
  }
  any_pending_ = false;
}

void LaneEngine::charge_batch(std::uint32_t subarray, const OpCost& cost, std::uint32_t rows, std::uint64_t times,
                              const RowCells* exact) {
  CostAccount& acc = *accounts_[subarray];
  RowCost& pub = published_[subarray];
  // Operands in over the subarray's path: each bit a read and a write step,
  // row-parallel (2b cycles), the subarray busy while it is written.
  if (cost.moved_fields != 0) {
    const std::uint64_t bits = std::uint64_t(cost.moved_fields) * format_.width();
    ActivityCounts t;
    t.compute_steps = 2 * bits;
    t.steps[std::size_t(StepKind::Read)] = bits;
    t.steps[std::size_t(StepKind::Write)] = bits;
    t.cells[std::size_t(StepKind::Read)] = bits * rows;
    t.cells[std::size_t(StepKind::Write)] = bits * rows;
    t.column_lines[std::size_t(StepKind::Read)] = bits;  // a column per bit, read in the source
    t.column_lines[std::size_t(StepKind::Write)] = bits;  // and written in the lane
    t.row_lines = 2 * rows * cost.moved_fields;           // per field the rows raised at both ends
    CostAccount& path = *paths_[subarray];
    path.charge(Phase::Transfer, t * times);
    moved_[subarray] += t * times;
    tally(pub, t * times);
  }
  if (cost.published) {
    for (std::size_t k = 0; k < kStepKinds; ++k) {
      pub.steps[k] += cost.published->steps[k] * double(times);
      pub.cells[k] += cost.published->cells[k] * double(rows) * double(times);
    }
  }
  if (mode_ == ExecMode::Fast || !cost.published) {
    const ActiveRows active{rows, rows, rows, rows};
    for (const PhaseCharge& pc : cost.program->charges()) {
      const ActivityCounts c = pc.counts(active) * times;
      if (!cost.published) tally(pub, c);  // no formula: the declared cost
      if (mode_ != ExecMode::Fast) continue;
      if (exact == nullptr) {
        acc.charge(pc.phase, c);
        continue;
      }
      // The steps and column lines: the same for every row; cells and word lines: the rows'.
      ActivityCounts e = pc.counts(ActiveRows{}) * times;
      for (std::size_t k = 0; k < kStepKinds; ++k) e.cells[k] = exact->cells[std::size_t(pc.phase)][k] * times;
      e.row_lines = exact->row_lines[std::size_t(pc.phase)] * times;
      acc.charge(pc.phase, e);
    }
  }
}

void LaneEngine::enable_write_errors(std::uint64_t seed, bool variation) {
  if (mode_ != ExecMode::Fast) {
    throw std::logic_error("LaneEngine::enable_write_errors: bit-accurate lanes draw them on their subarrays");
  }
  // One engine per format and rounding: each its own streams.
  const std::uint64_t engine = (std::uint64_t(format_.ne) << 16) ^ (std::uint64_t(format_.nm) << 8) ^
                               std::uint64_t(rounding_);
  write_errors_ = std::make_unique<LaneWriteErrors>(tech_, seed ^ (engine * 0x9e3779b97f4a7c15ull), variation,
                                                    lane_columns_);
}

void LaneEngine::charge(LaneOp op, std::size_t n, std::uint64_t times) {
  if (mode_ != ExecMode::Fast || basis_ != CostBasis::Declared) {
    throw std::logic_error("LaneEngine::charge: only fast mode's declared basis charges lanes without their rows");
  }
  if (n == 0 || times == 0) return;
  lanes_[std::size_t(op)] += n * times;
  // Batch j of the n lanes runs on subarray j mod S: full batches, then the rest.
  const OpCost cost = op_cost(op);
  const std::uint32_t rows = tech_.array.rows;
  const std::uint64_t S = subarrays(), full = n / rows;
  const auto rest = std::uint32_t(n % rows);
  auto at = [&](std::uint64_t j) { return std::uint32_t((first_ + j) % S); };
  for (std::uint64_t s = 0; s < S && s < full; ++s) {
    const std::uint64_t batches = full / S + (s < full % S ? 1 : 0);
    charge_batch(at(s), cost, rows, batches * times);
  }
  if (rest != 0) charge_batch(at(full % S), cost, rest, times);
}

void LaneEngine::run(LaneOp op, const Prog& p, std::uint32_t* r, const std::uint32_t* a, std::size_t a_stride,
                     const std::uint32_t* b, const std::uint32_t* c, std::size_t n) {
  lanes_[std::size_t(op)] += n;
  const OpCost cost = op_cost(op);
  const std::uint32_t rows = tech_.array.rows;
  const std::uint32_t S = subarrays();
  std::size_t batch = 0;
  for (std::size_t base = 0; base < n; base += rows, ++batch) {
    const std::uint32_t m = std::uint32_t(std::min<std::size_t>(rows, n - base));
    const std::uint32_t s = std::uint32_t((first_ + batch) % S);
    charge_batch(s, cost, m, 1);
    Subarray& arr = *arrays_[s];
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
        a_stride, b, acc, n);
    return;
  }
  if (basis_ == CostBasis::Declared) {
    charge(LaneOp::Mac, n);
  } else if (format_ == FpFormat::fp32() && rounding_ == Rounding::Ieee) {
    charge_fp32_macs(acc, a, a_stride, b, n);
  } else {
    const bool paper = rounding_ == Rounding::Paper;
    charge_rows(LaneOp::Mac, n, [&](std::size_t i) {
      const std::uint64_t x = a[i * a_stride], y = b[i];
      const std::uint64_t p = paper ? fp_host_paper_mul(format_, x, y) : fp_host_mul(format_, x, y);
      return RowKey{fp_mac_trajectory(format_, rounding_, acc[i], x, y, p), x, y, acc[i]};
    });
  }
  if (write_errors_) write_errors_->sample(LaneProgram{&mac_.program, mac_.layout.a, mac_.layout.b, mac_.layout.c, mac_.layout.result}, streams_, first_, n, a, a_stride, b, acc);
  if (rounding_ == Rounding::Paper) {
    for (std::size_t i = 0; i < n; ++i) acc[i] = std::uint32_t(fp_host_paper_mac(format_, acc[i], a[i * a_stride], b[i]));
  } else if (format_ == FpFormat::fp32()) {
    batch::mac(acc, a, a_stride, b, n);
  } else {
    for (std::size_t i = 0; i < n; ++i) acc[i] = std::uint32_t(fp_host_mac(format_, acc[i], a[i * a_stride], b[i]));
  }
  if (write_errors_) write_errors_->replay(acc);
}

void LaneEngine::add(std::uint32_t* acc, const std::uint32_t* b, std::size_t n) {
  if (mode_ == ExecMode::BitAccurate) {
    run(LaneOp::Add, Prog{&add_.program, add_.layout.a, add_.layout.b, {}, add_.layout.result}, acc, acc, 1, b,
        nullptr, n);
    return;
  }
  if (basis_ == CostBasis::Declared) {
    charge(LaneOp::Add, n);
  } else {
    charge_rows(LaneOp::Add, n, [&](std::size_t i) {
      return RowKey{fp_add_trajectory(format_, rounding_, acc[i], b[i]), acc[i], b[i], 0};
    });
  }
  if (write_errors_) write_errors_->sample(LaneProgram{&add_.program, add_.layout.a, add_.layout.b, {}, add_.layout.result}, streams_, first_, n, acc, 1, b, nullptr);
  if (rounding_ == Rounding::Paper) {
    for (std::size_t i = 0; i < n; ++i) acc[i] = std::uint32_t(fp_host_paper_add(format_, acc[i], b[i]));
  } else if (format_ == FpFormat::fp32()) {
    batch::add(acc, b, n);
  } else {
    for (std::size_t i = 0; i < n; ++i) acc[i] = std::uint32_t(fp_host_add(format_, acc[i], b[i]));
  }
  if (write_errors_) write_errors_->replay(acc);
}

void LaneEngine::mul(std::uint32_t* r, const std::uint32_t* a, std::size_t a_stride, const std::uint32_t* b,
                     std::size_t n) {
  if (mode_ == ExecMode::BitAccurate) {
    run(LaneOp::Mul, Prog{&mul_.program, mul_.layout.a, mul_.layout.b, {}, mul_.layout.result}, r, a, a_stride, b,
        nullptr, n);
    return;
  }
  if (basis_ == CostBasis::Declared) {
    charge(LaneOp::Mul, n);
  } else {
    charge_rows(LaneOp::Mul, n, [&](std::size_t i) {
      return RowKey{fp_mul_trajectory(format_, rounding_, a[i * a_stride], b[i]), a[i * a_stride], b[i], 0};
    });
  }
  if (write_errors_) write_errors_->sample(LaneProgram{&mul_.program, mul_.layout.a, mul_.layout.b, {}, mul_.layout.result}, streams_, first_, n, a, a_stride, b, nullptr);
  for (std::size_t i = 0; i < n; ++i) {
    r[i] = std::uint32_t(rounding_ == Rounding::Paper ? fp_host_paper_mul(format_, a[i * a_stride], b[i])
                                                      : fp_host_mul(format_, a[i * a_stride], b[i]));
  }
  if (write_errors_) write_errors_->replay(r);
}

void LaneEngine::select(SelectOp op, std::uint32_t* r, const std::uint32_t* a, const std::uint32_t* b,
                        const std::uint32_t* c, std::size_t n) {
  const unsigned inputs = select_inputs(op);
  if (!a || (inputs > 1 && !b) || (inputs > 2 && !c)) {
    throw std::invalid_argument(std::string("LaneEngine::select: ") + to_string(op) + " reads " +
                                std::to_string(inputs) + " operands");
  }
  if (mode_ == ExecMode::BitAccurate) {
    const SelectProgram& sp = select_[std::size_t(op)];
    run(lane_op(op), Prog{&sp.program, sp.a, inputs > 1 ? sp.b : Field{}, inputs > 2 ? sp.c : Field{}, sp.result}, r,
        a, 1, inputs > 1 ? b : nullptr, inputs > 2 ? c : nullptr, n);
    return;
  }
  if (basis_ == CostBasis::Declared) {
    charge(lane_op(op), n);
  } else {
    charge_rows(lane_op(op), n, [&](std::size_t i) {
      const std::uint64_t x = a[i], y = inputs > 1 ? b[i] : 0, z = inputs > 2 ? c[i] : 0;
      return RowKey{select_trajectory(op, format_, x, y, z), x, y, z};
    });
  }
  const SelectProgram& sp = select_[std::size_t(op)];
  if (write_errors_) {
    const LaneProgram lp{&sp.program, sp.a, inputs > 1 ? sp.b : Field{}, inputs > 2 ? sp.c : Field{}, sp.result};
    write_errors_->sample(lp, streams_, first_, n, a, 1, inputs > 1 ? b : nullptr, inputs > 2 ? c : nullptr);
  }
  for (std::size_t i = 0; i < n; ++i) {
    r[i] = std::uint32_t(select_host(op, format_, a[i], inputs > 1 ? b[i] : 0, inputs > 2 ? c[i] : 0));
  }
  if (write_errors_) write_errors_->replay(r);
}

}  // namespace mrampim
