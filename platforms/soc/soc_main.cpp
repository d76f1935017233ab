// mrampim-soc: the firmware-in-the-loop SoC (docs/soc-platform.md). The C
// driver and a C firmware, compiled natively, run as the software of a CPU
// model whose loads and stores are TLM transactions, beside a DMA engine on
// the same bus; the firmware runs an fp32 MAC batch and a GEMM on the
// accelerator and checks the results. Exit 0 when every check passes, 1
// when one fails, 2 for bad options.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>
#include <string>

#include "soc/soc_platform.hpp"
#include "tech/config_file.hpp"
#include "tech/tech_options.hpp"

namespace po = boost::program_options;
using namespace mrampim;
using namespace mrampim::soc;

namespace {

[[noreturn]] void bad_input(const std::string& what) {
  std::cerr << "mrampim-soc: " << what << " (see --help)\n";
  std::exit(kExitBadInput);
}

// The firmware's summary, read from RAM through debug transport.
bool read_mailbox(SocPlatform& soc, std::uint32_t (&words)[SOC_MAILBOX_WORDS]) {
  tlm::tlm_generic_payload t;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(soc.firmware_config().mailbox);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(words));
  t.set_data_length(sizeof words);
  t.set_streaming_width(sizeof words);
  return soc.cpu().socket->transport_dbg(t) == sizeof words && words[SOC_MAILBOX_MAGIC] == SOC_MAILBOX_MAGIC_VALUE;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  SocConfig c;
  TechOptions tech;
  bool no_dma = false, poll = false;
  std::string accel_base = "0x40000000", ram_base = "0x80000000";
  po::options_description desc(
      "mrampim-soc: the accelerator in a small SoC, driven by firmware in the loop\n\n"
      "The C driver (platforms/driver) and the firmware (platforms/soc/firmware), compiled\n"
      "natively, run as a CPU model's software: every load and store is a TLM transaction (LT,\n"
      "quantum keeper) through an arbitrated bus shared with a DMA engine; the accelerator's\n"
      "interrupt wakes the CPU. The firmware runs an fp32 MAC batch and a GEMM (an fc-forward\n"
      "layer command) and checks them against its own arithmetic, and checks that a bad command\n"
      "is refused. Prints the simulated time and the transactions; exit 0 when all checks pass,\n"
      "1 when one fails, 2 for bad options.\n\nOptions");
  desc.add_options()("help,h", "this help")
      ("quantum-ns", po::value(&c.quantum_ns)->default_value(c.quantum_ns), "the initiators' global quantum, ns")
      ("mac-rows", po::value(&c.mac_rows)->default_value(c.mac_rows), "rows of the MAC batch (1..1024)")
      ("gemm-batch", po::value(&c.gemm_batch)->default_value(c.gemm_batch), "the GEMM's batch")
      ("gemm-in", po::value(&c.gemm_in)->default_value(c.gemm_in), "the GEMM's inputs")
      ("gemm-out", po::value(&c.gemm_out)->default_value(c.gemm_out), "the GEMM's outputs")
      ("accelerator-base", po::value(&accel_base)->default_value(accel_base), "the accelerator's bus address")
      ("ram-base", po::value(&ram_base)->default_value(ram_base), "the RAM's bus address (1 MiB)")
      ("no-dma", po::bool_switch(&no_dma), "without the DMA engine's traffic")
      ("poll", po::bool_switch(&poll), "the driver polls STATUS instead of waiting for the interrupt");
  tech.add_to(desc, "sot-mram-1t1r");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    bad_input(e.what());
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (tech.list_params) {
    print_technology_schema(std::cout);
    return 0;
  }
  auto address = [](const std::string& key, const std::string& text) {
    try {
      std::size_t used = 0;
      const unsigned long long v = std::stoull(text, &used, 0);
      if (used != text.size()) throw std::invalid_argument(text);
      return std::uint64_t(v);
    } catch (const std::exception&) {
      bad_input("--" + key + ": not an address: " + text);
    }
  };
  c.accelerator_base = address("accelerator-base", accel_base);
  c.ram_base = address("ram-base", ram_base);
  c.dma = !no_dma;
  c.use_irq = !poll;
  if (!(c.quantum_ns > 0)) bad_input("--quantum-ns must be positive");
  if (c.mac_rows == 0 || c.mac_rows > 1024) bad_input("--mac-rows must be 1..1024");
  // In 64 bits: a product of two 32-bit sizes must not wrap past the bound.
  const std::uint64_t batch = c.gemm_batch, in = c.gemm_in, out = c.gemm_out;
  if (batch == 0 || in == 0 || out == 0 || batch * in > 4096 || in * out > 4096 || batch * out > 4096) {
    bad_input("--gemm-batch, --gemm-in, --gemm-out must be positive, each tensor at most 4096 words");
  }
  Technology t;
  try {
    t = tech.load();
  } catch (const ConfigError& e) {
    bad_input(e.what());
  }
  std::unique_ptr<SocPlatform> soc;
  try {
    soc = std::make_unique<SocPlatform>("soc", t, c);
  } catch (const std::invalid_argument& e) {
    bad_input(e.what());
  }
  soc->run();

  std::uint32_t mailbox[SOC_MAILBOX_WORDS] = {};
  const bool summary = read_mailbox(*soc, mailbox);
  const bool dma_ok = soc->dma().errors() == 0 && soc->dma().copy_matches();
  const int code = soc->cpu().exit_code();
  const auto& by_initiator = soc->bus().transactions();
  auto count = [&](std::size_t i) { return i < by_initiator.size() ? by_initiator[i] : 0; };
  std::printf("mrampim-soc: CPU + DMA -> bus -> accelerator @ 0x%llx (%s), RAM @ 0x%llx\n",
              static_cast<unsigned long long>(c.accelerator_base), t.name.c_str(),
              static_cast<unsigned long long>(c.ram_base));
  if (summary) {
    std::printf("  MAC batch:  %u rows, %u mismatches against the CPU's fp32\n", mailbox[SOC_MAILBOX_MAC_ROWS],
                mailbox[SOC_MAILBOX_MAC_MISMATCHES]);
    std::printf("  GEMM:       %u x %u -> %u (fc forward), %u of %u outputs mismatched\n", c.gemm_batch, c.gemm_in,
                c.gemm_out, mailbox[SOC_MAILBOX_GEMM_MISMATCHES], mailbox[SOC_MAILBOX_GEMM_OUTPUTS]);
    std::printf("  bad command refused: error %u, tag 0x%x\n", mailbox[SOC_MAILBOX_REFUSAL_CODE],
                mailbox[SOC_MAILBOX_REFUSAL_TAG]);
  } else {
    std::printf("  the firmware left no summary in RAM\n");
  }
  std::printf("  simulated time: %.1f ns (firmware done at %.1f ns), quantum %.0f ns, %s\n",
              sc_core::sc_time_stamp().to_seconds() * 1e9, soc->cpu().finished_ns(), c.quantum_ns,
              c.use_irq ? "interrupt-driven" : "polling");
  std::printf("  transactions: cpu %llu (interrupts taken %llu), dma %llu; waits for the bus %.1f ns\n",
              static_cast<unsigned long long>(count(0)), static_cast<unsigned long long>(soc->cpu().interrupts_taken()),
              static_cast<unsigned long long>(count(1)), soc->bus().contention_ns());
  std::printf("  dma: %llu bytes copied, %s\n", static_cast<unsigned long long>(soc->dma().bytes_copied()),
              dma_ok ? "intact" : "CORRUPTED");
  std::printf("  accelerator: %d commands completed, %.1f pJ in its ledger\n", int(soc->accelerator().completed.read()),
              soc->ledger().energy_pJ());
  const bool pass = summary && code == 0 && dma_ok && soc->cpu().bus_errors() == 0;
  std::printf("result: %s\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
