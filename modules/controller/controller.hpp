// The controller: turns commands into the compute layer's micro-programs and
// the banks' transfers, schedules them onto subarrays, and times them from
// the ledger.
//
// Owns: a cache of floating-point programs (one per operation, format and
// rounding: every subarray shares the technology), the time until which each
// subarray is busy, and the path between banks (its own ledger account).
// Exposes: execute(command, now) and the busy times.
// Costs: the inter-bank path, and decoding: each command it accepts is one
// charge to its decoder account (energy controller.e_command_pJ, no latency:
// decoding overlaps the array's steps). A command's latency is what the
// ledger counts on the accounts it charges (the subarray's, or the transfer
// path's), so the time it takes and the costs reported can never disagree. Commands on different subarrays overlap in time; commands that
// share a subarray run one after the other.
//
// A dot product over n rows: one multiply over all of them (products in the
// result columns), then a pairwise tree: while n > 1, with m = ceil(n / 2),
// the products of rows m..n-1 move to the b columns of rows 0..n-m-1 (a
// row-serial move on the bank's path), those rows' own sums move to their a
// columns (a column-parallel transfer), and one add over those rows leaves
// the sums in the result columns; then n = m. log2(n) rounds; the sum ends in
// the first row's result columns, the rows' a and b columns hold partial sums.
//
// A layer command (layer_command.hpp) runs its lanes in the lane pool: the
// command's operations spread their 1024-lane batches over the pool's
// subarrays starting at the one free first (batch j on the (first + j)-th,
// round the pool), and it occupies as many pool subarrays as its largest
// operation has batches. Its data moves in three stages:
//   broadcast  each tensor it reads goes from the data window's rows over
//              the path between banks to every bank it computes in (one
//              transfer reaches them all); row-parallel within a source
//              subarray, two steps per column of the tensor's rows (the 2b
//              cycles of facts sec. 4, b the row's used columns);
//   lanes      each operand entering a lane row comes over its bank's path
//              (lane_engine.hpp), while the subarrays compute; a subarray is
//              busy for its programs and the moves into it, a bank's path
//              for every move into its subarrays: the stage takes as long as
//              the busiest of them. Across commands a bank's path carries one
//              command's moves at a time: each command's moves are booked on
//              it as one block at the stage's start, in the first gap long
//              enough (a command waits for it);
//   gather     each tensor it writes goes back to the data window over the
//              path between banks.
// The path between banks is booked in its first free gap long enough (so
// independent commands interleave their transfers). Every stage's time is
// what the ledger counted on the accounts it charged. Data hazards order
// commands: a command starts after every earlier command that wrote rows it
// reads or writes, or read rows it writes, has ended (rows of the data
// window; for row commands, their rows). The execution mode decides who
// computes the lanes (the bit-level subarrays or the host, lane_engine.hpp);
// the schedule is the same in both.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "bank/bank.hpp"
#include "compute/fp_program.hpp"
#include "controller/command.hpp"
#include "controller/layer_command.hpp"
#include "controller/layer_ops.hpp"
#include "controller/tensor_port.hpp"
#include "ledger/cost_ledger.hpp"
#include "controller/lane_engine.hpp"
#include "controller/resource_calendar.hpp"
#include "device/approximate_writes.hpp"

namespace mrampim {

struct CommandOutcome {
  CommandError error = CommandError::None;
  double start_ns = 0;  // when its subarrays began it
  double end_ns = 0;    // when they finished (start + the latency the ledger counted)
};

class Controller {
 public:
  // The banks must share one technology and stay alive as long as the
  // controller. Its path between banks is the account "<name>.interconnect",
  // its command decoding "<name>.decoder".
  // Throws std::invalid_argument for no banks or mixed ones.
  Controller(std::deque<Bank>& banks, CostLedger& ledger, const std::string& name = "controller",
             ExecMode mode = ExecMode::BitAccurate, CostBasis basis = CostBasis::Exact);

  PlatformShape shape() const { return shape_; }
  const CostAccount& interconnect_account() const { return interconnect_; }
  const CostAccount& decoder_account() const { return decoder_; }

  // Checks `c`, then runs it, starting at `now_ns` or when every subarray it
  // uses is free, whichever is later. A refused command changes no row, takes
  // no time and charges nothing; an accepted one (a Nop too) costs its decoding.
  CommandOutcome execute(const Command& c, double now_ns);
  // The same for a layer command, with the lane pool in force for it and the
  // tensors' port (both ignored for other commands).
  CommandOutcome execute(const Command& c, double now_ns, const LanePool& pool, TensorPort& port);
  ExecMode mode() const { return mode_; }
  CostBasis basis() const { return basis_; }
  // Fast mode's batched path for fp32 layer commands (on by default); off,
  // the lane path computes them (the same bits and charges, slower).
  void allow_batched_layers(bool on);
  // Approximate weight writes (docs/approximate-writes.md): an SGD update's
  // weight words go to their rows through `memory` (each word over its old
  // value, by its global word address), in every mode alike. nullptr: exact.
  // The memory must outlive the controller's commands.
  void set_weight_memory(ApproximateWrites* memory) { weight_memory_ = memory; }

  // Fast mode: write errors in the layer commands' lanes, computed on the
  // host (LaneEngine::enable_write_errors), for this and every later lane
  // engine. Bit-accurate lanes and row commands draw them on their
  // subarrays (Subarray::enable_write_errors). Throws std::logic_error in
  // bit-accurate mode, std::invalid_argument for a technology without MTJ
  // switching.
  void enable_lane_write_errors(std::uint64_t seed, bool variation);
  // Their counts over every lane engine (all zero when off).
  SampledWriteCounts lane_write_errors() const;

  // Pool subarrays (global indices) the last layer command used.
  const std::vector<std::uint32_t>& last_layer_subarrays() const { return last_layer_subarrays_; }
  // Time each subarray has been busy with commands (bank-major), ns.
  const std::vector<double>& busy_time_ns() const { return busy_time_; }
  // Time each bank's path has been booked (layer commands' operand moves,
  // moves and dot products' moves), ns.
  std::vector<double> path_busy_time_ns() const;
  // Time the path between banks has been booked (broadcasts, gathers, moves between banks), ns.
  double interconnect_busy_time_ns() const { return interconnect_calendar_.busy_ns(); }
  // The published-formula cost of the layer commands run so far (facts
  // sec. 3-5, lane_engine.hpp): per command, the busiest pool subarray's
  // latency; energy over all.
  double published_latency_ns() const { return published_latency_ns_; }
  double published_energy_pJ() const { return published_energy_pJ_; }
  // Lanes each kind of lane operation has run, over every layer command.
  std::uint64_t lanes(LaneOp op) const;

  double busy_until_ns(std::uint32_t bank, std::uint32_t subarray) const;
  // When every subarray `c` uses is free (0 for a command that uses none or
  // would be refused): the earliest it can start.
  double ready_at_ns(const Command& c) const;
  double ready_at_ns(const Command& c, const LanePool& pool) const;
  // The latest busy time over all subarrays: when everything issued is done.
  double all_done_ns() const;

  // The program of a floating-point command (built on first use). Throws
  // std::invalid_argument when the row is too narrow for it.
  const FpProgram& fp_program(FpOp op, const FpFormat& format, Rounding rounding);

 private:
  double& busy(std::uint32_t bank, std::uint32_t subarray);
  CommandOutcome execute_dot(const Command& c, double now_ns);
  CommandOutcome execute_layer(const Command& c, double now_ns, const LanePool& pool, TensorPort& port);
  LaneEngine& lane_engine(const FpFormat& f, Rounding r);
  // Rows of the data window a command reads and writes (global rows, [first, end)).
  struct RowAccess {
    std::uint64_t first = 0, end = 0;
    bool write = false;
    double until_ns = 0;
  };
  std::vector<RowAccess> row_accesses(const Command& c) const;
  double hazard_free_ns(const std::vector<RowAccess>& mine) const;
  void record(std::vector<RowAccess> mine, double end_ns, double now_ns);
  // A layer command's pool: the first position, how many subarrays it uses.
  std::pair<std::uint32_t, std::uint32_t> layer_placement(const Command& c, const LanePool& pool) const;
  void occupy(std::uint32_t global_subarray, double start_ns, double end_ns);

  std::deque<Bank>& banks_;
  ExecMode mode_;
  CostBasis basis_;
  PlatformShape shape_;
  CostAccount& interconnect_;
  CostAccount& decoder_;
  std::vector<double> busy_until_;  // bank-major
  std::vector<double> busy_time_;
  std::vector<ResourceCalendar> path_calendar_;  // per bank: its path
  ResourceCalendar interconnect_calendar_;        // the path between banks
  std::map<std::tuple<FpOp, std::uint8_t, std::uint8_t, Rounding>, FpProgram> programs_;
  std::map<std::tuple<std::uint8_t, std::uint8_t, Rounding>, std::unique_ptr<LaneEngine>> engines_;
  std::vector<RowAccess> recent_;  // accesses of commands that may still be running
  LaneBlockCache lane_blocks_;     // fast mode's batched path: lane blocks between commands
  ApproximateWrites* weight_memory_ = nullptr;
  std::vector<std::uint32_t> last_layer_subarrays_;
  double published_latency_ns_ = 0, published_energy_pJ_ = 0;
  bool batched_layers_ = true;
  bool lane_write_errors_ = false, lane_write_error_variation_ = false;
  std::uint64_t lane_write_error_seed_ = 0;
};

}  // namespace mrampim
