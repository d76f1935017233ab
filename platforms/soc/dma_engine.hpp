// A DMA-like traffic source: the SoC's second bus initiator. It copies a RAM
// buffer to another in bursts, one every `period_ns`, and between bursts
// reads a device register (the accelerator's STATUS by default), so the
// firmware shares both the bus and the accelerator's socket with it.
//
// Owns: its copy job and counters. Exposes: an LT initiator socket (its own
// quantum keeper), start/stop, and a check that the copy arrived whole.
// Costs: nothing of its own; the bus and the targets charge its transfers.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>

namespace mrampim::soc {

struct DmaJob {
  std::uint64_t src = 0, dst = 0, bytes = 0;  // bus addresses
  std::uint32_t burst = 64;                   // bytes per transfer
  double period_ns = 50;                      // between bursts
  std::uint64_t poll_address = 0;             // a 32-bit register read after each burst (0: none)
};

class DmaEngine : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<DmaEngine, 64> socket{"socket"};

  DmaEngine(sc_core::sc_module_name name, const DmaJob& job);
  // Stops after the burst in flight (the copy then starts over until stopped).
  void stop() { stopped_ = true; }
  std::uint64_t transactions() const { return transactions_; }
  std::uint64_t bytes_copied() const { return bytes_copied_; }
  std::uint64_t errors() const { return errors_; }
  // Whether what has been copied so far arrived whole (debug transport: no time).
  bool copy_matches();

 private:
  void run();
  bool transfer(tlm::tlm_command cmd, std::uint64_t address, unsigned char* data, unsigned len);

  DmaJob job_;
  tlm_utils::tlm_quantumkeeper qk_;
  bool stopped_ = false;
  std::uint64_t transactions_ = 0, bytes_copied_ = 0, errors_ = 0;
};

}  // namespace mrampim::soc
