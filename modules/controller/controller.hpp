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
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "bank/bank.hpp"
#include "compute/fp_program.hpp"
#include "controller/command.hpp"
#include "ledger/cost_ledger.hpp"

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
  Controller(std::deque<Bank>& banks, CostLedger& ledger, const std::string& name = "controller");

  PlatformShape shape() const { return shape_; }
  const CostAccount& interconnect_account() const { return interconnect_; }
  const CostAccount& decoder_account() const { return decoder_; }

  // Checks `c`, then runs it, starting at `now_ns` or when every subarray it
  // uses is free, whichever is later. A refused command changes no row, takes
  // no time and charges nothing; an accepted one (a Nop too) costs its decoding.
  CommandOutcome execute(const Command& c, double now_ns);

  double busy_until_ns(std::uint32_t bank, std::uint32_t subarray) const;
  // When every subarray `c` uses is free (0 for a command that uses none or
  // would be refused): the earliest it can start.
  double ready_at_ns(const Command& c) const;
  // The latest busy time over all subarrays: when everything issued is done.
  double all_done_ns() const;

  // The program of a floating-point command (built on first use). Throws
  // std::invalid_argument when the row is too narrow for it.
  const FpProgram& fp_program(FpOp op, const FpFormat& format, Rounding rounding);

 private:
  double& busy(std::uint32_t bank, std::uint32_t subarray);
  CommandOutcome execute_dot(const Command& c, double now_ns);

  std::deque<Bank>& banks_;
  PlatformShape shape_;
  CostAccount& interconnect_;
  CostAccount& decoder_;
  std::vector<double> busy_until_;  // bank-major
  std::map<std::tuple<FpOp, std::uint8_t, std::uint8_t, Rounding>, FpProgram> programs_;
};

}  // namespace mrampim
