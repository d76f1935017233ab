#include "controller/lane_write_errors.hpp"

#include <algorithm>
#include <stdexcept>

#include "compute/fp_engine.hpp"

namespace mrampim {

LaneWriteErrors::LaneWriteErrors(const Technology& tech, std::uint64_t seed, bool variation,
                                 std::uint32_t lane_columns)
    : errors_(tech, seed, variation, lane_columns), lane_columns_(std::min(lane_columns, tech.array.cols)) {
  scratch_ = std::make_unique<Subarray>(tech, ledger_.open_account("write-error replay", StepPrices::from(tech)));
}

std::uint32_t LaneWriteErrors::write_events(const MicroProgram& program) {
  std::uint64_t n = 0;
  for (const MicroOp& op : program.ops()) {
    if (op.kind == OpKind::Stateful) n += 1;
    else if (op.kind == OpKind::Shift) n += op.width;
  }
  return std::uint32_t(n);
}

std::uint16_t LaneWriteErrors::program_index(const LaneProgram& p) {
  for (std::size_t i = 0; i < programs_.size(); ++i) {
    if (programs_[i].program == p.program) return std::uint16_t(i);
  }
  if (programs_.size() >= kNone) throw std::logic_error("LaneWriteErrors: too many programs");
  programs_.push_back(p);
  events_.push_back(write_events(*p.program));
  return std::uint16_t(programs_.size() - 1);
}

void LaneWriteErrors::sample(const LaneProgram& p, const std::vector<std::uint64_t>& streams, std::uint32_t first,
                             std::size_t n, const std::uint32_t* a, std::size_t a_stride, const std::uint32_t* b,
                             const std::uint32_t* c) {
  if (streams.empty()) throw std::logic_error("LaneWriteErrors::sample: no pool subarrays");
  pending_program_ = program_index(p);
  const std::uint32_t events = events_[pending_program_];
  lanes_.clear();
  ordinals_.clear();
  const std::uint32_t rows = scratch_->rows();
  const std::size_t S = streams.size();
  std::vector<History>* last = nullptr;
  for (std::size_t k = 0; k < n; ++k) {
    const auto row = std::uint32_t(k % rows);
    const std::uint64_t stream = streams[(first + k / rows) % S];
    if (row == 0 || last == nullptr) {
      auto& v = last_[stream];
      if (v.empty()) v.resize(rows);
      last = &v;
    }
    const Operation now{pending_program_, a ? a[k * a_stride] : 0u, b ? b[k] : 0u, c ? c[k] : 0u};
    History& before = (*last)[row];
    const std::size_t from = ordinals_.size();
    if (errors_.sample(stream, row, events, ordinals_)) {
      const double q = errors_.bound(stream, row);
      lanes_.push_back(Lane{k, now, before,
                            ReplayRow{stream, row, q, SampledWriteErrors::replay_probability(q, events)}, from,
                            ordinals_.size() - from});
    }
    for (std::size_t d = kHistory - 1; d > 0; --d) before[d] = before[d - 1];
    before[0] = now;
  }
}

void LaneWriteErrors::place(std::uint32_t scratch_row, const Operation& op) {
  const LaneProgram& p = programs_[op.program];
  Subarray& s = *scratch_;
  if (p.a.width) s.poke_field(scratch_row, p.a.first, p.a.width, op.a);
  if (p.b.width) s.poke_field(scratch_row, p.b.first, p.b.width, op.b);
  if (p.c.width) s.poke_field(scratch_row, p.c.first, p.c.width, op.c);
}

void LaneWriteErrors::replay(std::uint32_t* r) {
  if (lanes_.empty()) return;
  const LaneProgram& now = programs_[pending_program_];
  const std::uint32_t events = events_[pending_program_];
  Subarray& s = *scratch_;
  const std::uint32_t rows = s.rows();
  for (std::size_t base = 0; base < lanes_.size(); base += rows) {
    const auto m = std::uint32_t(std::min<std::size_t>(rows, lanes_.size() - base));
    // What the rows' previous operations left, without errors, the oldest
    // first; a row without one starts from zeros.
    s.attach_sampled_write_errors(nullptr);
    for (std::uint32_t i = 0; i < m; ++i) {
      for (std::uint32_t col = 0; col < lane_columns_; col += 64) {
        s.poke_field(i, Column(col), std::uint16_t(std::min(64u, lane_columns_ - col)), 0);
      }
    }
    const RowMask all_rows = s.mask(0);
    for (std::size_t d = kHistory; d-- > 0;) {
      for (std::uint16_t p = 0; p < programs_.size(); ++p) {
        RowMask rows_of(rows);
        bool any = false;
        for (std::uint32_t i = 0; i < m; ++i) {
          const Operation& op = lanes_[base + i].before[d];
          if (op.program != p) continue;
          place(i, op);
          rows_of.set(i, true);
          any = true;
        }
        if (!any) continue;
        s.set_mask(0, rows_of);
        s.execute(*programs_[p].program);
      }
    }
    s.set_mask(0, all_rows);
    // The operation itself, its candidates decided as it writes.
    std::vector<ReplayRow> replay_rows;
    std::vector<WriteCandidate> candidates;
    replay_rows.reserve(m);
    for (std::uint32_t i = 0; i < m; ++i) {
      const Lane& l = lanes_[base + i];
      place(i, l.now);
      replay_rows.push_back(l.row);
      for (std::size_t j = 0; j < l.ordinals; ++j) candidates.push_back({ordinals_[l.first_ordinal + j], i});
    }
    s.attach_sampled_write_errors(&errors_);
    errors_.begin_replay(std::move(replay_rows), std::move(candidates));
    run_fp_rows(s, *now.program, 0, m);
    errors_.end_replay(events);
    for (std::uint32_t i = 0; i < m; ++i) {
      r[lanes_[base + i].lane] = std::uint32_t(s.peek_field(i, now.result.first, now.result.width));
    }
  }
  lanes_.clear();
  ordinals_.clear();
}

}  // namespace mrampim
