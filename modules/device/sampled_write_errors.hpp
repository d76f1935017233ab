// Fast mode's write errors of computation: the failures CellWriteErrors
// draws in bit-accurate mode, with the same per-cell probabilities, found
// without running every row on the bit level.
//
// Why it can be done: a lane row's program writes the row's cells in W
// write events (one per written column of each stateful or shift op, in
// program order: ordinals 0 .. W-1), the same W whatever the data. An event
// that must switch its cell fails with that cell's probability p; no cell of
// the row fails more often than the row's bound q (its worst cell). Thinning:
// mark each ordinal a *candidate* with probability q, independently; a
// candidate event that must switch fails with probability p / q; no other
// event fails. The failures then have exactly the law of independent draws
// with p per switching write (each event fails with q x p / q = p,
// independently), and which ordinals are candidates does not depend on the
// data. So fast mode draws them before it knows the row's bits: a row
// without a candidate (probability (1 - q)^W) cannot fail and the host's
// result stands; a row with one is replayed on a bit-level scratch row, and
// its candidates are decided there (lane_write_errors.hpp).
//
// What the replay cannot know: the cells the program's scratch columns held
// before it (in bit-accurate mode, the lane row's previous operation left
// them). Whether a write must switch depends on them; the replay row holds
// what an earlier replay left. The counts are compared with bit-accurate
// runs' in tests/unit/test_fast_write_errors.cpp.
//
// Attempted (switching) writes: only replayed rows are seen, and a row is
// replayed with a probability that does not depend on its data, so
// sum(switching writes of a replayed row / its replay probability) is an
// unbiased estimate of the attempted writes of all rows (Horvitz-Thompson);
// it is reported as an estimate.
//
// Owns: the pulse (the technology's device.i_write_uA for
// device.t_switch_ns, as CellWriteErrors), its nominal rate, with variation
// each lane row's bound (a float per row of a subarray, computed when the
// row is first sampled; untouched subarrays cost nothing), the sampling and
// acceptance streams (seeded), the replay's rows and candidates, the counts.
// Exposes: sample() per lane row; begin_replay(), draw() per written column
// (the subarray calls it, as CellWriteErrors::draw), end_replay().
// Costs: nothing: the replay is how the model finds a row's bits; the row's
// costs are fast mode's charges.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "device/approximate_writes.hpp"
#include "support/splitmix64.hpp"
#include "tech/technology.hpp"

namespace mrampim {

// A lane row a scratch row stands in for.
struct ReplayRow {
  std::uint64_t stream = 0;       // its subarray's stream (fnv1a64 of the name, as CellWriteErrors)
  std::uint32_t row = 0;          // its row there: its cells' spread
  double bound = 0;               // q of the row
  double replay_probability = 0;  // 1 - (1 - q)^W: the chance it had a candidate
};

// Candidate write event `ordinal` of scratch row `scratch_row`.
struct WriteCandidate {
  std::uint32_t ordinal = 0, scratch_row = 0;
};

struct SampledWriteCounts {
  std::uint64_t sampled_rows = 0;       // lane rows sampled (one per lane operation)
  std::uint64_t replayed_rows = 0;      // of those, replayed: they had a candidate
  std::uint64_t candidates = 0;         // candidate events drawn
  std::uint64_t replay_attempted = 0;   // switching writes seen in replayed rows
  std::uint64_t failed = 0;             // failed writes (all of them: other rows cannot fail)
  double attempted_estimate = 0;        // switching writes of all sampled rows (unbiased estimate)
  double attempted_estimate_variance = 0;  // its variance estimate (Horvitz-Thompson, rows independent)
};

class SampledWriteErrors {
 public:
  // `lane_columns`: the columns [0, lane_columns) the programs write (a
  // row's bound covers its cells there). Throws std::invalid_argument for a
  // technology without MTJ switching.
  SampledWriteErrors(const Technology& t, std::uint64_t seed, bool variation, std::uint32_t lane_columns);

  // q of lane row `row` of the subarray with stream `stream`.
  double bound(std::uint64_t stream, std::uint32_t row);
  static double replay_probability(double bound, std::uint32_t events);
  // Draws the candidates of one program of `events` write events on the
  // row; false (nothing appended) when it has none, else appends their
  // ordinals (increasing) to `ordinals`.
  bool sample(std::uint64_t stream, std::uint32_t row, std::uint32_t events, std::vector<std::uint32_t>& ordinals);

  // A replay: scratch row i stands in for rows[i]; `candidates` in any order.
  void begin_replay(std::vector<ReplayRow> rows, std::vector<WriteCandidate> candidates);
  // Column `col` of the scratch subarray held `before` and now holds `words`
  // (one write event of every scratch row): candidates at this ordinal that
  // must switch fail with p / q, taking their old value back.
  void draw(std::uint64_t* words, const std::uint64_t* before, std::size_t n_words, std::uint32_t col);
  // Adds the replayed rows' switching writes to the estimate. Throws
  // std::logic_error when the program wrote another number of events than
  // the candidates were drawn for.
  void end_replay(std::uint32_t events);

  const SampledWriteCounts& counts() const { return counts_; }
  const WritePulse& pulse() const { return pulse_; }
  double nominal_rate() const { return nominal_rate_; }

 private:
  double cell_rate(std::uint64_t stream, std::uint32_t row, std::uint32_t col) const;

  std::unique_ptr<MtjSwitching> switching_;
  WritePulse pulse_;
  double nominal_rate_ = 0;
  bool variation_ = false;
  std::uint32_t cols_ = 0, rows_ = 0, lane_columns_ = 0;
  std::unordered_map<std::uint64_t, std::vector<float>> bounds_;  // with variation: per stream, per row (< 0: not yet)
  std::uint64_t last_stream_ = 0;
  std::vector<float>* last_bounds_ = nullptr;
  SplitMix64 sample_rng_{0}, accept_rng_{0};
  std::vector<ReplayRow> replay_rows_;
  std::vector<WriteCandidate> candidates_;  // sorted by ordinal
  std::size_t next_candidate_ = 0;
  std::uint32_t ordinal_ = 0;
  std::vector<std::uint64_t> switched_;  // per scratch row, this replay
  SampledWriteCounts counts_;
};

}  // namespace mrampim
