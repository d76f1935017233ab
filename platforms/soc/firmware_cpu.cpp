#include "soc/firmware_cpu.hpp"

#include "soc/lt_transport.hpp"

#include <cstdio>

namespace mrampim::soc {

namespace {

// The HAL's C entry points: the context is the CPU.
extern "C" std::uint32_t hal_read32(void* ctx, std::uint64_t a) { return static_cast<FirmwareCpu*>(ctx)->read32(a); }
extern "C" void hal_write32(void* ctx, std::uint64_t a, std::uint32_t v) { static_cast<FirmwareCpu*>(ctx)->write32(a, v); }
extern "C" void hal_write_block(void* ctx, std::uint64_t a, const void* src, std::size_t n) {
  static_cast<FirmwareCpu*>(ctx)->write_block(a, src, n);
}
extern "C" void hal_read_block(void* ctx, std::uint64_t a, void* dst, std::size_t n) {
  static_cast<FirmwareCpu*>(ctx)->read_block(a, dst, n);
}
extern "C" void hal_wait_irq(void* ctx) { static_cast<FirmwareCpu*>(ctx)->wait_irq(); }

}  // namespace

FirmwareCpu::FirmwareCpu(sc_core::sc_module_name name, Firmware firmware)
    : sc_module(name), firmware_(std::move(firmware)) {
  hal_.read32 = hal_read32;
  hal_.write32 = hal_write32;
  hal_.write_block = hal_write_block;
  hal_.read_block = hal_read_block;
  hal_.wait_irq = hal_wait_irq;
  SC_HAS_PROCESS(FirmwareCpu);
  SC_THREAD(run);
}

void FirmwareCpu::run() {
  qk_.reset();
  exit_code_ = firmware_(&hal_, this);
  qk_.sync();
  finished_ = true;
  finished_ns_ = sc_core::sc_time_stamp().to_seconds() * 1e9;
  finished_event_.notify(sc_core::SC_ZERO_TIME);
}

void FirmwareCpu::transact(tlm::tlm_command cmd, std::uint64_t address, void* data, std::size_t len) {
  const tlm::tlm_response_status status = lt_transport(socket, qk_, cmd, address, data, unsigned(len));
  ++transactions_;
  if (status != tlm::TLM_OK_RESPONSE) {
    // A real CPU would take a bus-error exception; the firmware here has no
    // handler, so it is counted and reported, and the load reads zeros.
    ++bus_errors_;
    tlm::tlm_generic_payload named;  // the status's TLM name
    named.set_response_status(status);
    std::fprintf(stderr, "%s: bus error (%s) at 0x%llx, %zu bytes\n", name(), named.get_response_string().c_str(),
                 static_cast<unsigned long long>(address), len);
  }
}

std::uint32_t FirmwareCpu::read32(std::uint64_t address) {
  std::uint32_t v = 0;
  transact(tlm::TLM_READ_COMMAND, address, &v, 4);
  return v;
}

void FirmwareCpu::write32(std::uint64_t address, std::uint32_t value) {
  transact(tlm::TLM_WRITE_COMMAND, address, &value, 4);
}

void FirmwareCpu::write_block(std::uint64_t address, const void* src, std::size_t len) {
  transact(tlm::TLM_WRITE_COMMAND, address, const_cast<void*>(src), len);
}

void FirmwareCpu::read_block(std::uint64_t address, void* dst, std::size_t len) {
  transact(tlm::TLM_READ_COMMAND, address, dst, len);
}

// An interrupt is seen at the kernel's time: the CPU first catches up with
// its local time, then sleeps until the line rises.
void FirmwareCpu::wait_irq() {
  qk_.sync();
  if (!irq.read()) sc_core::wait(irq.posedge_event());
  ++interrupts_;
}

}  // namespace mrampim::soc
