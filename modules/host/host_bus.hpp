// What every host initiator does on the accelerator's socket: LT
// transactions (registers, the command port, bursts into and out of the
// data window), waiting for commands to complete on the interrupt or by
// polling STATUS, and counting what it did (HostRunSummary).
//
// Owns: the counts of its transactions, commands and refusals.
// Exposes: the interrupt input and `finished` (notified when the host's
// program has run); for derived hosts (a replayed program, the training
// host), the transaction helpers below.
// Costs: none; its transactions are costed by the target it drives.
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>
#include <string>
#include <vector>

#include "controller/command.hpp"
#include "controller/layer_command.hpp"

namespace mrampim {

class AcceleratorCore;

struct HostRunSummary {
  std::uint64_t commands = 0;       // issued
  std::uint64_t refused = 0;        // reported by STATUS.ERROR
  std::uint64_t checks = 0;         // results compared with the host reference
  std::uint64_t mismatches = 0;     // results that differ from the host reference
  std::vector<std::string> problems;  // the first 10 mismatches and refusals, with what they were
  std::uint64_t transactions = 0, bytes_written = 0, bytes_read = 0;
  std::uint64_t dmi_grants = 0;     // direct memory pointers obtained
  double start_ns = 0, end_ns = 0;  // simulated time of the first and last transaction
  bool ok() const { return mismatches == 0 && refused == 0; }
};

class HostBusCore : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> irq{"irq"};
  sc_core::sc_event finished;

  const HostRunSummary& summary() const { return summary_; }
  bool done() const { return done_; }
  // Binds the host's initiator socket to the accelerator's target socket
  // (both BUSWIDTH wide).
  virtual void bind_to(AcceleratorCore& accelerator) = 0;

 protected:
  // `poll`: poll STATUS instead of waiting on the interrupt.
  HostBusCore(sc_core::sc_module_name name, bool poll);
  virtual void transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) = 0;

  // One transaction; throws std::runtime_error on an error response.
  void access(tlm::tlm_command cmd, std::uint64_t address, unsigned char* data, unsigned length);
  std::uint32_t read_register(std::uint64_t offset);
  void write_register(std::uint64_t offset, std::uint32_t value);
  // The accelerator's shape (BANKS, SUBARRAYS, ROWS, ROW_BYTES), the
  // interrupt enabled (unless polling), DONE and ERROR cleared.
  void open_device();
  void issue(const Command& c);
  // Until nothing is queued or running; refused commands are counted.
  void wait_idle();
  void note_problem(const std::string& what);
  void finish();  // the program has run: done, and `finished` notified
  std::uint64_t row_base(std::uint32_t bank, std::uint32_t subarray, std::uint32_t row) const;
  // A tensor of layer_command.hpp's layout (geometry g) from global row
  // `row` of the data window, one burst each way (after open_device()).
  void write_tensor(const TensorGeometry& g, std::uint32_t row, const std::vector<std::uint32_t>& words);
  std::vector<std::uint32_t> read_tensor(const TensorGeometry& g, std::uint32_t row, std::size_t n);

  bool poll_;
  HostRunSummary summary_;
  std::uint32_t banks_ = 0, subarrays_ = 0, rows_ = 0, row_bytes_ = 0;

 private:
  bool done_ = false;
  std::uint64_t issued_since_barrier_ = 0;
};

}  // namespace mrampim
