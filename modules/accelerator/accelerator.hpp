// The accelerator top: banks of subarrays, their controller, and one TLM-2.0
// target socket through which a host drives it (memory map in
// register_map.hpp, docs/accelerator.md).
//
// Owns: the banks and the controller, the command queue, the status and
// control registers, the host-visible row image behind the data window, and
// the interrupt line.
// Exposes: the target socket (b_transport with timing annotation, the AT base
// protocol with back-pressure on a full command queue, DMI on the data
// window, transport_dbg everywhere), the interrupt `irq`, and observable
// signals for waveforms (busy, queued commands, completed commands).
// Costs: the arithmetic and transfers are the controller's (ledger accounts
// of the subarrays and paths); rows written or read through the data port are
// charged to the subarray's account as host-access read and write steps.
//
// The row image: the subarrays keep their cells bit-sliced (fast column
// operations), but a host, and a DMI pointer, see rows as bytes. The image is
// that byte view. Port writes go to both; after a command, the rows it changed
// are copied from the subarray into the image (and DMI pointers covering them
// are invalidated); before a command, rows the host may have written through
// DMI are copied into the subarray.
//
// Completion-time visibility: a command computes its rows when it starts,
// but the host sees them change only at its end time, as on a device. Until
// then the rows it writes are *held*: their contents from before the command
// are kept beside the image, reads through the data window and debug reads
// of them return those, DMI is not granted over them (pointers over them are
// invalidated when the command starts), and a host write to them goes to
// both (it stays over the command's results). The controller's own view (its
// hazard checks order every command after the ones whose rows it uses) is the
// image.
//
// Layer commands read and write their tensors through the image (the
// TensorPort below). In bit-accurate mode every tensor write goes into the
// subarrays' cells too, and after the command the lane pool's subarrays are
// copied into the image (the host sees the lanes' last state there). In fast
// mode the image alone holds the tensors: a subarray whose image a layer
// command wrote is copied into its cells before a row command uses it, and
// the lane pool's rows keep what they held.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/peq_with_cb_and_phase.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "accelerator/register_map.hpp"
#include "analog_tile/analog_mlp_tile.hpp"
#include "bank/bank.hpp"
#include "controller/controller.hpp"
#include "ledger/cost_ledger.hpp"
#include "power/power_monitor.hpp"
#include "tech/technology.hpp"

namespace mrampim {

// Approximate weight writes (docs/approximate-writes.md): every SGD update
// writes its weight words through an MRAM weight memory of the technology's
// cells (device/approximate_writes.hpp) at the write current
// device.i_write_uA. The low `approximate_bits` bits of each word take the
// pulse whose error rate on the nominal cell is `approximate_ber`; the
// others the safe pulse (`safe_ber` for a cell `safe_sigmas` sigmas harder).
// Off when approximate_bits is 0, unless all_safe: every bit at the safe
// pulse (the reference approximate writes are measured against).
struct WeightWrites {
  std::uint32_t approximate_bits = 0;
  bool all_safe = false;
  double approximate_ber = 0;
  // The approximate pulse's current (0: device.i_write_uA; lower: a weaker
  // pulse) and duration (0: the one giving approximate_ber at that current).
  double approximate_current_uA = 0;
  double approximate_pulse_ns = 0;
  double safe_ber = 1e-9, safe_sigmas = 3;
  std::uint64_t seed = 1;   // of the write outcomes
  bool variation = true;    // cells carry their drawn spreads
  bool enabled() const { return approximate_bits > 0 || all_safe; }
};

struct AcceleratorConfig {
  std::uint32_t banks = 1;
  std::uint32_t subarrays = 4;     // per bank
  std::uint32_t queue_depth = 16;  // command queue entries
  double bus_cycle_ns = 1.0;       // one bus beat (bus width / 8 bytes)
  // Who computes the layer commands' lanes: the bit-level subarrays, or the
  // host (the same bits and schedule; lane_engine.hpp). Row commands (add,
  // multiply, MAC, dot, move) run on the bit-level subarrays in both.
  ExecMode mode = ExecMode::BitAccurate;
  // Fast mode's charges for searched steps: exact (each row by its
  // trajectory) or declared (an upper bound, faster).
  CostBasis energy = CostBasis::Exact;
  WeightWrites weight_writes = {};
  // Write errors in every computation step (device/cell_write_errors.hpp):
  // each subarray's stateful writes and shifts fail cell by cell with the
  // write pulse's probability. In fast mode the layer commands' lanes,
  // computed on the host, draw the same failures by sampling and replaying
  // the rows that can fail (controller/lane_write_errors.hpp); row commands
  // run on the subarrays in both modes.
  bool compute_write_errors = false;
  std::uint64_t compute_write_error_seed = 1;
  // The analog SOT-MRAM MLP tile beside the banks (analog_tile/), driven by
  // the analog commands; none when empty.
  std::optional<AnalogTileParams> analog_tile = std::nullopt;
};

// The host memory an accelerator of this shape takes: every subarray's cells
// and its rows in the data window's image. What a program checks before it
// builds one (a shape past the machine's memory is bad input, not a crash).
inline double accelerator_bytes(const Technology& tech, std::uint64_t banks, std::uint64_t subarrays) {
  const double row_bytes = double((tech.array.cols + 63) / 64) * 8;
  return double(banks) * double(subarrays) * double(tech.array.rows) * row_bytes * 2;
}

class AcceleratorCore : public sc_core::sc_module, public tlm::tlm_fw_transport_if<> {
 public:
  sc_core::sc_out<bool> irq{"irq"};
  // Observable state, for waveforms and monitors.
  sc_core::sc_signal<bool> busy{"busy"};
  sc_core::sc_signal<int> queued{"queued"};
  sc_core::sc_signal<int> completed{"completed"};
  // The controller: 0 idle, 1 running commands, 2 the queue's head waiting
  // (for its subarrays to be free or for its arrival time).
  sc_core::sc_signal<int> controller_state{"controller_state"};
  // The opcode of the last command the controller took from the queue
  // (command.hpp; 0 before the first): which layer command runs, in a
  // training waveform.
  sc_core::sc_signal<int> command{"command"};

  AcceleratorCore(sc_core::sc_module_name name, const Technology& tech, const AcceleratorConfig& config,
                  unsigned bus_width_bits, CostLedger& ledger);

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override;
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay) override;
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) override;
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) override;

  const Technology& technology() const { return tech_; }
  const AcceleratorConfig& config() const { return config_; }
  unsigned bus_width_bits() const { return bus_width_bits_; }
  std::deque<Bank>& banks() { return banks_; }
  Controller& controller() { return controller_; }
  // The weight memory of approximate weight writes (nullptr when off), and
  // its pulses.
  const ApproximateWrites* weight_memory() const { return weight_memory_.get(); }
  const WritePulse& weight_safe_pulse() const { return weight_safe_pulse_; }
  const WritePulse& weight_approximate_pulse() const { return weight_approximate_pulse_; }
  // Switching writes of computation attempted and failed on the bit-level
  // subarrays (0 and 0 without compute_write_errors): every write in
  // bit-accurate mode, the row commands' in fast mode.
  std::uint64_t compute_writes_attempted() const;
  std::uint64_t compute_writes_failed() const;
  // Fast mode: the layer commands' lanes (all zero otherwise); their
  // attempted writes are an estimate (device/sampled_write_errors.hpp).
  SampledWriteCounts lane_write_errors() const { return controller_.lane_write_errors(); }
  std::uint64_t row_bytes() const { return row_words_ * 8; }
  std::uint64_t data_window_bytes() const { return std::uint64_t(row_count_total_) * row_bytes(); }
  // The analog tile, or nullptr when the platform has none.
  const AnalogMlpTile* analog_tile() const { return analog_tile_.get(); }
  // Where to report the intervals of what the ledger counts (a power
  // monitor); none by default.
  void set_activity_sink(ActivitySink* sink) { sink_ = sink; }
  // Address of a row's first byte in the data window.
  std::uint64_t row_address(std::uint32_t bank, std::uint32_t subarray, std::uint32_t row) const;

 protected:
  // Calls back through the socket, which only the derived class knows.
  virtual void invalidate_dmi(std::uint64_t start, std::uint64_t end) = 0;
  virtual tlm::tlm_sync_enum send_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay) = 0;

 private:
  struct Queued {
    Command command;
    sc_core::sc_time arrival;  // the initiator's local time when it wrote the command
    LanePool pool;             // in force when it was written
  };
  // The data window's words as the controller's layer commands see them.
  class Tensors : public TensorPort {
   public:
    explicit Tensors(AcceleratorCore& a) : a_(a) {}
    void set_format(const FpFormat& f) { g_ = tensor_geometry(f, a_.tech_.array.cols); }
    void read(std::uint32_t row, std::size_t n, std::uint32_t* out) override;
    void write(std::uint32_t row, std::size_t n, const std::uint32_t* in) override;
    std::uint64_t last_change(std::uint32_t row, std::uint64_t rows) const override;

   private:
    AcceleratorCore& a_;
    TensorGeometry g_;
  };
  friend class Tensors;
  enum class Region { Registers, CommandPort, Data, None };

  Region decode(std::uint64_t address, std::uint64_t length) const;
  // The transaction's effect and its response status; `debug` skips costs,
  // time and side effects on registers. Returns the bytes moved.
  unsigned access(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay, bool debug);
  void register_access(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay, bool debug);
  unsigned data_access(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay, bool debug);
  void command_write(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  std::uint32_t read_register(std::uint64_t offset) const;
  bool command_needs_space(const tlm::tlm_generic_payload& trans) const;

  void run_commands();     // SC_THREAD: the controller's issue loop
  void retire_commands();  // SC_METHOD: completions at their end times
  void update_outputs();  // after any change of state
  void drive_outputs();   // SC_METHOD: the signals' only driver
  void sync_image_to_array(std::uint32_t bank, std::uint32_t subarray, std::uint32_t first, std::uint32_t count);
  void sync_array_to_image(std::uint32_t bank, std::uint32_t subarray, std::uint32_t first, std::uint32_t count);
  std::uint64_t* image_row(std::uint32_t bank, std::uint32_t subarray, std::uint32_t row);
  std::uint64_t row_address_global(std::uint64_t global_row) const { return regs::kDataBase + global_row * row_bytes(); }
  // Global rows [first, first + count) changed in the image: into the cells
  // (bit-accurate) or marked for a later copy (fast); DMI pointers dropped.
  void image_rows_written(std::uint64_t first, std::uint64_t count);
  // Fast mode: the cells of subarrays a row command uses, brought up to the image.
  void refresh_cells(const Command& c);
  // An analog command (analog_tile/analog_command.hpp), checked in full
  // before it changes anything.
  CommandOutcome execute_analog(const Command& c, double now_ns);
  bool tensor_fits(std::uint32_t row, std::uint64_t words) const;

  // AT base protocol.
  void peq_callback(tlm::tlm_generic_payload& trans, const tlm::tlm_phase& phase);
  void accept_request(tlm::tlm_generic_payload& trans);
  void send_response(tlm::tlm_generic_payload& trans);
  void finish_response(tlm::tlm_generic_payload& trans);

  Technology tech_;
  AcceleratorConfig config_;
  unsigned bus_width_bits_;
  CostLedger& ledger_;
  std::deque<Bank> banks_;
  Controller controller_;
  std::unique_ptr<AnalogMlpTile> analog_tile_;
  double analog_free_ns_ = 0;       // when the tile's last command ends
  // ANALOG_CLASS: the class of the last inference completed; a running one's
  // (next) shows from its end time.
  std::uint32_t analog_class_ = 0, analog_class_next_ = 0;
  double analog_class_at_ns_ = 0;
  std::unique_ptr<MtjSwitching> weight_switching_;
  std::unique_ptr<ApproximateWrites> weight_memory_;
  WritePulse weight_safe_pulse_, weight_approximate_pulse_;
  std::size_t row_words_;
  std::uint32_t row_count_total_;
  std::vector<std::uint64_t> image_;

  std::deque<Queued> queue_;
  sc_core::sc_event queued_event_, space_event_, retire_event_, outputs_event_;
  std::priority_queue<std::pair<double, std::uint32_t>, std::vector<std::pair<double, std::uint32_t>>,
                      std::greater<>> running_;  // (end time ns, tag)
  std::uint32_t control_ = 0;
  bool done_ = false, error_ = false, was_busy_ = false;
  std::uint32_t error_code_ = 0, error_tag_ = 0, completed_ = 0, last_tag_ = 0;
  int last_opcode_ = 0;
  LanePool lane_pool_;
  Tensors tensors_{*this};
  std::vector<bool> cells_stale_;  // per global subarray (fast mode)
  // When each global row of the image last changed (a count of changes):
  // TensorPort::last_change. DMI writes are not seen: with a DMI pointer
  // out, the answer is "unknown".
  std::vector<std::uint64_t> row_changed_;
  std::uint64_t changes_ = 0;
  void image_changed(std::uint64_t first_row, std::uint64_t count);
  bool dmi_granted_ = false;
  // Held rows (completion-time visibility, above): global row -> what it held
  // before the running command that writes it, until that command's end.
  struct HeldRow {
    std::vector<std::uint64_t> words;
    double until_ns = 0;
    std::uint64_t owner = 0;  // the command (sequence number) that holds it
  };
  std::map<std::uint64_t, HeldRow> held_rows_;
  bool dmi_refused_held_ = false;  // DMI was refused over a held row: invalidate it when released
  std::uint64_t executing_ = 0;  // sequence number of the command executing now (0: none)
  std::uint64_t commands_started_ = 0;
  std::vector<std::uint64_t> executing_holds_;
  // Before the executing command overwrites global rows [first, first + count) of the image.
  void hold_rows(std::uint64_t first, std::uint64_t count);
  // The executing command ended (or was refused): its rows are held until end_ns.
  void release_rows_at(double end_ns, bool refused);
  // The held row as a reader at time t_ns sees it, or nullptr (the image's).
  HeldRow* held_row(std::uint64_t row, double t_ns);
  // Commands not started are dropped, registers back to their reset values.
  void reset();
  sc_core::sc_event reset_event_;
  ActivitySink* sink_ = nullptr;

  tlm_utils::peq_with_cb_and_phase<AcceleratorCore> peq_;
  // AT requests held back, in their order: a command write waiting for
  // queue space and every request that arrived after it (a bus may forward
  // several; none is lost or overtaken).
  std::deque<tlm::tlm_generic_payload*> held_requests_;
  void release_held_requests();  // those that can go now, in order
  std::deque<tlm::tlm_generic_payload*> responses_;      // waiting for the response channel
  bool response_in_progress_ = false;
};

// The accelerator with a target socket of BUSWIDTH bits (32 or 64).
template <unsigned int BUSWIDTH>
class Accelerator : public AcceleratorCore {
  static_assert(BUSWIDTH == 32 || BUSWIDTH == 64, "the accelerator's bus is 32 or 64 bits wide");

 public:
  tlm::tlm_target_socket<BUSWIDTH> socket{"socket"};

  Accelerator(sc_core::sc_module_name name, const Technology& tech, const AcceleratorConfig& config,
              CostLedger& ledger)
      : AcceleratorCore(name, tech, config, BUSWIDTH, ledger) {
    socket.bind(*this);
  }

 protected:
  void invalidate_dmi(std::uint64_t start, std::uint64_t end) override { socket->invalidate_direct_mem_ptr(start, end); }
  tlm::tlm_sync_enum send_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                             sc_core::sc_time& delay) override {
    return socket->nb_transport_bw(trans, phase, delay);
  }
};

}  // namespace mrampim
