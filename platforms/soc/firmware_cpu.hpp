// The CPU model of the firmware-in-the-loop SoC: it runs firmware compiled
// natively (C, against the driver's HAL) as its software, and turns every
// load and store the HAL makes into a TLM transaction (LT, temporal
// decoupling with a quantum keeper). The interrupt line wakes it from a wait.
//
// Owns: the firmware's thread and its quantum keeper. Exposes: an initiator
// socket, the interrupt input, the HAL (mrampim_driver.h) to hand to the
// firmware, its counters. Costs: its bus accesses only; the firmware's own
// instructions take no simulated time (a VP with an instruction-set
// simulator would count them).
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <functional>

#include "mrampim_driver.h"

namespace mrampim::soc {

class FirmwareCpu : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<FirmwareCpu, 64> socket{"socket"};
  sc_core::sc_in<bool> irq{"irq"};

  // `firmware`: the program, called once on the CPU's thread with the HAL
  // and its context; its return value is the program's exit code.
  using Firmware = std::function<int(const mrampim_hal* hal, void* ctx)>;
  FirmwareCpu(sc_core::sc_module_name name, Firmware firmware);

  bool finished() const { return finished_; }
  int exit_code() const { return exit_code_; }
  const sc_core::sc_event& finished_event() const { return finished_event_; }
  std::uint64_t transactions() const { return transactions_; }
  std::uint64_t bus_errors() const { return bus_errors_; }
  std::uint64_t interrupts_taken() const { return interrupts_; }
  double finished_ns() const { return finished_ns_; }

  // The HAL's operations (the driver calls them through mrampim_hal).
  std::uint32_t read32(std::uint64_t address);
  void write32(std::uint64_t address, std::uint32_t value);
  void write_block(std::uint64_t address, const void* src, std::size_t len);
  void read_block(std::uint64_t address, void* dst, std::size_t len);
  void wait_irq();

 private:
  void run();
  void transact(tlm::tlm_command cmd, std::uint64_t address, void* data, std::size_t len);

  Firmware firmware_;
  mrampim_hal hal_{};
  tlm_utils::tlm_quantumkeeper qk_;
  bool finished_ = false;
  int exit_code_ = -1;
  double finished_ns_ = 0;
  sc_core::sc_event finished_event_;
  std::uint64_t transactions_ = 0, bus_errors_ = 0, interrupts_ = 0;
};

}  // namespace mrampim::soc
