// The controller's lanes: every operation of a layer command is a program
// run over lanes, one lane per row of a compute subarray, 1024 lanes (one
// subarray's rows) at a time, on the lane pool's subarrays in turn.
//
// Owns: the programs (fp MAC, add and multiply for the format and rounding,
// and the selections of select_program.hpp), and the published-formula tally
// per pool subarray.
// Exposes: vector operations over n lanes, in one of two modes that give
// the same bits:
//   bit-accurate  operands are placed in the rows, the program runs on the
//                 bit-level subarray, results are read back;
//   fast          the host computes the same function (ieee: IEEE 754 with
//                 the model's NaN policy, which the programs match bit for
//                 bit; fp32 in native float (batch_kernels.hpp), others
//                 through fp_host_reference.hpp; paper: the truncating
//                 procedure, fp_host_paper.hpp) and the ledger is charged
//                 with each program's declared counts for the rows it would
//                 run on. Kernels that compute whole layers elsewhere charge
//                 the same operations through charge().
// Costs: batch j of an operation runs on pool subarray (first + j) mod S
// (bind()), so the subarrays work in parallel and the first has the most
// batches; each charges its own ledger account. Every operand that enters a
// lane row is moved there over the transfer path that feeds the subarray
// (its bank's path, bind()): Phase::Transfer on the path's account, a read
// and a write step per bit, the 2b cycles of facts sec. 4, one cell pair per
// bit per row. The destination subarray is busy while it is written
// (moves_ns()); an accumulator stays in its row.
// Energy of programs with searches: bit-accurate counts the rows each masked
// step really enables; fast mode charges each row what a bit-level row of
// its trajectory charged (fp_trajectory.hpp, trajectory_costs.hpp): the same
// counts. With CostBasis::Declared it charges the declared cost instead,
// every batch row for every step (an upper bound, and no per-row work).
// Latency is the same in all: step counts do not depend on the data.
// Beside the ledger the engine keeps the published-formula tally of the same
// operations, per pool subarray (the paper's own cost method, facts sec.
// 3-5): fp MAC, add and multiply at their published formulas (Eq. 2, Eq. 3,
// FloatPIM's; fp_published_cost.hpp), operand moves at 2b cycles (facts
// sec. 4); selections have no published formula and enter it at their
// declared program cost, in both modes.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "compute/fp_program.hpp"
#include "compute/select_program.hpp"
#include "controller/lane_write_errors.hpp"
#include "controller/trajectory_costs.hpp"
#include "ledger/cost_ledger.hpp"
#include "subarray/subarray.hpp"

namespace mrampim {

enum class ExecMode : std::uint8_t { BitAccurate, Fast };
// What fast mode charges for the cells of search-masked steps: exactly what
// the bit-level run charges (each row by its trajectory, fp_trajectory.hpp),
// or the declared cost, every row for every step (an upper bound, faster).
enum class CostBasis : std::uint8_t { Exact, Declared };
const char* to_string(CostBasis b);
CostBasis parse_cost_basis(const std::string& s);  // "exact" or "declared"; throws std::invalid_argument
const char* to_string(ExecMode m);
ExecMode parse_exec_mode(const std::string& s);  // "bit-accurate" or "fast"; throws std::invalid_argument

// Every kind of lane operation, for counts and reports.
enum class LaneOp : std::uint8_t { Mac, Add, Mul, Relu, Max, KeepIfEqual, KeepIfNonZero };
inline constexpr std::size_t kLaneOps = 7;
const char* to_string(LaneOp op);

class LaneEngine {
 public:
  // Throws std::invalid_argument for a format wider than 32 bits or a row
  // too narrow for a program. bind() gives it the compute subarrays.
  LaneEngine(const Technology& tech, const FpFormat& format, Rounding rounding, ExecMode mode,
             CostBasis basis = CostBasis::Exact);
  LaneEngine(const LaneEngine&) = delete;
  LaneEngine& operator=(const LaneEngine&) = delete;

  // The compute subarrays of the operations that follow: batch j of an
  // operation runs on pool[(first + j) mod size], its operands moved in over
  // paths[(first + j) mod size] (subarrays of one bank share their bank's
  // path). The subarrays and paths must share the engine's technology and
  // stay alive while bound. Throws std::invalid_argument for an empty pool or
  // a path list of another size.
  void bind(const std::vector<Subarray*>& pool, const std::vector<CostAccount*>& paths, std::uint32_t first);

  const FpFormat& format() const { return format_; }
  Rounding rounding() const { return rounding_; }
  ExecMode mode() const { return mode_; }
  CostBasis basis() const { return basis_; }
  // Trajectories fast mode has priced so far, over all operations.
  std::size_t trajectories() const;
  std::uint32_t subarrays() const { return std::uint32_t(accounts_.size()); }
  // Subarray of batch j: (first + j) mod subarrays().
  std::uint32_t first_subarray() const { return first_; }
  std::uint32_t lanes_per_subarray() const { return tech_.array.rows; }
  std::uint32_t columns() const { return tech_.array.cols; }
  // Columns per row the widest program needs: what a lane occupies.
  std::uint32_t lane_columns() const { return lane_columns_; }

  // acc[i] = acc[i] + a[i * a_stride] x b[i] (a_stride 0: one a for all lanes).
  void mac(std::uint32_t* acc, const std::uint32_t* a, std::size_t a_stride, const std::uint32_t* b, std::size_t n);
  // acc[i] = acc[i] + b[i]
  void add(std::uint32_t* acc, const std::uint32_t* b, std::size_t n);
  // r[i] = a[i * a_stride] x b[i]
  void mul(std::uint32_t* r, const std::uint32_t* a, std::size_t a_stride, const std::uint32_t* b, std::size_t n);
  // r[i] = select(a[i], b[i], c[i]); unused inputs may be null.
  void select(SelectOp op, std::uint32_t* r, const std::uint32_t* a, const std::uint32_t* b, const std::uint32_t* c,
              std::size_t n);

  // Fast mode with the declared basis only: the costs of `times` runs of
  // `op` over `lanes` lanes each, exactly as that many calls of
  // mac/add/mul/select charge them, for kernels that compute the same lanes
  // elsewhere (batch_kernels.hpp). Throws std::logic_error otherwise: the
  // bit-accurate mode charges what ran, the exact basis needs each row.
  void charge(LaneOp op, std::size_t lanes, std::uint64_t times = 1);

  // Whether layer commands may take the batched path (layer_ops.hpp) on this
  // engine (fast mode, fp32, ieee); off, they take the lane path. Both give
  // the same bits and charges; the lane path is the definition.
  bool batched_allowed() const { return batched_allowed_ && !write_errors_; }
  void allow_batched(bool on) { batched_allowed_ = on; }

  // Fast mode, exact basis: the cells of the rows charged so far go to the
  // subarrays' accounts now (the steps went at once: the schedule reads
  // them). Summing the rows' trajectories over a whole command, not per
  // batch, is what keeps exact charges affordable. The controller flushes
  // after each command; bind() flushes first.
  void flush();

  // Fast mode: write errors in the lanes' computation (lane_write_errors.hpp),
  // the failures bit-accurate lanes draw on their subarrays
  // (Subarray::enable_write_errors), with the same probabilities; the
  // batched path is off from now on (the lanes are sampled row by row).
  // Throws std::logic_error in bit-accurate mode (the subarrays draw them),
  // std::invalid_argument for a technology without MTJ switching.
  void enable_write_errors(std::uint64_t seed, bool variation);
  // Their counts (nullptr: not enabled).
  const LaneWriteErrors* write_errors() const { return write_errors_.get(); }

  // Lanes each operation has run (operations, not batches).
  std::uint64_t lanes(LaneOp op) const { return lanes_[std::size_t(op)]; }
  const CostAccount& account(std::uint32_t subarray) const { return *accounts_.at(subarray); }
  // Time pool subarray `subarray` has spent receiving operands over its path
  // since the engine was built (the path's latency, while the subarray is
  // written): the controller adds it to the subarray's busy time.
  // (Counted in steps, priced when asked: the same however they were summed.)
  double moves_ns(std::uint32_t subarray) const { return moved_.at(subarray).latency_ns(prices_); }
  // The published-formula tally of each compute subarray (by position in the
  // pool while bound).
  const RowCost& published(std::uint32_t subarray) const { return published_.at(subarray); }
  const StepPrices& prices() const { return prices_; }  // counted
  // What the published-formula tally is priced by: calibrated to the paper.
  const StepPrices& published_prices() const { return published_prices_; }

 private:
  struct Prog {
    const MicroProgram* program = nullptr;
    Field a, b, c, result;
  };
  // An operation's program, the operand fields that move into its lanes,
  // and its published cost per row (null: no formula, the declared program
  // cost stands in).
  struct OpCost {
    const MicroProgram* program = nullptr;
    unsigned moved_fields = 0;
    const RowCost* published = nullptr;
  };
  OpCost op_cost(LaneOp op) const;
  // Bit-accurate mode: places the operands, runs the program batch by batch, reads r back.
  void run(LaneOp op, const Prog& p, std::uint32_t* r, const std::uint32_t* a, std::size_t a_stride,
           const std::uint32_t* b, const std::uint32_t* c, std::size_t n);
  // `times` batches of `rows` rows on one subarray. Fast mode charges the
  // program's steps and, for cells, `exact` (the rows' trajectories) or the
  // declared counts; bit-accurate mode the transfers only (the subarray
  // charges the program as it runs).
  void charge_batch(std::uint32_t subarray, const OpCost& cost, std::uint32_t rows, std::uint64_t times,
                    const RowCells* exact = nullptr);
  // Fast mode, exact basis: each row's trajectory (`row(i)` gives its key
  // and its operands in the program's a, b, c order), batch by batch.
  struct RowKey {
    std::uint64_t key, a, b, c;
  };
  template <class RowFn>
  void charge_rows(LaneOp op, std::size_t n, RowFn row);
  // The same with each row's trajectory id (`id_of(i)`).
  template <class IdFn>
  void charge_ids(LaneOp op, std::size_t n, IdFn id_of);
  // The same for fp32 ieee MACs, most rows by their common index
  // (fp32_mac_common_index): one counter per index and pool subarray, the
  // index priced on its first row; the rest by their keys.
  void charge_fp32_macs(const std::uint32_t* acc, const std::uint32_t* a, std::size_t a_stride,
                        const std::uint32_t* b, std::size_t n);
  TrajectoryCosts& trajectories(LaneOp op);

  Technology tech_;
  FpFormat format_;
  Rounding rounding_;
  ExecMode mode_;
  StepPrices prices_, published_prices_;
  std::vector<CostAccount*> accounts_;
  std::vector<CostAccount*> paths_;  // per pool subarray: the path its operands come over
  std::vector<ActivityCounts> moved_;  // per pool subarray: the moves into it
  std::vector<RowCost> published_;  // per subarray: steps per batch, cells over all rows
  RowCost published_mac_, published_add_, published_mul_;
  std::vector<Subarray*> arrays_;    // bit-accurate mode: the compute subarrays
  std::uint32_t first_ = 0;
  bool batched_allowed_ = true;
  CostBasis basis_ = CostBasis::Exact;
  std::array<std::unique_ptr<TrajectoryCosts>, kLaneOps> trajectories_;
  // Rows counted per operation, pool subarray and trajectory id, until flush().
  struct Pending {
    std::vector<std::uint32_t> counts;  // four interleaved counters per id: neighbouring rows often share one
    std::vector<std::uint8_t> seen;
    std::vector<std::uint32_t> touched;
    void count(std::uint32_t id, std::uint32_t row);
  };
  std::array<std::vector<Pending>, kLaneOps> pending_;
  // fp32 ieee MACs' rows per common index, per pool subarray, until flush().
  struct CommonCounts {
    std::vector<std::uint32_t> counts;  // kFp32MacCommon, allocated on first use
    std::vector<std::uint32_t> touched;
  };
  std::vector<CommonCounts> common_;
  bool any_pending_ = false;
  std::vector<std::uint32_t> common_ids_;  // fp32 ieee MAC: id per fp32_mac_common_index
  std::vector<std::uint32_t> indices_;     // fp32 ieee MAC: the lanes' common indices
  FpProgram mac_, add_, mul_;
  std::array<SelectProgram, 4> select_;
  std::uint32_t lane_columns_ = 0;
  std::array<std::uint64_t, kLaneOps> lanes_{};
  std::vector<std::uint64_t> scratch_;  // bit-accurate: one batch of read-back fields
  std::unique_ptr<LaneWriteErrors> write_errors_;  // fast mode, when enabled
  std::vector<std::uint64_t> streams_;  // fast mode with write errors: the pool subarrays' streams
};

}  // namespace mrampim
