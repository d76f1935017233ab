// Fast mode's write errors in the lanes' computation: the failures the
// bit-level lanes draw in bit-accurate mode (device/cell_write_errors.hpp),
// with the same per-cell probabilities, drawn by thinning
// (device/sampled_write_errors.hpp). Before the host computes an
// operation's lanes, each lane row is sampled; a row with a candidate write
// keeps its operands, and once the host's results are in, those rows are
// replayed on a bit-level scratch subarray, up to a subarray's rows at a
// time, with their candidates decided there; their results replace the
// host's. A row without a candidate cannot fail: its host result is the
// bit-level row's. The cost of fast mode grows with the error rate: at the
// technologies' rates (about 1e-9 per switching write) almost no row is
// replayed; at a rate where most rows fail, most are.
//
// Whether a write must switch depends on what its cell held, and a
// program's work columns hold what the row's previous operation left there.
// So each lane row's last operation (program and operands) is remembered,
// and a replayed row first runs it from zeros, without errors, to leave what
// it left (one operation deep: what its own predecessor left in the columns
// it did not write is not rebuilt; a row's first operation starts from
// zeros, as the subarrays do). tests/unit/test_fast_write_errors.cpp
// compares the counts with bit-accurate runs'.
//
// Owns: the sampler, the scratch subarray with a ledger of its own (the
// replay is how the model finds the bits, not hardware activity: the lanes
// were charged as fast mode charges them), every lane row's last operation
// (per pool subarray touched: its rows' program index and operands), and
// the operation in flight's replayed lanes.
// Exposes: sample() before the host computes, replay() after; the counts.
// Costs: nothing on the platform's ledger.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "compute/logic_emitter.hpp"
#include "device/sampled_write_errors.hpp"
#include "ledger/cost_ledger.hpp"
#include "subarray/micro_program.hpp"
#include "subarray/subarray.hpp"

namespace mrampim {

// A lane program and where it reads its operands (width 0: unused) and
// leaves its result.
struct LaneProgram {
  const MicroProgram* program = nullptr;
  Field a, b, c, result;
};

class LaneWriteErrors {
 public:
  // `lane_columns`: the columns the lanes' programs use. Throws
  // std::invalid_argument for a technology without MTJ switching.
  LaneWriteErrors(const Technology& tech, std::uint64_t seed, bool variation, std::uint32_t lane_columns);
  LaneWriteErrors(const LaneWriteErrors&) = delete;
  LaneWriteErrors& operator=(const LaneWriteErrors&) = delete;

  // Lanes [0, n) of one operation of `p`, before the host computes them:
  // lane k runs on row k % rows of the pool subarray whose stream is
  // streams[(first + k / rows) % streams.size()] (as LaneEngine places
  // batches); a, b, c are the operands it reads (null: unused; a_stride 0:
  // one a for all lanes). `p` must stay alive as long as this.
  void sample(const LaneProgram& p, const std::vector<std::uint64_t>& streams, std::uint32_t first, std::size_t n,
              const std::uint32_t* a, std::size_t a_stride, const std::uint32_t* b, const std::uint32_t* c);
  // After the host's results are in r: the sampled lanes with a candidate
  // are replayed and their results written to r.
  void replay(std::uint32_t* r);

  const SampledWriteCounts& counts() const { return errors_.counts(); }
  const SampledWriteErrors& errors() const { return errors_; }
  // The write events of one row of `program`: a stateful op's column, each
  // column a shift moves (what the subarray draws errors for).
  static std::uint32_t write_events(const MicroProgram& program);

 private:
  static constexpr std::uint16_t kNone = 0xffff;
  // Operations remembered per lane row. One: on a LeNet's forward pass two
  // changed the failures by less than their seed-to-seed noise (0.2%), and
  // each costs a program run per replay.
  static constexpr std::size_t kHistory = 1;
  struct Operation {  // what a lane row ran: a program (index into programs_) and its operands
    std::uint16_t program = kNone;
    std::uint32_t a = 0, b = 0, c = 0;
  };
  // What a lane row ran last, the latest first.
  using History = std::array<Operation, kHistory>;
  struct Lane {
    std::size_t lane;
    Operation now;
    History before;
    ReplayRow row;
    std::size_t first_ordinal, ordinals;  // in ordinals_
  };
  std::uint16_t program_index(const LaneProgram& p);
  void place(std::uint32_t scratch_row, const Operation& op);

  SampledWriteErrors errors_;
  CostLedger ledger_;
  std::unique_ptr<Subarray> scratch_;
  std::uint32_t lane_columns_;
  std::vector<LaneProgram> programs_;
  std::vector<std::uint32_t> events_;  // per program
  std::unordered_map<std::uint64_t, std::vector<History>> last_;  // per stream, per row
  std::uint16_t pending_program_ = kNone;
  std::vector<Lane> lanes_;
  std::vector<std::uint32_t> ordinals_;
};

}  // namespace mrampim
