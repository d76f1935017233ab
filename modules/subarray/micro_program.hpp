// A micro-program: a sequence of parallel steps, each a group of micro-ops on
// different columns that the array performs at once (all reads, then all
// writes). Built once per (operation, technology), then executed by a
// Subarray, printed, costed without executing, or traced step by step.
//
// The cost of a step is the latency of each step kind it contains (read,
// write, search, NOR), paid once per phase however many rows take part; the
// energy is per bit-cell, so it scales with the rows each op's mask enables.
//
// Line sharing: a row's line is cut into partitions of
// ArrayShape::partition_cols columns, each with one sense amplifier. In one phase a partition senses
// one column (a read), evaluates one MAGIC NOR (its inputs and output meet on
// the partition's line) and serves one search (its key's cells share the
// line as a match line); a NOR or search whose columns span several
// partitions joins them. A step whose reads, NORs or searches need more runs
// as that many phases of the kind: MicroStep::phases, what the ledger counts
// as steps of the kind. Writes take one phase, or one per read phase when
// what they write was sensed (each sensed value is written before the next
// is sensed); constant writes (set 0/1) need no sensing.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "ledger/cost_ledger.hpp"
#include "subarray/micro_op.hpp"
#include "subarray/row_mask.hpp"
#include "tech/technology.hpp"

namespace mrampim {

struct MicroStep {
  std::uint32_t first_op = 0;
  std::uint32_t op_count = 0;
  Phase phase = Phase::Logic;
  std::uint8_t kinds = 0;  // bit k set: the step has a phase of StepKind k
  // Phases of each kind the step runs as (0 for a kind it lacks; 1 when its
  // ops fit the row's partitions at once): see "Line sharing" above.
  std::array<std::uint32_t, kStepKinds> phases{};
  // When every op of the step uses the same row-enable register, the step is
  // charged once with the summed cells (the common case, and the fast one).
  bool uniform_mask = true;
  std::uint8_t mask = 0;
  std::array<std::uint32_t, kStepKinds> cells_per_row{};  // summed over the step's ops
  // Column lines the step drives, by kind: the distinct columns its ops
  // touch (a column two ops read is one line).
  std::array<std::uint32_t, kStepKinds> column_lines{};
  std::uint8_t masks_used = 0;  // bit m: an op of the step uses row-enable register m
  // Registers whose rows' word lines this step raises: used now but not in
  // the previous step, or rewritten by a search since their last use (a
  // program starts with every word line low). Rows that stay enabled keep
  // their word lines up: no charge.
  std::uint8_t masks_raised = 0;

  bool has(StepKind k) const { return (kinds >> unsigned(k)) & 1u; }
};

// Rows each row-enable register selects.
using ActiveRows = std::array<std::uint32_t, kRowEnableRegisters>;

// What a program charges, precomputed once at finish(): per phase, the
// step counts (data-independent) and the cells per row of each step kind
// under each row-enable register. Static costing and execution both read it.
struct PhaseCharge {
  Phase phase = Phase::Logic;
  std::uint64_t compute_steps = 0;
  std::array<std::uint64_t, kStepKinds> steps{};
  std::array<std::array<std::uint64_t, kStepKinds>, kRowEnableRegisters> cells_per_row_by_mask{};
  // Steps that raise each row-enable register's word lines (MicroStep::masks_raised).
  std::array<std::uint64_t, kRowEnableRegisters> raises_by_mask{};
  std::array<std::uint64_t, kStepKinds> column_lines{};  // summed over the phase's steps

  ActivityCounts counts(const ActiveRows& active_rows) const;
};

class MicroProgram {
 public:
  const std::vector<MicroOp>& ops() const { return ops_; }
  const std::vector<MicroStep>& steps() const { return steps_; }
  LogicFamily family() const { return shape_.family; }
  const ArrayShape& shape() const { return shape_; }
  const std::string& name() const { return name_; }
  // One past the highest column any op touches: the array must be this wide.
  std::uint32_t columns_needed() const { return columns_needed_; }

  // Phases the program uses, with their precomputed charges.
  const std::vector<PhaseCharge>& charges() const { return charges_; }
  // True when a search rewrites a row-enable register mid-program, so active
  // rows can change from step to step.
  bool has_search() const { return has_search_; }
  // Columns written, one bit per column: the cells per row the program occupies.
  const std::vector<std::uint64_t>& written_columns() const { return written_; }

  // Latency of one step: decoding, then each kind's latency once per phase.
  double step_latency_ns(std::size_t step, const StepPrices& prices) const;
  // Counts the program charges when every op's mask enables `active_rows`
  // rows: all phases, or only `phase`.
  ActivityCounts cost(std::uint32_t active_rows, std::optional<Phase> phase = std::nullopt) const;
  // Distinct columns the program writes: cells each row occupies for it.
  std::uint32_t cells_written_per_row() const;
  // Human-readable listing, one line per step.
  std::string listing() const;

 private:
  friend class ProgramBuilder;
  std::string name_;
  ArrayShape shape_;
  std::uint32_t columns_needed_ = 0;
  bool has_search_ = false;
  std::vector<PhaseCharge> charges_;
  std::vector<std::uint64_t> written_;
  std::vector<MicroOp> ops_;
  std::vector<MicroStep> steps_;
};

// Builds a program op by op, checking as it goes that each op exists on the
// technology, its columns fit the array, and ops in one step neither write
// the same column nor read one another writes (so sequential execution of a
// step equals the hardware's parallel read-then-write).
class ProgramBuilder {
 public:
  ProgramBuilder(std::string name, const ArrayShape& shape);
  std::uint32_t cols() const { return cols_; }
  const ArrayShape& shape() const { return prog_.shape_; }
  const std::string& name() const { return prog_.name_; }

  ProgramBuilder& step(Phase phase);          // opens a new parallel step
  ProgramBuilder& mask(std::uint8_t reg);     // row-enable register for the ops that follow

  ProgramBuilder& gate(StatefulGate g, Column dst, Column x);
  ProgramBuilder& copy(Column dst, Column x) { return gate(StatefulGate::Copy, dst, x); }
  ProgramBuilder& copy_not(Column dst, Column x) { return gate(StatefulGate::CopyNot, dst, x); }
  ProgramBuilder& set(Column dst, bool bit) { return gate(bit ? StatefulGate::Set1 : StatefulGate::Set0, dst, dst); }
  ProgramBuilder& and_(Column dst, Column x) { return gate(StatefulGate::And, dst, x); }
  ProgramBuilder& or_(Column dst, Column x) { return gate(StatefulGate::Or, dst, x); }
  ProgramBuilder& xor_(Column dst, Column x) { return gate(StatefulGate::Xor, dst, x); }
  ProgramBuilder& nor(Column dst, std::initializer_list<Column> inputs);
  // Moves the group [src, src+width) by `amount` positions into [dst, dst+width)
  // (dst == src shifts in place); vacated positions become 0. One op, any
  // amount: its phases are the bits it senses per partition ("Line sharing").
  ProgramBuilder& shift(Column dst, Column src, std::uint16_t width, std::int16_t amount);
  ProgramBuilder& search(Column first, std::uint16_t width, std::uint64_t key, std::uint8_t out_reg);

  MicroProgram finish();

 private:
  MicroOp& add(MicroOp op);
  void check_column(Column c, std::uint16_t width, const char* what) const;
  void use(Column c, std::uint16_t width, bool write);

  MicroProgram prog_;
  std::uint32_t cols_;
  std::uint8_t mask_ = 0;
  bool open_ = false;
  // Per column in the open step: 0 untouched, 1 read, 2 written.
  std::vector<std::uint8_t> col_use_;
  std::vector<Column> touched_;
  std::uint8_t masks_written_ = 0;  // row-enable registers a search in this step writes
  std::uint8_t masks_read_ = 0;
};

}  // namespace mrampim
