// One loosely-timed access of the SoC's initiators (the CPU model, the DMA
// engine): a plain burst, b_transport at the initiator's local time, the
// quantum keeper moved on by the delay and synchronised when the quantum is
// used up.
#pragma once

#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>

namespace mrampim::soc {

template <class Socket>
tlm::tlm_response_status lt_transport(Socket& socket, tlm_utils::tlm_quantumkeeper& qk, tlm::tlm_command cmd,
                                      std::uint64_t address, void* data, unsigned length) {
  tlm::tlm_generic_payload t;
  t.set_command(cmd);
  t.set_address(address);
  t.set_data_ptr(static_cast<unsigned char*>(data));
  t.set_data_length(length);
  t.set_streaming_width(length);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = qk.get_local_time();
  socket->b_transport(t, delay);
  qk.set(delay);
  if (qk.need_sync()) qk.sync();
  return t.get_response_status();
}

}  // namespace mrampim::soc
