#include "controller/controller.hpp"

#include <algorithm>
#include <stdexcept>

#include "compute/fp_engine.hpp"
#include "controller/layer_ops.hpp"

namespace mrampim {

namespace {

// The port an SGD update writes its weights through with approximate weight
// writes: each word over its old value through the weight memory, so the
// bits a write fails to switch keep their value. Reads pass through.
class WeightMemoryPort : public TensorPort {
 public:
  WeightMemoryPort(TensorPort& inner, ApproximateWrites& memory, std::uint32_t words_per_row)
      : inner_(inner), memory_(memory), words_per_row_(words_per_row) {}
  void read(std::uint32_t row, std::size_t n, std::uint32_t* out) override { inner_.read(row, n, out); }
  void write(std::uint32_t row, std::size_t n, const std::uint32_t* in) override {
    old_.resize(n);
    stored_.resize(n);
    inner_.read(row, n, old_.data());
    const std::uint64_t first = std::uint64_t(row) * words_per_row_;
    for (std::size_t i = 0; i < n; ++i) stored_[i] = std::uint32_t(memory_.write(first + i, old_[i], in[i]));
    inner_.write(row, n, stored_.data());
  }
  std::uint64_t last_change(std::uint32_t row, std::uint64_t rows) const override {
    return inner_.last_change(row, rows);
  }

 private:
  TensorPort& inner_;
  ApproximateWrites& memory_;
  std::uint32_t words_per_row_;
  std::vector<std::uint32_t> old_, stored_;
};

}  // namespace


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

// The path between banks moving a tensor's rows (broadcast or gather, see
// controller.hpp): row-parallel within each subarray the rows lie in, per
// column of the rows a read step in the source and a write step in each of
// `receivers` destinations.
ActivityCounts staging(const TensorUse& u, const TensorGeometry& g, std::uint32_t rows_per_subarray,
                       std::uint32_t receivers) {
  ActivityCounts total;
  const std::uint64_t cols = std::min<std::uint64_t>(u.words, g.words_per_row) * g.width;
  const std::uint64_t end = u.row + g.rows(u.words);
  for (std::uint64_t r = u.row; r < end;) {
    const std::uint64_t chunk_end = std::min<std::uint64_t>(end, (r / rows_per_subarray + 1) * rows_per_subarray);
    ActivityCounts t;
    t.compute_steps = 2 * cols;
    t.steps[std::size_t(StepKind::Read)] = cols;
    t.steps[std::size_t(StepKind::Write)] = cols;
    t.cells[std::size_t(StepKind::Read)] = (chunk_end - r) * cols;
    t.cells[std::size_t(StepKind::Write)] = (chunk_end - r) * cols * receivers;
    // Per column a read step in the source and a write step in each receiver,
    // each over the chunk's rows.
    t.column_lines[std::size_t(StepKind::Read)] = cols;
    t.column_lines[std::size_t(StepKind::Write)] = cols * receivers;
    t.row_lines = (chunk_end - r) * (1 + receivers);  // raised once at the source and in each receiver
    total += t;
    r = chunk_end;
  }
  return total;
}

}  // namespace

Controller::Controller(std::deque<Bank>& banks, CostLedger& ledger, const std::string& name, ExecMode mode,
                       CostBasis basis)
    : banks_(banks),
      mode_(mode),
      basis_(basis),
      shape_(shape_of(banks)),
      interconnect_(ledger.open_account(name + ".interconnect", StepPrices::from(banks.front().technology()))),
      decoder_(ledger.open_account(name + ".decoder", StepPrices::from(banks.front().technology()))),
      busy_until_(std::size_t(shape_.banks) * shape_.subarrays_per_bank, 0.0),
      busy_time_(busy_until_.size(), 0.0),
      path_calendar_(shape_.banks) {}

std::vector<double> Controller::path_busy_time_ns() const {
  std::vector<double> t;
  for (const ResourceCalendar& c : path_calendar_) t.push_back(c.busy_ns());
  return t;
}

double& Controller::busy(std::uint32_t bank, std::uint32_t subarray) {
  return busy_until_.at(std::size_t(bank) * shape_.subarrays_per_bank + subarray);
}

double Controller::busy_until_ns(std::uint32_t bank, std::uint32_t subarray) const {
  return const_cast<Controller*>(this)->busy(bank, subarray);
}

double Controller::ready_at_ns(const Command& c) const { return ready_at_ns(c, LanePool{}); }

double Controller::ready_at_ns(const Command& c, const LanePool& pool) const {
  if (c.is_analog()) return 0.0;  // not the controller's: the accelerator's tile
  if (c.is_layer()) {
    if (validate_layer(c, shape_, pool) != CommandError::None) return 0.0;
    const auto [first, used] = layer_placement(c, pool);
    double t = hazard_free_ns(row_accesses(c));
    for (std::uint32_t i = 0; i < used; ++i) t = std::max(t, busy_until_[pool.first + (first + i) % pool.count]);
    return t;
  }
  if (validate(c, shape_) != CommandError::None || c.opcode == Opcode::Nop) return 0.0;
  double t = std::max(busy_until_ns(c.bank, c.subarray), hazard_free_ns(row_accesses(c)));
  if (c.opcode == Opcode::Move) t = std::max(t, busy_until_ns(c.dst_bank, c.dst_subarray));
  return t;
}

std::uint64_t Controller::lanes(LaneOp op) const {
  std::uint64_t n = 0;
  for (const auto& [key, e] : engines_) n += e->lanes(op);
  return n;
}

std::vector<Controller::RowAccess> Controller::row_accesses(const Command& c) const {
  const std::uint64_t R = shape_.rows, S = shape_.subarrays_per_bank;
  std::vector<RowAccess> a;
  if (c.is_layer()) {
    const TensorGeometry g = tensor_geometry(c.format, shape_.cols);
    for (const TensorUse& u : layer_tensors(c)) a.push_back({u.row, u.row + g.rows(u.words), u.writes(), 0});
    return a;
  }
  if (c.opcode == Opcode::Nop) return a;
  const std::uint64_t src = (c.bank * S + c.subarray) * R + c.first_row;
  if (c.opcode == Opcode::Move) {
    const std::uint64_t dst = (c.dst_bank * S + c.dst_subarray) * R + c.first_row;
    a.push_back({src, src + c.row_count, false, 0});
    a.push_back({dst, dst + c.row_count, true, 0});
  } else {
    a.push_back({src, src + c.row_count, true, 0});
  }
  return a;
}

double Controller::hazard_free_ns(const std::vector<RowAccess>& mine) const {
  double t = 0;
  for (const RowAccess& r : recent_) {
    for (const RowAccess& m : mine) {
      if ((r.write || m.write) && r.first < m.end && m.first < r.end) t = std::max(t, r.until_ns);
    }
  }
  return t;
}

void Controller::record(std::vector<RowAccess> mine, double end_ns, double now_ns) {
  recent_.erase(std::remove_if(recent_.begin(), recent_.end(), [&](const RowAccess& r) { return r.until_ns <= now_ns; }),
                recent_.end());
  for (RowAccess& m : mine) {
    m.until_ns = end_ns;
    recent_.push_back(m);
  }
}

void Controller::occupy(std::uint32_t global_subarray, double start_ns, double end_ns) {
  busy_until_.at(global_subarray) = end_ns;
  busy_time_.at(global_subarray) += end_ns - start_ns;
}

std::pair<std::uint32_t, std::uint32_t> Controller::layer_placement(const Command& c, const LanePool& pool) const {
  const std::uint64_t batches = (layer_lanes(c) + shape_.rows - 1) / shape_.rows;
  const auto used = std::uint32_t(std::min<std::uint64_t>(pool.count, std::max<std::uint64_t>(batches, 1)));
  std::uint32_t first = 0;
  for (std::uint32_t i = 1; i < pool.count; ++i) {
    if (busy_until_[pool.first + i] < busy_until_[pool.first + first]) first = i;
  }
  return {first, used};
}

LaneEngine& Controller::lane_engine(const FpFormat& f, Rounding r) {
  auto& e = engines_[std::make_tuple(f.ne, f.nm, r)];
  if (!e) {
    e = std::make_unique<LaneEngine>(banks_.front().technology(), f, r, mode_, basis_);
    e->allow_batched(batched_layers_);
    if (lane_write_errors_) e->enable_write_errors(lane_write_error_seed_, lane_write_error_variation_);
  }
  return *e;
}

void Controller::enable_lane_write_errors(std::uint64_t seed, bool variation) {
  if (mode_ != ExecMode::Fast) {
    throw std::logic_error("Controller::enable_lane_write_errors: bit-accurate lanes draw them on their subarrays");
  }
  if (banks_.front().technology().family != LogicFamily::SotStateful) {
    throw std::invalid_argument(banks_.front().technology().name + ": write errors need MTJ cells ([switching])");
  }
  lane_write_errors_ = true;
  lane_write_error_seed_ = seed;
  lane_write_error_variation_ = variation;
  for (auto& [key, e] : engines_) e->enable_write_errors(seed, variation);
}

SampledWriteCounts Controller::lane_write_errors() const {
  SampledWriteCounts sum;
  for (const auto& [key, e] : engines_) {
    if (e->write_errors() == nullptr) continue;
    const SampledWriteCounts& c = e->write_errors()->counts();
    sum.sampled_rows += c.sampled_rows;
    sum.replayed_rows += c.replayed_rows;
    sum.candidates += c.candidates;
    sum.replay_attempted += c.replay_attempted;
    sum.failed += c.failed;
    sum.attempted_estimate += c.attempted_estimate;
    sum.attempted_estimate_variance += c.attempted_estimate_variance;
  }
  return sum;
}

void Controller::allow_batched_layers(bool on) {
  batched_layers_ = on;
  for (auto& [key, e] : engines_) e->allow_batched(on);
}

CommandOutcome Controller::execute_layer(const Command& c, double now_ns, const LanePool& pool, TensorPort& port) {
  CommandOutcome out;
  out.start_ns = out.end_ns = now_ns;
  out.error = validate_layer(c, shape_, pool);
  if (out.error != CommandError::None) return out;
  LaneEngine* e = nullptr;
  try {
    e = &lane_engine(c.format, c.rounding);
  } catch (const std::invalid_argument&) {
    out.error = CommandError::FormatUnsupported;  // a program does not fit the row
    return out;
  }
  decoder_.charge_command();
  const std::uint32_t S = shape_.subarrays_per_bank;
  const auto [first, used] = layer_placement(c, pool);
  std::vector<Subarray*> subarrays;
  std::vector<CostAccount*> paths;
  for (std::uint32_t i = 0; i < pool.count; ++i) {
    const std::uint32_t g = pool.first + i;
    subarrays.push_back(&banks_[g / S].subarray(g % S));
    paths.push_back(&banks_[g / S].transfer_account());
  }
  const std::vector<RowAccess> accesses = row_accesses(c);
  out.start_ns = std::max(now_ns, hazard_free_ns(accesses));
  std::vector<std::uint32_t> banks_used;  // the banks it computes in
  last_layer_subarrays_.clear();
  for (std::uint32_t i = 0; i < used; ++i) {
    const std::uint32_t g = pool.first + (first + i) % pool.count;
    out.start_ns = std::max(out.start_ns, busy_until_[g]);
    last_layer_subarrays_.push_back(g);
    if (std::find(banks_used.begin(), banks_used.end(), g / S) == banks_used.end()) banks_used.push_back(g / S);
  }
  // What each stage charges (the times follow from the ledger below).
  // Broadcast: the tensors it reads, to every bank it computes in.
  const TensorGeometry geometry = tensor_geometry(c.format, shape_.cols);
  const std::vector<TensorUse> tensors = layer_tensors(c);
  const double link0 = interconnect_.latency_ns();
  for (const TensorUse& u : tensors) {
    if (u.reads()) interconnect_.charge(Phase::Transfer, staging(u, geometry, shape_.rows, std::uint32_t(banks_used.size())));
  }
  const double broadcast = interconnect_.latency_ns() - link0;

  // The lanes: each used subarray for its programs and the moves into it,
  // each used bank's path for the moves into its subarrays.
  e->bind(subarrays, paths, first);
  std::vector<double> busy(used), published0(used), energy0(used), path_load(banks_used.size());
  for (std::uint32_t i = 0; i < used; ++i) {
    const std::uint32_t p = (first + i) % pool.count;
    busy[i] = subarrays[p]->account().latency_ns() + e->moves_ns(p);
    published0[i] = e->published(p).latency_ns(e->published_prices());
    energy0[i] = e->published(p).energy_pJ(e->published_prices());
  }
  for (std::size_t b = 0; b < banks_used.size(); ++b) path_load[b] = banks_[banks_used[b]].transfer_account().latency_ns();
  if (c.opcode == Opcode::SgdUpdate && weight_memory_) {
    WeightMemoryPort weights(port, *weight_memory_, geometry.words_per_row);
    run_layer(c, *e, weights, &lane_blocks_);
  } else {
    run_layer(c, *e, port, &lane_blocks_);
  }
  e->flush();
  double lanes = 0, published = 0;
  for (std::uint32_t i = 0; i < used; ++i) {
    const std::uint32_t p = (first + i) % pool.count;
    busy[i] = subarrays[p]->account().latency_ns() + e->moves_ns(p) - busy[i];
    lanes = std::max(lanes, busy[i]);
    published = std::max(published, e->published(p).latency_ns(e->published_prices()) - published0[i]);
    published_energy_pJ_ += e->published(p).energy_pJ(e->published_prices()) - energy0[i];
  }
  for (std::size_t b = 0; b < banks_used.size(); ++b) {
    path_load[b] = banks_[banks_used[b]].transfer_account().latency_ns() - path_load[b];
    lanes = std::max(lanes, path_load[b]);
  }

  // Gather: the tensors it writes, back to the data window.
  const double link1 = interconnect_.latency_ns();
  for (const TensorUse& u : tensors) {
    if (u.writes()) interconnect_.charge(Phase::Transfer, staging(u, geometry, shape_.rows, 1));
  }
  const double gather = interconnect_.latency_ns() - link1;

  // When: the broadcast in the path between banks' first gap; the lanes when
  // every bank's path has a gap for its moves; then the gather.
  interconnect_calendar_.prune(now_ns);
  for (std::uint32_t b : banks_used) path_calendar_[b].prune(now_ns);
  const double broadcast_at = interconnect_calendar_.earliest_fit(out.start_ns, broadcast);
  interconnect_calendar_.book(broadcast_at, broadcast_at + broadcast);
  out.start_ns = broadcast_at;  // the command begins with its broadcast
  double lanes_at = broadcast_at + broadcast;
  for (bool moved = true; moved;) {  // the latest of the paths' first fits, until all agree
    moved = false;
    for (std::size_t b = 0; b < banks_used.size(); ++b) {
      const double at = path_calendar_[banks_used[b]].earliest_fit(lanes_at, path_load[b]);
      if (at > lanes_at) {
        lanes_at = at;
        moved = true;
      }
    }
  }
  for (std::size_t b = 0; b < banks_used.size(); ++b) path_calendar_[banks_used[b]].book(lanes_at, lanes_at + path_load[b]);
  for (std::uint32_t i = 0; i < used; ++i) busy_time_[last_layer_subarrays_[i]] += busy[i];
  const double gather_at = interconnect_calendar_.earliest_fit(lanes_at + lanes, gather);
  interconnect_calendar_.book(gather_at, gather_at + gather);
  out.end_ns = gather_at + gather;
  // The lane rows hold the results until the gather has read them.
  for (std::uint32_t g : last_layer_subarrays_) busy_until_[g] = out.end_ns;
  published_latency_ns_ += published;
  record(accesses, out.end_ns, now_ns);
  return out;
}

CommandOutcome Controller::execute(const Command& c, double now_ns, const LanePool& pool, TensorPort& port) {
  if (c.is_layer()) return execute_layer(c, now_ns, pool, port);
  return execute(c, now_ns);
}

double Controller::all_done_ns() const { return *std::max_element(busy_until_.begin(), busy_until_.end()); }

const FpProgram& Controller::fp_program(FpOp op, const FpFormat& format, Rounding rounding) {
  const auto key = std::make_tuple(op, format.ne, format.nm, rounding);
  auto it = programs_.find(key);
  if (it == programs_.end()) {
    it = programs_.emplace(key, build_fp_program(op, format, rounding, ArrayShape::of(banks_.front().technology()))).first;
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
  const std::vector<RowAccess> accesses = row_accesses(c);
  out.start_ns = std::max({now_ns, free_at, hazard_free_ns(accesses)});
  const double before = s.account().latency_ns() + path.latency_ns();
  const double path_before = path.latency_ns();
  run_fp_rows(s, mul->program, c.first_row, c.row_count);
  for (std::uint32_t n = c.row_count; n > 1;) {
    const std::uint32_t m = (n + 1) / 2, k = n - m;
    transfer_rows(s, Column(2 * w), s, Column(0), std::uint16_t(w), RowMask::range(shape_.rows, c.first_row, k), path);
    move_rows(s, Column(2 * w), c.first_row + m, Column(w), c.first_row, k, std::uint16_t(w), path);
    run_fp_rows(s, add->program, c.first_row, k);
    n = m;
  }
  // Its moves use the bank's path: booked as one block at its start, in the
  // path's first gap long enough (as a layer command's moves are).
  const double path_load = path.latency_ns() - path_before;
  ResourceCalendar& calendar = path_calendar_[c.bank];
  calendar.prune(now_ns);
  out.start_ns = calendar.earliest_fit(out.start_ns, path_load);
  calendar.book(out.start_ns, out.start_ns + path_load);
  out.end_ns = out.start_ns + (s.account().latency_ns() + path.latency_ns() - before);
  occupy(c.bank * shape_.subarrays_per_bank + c.subarray, out.start_ns, out.end_ns);
  record(accesses, out.end_ns, now_ns);
  return out;
}

CommandOutcome Controller::execute(const Command& c, double now_ns) {
  CommandOutcome out;
  out.start_ns = out.end_ns = now_ns;
  if (c.is_layer()) {
    out.error = CommandError::NoLanePool;  // layer commands need the accelerator's pool and tensors
    return out;
  }
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
    const std::vector<RowAccess> accesses = row_accesses(c);
    out.start_ns = std::max({now_ns, busy(c.bank, c.subarray), hazard_free_ns(accesses)});
    const double before = s.account().latency_ns();
    run_fp_rows(s, p->program, c.first_row, c.row_count);
    out.end_ns = out.start_ns + (s.account().latency_ns() - before);
    occupy(c.bank * shape_.subarrays_per_bank + c.subarray, out.start_ns, out.end_ns);
    record(accesses, out.end_ns, now_ns);
    return out;
  }

  // Move: within a bank over its own path, between banks over the
  // controller's; both subarrays are busy for the whole transfer.
  decoder_.charge_command();
  const RowMask rows = RowMask::range(shape_.rows, c.first_row, c.row_count);
  const std::vector<RowAccess> accesses = row_accesses(c);
  out.start_ns = std::max({now_ns, busy(c.bank, c.subarray), busy(c.dst_bank, c.dst_subarray), hazard_free_ns(accesses)});
  CostAccount& path = c.bank == c.dst_bank ? banks_[c.bank].transfer_account() : interconnect_;
  ResourceCalendar& calendar = c.bank == c.dst_bank ? path_calendar_[c.bank] : interconnect_calendar_;
  const double before = path.latency_ns();
  transfer_rows(banks_[c.bank].subarray(c.subarray), Column(c.src_col), banks_[c.dst_bank].subarray(c.dst_subarray),
                Column(c.dst_col), std::uint16_t(c.width), rows, path);
  // The path carries one transfer at a time: the move takes its first gap.
  const double duration = path.latency_ns() - before;
  calendar.prune(now_ns);
  out.start_ns = calendar.earliest_fit(out.start_ns, duration);
  calendar.book(out.start_ns, out.start_ns + duration);
  out.end_ns = out.start_ns + duration;
  occupy(c.bank * shape_.subarrays_per_bank + c.subarray, out.start_ns, out.end_ns);
  if (c.dst_bank != c.bank || c.dst_subarray != c.subarray) {
    occupy(c.dst_bank * shape_.subarrays_per_bank + c.dst_subarray, out.start_ns, out.end_ns);
  }
  record(accesses, out.end_ns, now_ns);
  return out;
}

}  // namespace mrampim
