#include "soc/soc_platform.hpp"

namespace mrampim::soc {

SocPlatform::SocPlatform(sc_core::sc_module_name name, const Technology& tech, const SocConfig& config)
    : sc_module(name), config_(config) {
  accelerator_ = std::make_unique<Accelerator<64>>("accelerator", tech, config.accelerator, ledger_);
  ram_ = std::make_unique<SocMemory>("ram", config.ram_bytes, config.ram_latency_ns);
  // The accelerator's window: its registers, command port and data window.
  const std::uint64_t accelerator_bytes = regs::kDataBase + accelerator_->data_window_bytes();
  bus_ = std::make_unique<SocBus>(
      "bus",
      std::vector<BusRange>{{"accelerator", config.accelerator_base, accelerator_bytes},
                            {"ram", config.ram_base, config.ram_bytes}},
      config.bus_cycle_ns);
  bus_->initiators_side.bind(accelerator_->socket);  // target 0
  bus_->initiators_side.bind(ram_->socket);          // target 1

  firmware_config_.accelerator_base = config.accelerator_base;
  firmware_config_.mailbox = config.ram_base;  // the summary at the start of RAM
  firmware_config_.use_irq = config.use_irq ? 1 : 0;
  firmware_config_.mac_rows = config.mac_rows;
  firmware_config_.gemm_batch = config.gemm_batch;
  firmware_config_.gemm_in = config.gemm_in;
  firmware_config_.gemm_out = config.gemm_out;
  cpu_ = std::make_unique<FirmwareCpu>(
      "cpu", [this](const mrampim_hal* hal, void* ctx) { return soc_firmware_main(hal, ctx, &firmware_config_); });
  cpu_->socket.bind(bus_->targets_side);  // initiator 0
  accelerator_->irq(irq_);
  cpu_->irq(irq_);

  // The DMA engine copies the second quarter of RAM into the third, and
  // polls the accelerator's STATUS between bursts.
  DmaJob job;
  job.src = config.ram_base + config.ram_bytes / 4;
  job.dst = config.ram_base + config.ram_bytes / 2;
  job.bytes = config.dma ? config.ram_bytes / 4 : 0;
  job.poll_address = config.accelerator_base + regs::kStatus;
  dma_ = std::make_unique<DmaEngine>("dma", job);
  dma_->socket.bind(bus_->targets_side);  // initiator 1

  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(config.quantum_ns, sc_core::SC_NS));
  SC_HAS_PROCESS(SocPlatform);
  SC_THREAD(stop_when_firmware_ends);
}

// Something for the DMA engine to copy, before any process runs: a pattern
// in its source (debug transport through the bus: no time, no cost).
void SocPlatform::start_of_simulation() {
  std::vector<unsigned char> pattern(config_.ram_bytes / 4);
  for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<unsigned char>(i * 131 + 7);
  tlm::tlm_generic_payload t;
  t.set_command(tlm::TLM_WRITE_COMMAND);
  t.set_address(config_.ram_base + config_.ram_bytes / 4);
  t.set_data_ptr(pattern.data());
  t.set_data_length(unsigned(pattern.size()));
  t.set_streaming_width(unsigned(pattern.size()));
  cpu_->socket->transport_dbg(t);
}

void SocPlatform::stop_when_firmware_ends() {
  if (!cpu_->finished()) sc_core::wait(cpu_->finished_event());
  dma_->stop();
  sc_core::sc_stop();
}

void SocPlatform::run() { sc_core::sc_start(); }

}  // namespace mrampim::soc
