#include "soc/dma_engine.hpp"

#include "soc/lt_transport.hpp"

#include <algorithm>
#include <vector>

namespace mrampim::soc {

DmaEngine::DmaEngine(sc_core::sc_module_name name, const DmaJob& job) : sc_module(name), job_(job) {
  SC_HAS_PROCESS(DmaEngine);
  SC_THREAD(run);
}

bool DmaEngine::transfer(tlm::tlm_command cmd, std::uint64_t address, unsigned char* data, unsigned len) {
  const bool ok = lt_transport(socket, qk_, cmd, address, data, len) == tlm::TLM_OK_RESPONSE;
  ++transactions_;
  if (!ok) ++errors_;
  return ok;
}

void DmaEngine::run() {
  qk_.reset();
  std::vector<unsigned char> buffer(job_.burst);
  std::uint64_t at = 0;
  while (!stopped_ && job_.bytes > 0) {
    const auto n = unsigned(std::min<std::uint64_t>(job_.burst, job_.bytes - at));
    if (transfer(tlm::TLM_READ_COMMAND, job_.src + at, buffer.data(), n) &&
        transfer(tlm::TLM_WRITE_COMMAND, job_.dst + at, buffer.data(), n)) {
      bytes_copied_ += n;
    }
    if (job_.poll_address != 0) {
      std::uint32_t v = 0;
      transfer(tlm::TLM_READ_COMMAND, job_.poll_address, reinterpret_cast<unsigned char*>(&v), 4);
    }
    at = at + n == job_.bytes ? 0 : at + n;
    qk_.inc(sc_core::sc_time(job_.period_ns, sc_core::SC_NS));
    if (qk_.need_sync()) qk_.sync();
  }
  qk_.sync();
}

bool DmaEngine::copy_matches() {
  const std::uint64_t n = std::min(bytes_copied_, job_.bytes);  // what has arrived so far
  if (n == 0) return true;
  std::vector<unsigned char> a(n), b(n);
  for (auto [address, data] : {std::pair{job_.src, a.data()}, std::pair{job_.dst, b.data()}}) {
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(address);
    t.set_data_ptr(data);
    t.set_data_length(unsigned(n));
    t.set_streaming_width(unsigned(n));
    if (socket->transport_dbg(t) != n) return false;
  }
  return a == b;
}

}  // namespace mrampim::soc
