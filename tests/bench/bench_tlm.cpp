// bench_tlm: TLM-2.0 throughput of the accelerator's data window, in
// transactions per second of wall time:
//   LT       b_transport, 16-byte writes, temporal decoupling (1 us quantum)
//   LT+DMI   the same writes as memcpy through the DMI pointer
//   AT       nb_transport with the base protocol's four phases, one request
//            outstanding, responses through the target's payload event queue
// Each host writes rows of its own accelerator, then reads back a sample and
// checks it (exit status 1 if anything differs).
//
//   bench_tlm [--quick] [--transactions N]
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <string>

#include "accelerator/accelerator.hpp"

using namespace mrampim;
using sc_core::SC_NS;
using sc_core::sc_time;
using Clock = std::chrono::steady_clock;

namespace {

std::uint64_t g_transactions = 200000;

// The 16 bytes written in transaction i.
void pattern(std::uint64_t i, unsigned char* out) {
  for (unsigned b = 0; b < 16; ++b) out[b] = static_cast<unsigned char>(i * 31 + b);
}

struct Bench : sc_core::sc_module {
  enum class Mode { Lt, LtDmi, At };
  tlm_utils::simple_initiator_socket<Bench, 64> socket{"socket"};
  Mode mode;
  const AcceleratorCore& acc;
  sc_core::sc_event* start;
  sc_core::sc_event finished, end_req, response;
  double seconds = 0;
  std::uint64_t wrong = 0;
  bool waiting_end_req = false;
  std::size_t responses = 0;

  SC_HAS_PROCESS(Bench);
  Bench(sc_core::sc_module_name n, Mode m, const AcceleratorCore& a, sc_core::sc_event* s)
      : sc_module(n), mode(m), acc(a), start(s) {
    socket.register_nb_transport_bw(this, &Bench::nb_transport_bw);
    SC_THREAD(run);
  }

  std::uint64_t address(std::uint64_t i) const {
    // Rows in turn, 16 bytes each, over the whole data window.
    return regs::kDataBase + (i * 16) % acc.data_window_bytes();
  }

  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload&, tlm::tlm_phase& p, sc_time&) {
    if (p == tlm::END_REQ) {
      waiting_end_req = false;
      end_req.notify(sc_core::SC_ZERO_TIME);
      return tlm::TLM_ACCEPTED;
    }
    if (p == tlm::BEGIN_RESP) {
      waiting_end_req = false;
      ++responses;
      response.notify(sc_core::SC_ZERO_TIME);
      return tlm::TLM_COMPLETED;
    }
    return tlm::TLM_ACCEPTED;
  }

  void run() {
    if (start) sc_core::wait(*start);
    tlm_utils::tlm_quantumkeeper qk;
    qk.reset();
    tlm::tlm_generic_payload t;
    unsigned char data[16];
    t.set_data_ptr(data);
    t.set_data_length(16);
    t.set_streaming_width(16);
    t.set_command(tlm::TLM_WRITE_COMMAND);
    tlm::tlm_dmi dmi;
    if (mode == Mode::LtDmi) {
      t.set_address(regs::kDataBase);
      if (!socket->get_direct_mem_ptr(t, dmi)) {
        std::cerr << "error: DMI refused\n";
        ++wrong;
      }
    }
    const auto t0 = Clock::now();
    for (std::uint64_t i = 0; i < g_transactions; ++i) {
      pattern(i, data);
      t.set_address(address(i));
      t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      switch (mode) {
        case Mode::Lt: {
          sc_time delay = qk.get_local_time();
          socket->b_transport(t, delay);
          qk.set(delay);
          if (qk.need_sync()) qk.sync();
          break;
        }
        case Mode::LtDmi:
          std::memcpy(dmi.get_dmi_ptr() + (address(i) - dmi.get_start_address()), data, 16);
          qk.inc(dmi.get_write_latency());
          if (qk.need_sync()) qk.sync();
          break;
        case Mode::At: {
          tlm::tlm_phase phase = tlm::BEGIN_REQ;
          sc_time delay = sc_core::SC_ZERO_TIME;
          waiting_end_req = true;
          const std::size_t before = responses;
          const tlm::tlm_sync_enum r = socket->nb_transport_fw(t, phase, delay);
          if (r == tlm::TLM_COMPLETED) break;
          while (responses == before) sc_core::wait(response);  // the payload is reused: wait for its response
          break;
        }
      }
      if (mode != Mode::LtDmi && !t.is_response_ok()) ++wrong;
    }
    qk.sync();
    seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    // A sample read back through debug transport.
    for (std::uint64_t i = g_transactions > 64 ? g_transactions - 64 : 0; i < g_transactions; ++i) {
      unsigned char want[16], got[16];
      pattern(i, want);
      tlm::tlm_generic_payload r;
      r.set_command(tlm::TLM_READ_COMMAND);
      r.set_address(address(i));
      r.set_data_ptr(got);
      r.set_data_length(16);
      r.set_streaming_width(16);
      if (socket->transport_dbg(r) != 16 || std::memcmp(want, got, 16) != 0) ++wrong;
    }
    finished.notify(sc_core::SC_ZERO_TIME);
  }
};

}  // namespace

int sc_main(int argc, char* argv[]) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") g_transactions = 2000;
    else if (a == "--transactions" && i + 1 < argc) g_transactions = std::stoull(argv[++i]);
    else if (a == "--help" || a == "-h") {
      std::cout << "usage: bench_tlm [--quick] [--transactions N]\n";
      return 0;
    } else {
      std::cerr << "error: unknown argument '" << a << "'\n";
      return 2;
    }
  }
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(1000, SC_NS));
  const Technology tech = load_technology("sot-mram-1t1r");
  CostLedger l1, l2, l3;
  const AcceleratorConfig cfg{1, 4, 16, 1.0};
  Accelerator<64> a1("acc_lt", tech, cfg, l1), a2("acc_dmi", tech, cfg, l2), a3("acc_at", tech, cfg, l3);
  sc_core::sc_signal<bool> i1, i2, i3;
  a1.irq(i1);
  a2.irq(i2);
  a3.irq(i3);
  // One after the other, so each has the host to itself.
  Bench lt("lt", Bench::Mode::Lt, a1, nullptr);
  Bench dmi("lt_dmi", Bench::Mode::LtDmi, a2, &lt.finished);
  Bench at("at", Bench::Mode::At, a3, &dmi.finished);
  lt.socket.bind(a1.socket);
  dmi.socket.bind(a2.socket);
  at.socket.bind(a3.socket);
  sc_core::sc_start();

  std::cout << "bench_tlm: " << g_transactions << " writes of 16 bytes into the data window per mode\n";
  std::cout << std::left << std::setw(10) << "mode" << std::right << std::setw(16) << "transactions/s" << "\n";
  for (const Bench* b : {&lt, &dmi, &at}) {
    std::cout << std::left << std::setw(10) << b->basename() << std::right << std::setw(16) << std::scientific
              << std::setprecision(3) << double(g_transactions) / b->seconds << '\n';
  }
  const std::uint64_t wrong = lt.wrong + dmi.wrong + at.wrong;
  std::cout << "check: " << (wrong == 0 ? "every response OK, the last 64 writes of each mode read back equal"
                                        : std::to_string(wrong) + " wrong")
            << '\n';
  return wrong == 0 ? 0 : 1;
}
