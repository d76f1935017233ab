#include "soc/soc_memory.hpp"

#include <cstring>

namespace mrampim::soc {

SocMemory::SocMemory(sc_core::sc_module_name name, std::uint64_t bytes, double latency_ns)
    : sc_module(name), bytes_(bytes, 0), latency_ns_(latency_ns) {
  socket.register_b_transport(this, &SocMemory::b_transport);
  socket.register_transport_dbg(this, &SocMemory::transport_dbg);
  socket.register_get_direct_mem_ptr(this, &SocMemory::get_direct_mem_ptr);
}

bool SocMemory::access(tlm::tlm_generic_payload& t) {
  const std::uint64_t a = t.get_address(), n = t.get_data_length();
  if (a >= bytes_.size() || n > bytes_.size() - a) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (t.get_byte_enable_ptr() != nullptr || t.get_streaming_width() < n) {
    t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);  // plain bursts only: all this SoC's initiators send
    return false;
  }
  if (t.is_read()) std::memcpy(t.get_data_ptr(), &bytes_[a], n);
  else if (t.is_write()) std::memcpy(&bytes_[a], t.get_data_ptr(), n);
  t.set_response_status(tlm::TLM_OK_RESPONSE);
  return true;
}

void SocMemory::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  if (access(t)) {
    delay += sc_core::sc_time(latency_ns_, sc_core::SC_NS);
    t.set_dmi_allowed(true);
  }
}

unsigned SocMemory::transport_dbg(tlm::tlm_generic_payload& t) {
  if (t.get_streaming_width() == 0) t.set_streaming_width(t.get_data_length());
  return access(t) ? t.get_data_length() : 0u;
}

bool SocMemory::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  dmi.set_dmi_ptr(bytes_.data());
  dmi.set_start_address(0);
  dmi.set_end_address(bytes_.size() - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(sc_core::sc_time(latency_ns_, sc_core::SC_NS));
  dmi.set_write_latency(sc_core::sc_time(latency_ns_, sc_core::SC_NS));
  return true;
}

}  // namespace mrampim::soc
