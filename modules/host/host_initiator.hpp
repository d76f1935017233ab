// The host initiator: replays a HostProgram (a workload or a trace) against
// an accelerator through TLM-2.0 LT transactions, waits on the interrupt
// (or polls STATUS), reads the results back and checks them.
//
// Owns: the program and what the run found (HostRunSummary).
// Exposes: an initiator socket (HostInitiator<BUSWIDTH>), the interrupt
// input, and `finished`, an event notified when the program has run.
// Costs: none; its transactions are costed by the target it drives.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "host/host_program.hpp"

namespace mrampim {

struct HostRunSummary {
  std::uint64_t commands = 0;       // issued
  std::uint64_t refused = 0;        // reported by STATUS.ERROR
  std::uint64_t checks = 0;         // results compared with the host reference
  std::uint64_t mismatches = 0;     // results that differ from the host reference
  std::vector<std::string> problems;  // the first 10 mismatches and refusals, with what they were
  std::uint64_t transactions = 0, bytes_written = 0, bytes_read = 0;
  double start_ns = 0, end_ns = 0;  // simulated time of the first and last transaction
  bool ok() const { return mismatches == 0 && refused == 0; }
};

class HostInitiatorCore : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> irq{"irq"};
  sc_core::sc_event finished;

  // `poll`: poll STATUS instead of waiting on the interrupt.
  HostInitiatorCore(sc_core::sc_module_name name, HostProgram program, bool poll = false);

  const HostProgram& program() const { return program_; }
  const HostRunSummary& summary() const { return summary_; }
  bool done() const { return done_; }

 protected:
  virtual void transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) = 0;

 private:
  void run();  // SC_THREAD
  void access(tlm::tlm_command cmd, std::uint64_t address, unsigned char* data, unsigned length);
  std::uint32_t read_register(std::uint64_t offset);
  void write_register(std::uint64_t offset, std::uint32_t value);
  void write_field(const HostOp& op);
  std::uint64_t read_field(const HostOp& op);
  void wait_idle();
  void note_problem(const std::string& what);

  HostProgram program_;
  bool poll_;
  HostRunSummary summary_;
  bool done_ = false;
  std::uint32_t banks_ = 0, subarrays_ = 0, rows_ = 0, row_bytes_ = 0;
  std::uint64_t issued_since_barrier_ = 0;
};

template <unsigned int BUSWIDTH>
class HostInitiator : public HostInitiatorCore {
 public:
  tlm_utils::simple_initiator_socket<HostInitiator, BUSWIDTH> socket{"socket"};
  HostInitiator(sc_core::sc_module_name name, HostProgram program, bool poll = false)
      : HostInitiatorCore(name, std::move(program), poll) {}

 protected:
  void transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override {
    socket->b_transport(trans, delay);
  }
};

}  // namespace mrampim
