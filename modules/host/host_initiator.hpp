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

#include "accelerator/accelerator.hpp"
#include "host/host_bus.hpp"
#include "host/host_program.hpp"

namespace mrampim {

class HostInitiatorCore : public HostBusCore {
 public:
  // `poll`: poll STATUS instead of waiting on the interrupt.
  HostInitiatorCore(sc_core::sc_module_name name, HostProgram program, bool poll = false);

  const HostProgram& program() const { return program_; }

 private:
  void run();  // SC_THREAD
  void write_field(const HostOp& op);
  std::uint64_t read_field(const HostOp& op);

  HostProgram program_;
};

template <unsigned int BUSWIDTH>
class HostInitiator : public HostInitiatorCore {
 public:
  tlm_utils::simple_initiator_socket<HostInitiator, BUSWIDTH> socket{"socket"};
  HostInitiator(sc_core::sc_module_name name, HostProgram program, bool poll = false)
      : HostInitiatorCore(name, std::move(program), poll) {}
  void bind_to(AcceleratorCore& a) override { socket.bind(dynamic_cast<Accelerator<BUSWIDTH>&>(a).socket); }

 protected:
  void transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override {
    socket->b_transport(trans, delay);
  }
};

}  // namespace mrampim
