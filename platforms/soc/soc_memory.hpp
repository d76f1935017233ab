// The SoC's RAM: a plain memory target (the firmware's buffers and the DMA
// engine's traffic live here).
//
// Owns: its bytes. Exposes: a target socket with blocking, debug and DMI
// transport. Costs: `latency_ns` per access.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <vector>

namespace mrampim::soc {

class SocMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<SocMemory, 64> socket{"socket"};

  SocMemory(sc_core::sc_module_name name, std::uint64_t bytes, double latency_ns);
  std::uint64_t size() const { return bytes_.size(); }

 private:
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& t);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi);
  // The access's effect; false (with the response set) if it is not one memory can do.
  bool access(tlm::tlm_generic_payload& t);

  std::vector<unsigned char> bytes_;
  double latency_ns_;
};

}  // namespace mrampim::soc
