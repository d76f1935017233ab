#include "device/sampled_write_errors.hpp"

#include "device/cell_write_errors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace mrampim {

SampledWriteErrors::SampledWriteErrors(const Technology& t, std::uint64_t seed, bool variation,
                                       std::uint32_t lane_columns) {
  ComputeWritePulse c = compute_write_pulse(t);  // the bit-level draws' pulse and model
  switching_ = std::move(c.switching);
  pulse_ = c.pulse;
  nominal_rate_ = c.nominal_rate;
  variation_ = variation;
  cols_ = t.array.cols;
  rows_ = t.array.rows;
  lane_columns_ = std::min(lane_columns, cols_);
  // Streams of their own: the sampling runs whatever the replays draw.
  sample_rng_.state = seed * 0x2545f4914f6cdd1dull ^ 0x5a3c0ffee5a3c0ffull;
  accept_rng_.state = seed * 0x9e3779b97f4a7c15ull ^ 0x0123456789abcdefull;
}

double SampledWriteErrors::bound(std::uint64_t stream, std::uint32_t row) {
  if (!variation_) return nominal_rate_;
  if (last_bounds_ == nullptr || stream != last_stream_) {
    auto& v = bounds_[stream];
    if (v.empty()) v.assign(rows_, -1.0f);
    last_stream_ = stream;
    last_bounds_ = &v;
  }
  float& b = (*last_bounds_)[row];
  if (b < 0) {
    // The row's worst cell: the error rate grows with I_c0 (less overdrive)
    // and with Delta (a deeper well), and does not depend on R under a
    // current pulse, so the row's largest factors of each bound every cell's
    // rate (draw() checks it, and tests/unit/test_fast_write_errors.cpp).
    CellSpread worst{0, 0, 1};
    for (std::uint32_t c = 0; c < lane_columns_; ++c) {
      const CellSpread s = switching_->draw_cell(stream, std::uint64_t(row) * cols_ + c);
      worst.i_c0 = std::max(worst.i_c0, s.i_c0);
      worst.delta = std::max(worst.delta, s.delta);
    }
    const double q = switching_->error_rate(pulse_.i_uA, pulse_.t_ns, worst);
    // Kept as a float rounded up: a bound must not fall below a cell's rate.
    b = q <= 0 ? 0.0f : std::min(1.0f, std::nextafter(float(q), 2.0f));
  }
  return b;
}

double SampledWriteErrors::replay_probability(double bound, std::uint32_t events) {
  if (bound <= 0 || events == 0) return 0;
  if (bound >= 1) return 1;
  return -std::expm1(double(events) * std::log1p(-bound));
}

bool SampledWriteErrors::sample(std::uint64_t stream, std::uint32_t row, std::uint32_t events,
                                std::vector<std::uint32_t>& ordinals) {
  ++counts_.sampled_rows;
  const double q = bound(stream, row);
  const double u = sample_rng_.uniform();
  const double hit = replay_probability(q, events);
  if (u >= hit) return false;
  if (q >= 1) {  // every event a candidate
    for (std::uint32_t k = 0; k < events; ++k) ordinals.push_back(k);
    counts_.candidates += events;
    return true;
  }
  // The first candidate given one among W: geometric, truncated at W (u /
  // hit is uniform given the hit); the next ones geometric gaps after it.
  const double log_miss = std::log1p(-q);
  auto gap = [&](double v) {
    const double g = std::floor(std::log1p(-v) / log_miss);
    return g >= double(events) ? events : std::uint32_t(g);
  };
  std::uint32_t k = std::min(gap(u), events - 1);
  while (k < events) {
    ordinals.push_back(k);
    ++counts_.candidates;
    const std::uint32_t g = gap(sample_rng_.uniform());
    if (g >= events - k - 1) break;
    k += g + 1;
  }
  return true;
}

void SampledWriteErrors::begin_replay(std::vector<ReplayRow> rows, std::vector<WriteCandidate> candidates) {
  replay_rows_ = std::move(rows);
  candidates_ = std::move(candidates);
  std::stable_sort(candidates_.begin(), candidates_.end(),
                   [](const WriteCandidate& x, const WriteCandidate& y) { return x.ordinal < y.ordinal; });
  next_candidate_ = 0;
  ordinal_ = 0;
  switched_.assign(replay_rows_.size(), 0);
}

double SampledWriteErrors::cell_rate(std::uint64_t stream, std::uint32_t row, std::uint32_t col) const {
  if (!variation_) return nominal_rate_;
  return switching_->error_rate(pulse_.i_uA, pulse_.t_ns,
                                switching_->draw_cell(stream, std::uint64_t(row) * cols_ + col));
}

void SampledWriteErrors::draw(std::uint64_t* words, const std::uint64_t* before, std::size_t n_words,
                              std::uint32_t col) {
  const std::size_t rows = replay_rows_.size();
  for (std::size_t w = 0; w < n_words && 64 * w < rows; ++w) {
    for (std::uint64_t changed = words[w] ^ before[w]; changed != 0; changed &= changed - 1) {
      const std::size_t s = 64 * w + std::size_t(__builtin_ctzll(changed));
      if (s < rows) ++switched_[s];
    }
  }
  const std::uint32_t k = ordinal_++;
  for (; next_candidate_ < candidates_.size() && candidates_[next_candidate_].ordinal == k; ++next_candidate_) {
    const std::uint32_t s = candidates_[next_candidate_].scratch_row;
    const std::uint64_t bit = std::uint64_t{1} << (s % 64);
    std::uint64_t& word = words[s / 64];
    if (((word ^ before[s / 64]) & bit) == 0) continue;  // no switch needed: nothing can fail
    const ReplayRow& r = replay_rows_[s];
    const double p = cell_rate(r.stream, r.row, col);
    if (p > r.bound * (1 + 1e-9)) {
      throw std::logic_error("SampledWriteErrors: a cell's error rate " + std::to_string(p) +
                             " above its row's bound " + std::to_string(r.bound) + " (column " +
                             std::to_string(col) + ")");
    }
    if (accept_rng_.uniform() * r.bound < p) {
      word ^= bit;  // the cell did not switch: its old value stays
      ++counts_.failed;
    }
  }
}

void SampledWriteErrors::end_replay(std::uint32_t events) {
  if (ordinal_ != events) {
    throw std::logic_error("SampledWriteErrors: the replay wrote " + std::to_string(ordinal_) +
                           " events, its candidates were drawn for " + std::to_string(events));
  }
  for (std::size_t s = 0; s < replay_rows_.size(); ++s) {
    const double y = double(switched_[s]), pi = replay_rows_[s].replay_probability;
    counts_.replay_attempted += switched_[s];
    counts_.attempted_estimate += y / pi;
    counts_.attempted_estimate_variance += y * y * (1 - pi) / (pi * pi);
  }
  counts_.replayed_rows += replay_rows_.size();
  replay_rows_.clear();
  candidates_.clear();
}

}  // namespace mrampim
