#include "accelerator/accelerator.hpp"

#include "analog_tile/analog_command.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace mrampim {

using sc_core::SC_NS;
using sc_core::sc_time;

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the data window maps row words to bytes in host order, which must be little-endian");

namespace {

std::deque<Bank> make_banks(const Technology& tech, const AcceleratorConfig& c, CostLedger& ledger,
                            const std::string& prefix) {
  if (c.banks == 0 || c.subarrays == 0 || c.queue_depth == 0 || c.queue_depth > 255 || !(c.bus_cycle_ns > 0)) {
    throw std::invalid_argument("accelerator: banks, subarrays and bus cycle must be positive, queue depth 1..255");
  }
  std::deque<Bank> banks;
  for (std::uint32_t b = 0; b < c.banks; ++b) banks.emplace_back(prefix + ".bank" + std::to_string(b), tech, c.subarrays, ledger);
  return banks;
}

double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }

// sc_time's resolution (1 ps): an end time nearer than this is due now (a
// nearer one could never be waited for).
constexpr double kTimeSlackNs = 1e-3;

}  // namespace

AcceleratorCore::AcceleratorCore(sc_core::sc_module_name name, const Technology& tech, const AcceleratorConfig& config,
                                 unsigned bus_width_bits, CostLedger& ledger)
    : sc_module(name),
      tech_(tech),
      config_(config),
      bus_width_bits_(bus_width_bits),
      ledger_(ledger),
      banks_(make_banks(tech, config, ledger, basename())),
      controller_(banks_, ledger, std::string(basename()) + ".controller", config.mode, config.energy),
      row_words_((tech.array.cols + 63) / 64),
      row_count_total_(config.banks * config.subarrays * tech.array.rows),
      image_(std::size_t(row_count_total_) * row_words_, 0),
      cells_stale_(std::size_t(config.banks) * config.subarrays, false),
      row_changed_(row_count_total_, 0),
      peq_(this, &AcceleratorCore::peq_callback) {
  if (config.analog_tile) {
    const Technology cell = load_technology(config.analog_tile->cell_technology);
    analog_tile_ = std::make_unique<AnalogMlpTile>("analog_tile", *config.analog_tile, cell, ledger);
  }
  const WeightWrites& w = config.weight_writes;
  if (w.enabled()) {
    if (tech.family != LogicFamily::SotStateful) {
      throw std::invalid_argument(tech.name + ": approximate weight writes need MTJ cells ([switching])");
    }
    const bool by_pulse = w.approximate_pulse_ns > 0;
    if (w.approximate_bits > 32 ||
        (w.approximate_bits > 0 && !by_pulse && !(w.approximate_ber > 0 && w.approximate_ber < 1)) ||
        !(w.safe_ber > 0 && w.safe_ber < 1) || !(w.safe_sigmas >= 0) || !(w.approximate_current_uA >= 0) ||
        !(w.approximate_pulse_ns >= 0)) {
      throw std::invalid_argument("approximate weight writes: 1 to 32 approximate bits, error rates in (0, 1), "
                                  "a non-negative margin in sigmas, current and pulse");
    }
    weight_switching_ = std::make_unique<MtjSwitching>(tech.switching);
    const double i = tech.device.i_write_uA;
    const WritePulse safe = ApproximateWrites::safe_pulse(*weight_switching_, i, w.safe_ber, w.safe_sigmas);
    std::vector<WritePulse> pulses(32, safe);
    const double ia = w.approximate_current_uA > 0 ? w.approximate_current_uA : i;
    const WritePulse approximate{ia, by_pulse ? w.approximate_pulse_ns
                                              : (w.approximate_bits > 0 ? weight_switching_->pulse_for(ia, w.approximate_ber)
                                                                        : safe.t_ns)};
    for (std::uint32_t b = 0; b < w.approximate_bits; ++b) pulses[b] = approximate;
    weight_safe_pulse_ = safe;
    weight_approximate_pulse_ = approximate;
    // The SOT write current passes the spin-Hall channel and the access
    // transistor, whatever the stored state.
    const double r = tech.device.r_channel_ohm + tech.cell.r_access_ohm;
    weight_memory_ = std::make_unique<ApproximateWrites>(*weight_switching_, r, r, pulses, w.seed, w.variation);
    controller_.set_weight_memory(weight_memory_.get());
  }
  if (config.compute_write_errors) {
    if (config.mode == ExecMode::Fast) controller_.enable_lane_write_errors(config.compute_write_error_seed, true);
    for (Bank& b : banks_) {
      for (std::uint32_t s = 0; s < b.subarray_count(); ++s) {
        b.subarray(s).enable_write_errors(config.compute_write_error_seed, true);
      }
    }
  }
  SC_HAS_PROCESS(AcceleratorCore);
  SC_THREAD(run_commands);
  SC_METHOD(retire_commands);
  sensitive << retire_event_;
  dont_initialize();
  SC_METHOD(drive_outputs);
  sensitive << outputs_event_;
}

std::uint64_t AcceleratorCore::compute_writes_attempted() const {
  std::uint64_t n = 0;
  for (const Bank& b : banks_) {
    for (std::uint32_t s = 0; s < b.subarray_count(); ++s) n += b.subarray(s).write_errors().attempted();
  }
  return n;
}

std::uint64_t AcceleratorCore::compute_writes_failed() const {
  std::uint64_t n = 0;
  for (const Bank& b : banks_) {
    for (std::uint32_t s = 0; s < b.subarray_count(); ++s) n += b.subarray(s).write_errors().failed();
  }
  return n;
}

std::uint64_t AcceleratorCore::row_address(std::uint32_t bank, std::uint32_t subarray, std::uint32_t row) const {
  const std::uint64_t index =
      (std::uint64_t(bank) * config_.subarrays + subarray) * tech_.array.rows + row;
  return regs::kDataBase + index * row_bytes();
}

std::uint64_t* AcceleratorCore::image_row(std::uint32_t bank, std::uint32_t subarray, std::uint32_t row) {
  const std::size_t index = (std::size_t(bank) * config_.subarrays + subarray) * tech_.array.rows + row;
  return &image_[index * row_words_];
}

AcceleratorCore::Region AcceleratorCore::decode(std::uint64_t address, std::uint64_t length) const {
  if (length == 0) return Region::None;
  const std::uint64_t last = address + length - 1;
  if (last < address) return Region::None;  // wraps around
  if (last < regs::kRegisterBlockSize) return Region::Registers;
  // An access that starts in the command port is the port's, whatever its
  // length: one of another length is a burst error there, not an address error.
  if (address >= regs::kCommandPort && address < regs::kCommandPort + kCommandBytes) return Region::CommandPort;
  if (address >= regs::kDataBase && last < regs::kDataBase + data_window_bytes()) return Region::Data;
  return Region::None;
}

// ---- Registers ----------------------------------------------------------

std::uint32_t AcceleratorCore::read_register(std::uint64_t offset) const {
  switch (offset) {
    case regs::kId: return regs::kIdValue;
    case regs::kVersion: return regs::kVersionValue;
    case regs::kBanks: return config_.banks;
    case regs::kSubarrays: return config_.subarrays;
    case regs::kRows: return tech_.array.rows;
    case regs::kCols: return tech_.array.cols;
    case regs::kRowBytes: return std::uint32_t(row_bytes());
    case regs::kQueueDepth: return config_.queue_depth;
    case regs::kStatus:
      return (was_busy_ ? regs::kStatusBusy : 0u) | (done_ ? regs::kStatusDone : 0u) |
             (error_ ? regs::kStatusError : 0u) | std::uint32_t(queue_.size()) << regs::kStatusQueuedShift;
    case regs::kControl: return control_ & regs::kControlIrqEnable;
    case regs::kErrorInfo: return error_code_;
    case regs::kErrorTag: return error_tag_;
    case regs::kCompleted: return completed_;
    case regs::kLastTag: return last_tag_;
    case regs::kQueueFree: return std::uint32_t(config_.queue_depth - queue_.size());
    case regs::kMode: return config_.mode == ExecMode::Fast ? 1u : 0u;
    case regs::kLaneFirst: return lane_pool_.first;
    case regs::kLaneCount: return lane_pool_.count;
    case regs::kAnalogInputs: return analog_tile_ ? analog_tile_->circuit().params().inputs : 0u;
    case regs::kAnalogHidden: return analog_tile_ ? analog_tile_->circuit().params().hidden : 0u;
    case regs::kAnalogOutputs: return analog_tile_ ? analog_tile_->circuit().params().outputs : 0u;
    case regs::kAnalogClass:
      return now_ns() + kTimeSlackNs >= analog_class_at_ns_ ? analog_class_next_ : analog_class_;
  }
  return 0;
}

void AcceleratorCore::register_access(tlm::tlm_generic_payload& trans, sc_time& delay, bool debug) {
  const std::uint64_t a = trans.get_address();
  if (trans.get_byte_enable_ptr() != nullptr) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (trans.get_data_length() != 4 || trans.get_streaming_width() != 4) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (a % 4 != 0 || a > regs::kLastRegister) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  unsigned char* data = trans.get_data_ptr();
  if (debug && trans.is_write()) {
    // A debugger's write to a register is not performed (a register write
    // has side effects): 0 bytes, not 4 that changed nothing.
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  if (trans.is_read()) {
    const std::uint32_t v = read_register(a);
    std::memcpy(data, &v, 4);
  } else if (trans.is_write()) {
    if (a != regs::kControl && a != regs::kLaneFirst && a != regs::kLaneCount) {
      trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);  // read-only
      return;
    }
    std::uint32_t v = 0;
    std::memcpy(&v, data, 4);
    if (a == regs::kLaneFirst || a == regs::kLaneCount) {
      (a == regs::kLaneFirst ? lane_pool_.first : lane_pool_.count) = v;
    } else if (v & regs::kControlReset) {
      reset();  // the other bits of this write are not taken: everything goes to its reset value
    } else {
      control_ = v & regs::kControlIrqEnable;
      if (v & regs::kControlClearDone) done_ = false;
      if (v & regs::kControlClearError) error_ = false;
      update_outputs();
    }
  } else {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  if (!debug) delay += sc_time(config_.bus_cycle_ns, SC_NS);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// RESET: the commands still in the queue are dropped; a command already
// started has computed its rows (the model computes a command at its start),
// which show their results from now on, and is not counted as completed. The
// registers take their reset values; the arrays keep their contents (MRAM is
// non-volatile), and so do the subarrays' busy times (a started operation
// cannot be called back from the cells).
void AcceleratorCore::reset() {
  queue_.clear();
  while (!running_.empty()) running_.pop();
  held_rows_.clear();
  dmi_refused_held_ = false;  // the whole window is invalidated below
  control_ = 0;
  done_ = error_ = false;
  error_code_ = error_tag_ = completed_ = last_tag_ = 0;
  lane_pool_ = LanePool{};
  analog_class_ = analog_class_next_ = 0;
  analog_class_at_ns_ = 0;
  was_busy_ = false;
  invalidate_dmi(regs::kDataBase, regs::kDataBase + data_window_bytes() - 1);
  reset_event_.notify(sc_core::SC_ZERO_TIME);
  space_event_.notify(sc_core::SC_ZERO_TIME);
  release_held_requests();
  update_outputs();
}

// ---- Command port -------------------------------------------------------

bool AcceleratorCore::command_needs_space(const tlm::tlm_generic_payload& trans) const {
  return trans.is_write() && decode(trans.get_address(), trans.get_data_length()) == Region::CommandPort;
}

void AcceleratorCore::command_write(tlm::tlm_generic_payload& trans, sc_time& delay) {
  if (!trans.is_write()) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);  // the port only takes commands
    return;
  }
  if (trans.get_byte_enable_ptr() != nullptr) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (trans.get_address() != regs::kCommandPort || trans.get_data_length() != kCommandBytes ||
      trans.get_streaming_width() != kCommandBytes) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);  // one whole descriptor per write
    return;
  }
  std::array<std::uint8_t, kCommandBytes> bytes{};
  std::memcpy(bytes.data(), trans.get_data_ptr(), kCommandBytes);
  const unsigned bus_bytes = bus_width_bits_ / 8;
  delay += sc_time(config_.bus_cycle_ns * double((kCommandBytes + bus_bytes - 1) / bus_bytes), SC_NS);
  queue_.push_back(Queued{decode_command(bytes), sc_core::sc_time_stamp() + delay, lane_pool_});
  done_ = false;
  update_outputs();
  queued_event_.notify(sc_core::SC_ZERO_TIME);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// ---- Data window --------------------------------------------------------

unsigned AcceleratorCore::data_access(tlm::tlm_generic_payload& trans, sc_time& delay, bool debug) {
  const unsigned length = trans.get_data_length();
  if (trans.get_streaming_width() < length) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);  // rows are memory, not a FIFO
    return 0;
  }
  if (!trans.is_read() && !trans.is_write()) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return 0;
  }
  const unsigned char* be = trans.get_byte_enable_ptr();
  const unsigned be_length = trans.get_byte_enable_length();
  if (be != nullptr && be_length == 0) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return 0;
  }
  const std::uint64_t offset = trans.get_address() - regs::kDataBase;
  const std::uint64_t rb = row_bytes();
  const std::uint64_t first_row = offset / rb, last_row = (offset + length - 1) / rb;
  // The access's own time: a decoupled initiator's local time.
  const double t_ns = now_ns() + (debug ? 0.0 : delay.to_seconds() * 1e9);
  unsigned char* data = trans.get_data_ptr();
  bool any_held = false;
  // Row by row: a held row is read from (and written into as well) what it
  // held before the running command that writes it.
  for (std::uint64_t g = first_row; g <= last_row; ++g) {
    const std::uint64_t lo = std::max(offset, g * rb), hi = std::min(offset + length, (g + 1) * rb);
    unsigned char* image = reinterpret_cast<unsigned char*>(&image_[g * row_words_]) + (lo - g * rb);
    HeldRow* held = held_row(g, t_ns);
    // DMI is decided at the kernel's time (get_direct_mem_ptr has no other).
    any_held = any_held || held_row(g, now_ns()) != nullptr;
    unsigned char* before = held ? reinterpret_cast<unsigned char*>(held->words.data()) + (lo - g * rb) : nullptr;
    unsigned char* at = data + (lo - offset);
    const std::size_t n = std::size_t(hi - lo);
    if (be == nullptr) {
      if (trans.is_read()) {
        std::memcpy(at, before ? before : image, n);
      } else {
        std::memcpy(image, at, n);
        if (before) std::memcpy(before, at, n);
      }
      continue;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (be != nullptr && be[(lo - offset + i) % be_length] == TLM_BYTE_DISABLED) continue;
      if (trans.is_read()) {
        at[i] = before ? before[i] : image[i];
      } else {
        image[i] = at[i];
        if (before) before[i] = at[i];
      }
    }
  }
  // Each row touched is one step of the array: written rows go into the
  // subarray's cells too.
  if (trans.is_write()) image_changed(first_row, last_row - first_row + 1);
  const std::uint32_t rows = tech_.array.rows;
  double step_ns = 0;
  for (std::uint64_t g = first_row; g <= last_row; ++g) {
    const std::uint32_t sub_global = std::uint32_t(g / rows), row = std::uint32_t(g % rows);
    const std::uint32_t bank = sub_global / config_.subarrays, sub = sub_global % config_.subarrays;
    Subarray& s = banks_[bank].subarray(sub);
    const std::uint64_t lo = std::max(offset, g * rb), hi = std::min(offset + length, (g + 1) * rb);
    if (trans.is_write()) {  // only the row words the access touched
      if (config_.mode == ExecMode::Fast) {
        cells_stale_[sub_global] = true;  // copied into the cells before a row command uses them
      } else {
        const std::size_t w0 = std::size_t((lo - g * rb) / 8), w1 = std::size_t((hi - g * rb - 1) / 8);
        s.poke_rows(row, 1, image_row(bank, sub, row), w0, w1 - w0 + 1);
      }
    }
    if (debug) continue;
    const StepKind kind = trans.is_read() ? StepKind::Read : StepKind::Write;
    std::array<std::uint32_t, kStepKinds> cells{}, phases{};  // one row: one phase (Subarray::charge_host_access)
    cells[std::size_t(kind)] = std::uint32_t((hi - lo) * 8);
    phases[std::size_t(kind)] = 1;
    s.account().charge(Phase::HostAccess, phases, cells, 1);
    step_ns += trans.is_read() ? tech_.step.t_read_ns : tech_.step.t_write_ns;
  }
  if (!debug) {
    const unsigned bus_bytes = bus_width_bits_ / 8;
    const double start = t_ns;
    delay += sc_time(config_.bus_cycle_ns * double((length + bus_bytes - 1) / bus_bytes) + step_ns, SC_NS);
    if (sink_) sink_->activity(start, now_ns() + delay.to_seconds() * 1e9);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  // No DMI hint while a row of the access is held: a pointer cannot show it.
  trans.set_dmi_allowed(!any_held);
  return length;
}

unsigned AcceleratorCore::access(tlm::tlm_generic_payload& trans, sc_time& delay, bool debug) {
  switch (decode(trans.get_address(), trans.get_data_length())) {
    case Region::Registers:
      register_access(trans, delay, debug);
      return trans.is_response_ok() ? 4u : 0u;
    case Region::CommandPort:
      if (debug) {
        trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);  // commands are never debug traffic
        return 0;
      }
      command_write(trans, delay);
      return trans.is_response_ok() ? unsigned(kCommandBytes) : 0u;
    case Region::Data:
      return data_access(trans, delay, debug);
    case Region::None:
      break;
  }
  trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  return 0;
}

// ---- Blocking and debug transport, DMI ----------------------------------

void AcceleratorCore::b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
  // A full queue holds the initiator back until the controller takes a
  // command (an LT initiator may be waited on inside b_transport).
  while (command_needs_space(trans) && queue_.size() >= config_.queue_depth) {
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
    if (queue_.size() >= config_.queue_depth) sc_core::wait(space_event_);
  }
  access(trans, delay, false);
}

unsigned int AcceleratorCore::transport_dbg(tlm::tlm_generic_payload& trans) {
  sc_time ignored = sc_core::SC_ZERO_TIME;
  // Debuggers leave the streaming width at its default, 0: no streaming.
  const unsigned width = trans.get_streaming_width();
  if (width == 0) trans.set_streaming_width(trans.get_data_length());
  const unsigned n = access(trans, ignored, true);
  trans.set_streaming_width(width);
  return n;
}

bool AcceleratorCore::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const std::uint64_t a = trans.get_address();
  if (a >= regs::kDataBase && a < regs::kDataBase + data_window_bytes()) {
    // Over the rows between the held ones around the address (a pointer
    // would show a held row's new contents before its command ends).
    const std::uint64_t row = (a - regs::kDataBase) / row_bytes();
    std::uint64_t first = 0, end = row_count_total_;
    const double t = now_ns();
    for (auto it = held_rows_.begin(); it != held_rows_.end(); ++it) {
      if (!held_row(it->first, t)) continue;
      if (it->first == row) {  // refused for the held row itself, until its command ends
        dmi_refused_held_ = true;
        dmi.allow_none();
        dmi.set_start_address(row_address_global(row));
        dmi.set_end_address(row_address_global(row) + row_bytes() - 1);
        return false;
      }
      if (it->first < row) first = it->first + 1;
      else end = std::min(end, it->first);
    }
    dmi.set_dmi_ptr(reinterpret_cast<unsigned char*>(&image_[first * row_words_]));
    dmi.set_start_address(row_address_global(first));
    dmi.set_end_address(row_address_global(end) - 1);
    dmi.allow_read_write();
    dmi.set_read_latency(sc_time(config_.bus_cycle_ns + tech_.step.t_read_ns, SC_NS));
    dmi.set_write_latency(sc_time(config_.bus_cycle_ns + tech_.step.t_write_ns, SC_NS));
    dmi_granted_ = true;
    return true;
  }
  // Refused: say for which range, so the initiator does not ask again there.
  dmi.allow_none();
  if (a < regs::kDataBase) {
    dmi.set_start_address(0);
    dmi.set_end_address(regs::kDataBase - 1);
  } else {
    dmi.set_start_address(regs::kDataBase + data_window_bytes());
    dmi.set_end_address(~std::uint64_t{0});
  }
  return false;
}

// ---- The controller's issue loop and completions ------------------------

void AcceleratorCore::sync_image_to_array(std::uint32_t bank, std::uint32_t subarray, std::uint32_t first,
                                          std::uint32_t count) {
  banks_[bank].subarray(subarray).poke_rows(first, count, image_row(bank, subarray, first));
}

void AcceleratorCore::sync_array_to_image(std::uint32_t bank, std::uint32_t subarray, std::uint32_t first,
                                          std::uint32_t count) {
  const std::uint64_t g = (std::uint64_t(bank) * config_.subarrays + subarray) * tech_.array.rows + first;
  hold_rows(g, count);
  banks_[bank].subarray(subarray).peek_rows(first, count, image_row(bank, subarray, first));
  image_changed(g, count);
  if (dmi_granted_) {
    const std::uint64_t start = row_address(bank, subarray, first);
    invalidate_dmi(start, start + std::uint64_t(count) * row_bytes() - 1);
  }
}

// ---- Tensors of layer commands ------------------------------------------

void AcceleratorCore::Tensors::read(std::uint32_t row, std::size_t n, std::uint32_t* out) {
  tensor_unpack(g_, a_.row_words_, &a_.image_[std::size_t(row) * a_.row_words_], n, out);
}

void AcceleratorCore::Tensors::write(std::uint32_t row, std::size_t n, const std::uint32_t* in) {
  if (n == 0) return;
  a_.hold_rows(row, g_.rows(n));
  tensor_pack(g_, a_.row_words_, in, n, &a_.image_[std::size_t(row) * a_.row_words_]);
  a_.image_rows_written(row, g_.rows(n));
}

std::uint64_t AcceleratorCore::Tensors::last_change(std::uint32_t row, std::uint64_t rows) const {
  if (a_.dmi_granted_) return kUnknown;
  std::uint64_t last = 0;
  for (std::uint64_t r = row; r < row + rows && r < a_.row_changed_.size(); ++r) last = std::max(last, a_.row_changed_[r]);
  return last;
}

void AcceleratorCore::image_changed(std::uint64_t first_row, std::uint64_t count) {
  ++changes_;
  for (std::uint64_t r = first_row; r < first_row + count && r < row_changed_.size(); ++r) row_changed_[r] = changes_;
}

void AcceleratorCore::image_rows_written(std::uint64_t first, std::uint64_t count) {
  image_changed(first, count);
  const std::uint32_t rows = tech_.array.rows;
  for (std::uint64_t g = first; g < first + count;) {
    const auto sub_global = std::uint32_t(g / rows), row = std::uint32_t(g % rows);
    const auto n = std::uint32_t(std::min<std::uint64_t>(rows - row, first + count - g));
    const std::uint32_t bank = sub_global / config_.subarrays, sub = sub_global % config_.subarrays;
    if (config_.mode == ExecMode::BitAccurate) sync_image_to_array(bank, sub, row, n);
    else cells_stale_[sub_global] = true;
    g += n;
  }
  if (dmi_granted_) {
    const std::uint64_t start = regs::kDataBase + first * row_bytes();
    invalidate_dmi(start, start + count * row_bytes() - 1);
  }
}

// ---- Completion-time visibility -----------------------------------------

void AcceleratorCore::hold_rows(std::uint64_t first, std::uint64_t count) {
  if (executing_ == 0) return;
  const double now = now_ns();
  for (std::uint64_t g = first; g < first + count; ++g) {
    auto [it, fresh] = held_rows_.try_emplace(g);
    HeldRow& h = it->second;
    if (!fresh && h.owner == executing_) continue;  // held already: keep the oldest contents
    // A row still held by an earlier command (which the controller's hazard
    // checks make this one wait for, so only at its very end) keeps what the
    // host has seen; an expired hold is taken over.
    if (fresh || h.until_ns <= now + kTimeSlackNs) {
      h.words.assign(&image_[g * row_words_], &image_[g * row_words_] + row_words_);
      h.until_ns = 0;
    }
    h.owner = executing_;
    executing_holds_.push_back(g);
  }
  // DMI pointers over the rows are invalidated by the caller, which changes them.
}

void AcceleratorCore::release_rows_at(double end_ns, bool refused) {
  const double now = now_ns();
  for (std::uint64_t g : executing_holds_) {
    auto it = held_rows_.find(g);
    if (it == held_rows_.end()) continue;
    HeldRow& h = it->second;
    h.until_ns = std::max(h.until_ns, refused ? now : end_ns);
    if (h.until_ns <= now + kTimeSlackNs) held_rows_.erase(it);
  }
  executing_holds_.clear();
  executing_ = 0;
}

AcceleratorCore::HeldRow* AcceleratorCore::held_row(std::uint64_t row, double t_ns) {
  if (held_rows_.empty()) return nullptr;
  auto it = held_rows_.find(row);
  if (it == held_rows_.end()) return nullptr;
  // The executing command's rows are held whatever the time; the others
  // until their command's end (completions within the time slack are due).
  if (it->second.owner != executing_ && it->second.until_ns <= t_ns + kTimeSlackNs) return nullptr;
  return &it->second;
}

void AcceleratorCore::refresh_cells(const Command& c) {
  auto refresh = [&](std::uint32_t bank, std::uint32_t sub) {
    const std::size_t g = std::size_t(bank) * config_.subarrays + sub;
    if (!cells_stale_[g]) return;
    sync_image_to_array(bank, sub, 0, tech_.array.rows);
    cells_stale_[g] = false;
  };
  refresh(c.bank, c.subarray);
  if (c.opcode == Opcode::Move) refresh(c.dst_bank, c.dst_subarray);
}

bool AcceleratorCore::tensor_fits(std::uint32_t row, std::uint64_t words) const {
  const TensorGeometry g = tensor_geometry(FpFormat::fp32(), tech_.array.cols);
  return g.words_per_row > 0 && std::uint64_t(row) + g.rows(words) <= row_count_total_;
}

CommandOutcome AcceleratorCore::execute_analog(const Command& c, double now_ns) {
  CommandOutcome out;
  out.start_ns = out.end_ns = now_ns;
  auto refuse = [&](CommandError e) {
    out.error = e;
    return out;
  };
  if (c.reserved_bits_set) return refuse(CommandError::ReservedBits);
  if (!analog_tile_) return refuse(CommandError::NoAnalogTile);
  if (!(c.format == FpFormat::fp32()) || c.rounding != Rounding::Ieee) return refuse(CommandError::FormatUnsupported);
  if (c.args[4] != 0 || c.args[5] != 0) return refuse(CommandError::ReservedBits);
  const AnalogTileParams& p = analog_tile_->circuit().params();
  tensors_.set_format(FpFormat::fp32());
  const double start = std::max(now_ns, analog_free_ns_);
  out.start_ns = out.end_ns = start;
  if (c.opcode == Opcode::AnalogProgram) {
    const AnalogProgramArgs a = analog_program_args(c);
    const std::uint64_t n1 = std::uint64_t(p.inputs + 1) * p.hidden, n2 = std::uint64_t(p.hidden + 1) * p.outputs;
    if (!tensor_fits(a.w1_row, n1) || !tensor_fits(a.w2_row, n2)) return refuse(CommandError::TensorOutOfRange);
    BinarizedMlp net;
    net.inputs = p.inputs;
    net.hidden = p.hidden;
    net.outputs = p.outputs;
    net.scale1 = a.scale1;
    net.scale2 = a.scale2;
    std::vector<std::uint32_t> words(std::max(n1, n2));
    auto binary = [&](std::uint32_t row, std::uint64_t n, std::vector<std::int8_t>& w) {
      tensors_.read(row, n, words.data());
      w.resize(n);
      for (std::uint64_t i = 0; i < n; ++i) {
        const float v = word_float(words[i]);
        if (v != 1.0f && v != -1.0f) return false;
        w[i] = v > 0 ? 1 : -1;
      }
      return true;
    };
    if (!binary(a.w1_row, n1, net.w1) || !binary(a.w2_row, n2, net.w2)) return refuse(CommandError::AnalogWeights);
    if (!(net.scale1 > 0 && net.scale2 > 0 && std::isfinite(net.scale1) && std::isfinite(net.scale2))) {
      return refuse(CommandError::AnalogWeights);
    }
    out.end_ns = analog_tile_->program(net, start);
  } else {
    const AnalogInferArgs a = analog_infer_args(c);
    if (a.count == 0) return refuse(CommandError::ShapeInvalid);
    const std::uint64_t per_result = p.outputs + 1;
    if (!tensor_fits(a.images_row, std::uint64_t(a.count) * p.inputs) ||
        !tensor_fits(a.results_row, std::uint64_t(a.count) * per_result)) {
      return refuse(CommandError::TensorOutOfRange);
    }
    if (!analog_tile_->circuit().programmed()) return refuse(CommandError::AnalogNotProgrammed);
    std::vector<std::uint32_t> images(std::size_t(a.count) * p.inputs), results(std::size_t(a.count) * per_result);
    tensors_.read(a.images_row, images.size(), images.data());
    std::vector<std::uint8_t> rows(p.inputs);
    double t = start;
    analog_class_ = analog_class_next_;  // the previous inference has ended: the tile waited for it
    for (std::uint32_t i = 0; i < a.count; ++i) {
      // The row drivers: vdd for an input above 0 (the tile's inputs() thresholds a pixel at 0).
      for (std::uint32_t k = 0; k < p.inputs; ++k) rows[k] = word_float(images[std::size_t(i) * p.inputs + k]) > 0 ? 1 : 0;
      AnalogInference r;
      t = analog_tile_->infer(rows.data(), t, &r);
      results[std::size_t(i) * per_result] = r.predicted;
      for (std::uint32_t k = 0; k < p.outputs; ++k) {
        results[std::size_t(i) * per_result + 1 + k] = float_word(float(r.output_V[k]));
      }
      analog_class_next_ = r.predicted;
    }
    tensors_.write(a.results_row, results.size(), results.data());
    out.end_ns = t;
  }
  analog_free_ns_ = out.end_ns;
  if (c.opcode == Opcode::AnalogInfer) analog_class_at_ns_ = out.end_ns;  // ANALOG_CLASS shows it from then
  return out;
}

void AcceleratorCore::run_commands() {
  for (;;) {
    while (queue_.empty()) sc_core::wait(queued_event_);
    const Queued& head = queue_.front();
    // In order: the head waits for its arrival and for its subarrays.
    // An analog command reads tensors earlier commands may write: it waits
    // for them all, and for the tile; a command after it may read its
    // results: it waits for the tile.
    const double ready = std::max(head.arrival.to_seconds() * 1e9,
                                  head.command.is_analog()
                                      ? std::max(analog_free_ns_, controller_.all_done_ns())
                                      : std::max(analog_free_ns_, controller_.ready_at_ns(head.command, head.pool)));
    if (ready > now_ns() + kTimeSlackNs) {
      // A reset may empty the queue meanwhile: look at the head again.
      sc_core::wait(sc_time(ready - now_ns(), SC_NS), reset_event_);
      continue;
    }
    const Command c = queue_.front().command;
    const LanePool pool = queue_.front().pool;
    queue_.pop_front();
    const bool valid = !c.is_layer() && !c.is_analog() && validate(c, controller_.shape()) == CommandError::None &&
                       c.opcode != Opcode::Nop;
    if (valid) refresh_cells(c);
    if (valid && dmi_granted_) {  // rows the host may have written through DMI
      sync_image_to_array(c.bank, c.subarray, c.first_row, c.row_count);
      if (c.opcode == Opcode::Move) sync_image_to_array(c.dst_bank, c.dst_subarray, c.first_row, c.row_count);
    }
    tensors_.set_format(c.format);
    executing_ = ++commands_started_;
    const CommandOutcome o = c.is_analog() ? execute_analog(c, now_ns()) : controller_.execute(c, now_ns(), pool, tensors_);
    if (o.error != CommandError::None) {
      error_ = true;
      error_code_ = std::uint32_t(o.error);
      error_tag_ = c.tag;
    } else if (c.is_analog()) {
      // Its results went into the data window through the tensors.
    } else if (c.is_layer()) {
      if (config_.mode == ExecMode::BitAccurate) {
        for (std::uint32_t g : controller_.last_layer_subarrays()) {
          sync_array_to_image(g / config_.subarrays, g % config_.subarrays, 0, tech_.array.rows);
        }
      }
    } else if (c.opcode == Opcode::Move) {
      sync_array_to_image(c.dst_bank, c.dst_subarray, c.first_row, c.row_count);
    } else if (c.opcode != Opcode::Nop) {
      sync_array_to_image(c.bank, c.subarray, c.first_row, c.row_count);
    }
    release_rows_at(o.end_ns, o.error != CommandError::None);
    if (o.error == CommandError::None) {
      last_opcode_ = int(c.opcode);
      if (sink_) sink_->activity(o.start_ns, o.end_ns);
      running_.push({o.end_ns, c.tag});
      retire_event_.notify(sc_time(o.end_ns - now_ns(), SC_NS));
    }
    update_outputs();
    // The entry is free now that the command is under way: requests held
    // back for it go on (after the command, so a RESET among them finds it
    // started).
    space_event_.notify(sc_core::SC_ZERO_TIME);
    release_held_requests();
  }
}

// Completions within a picosecond of now are due (kTimeSlackNs); their held
// rows show their results from now on.
void AcceleratorCore::retire_commands() {
  while (!running_.empty() && running_.top().first <= now_ns() + kTimeSlackNs) {
    ++completed_;
    last_tag_ = running_.top().second;
    running_.pop();
  }
  std::uint64_t released_first = ~std::uint64_t{0}, released_last = 0;
  for (auto it = held_rows_.begin(); it != held_rows_.end();) {
    if (held_row(it->first, now_ns())) {
      ++it;
      continue;
    }
    released_first = std::min(released_first, it->first);
    released_last = std::max(released_last, it->first);
    it = held_rows_.erase(it);
  }
  // An initiator refused DMI over a held row may keep that refusal: an
  // invalidation over the released rows tells it to ask again.
  if (dmi_refused_held_ && released_first <= released_last) {
    invalidate_dmi(row_address_global(released_first), row_address_global(released_last + 1) - 1);
    if (held_rows_.empty()) dmi_refused_held_ = false;
  }
  if (!running_.empty()) retire_event_.notify(sc_time(running_.top().first - now_ns(), SC_NS));
  update_outputs();
}

void AcceleratorCore::update_outputs() {
  const bool is_busy = !queue_.empty() || !running_.empty();
  // The last command just finished, or was refused: everything accepted has
  // completed (also when nothing was: firmware waiting for DONE after a
  // refused first command must not hang).
  if (was_busy_ && !is_busy) done_ = true;
  was_busy_ = is_busy;
  outputs_event_.notify(sc_core::SC_ZERO_TIME);
}

// The one process that drives the signals (many processes change the state:
// the initiator's through transport, the issue loop, the completions).
void AcceleratorCore::drive_outputs() {
  busy.write(was_busy_);
  queued.write(int(queue_.size()));
  completed.write(int(completed_));
  controller_state.write(!queue_.empty() ? 2 : !running_.empty() ? 1 : 0);
  command.write(last_opcode_);
  irq.write((control_ & regs::kControlIrqEnable) && (done_ || error_));
}

// ---- AT base protocol ---------------------------------------------------

tlm::tlm_sync_enum AcceleratorCore::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                    sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    if (trans.has_mm()) trans.acquire();
    peq_.notify(trans, phase, delay);
    return tlm::TLM_ACCEPTED;
  }
  if (phase == tlm::END_RESP) {
    peq_.notify(trans, phase, delay);
    return tlm::TLM_COMPLETED;
  }
  SC_REPORT_ERROR(name(), "nb_transport_fw: the base protocol allows only BEGIN_REQ and END_RESP here");
  return tlm::TLM_COMPLETED;
}

void AcceleratorCore::peq_callback(tlm::tlm_generic_payload& trans, const tlm::tlm_phase& phase) {
  if (phase == tlm::BEGIN_REQ) {
    // Back-pressure: END_REQ waits for a free entry; a request behind a held
    // one waits behind it.
    if (!held_requests_.empty() || (command_needs_space(trans) && queue_.size() >= config_.queue_depth)) {
      held_requests_.push_back(&trans);
      return;
    }
    accept_request(trans);
  } else if (phase == tlm::END_RESP) {
    finish_response(trans);
  } else if (phase == tlm::BEGIN_RESP) {
    send_response(trans);
  }
}

void AcceleratorCore::release_held_requests() {
  while (!held_requests_.empty()) {
    tlm::tlm_generic_payload& t = *held_requests_.front();
    if (command_needs_space(t) && queue_.size() >= config_.queue_depth) return;
    held_requests_.pop_front();
    accept_request(t);  // a command write fills the queue again: checked above
  }
}

void AcceleratorCore::accept_request(tlm::tlm_generic_payload& trans) {
  tlm::tlm_phase phase = tlm::END_REQ;
  sc_time zero = sc_core::SC_ZERO_TIME;
  send_bw(trans, phase, zero);
  sc_time latency = sc_core::SC_ZERO_TIME;
  access(trans, latency, false);
  peq_.notify(trans, tlm::BEGIN_RESP, latency);
}

void AcceleratorCore::send_response(tlm::tlm_generic_payload& trans) {
  if (response_in_progress_) {
    responses_.push_back(&trans);  // one response at a time
    return;
  }
  response_in_progress_ = true;
  tlm::tlm_phase phase = tlm::BEGIN_RESP;
  sc_time zero = sc_core::SC_ZERO_TIME;
  const tlm::tlm_sync_enum status = send_bw(trans, phase, zero);
  if (status == tlm::TLM_COMPLETED || (status == tlm::TLM_UPDATED && phase == tlm::END_RESP)) {
    finish_response(trans);
  }
}

void AcceleratorCore::finish_response(tlm::tlm_generic_payload& trans) {
  if (trans.has_mm()) trans.release();
  response_in_progress_ = false;
  if (!responses_.empty()) {
    tlm::tlm_generic_payload* next = responses_.front();
    responses_.pop_front();
    send_response(*next);
  }
}

}  // namespace mrampim
