#include "controller/controller.hpp"

#include <algorithm>
#include <stdexcept>

#include "compute/fp_engine.hpp"

namespace mrampim {

namespace {

PlatformShape shape_of(const std::deque<Bank>& banks) {
  if (banks.empty()) throw std::invalid_argument("a controller needs at least one bank");
  const Technology& t = banks.front().technology();
  for (const Bank& b : banks) {
    if (b.technology().name != t.name || b.subarray_count() != banks.front().subarray_count() ||
        b.technology().array.rows != t.array.rows || b.technology().array.cols != t.array.cols) {
      throw std::invalid_argument("the controller's banks must share one technology and shape");
    }
  }
  return PlatformShape{std::uint32_t(banks.size()), banks.front().subarray_count(), t.array.rows, t.array.cols,
                       t.family};
}

}  // namespace

Controller::Controller(std::deque<Bank>& banks, CostLedger& ledger, const std::string& name)
    : banks_(banks),
      shape_(shape_of(banks)),
      interconnect_(ledger.open_account(name + ".interconnect", StepPrices::from(banks.front().technology()))),
      decoder_(ledger.open_account(name + ".decoder", StepPrices::from(banks.front().technology()))),
      busy_until_(std::size_t(shape_.banks) * shape_.subarrays_per_bank, 0.0) {}

double& Controller::busy(std::uint32_t bank, std::uint32_t subarray) {
  return busy_until_.at(std::size_t(bank) * shape_.subarrays_per_bank + subarray);
}

double Controller::busy_until_ns(std::uint32_t bank, std::uint32_t subarray) const {
  return const_cast<Controller*>(this)->busy(bank, subarray);
}

double Controller::ready_at_ns(const Command& c) const {
  if (validate(c, shape_) != CommandError::None || c.opcode == Opcode::Nop) return 0.0;
  double t = busy_until_ns(c.bank, c.subarray);
  if (c.opcode == Opcode::Move) t = std::max(t, busy_until_ns(c.dst_bank, c.dst_subarray));
  return t;
}

double Controller::all_done_ns() const { return *std::max_element(busy_until_.begin(), busy_until_.end()); }

const FpProgram& Controller::fp_program(FpOp op, const FpFormat& format, Rounding rounding) {
  const auto key = std::make_tuple(op, format.ne, format.nm, rounding);
  auto it = programs_.find(key);
  if (it == programs_.end()) {
    it = programs_.emplace(key, build_fp_program(op, format, rounding, shape_.family, shape_.cols)).first;
  }
  return it->second;
}

CommandOutcome Controller::execute_dot(const Command& c, double now_ns) {
  CommandOutcome out;
  out.start_ns = out.end_ns = now_ns;
  const FpProgram* mul = nullptr;
  const FpProgram* add = nullptr;
  try {
    mul = &fp_program(FpOp::Mul, c.format, c.rounding);
    add = &fp_program(FpOp::Add, c.format, c.rounding);
  } catch (const std::invalid_argument&) {
    out.error = CommandError::FormatUnsupported;
    return out;
  }
  decoder_.charge_command();
  const std::uint32_t w = c.format.width();
  if (mul->layout.result.first != 2 * w || add->layout.result.first != 2 * w || add->layout.a.first != 0 ||
      add->layout.b.first != w) {
    throw std::logic_error("dot product: the add and multiply programs no longer share the column map it relies on");
  }
  Subarray& s = banks_[c.bank].subarray(c.subarray);
  CostAccount& path = banks_[c.bank].transfer_account();
  double& free_at = busy(c.bank, c.subarray);
  out.start_ns = std::max(now_ns, free_at);
  const double before = s.account().latency_ns() + path.latency_ns();
  run_fp_rows(s, mul->program, c.first_row, c.row_count);
  for (std::uint32_t n = c.row_count; n > 1;) {
    const std::uint32_t m = (n + 1) / 2, k = n - m;
    transfer_rows(s, Column(2 * w), s, Column(0), std::uint16_t(w), RowMask::range(shape_.rows, c.first_row, k), path);
    move_rows(s, Column(2 * w), c.first_row + m, Column(w), c.first_row, k, std::uint16_t(w), path);
    run_fp_rows(s, add->program, c.first_row, k);
    n = m;
  }
  out.end_ns = out.start_ns + (s.account().latency_ns() + path.latency_ns() - before);
  free_at = out.end_ns;
  return out;
}

CommandOutcome Controller::execute(const Command& c, double now_ns) {
  CommandOutcome out;
  out.start_ns = out.end_ns = now_ns;
  out.error = validate(c, shape_);
  if (out.error != CommandError::None) return out;
  if (c.opcode == Opcode::Nop) {
    decoder_.charge_command();
    return out;
  }

  if (c.opcode == Opcode::Dot) return execute_dot(c, now_ns);
  if (c.is_fp()) {
    const FpProgram* p = nullptr;
    try {
      p = &fp_program(c.fp_op(), c.format, c.rounding);
    } catch (const std::invalid_argument&) {
      out.error = CommandError::FormatUnsupported;  // the row is too narrow for this format's program
      return out;
    }
    decoder_.charge_command();
    Subarray& s = banks_[c.bank].subarray(c.subarray);
    double& free_at = busy(c.bank, c.subarray);
    out.start_ns = std::max(now_ns, free_at);
    const double before = s.account().latency_ns();
    run_fp_rows(s, p->program, c.first_row, c.row_count);
    out.end_ns = out.start_ns + (s.account().latency_ns() - before);
    free_at = out.end_ns;
    return out;
  }

  // Move: within a bank over its own path, between banks over the
  // controller's; both subarrays are busy for the whole transfer.
  decoder_.charge_command();
  const RowMask rows = RowMask::range(shape_.rows, c.first_row, c.row_count);
  double& src_free = busy(c.bank, c.subarray);
  double& dst_free = busy(c.dst_bank, c.dst_subarray);
  out.start_ns = std::max({now_ns, src_free, dst_free});
  CostAccount& path = c.bank == c.dst_bank ? banks_[c.bank].transfer_account() : interconnect_;
  const double before = path.latency_ns();
  transfer_rows(banks_[c.bank].subarray(c.subarray), Column(c.src_col), banks_[c.dst_bank].subarray(c.dst_subarray),
                Column(c.dst_col), std::uint16_t(c.width), rows, path);
  out.end_ns = out.start_ns + (path.latency_ns() - before);
  src_free = dst_free = out.end_ns;
  return out;
}

}  // namespace mrampim
