// The firmware-in-the-loop SoC: the template for plugging the accelerator
// into another virtual platform (docs/soc-platform.md).
//
//   FirmwareCpu --\                       /-- accelerator  @ accelerator_base
//                  +-- SocBus (arbitrated) +
//   DmaEngine  --/                        \-- RAM          @ ram_base
//   accelerator.irq ------------------------> FirmwareCpu.irq
//
// Owns: the modules above and the accelerator's ledger. Exposes: them, for
// the main program to run and report. Costs: the accelerator's, in its
// ledger; the bus and RAM count transfers and time only.
#pragma once

#include <systemc>

#include <cstdint>
#include <memory>

#include "accelerator/accelerator.hpp"
#include "ledger/cost_ledger.hpp"
#include "soc/dma_engine.hpp"
#include "soc/firmware_cpu.hpp"
#include "soc/soc_bus.hpp"
#include "soc/soc_memory.hpp"
#include "soc/firmware/soc_firmware.h"

namespace mrampim::soc {

struct SocConfig {
  std::uint64_t accelerator_base = 0x4000'0000;
  std::uint64_t ram_base = 0x8000'0000;
  std::uint64_t ram_bytes = 1 << 20;
  double ram_latency_ns = 10;
  double bus_cycle_ns = 1;
  double quantum_ns = 1000;  // the CPU's and the DMA engine's
  bool dma = true;
  bool use_irq = true;
  std::uint32_t mac_rows = 256;
  std::uint32_t gemm_batch = 4, gemm_in = 64, gemm_out = 16;
  AcceleratorConfig accelerator{1, 4, 16, 1.0};
};

class SocPlatform : public sc_core::sc_module {
 public:
  SocPlatform(sc_core::sc_module_name name, const Technology& tech, const SocConfig& config);

  // Runs until the firmware returns (the DMA engine is stopped then).
  void run();

  const SocConfig& config() const { return config_; }
  const soc_firmware_config& firmware_config() const { return firmware_config_; }
  CostLedger& ledger() { return ledger_; }
  Accelerator<64>& accelerator() { return *accelerator_; }
  FirmwareCpu& cpu() { return *cpu_; }
  DmaEngine& dma() { return *dma_; }
  SocBus& bus() { return *bus_; }
  SocMemory& ram() { return *ram_; }

 private:
  void start_of_simulation() override;
  void stop_when_firmware_ends();

  SocConfig config_;
  soc_firmware_config firmware_config_{};
  CostLedger ledger_;
  std::unique_ptr<Accelerator<64>> accelerator_;
  std::unique_ptr<SocMemory> ram_;
  std::unique_ptr<SocBus> bus_;
  std::unique_ptr<FirmwareCpu> cpu_;
  std::unique_ptr<DmaEngine> dma_;
  sc_core::sc_signal<bool> irq_{"irq"};
};

}  // namespace mrampim::soc
