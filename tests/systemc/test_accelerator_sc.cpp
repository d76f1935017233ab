// The accelerator through real TLM-2.0 transactions: one design elaborated
// before the Catch session (the kernel cannot be reset); each case hands a
// job to the host thread, which runs it in simulated time, and the case
// checks what came back. ctest runs every case in a fresh process.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <functional>
#include <random>
#include <sstream>

#include "accelerator/accelerator.hpp"
#include "analog_tile/analog_command.hpp"
#include "controller/layer_command.hpp"
#include "training/dataset.hpp"
#include "support/fp_reference.hpp"
#include "support/protocol_monitor.hpp"

using namespace mrampim;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

// Runs one job at a time in its own thread, in simulated time, and pauses the
// kernel when it is done: how a case drives a host.
struct JobThread : sc_core::sc_module {
  std::function<void()> job;
  sc_core::sc_event start;

  SC_HAS_PROCESS(JobThread);
  explicit JobThread(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(loop); }
  void loop() {
    for (;;) {
      sc_core::wait(start);
      job();
      job = nullptr;
      sc_core::sc_pause();
    }
  }
  void run(std::function<void()> j) {
    job = std::move(j);
    start.notify(sc_core::SC_ZERO_TIME);
    sc_core::sc_start();
  }
};

// A host with an LT initiator socket.
struct Host : JobThread {
  tlm_utils::simple_initiator_socket<Host, 64> socket{"socket"};
  sc_core::sc_in<bool> irq{"irq"};
  std::vector<std::pair<std::uint64_t, std::uint64_t>> invalidated;

  explicit Host(sc_core::sc_module_name n) : JobThread(n) {
    socket.register_invalidate_direct_mem_ptr(this, &Host::invalidate);
  }
  void invalidate(sc_dt::uint64 s, sc_dt::uint64 e) { invalidated.emplace_back(s, e); }

  // One transaction; returns its response status, and waits out its delay.
  tlm::tlm_response_status transact(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, unsigned len,
                                    unsigned char* be = nullptr, unsigned be_len = 0, unsigned streaming = 0) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(data);
    t.set_data_length(len);
    t.set_streaming_width(streaming ? streaming : len);
    t.set_byte_enable_ptr(be);
    t.set_byte_enable_length(be_len);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(t, delay);
    sc_core::wait(delay);
    return t.get_response_status();
  }
  std::uint32_t read32(std::uint64_t addr) {
    std::uint32_t v = 0;
    REQUIRE(transact(tlm::TLM_READ_COMMAND, addr, reinterpret_cast<unsigned char*>(&v), 4) == tlm::TLM_OK_RESPONSE);
    return v;
  }
  void write32(std::uint64_t addr, std::uint32_t v) {
    REQUIRE(transact(tlm::TLM_WRITE_COMMAND, addr, reinterpret_cast<unsigned char*>(&v), 4) == tlm::TLM_OK_RESPONSE);
  }
  void push(const Command& c) {
    auto bytes = encode_command(c);
    REQUIRE(transact(tlm::TLM_WRITE_COMMAND, regs::kCommandPort, bytes.data(), kCommandBytes) ==
            tlm::TLM_OK_RESPONSE);
  }
};

// Payloads with a memory manager, as the AT base protocol wants them.
struct PayloadPool : tlm::tlm_mm_interface {
  std::vector<std::unique_ptr<tlm::tlm_generic_payload>> all;
  std::vector<tlm::tlm_generic_payload*> spare;
  tlm::tlm_generic_payload* get() {
    if (spare.empty()) {
      all.push_back(std::make_unique<tlm::tlm_generic_payload>(this));
      spare.push_back(all.back().get());
    }
    tlm::tlm_generic_payload* p = spare.back();
    spare.pop_back();
    p->acquire();
    return p;
  }
  void free(tlm::tlm_generic_payload* p) override {
    p->reset();
    spare.push_back(p);
  }
};

// A host with an AT initiator: one request outstanding at a time (it waits
// for END_REQ before the next BEGIN_REQ), responses taken as they come.
struct AtHost : JobThread {
  tlm_utils::simple_initiator_socket<AtHost, 32> socket{"socket"};
  sc_core::sc_in<bool> irq{"irq"};
  sc_core::sc_event end_req, response;
  PayloadPool pool;
  std::deque<std::vector<unsigned char>> buffers;
  const tlm::tlm_generic_payload* waiting_end_req = nullptr;
  std::size_t responses = 0, bad_responses = 0;

  explicit AtHost(sc_core::sc_module_name n) : JobThread(n) {
    socket.register_nb_transport_bw(this, &AtHost::nb_transport_bw);
  }
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& t, tlm::tlm_phase& p, sc_time&) {
    if (p == tlm::END_REQ) {
      waiting_end_req = nullptr;
      end_req.notify(sc_core::SC_ZERO_TIME);
      return tlm::TLM_ACCEPTED;
    }
    if (p == tlm::BEGIN_RESP) {
      if (waiting_end_req == &t) {  // BEGIN_RESP also ends the request
        waiting_end_req = nullptr;
        end_req.notify(sc_core::SC_ZERO_TIME);
      }
      ++responses;
      if (!t.is_response_ok()) ++bad_responses;
      response.notify(sc_core::SC_ZERO_TIME);
      t.release();
      return tlm::TLM_COMPLETED;
    }
    return tlm::TLM_ACCEPTED;
  }
  // Sends one request; returns when the target has taken it (END_REQ).
  unsigned char* send(tlm::tlm_command cmd, std::uint64_t addr, const void* data, unsigned len) {
    buffers.emplace_back(static_cast<const unsigned char*>(data), static_cast<const unsigned char*>(data) + len);
    tlm::tlm_generic_payload* t = pool.get();
    t->set_command(cmd);
    t->set_address(addr);
    t->set_data_ptr(buffers.back().data());
    t->set_data_length(len);
    t->set_streaming_width(len);
    t->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay = sc_core::SC_ZERO_TIME;
    waiting_end_req = t;
    const tlm::tlm_sync_enum r = socket->nb_transport_fw(*t, phase, delay);
    if (r == tlm::TLM_UPDATED && phase == tlm::END_REQ) waiting_end_req = nullptr;
    if (r == tlm::TLM_COMPLETED) {
      waiting_end_req = nullptr;
      ++responses;
      t->release();
    }
    while (waiting_end_req == t) sc_core::wait(end_req);
    return buffers.back().data();
  }
  void wait_responses(std::size_t n) {
    while (responses < n) sc_core::wait(response);
  }
};

// A bus that forwards every request at once, as some buses do when several
// initiators share them (it breaks the request-exclusion rule at this hop,
// so no protocol monitor sits here): the target must keep every request it
// holds back, in order, and answer each.
struct ForwardingBus : JobThread {
  tlm_utils::simple_initiator_socket<ForwardingBus, 64> socket{"socket"};
  sc_core::sc_in<bool> irq{"irq"};
  sc_core::sc_event answered;
  PayloadPool pool;
  std::deque<std::vector<unsigned char>> buffers;
  std::vector<const tlm::tlm_generic_payload*> sent, end_reqs, responses;
  std::size_t bad = 0;

  explicit ForwardingBus(sc_core::sc_module_name n) : JobThread(n) {
    socket.register_nb_transport_bw(this, &ForwardingBus::nb_transport_bw);
  }
  void ended(const tlm::tlm_generic_payload& t) {
    if (std::find(end_reqs.begin(), end_reqs.end(), &t) == end_reqs.end()) end_reqs.push_back(&t);
  }
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& t, tlm::tlm_phase& p, sc_time&) {
    if (p == tlm::END_REQ) ended(t);
    if (p == tlm::BEGIN_RESP) {
      ended(t);  // BEGIN_RESP also ends the request
      responses.push_back(&t);
      if (!t.is_response_ok()) ++bad;
      answered.notify(sc_core::SC_ZERO_TIME);
      return tlm::TLM_COMPLETED;
    }
    return tlm::TLM_ACCEPTED;
  }
  // BEGIN_REQ now, whatever is outstanding.
  void forward(tlm::tlm_command cmd, std::uint64_t addr, const void* data, unsigned len) {
    buffers.emplace_back(static_cast<const unsigned char*>(data), static_cast<const unsigned char*>(data) + len);
    tlm::tlm_generic_payload* t = pool.get();  // kept until the test ends: pointers identify requests
    t->set_command(cmd);
    t->set_address(addr);
    t->set_data_ptr(buffers.back().data());
    t->set_data_length(len);
    t->set_streaming_width(len);
    t->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sent.push_back(t);
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay = sc_core::SC_ZERO_TIME;
    const tlm::tlm_sync_enum r = socket->nb_transport_fw(*t, phase, delay);
    if (r == tlm::TLM_UPDATED && phase == tlm::END_REQ) ended(*t);
    if (r == tlm::TLM_COMPLETED) {
      ended(*t);
      responses.push_back(t);
    }
  }
};

// A target that breaks the base protocol on purpose: the monitor must say so.
struct RudeTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<RudeTarget, 64> socket{"socket"};
  explicit RudeTarget(sc_core::sc_module_name n) : sc_module(n) {
    socket.register_b_transport(this, &RudeTarget::b_transport);
    socket.register_nb_transport_fw(this, &RudeTarget::nb_transport_fw);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
    delay = sc_core::SC_ZERO_TIME;      // time going backwards
    t.set_address(t.get_address() + 4); // an attribute changed
  }                                     // and no response status
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload&, tlm::tlm_phase& p, sc_time&) {
    p = tlm::BEGIN_RESP;  // a response with no status
    return tlm::TLM_UPDATED;
  }
};

// Host -> protocol monitor -> accelerator (64-bit bus).
struct Design {
  // Decoders and command decoding priced (0 in the embedded file) so that
  // every power component takes part.
  Technology tech = load_technology("sot-mram-1t1r", {"step.e_periphery_pJ=2.5", "controller.e_command_pJ=40"});
  CostLedger ledger;
  AcceleratorConfig config{2, 2, 4, 1.0};
  Accelerator<64> acc{"acc", tech, config, ledger};
  test::ProtocolMonitor<64> monitor{"monitor"};
  Host host{"host"};
  sc_core::sc_signal<bool> irq{"irq"};
  PowerMonitor power{"power", ledger, 100.0};
  // The same on a 32-bit bus, driven with the AT protocol (its own ledger).
  CostLedger ledger32;
  Accelerator<32> acc32{"acc32", tech, AcceleratorConfig{1, 2, 4, 1.0}, ledger32};
  test::ProtocolMonitor<32> monitor32{"monitor32"};
  AtHost at_host{"at_host"};
  sc_core::sc_signal<bool> irq32{"irq32"};
  // One command queue entry, behind a bus that forwards every request.
  CostLedger ledger_held;
  Accelerator<64> acc_held{"acc_held", tech, AcceleratorConfig{1, 2, 1, 1.0}, ledger_held};
  ForwardingBus bus{"bus"};
  sc_core::sc_signal<bool> irq_held{"irq_held"};
  // A fresh accelerator for the protocol corners that depend on its history.
  CostLedger ledger_fresh;
  Accelerator<64> acc_fresh{"acc_fresh", tech, AcceleratorConfig{1, 2, 4, 1.0}, ledger_fresh};
  test::ProtocolMonitor<64> monitor_fresh{"monitor_fresh"};
  Host fresh_host{"fresh_host"};
  sc_core::sc_signal<bool> irq_fresh{"irq_fresh"};
  // A platform with the analog tile (its own ledger and power monitor).
  CostLedger ledger_analog;
  static AcceleratorConfig with_analog_tile() {
    AcceleratorConfig c{1, 4, 4, 1.0};
    c.analog_tile = load_analog_tile("zand-mlp");
    return c;
  }
  Accelerator<64> acc_analog{"acc_analog", tech, with_analog_tile(), ledger_analog};
  test::ProtocolMonitor<64> monitor_analog{"monitor_analog"};
  Host analog_host{"analog_host"};
  sc_core::sc_signal<bool> irq_analog{"irq_analog"};
  PowerMonitor power_analog{"power_analog", ledger_analog, 100.0};
  // A host, a monitor and a target that breaks the rules.
  Host rude_host{"rude_host"};
  test::ProtocolMonitor<64> rude_monitor{"rude_monitor"};
  RudeTarget rude{"rude"};
  // Host -> protocol monitor -> accelerator, the interrupt to both ends.
  template <class H, class M, class A>
  static void wire(H& h, M& m, A& a, sc_core::sc_signal<bool>& line) {
    h.socket.bind(m.target);
    m.initiator.bind(a.socket);
    a.irq(line);
    h.irq(line);
  }
  Design() {
    acc.set_activity_sink(&power);
    rude_host.socket.bind(rude_monitor.target);
    rude_monitor.initiator.bind(rude.socket);
    rude_host.irq(irq);
    wire(host, monitor, acc, irq);
    wire(at_host, monitor32, acc32, irq32);
    bus.socket.bind(acc_held.socket);
    acc_held.irq(irq_held);
    bus.irq(irq_held);
    wire(fresh_host, monitor_fresh, acc_fresh, irq_fresh);
    wire(analog_host, monitor_analog, acc_analog, irq_analog);
    acc_analog.set_activity_sink(&power_analog);
  }
  // Runs a job on the host; every transaction it made kept the base protocol.
  void run(std::function<void()> job) {
    const std::uint64_t before = monitor.transactions;
    host.run(std::move(job));
    CHECK(monitor.transactions > before);
    for (const auto& v : monitor.violations) FAIL_CHECK("protocol: " << v);
  }
};

Design* design = nullptr;

Command mac(std::uint16_t bank, std::uint16_t sub, std::uint32_t first, std::uint32_t count, std::uint32_t tag) {
  Command c;
  c.opcode = Opcode::FpMac;
  c.format = FpFormat::fp32();
  c.bank = bank;
  c.subarray = sub;
  c.first_row = first;
  c.row_count = count;
  c.tag = tag;
  return c;
}

double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }

}  // namespace

int sc_main(int argc, char* argv[]) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  Design d;
  design = &d;
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  return Catch::Session().run(argc, argv);
}

TEST_CASE("The registers say what the accelerator is, and refuse what they do not support", "[accelerator][registers]") {
  Design& d = *design;
  d.run([&] {
    Host& h = d.host;
    CHECK(h.read32(regs::kId) == regs::kIdValue);
    CHECK(h.read32(regs::kVersion) == regs::kVersionValue);
    CHECK(h.read32(regs::kBanks) == 2);
    CHECK(h.read32(regs::kSubarrays) == 2);
    CHECK(h.read32(regs::kRows) == 1024);
    CHECK(h.read32(regs::kCols) == 1024);
    CHECK(h.read32(regs::kRowBytes) == 128);
    CHECK(h.read32(regs::kQueueDepth) == 4);
    CHECK(h.read32(regs::kQueueFree) == 4);
    std::uint32_t v = 1;
    unsigned char* p = reinterpret_cast<unsigned char*>(&v);
    CHECK(h.transact(tlm::TLM_WRITE_COMMAND, regs::kId, p, 4) == tlm::TLM_COMMAND_ERROR_RESPONSE);
    std::uint64_t wide = 0;
    CHECK(h.transact(tlm::TLM_READ_COMMAND, regs::kId, reinterpret_cast<unsigned char*>(&wide), 8) ==
          tlm::TLM_BURST_ERROR_RESPONSE);
    unsigned char be[4] = {0xff, 0, 0xff, 0};
    CHECK(h.transact(tlm::TLM_READ_COMMAND, regs::kId, p, 4, be, 4) == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    CHECK(h.transact(tlm::TLM_READ_COMMAND, regs::kId, p, 4, nullptr, 0, 1) == tlm::TLM_BURST_ERROR_RESPONSE);
    CHECK(h.transact(tlm::TLM_READ_COMMAND, 0x802, p, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(h.transact(tlm::TLM_READ_COMMAND, 0x2000, p, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(h.transact(tlm::TLM_READ_COMMAND, regs::kDataBase + d.acc.data_window_bytes(), p, 4) ==
          tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(h.transact(tlm::TLM_READ_COMMAND, regs::kCommandPort, p, 4) == tlm::TLM_COMMAND_ERROR_RESPONSE);
  });
}

TEST_CASE("A MAC through the data window and the command port, with the interrupt", "[accelerator][mac]") {
  Design& d = *design;
  const FpFormat f = FpFormat::fp32();
  std::mt19937_64 rng(3);
  std::vector<std::array<std::uint32_t, 3>> ops(1024);
  for (auto& o : ops) o = {std::uint32_t(rng()), std::uint32_t(rng()), std::uint32_t(rng())};
  std::vector<std::uint32_t> results(1024);
  double issued = 0, finished = 0;
  std::uint32_t status = 0, completed = 0, last_tag = 0;
  d.run([&] {
    Host& h = d.host;
    h.write32(regs::kControl, regs::kControlIrqEnable);
    // Operands at columns 0, 32, 64: bytes 0..11 of each row.
    for (std::uint32_t r = 0; r < 1024; ++r) {
      REQUIRE(h.transact(tlm::TLM_WRITE_COMMAND, d.acc.row_address(1, 0, r),
                         reinterpret_cast<unsigned char*>(ops[r].data()), 12) == tlm::TLM_OK_RESPONSE);
    }
    issued = now_ns();
    h.push(mac(1, 0, 0, 1024, 77));
    if (!h.irq.read()) sc_core::wait(h.irq.posedge_event());
    finished = now_ns();
    status = h.read32(regs::kStatus);
    completed = h.read32(regs::kCompleted);
    last_tag = h.read32(regs::kLastTag);
    for (std::uint32_t r = 0; r < 1024; ++r) {
      REQUIRE(h.transact(tlm::TLM_READ_COMMAND, d.acc.row_address(1, 0, r) + 12,
                         reinterpret_cast<unsigned char*>(&results[r]), 4) == tlm::TLM_OK_RESPONSE);
    }
    h.write32(regs::kControl, regs::kControlIrqEnable | regs::kControlClearDone);
    CHECK_FALSE(h.irq.read());
  });
  for (std::uint32_t r = 0; r < 1024; ++r) {
    if (results[r] != test::fp_mac(f, ops[r][2], ops[r][0], ops[r][1])) FAIL("row " << r);
  }
  CHECK((status & regs::kStatusDone) != 0);
  CHECK((status & regs::kStatusBusy) == 0);
  CHECK(completed == 1);
  CHECK(last_tag == 77);
  // The interrupt came when the program's steps had taken their time.
  const double latency = d.acc.controller().fp_program(FpOp::Mac, f, Rounding::Ieee).program.cost(1).latency_ns(
      StepPrices::from(d.tech));
  CHECK(finished - issued == Approx(latency + 4).margin(1.0));  // plus the descriptor's 4 bus beats
}

TEST_CASE("A refused command raises the error, changes no row, and the interrupt fires", "[accelerator][errors]") {
  Design& d = *design;
  std::uint32_t status = 0, code = 0, tag = 0;
  std::vector<unsigned char> before(128), after(128);
  d.run([&] {
    Host& h = d.host;
    h.write32(regs::kControl, regs::kControlIrqEnable | regs::kControlClearDone | regs::kControlClearError);
    REQUIRE(h.transact(tlm::TLM_READ_COMMAND, d.acc.row_address(0, 1, 5), before.data(), 128) == tlm::TLM_OK_RESPONSE);
    Command bad = mac(0, 1, 1000, 100, 9);  // rows 1000..1099 of 1024
    h.push(bad);
    if (!h.irq.read()) sc_core::wait(h.irq.posedge_event());
    status = h.read32(regs::kStatus);
    code = h.read32(regs::kErrorInfo);
    tag = h.read32(regs::kErrorTag);
    REQUIRE(h.transact(tlm::TLM_READ_COMMAND, d.acc.row_address(0, 1, 5), after.data(), 128) == tlm::TLM_OK_RESPONSE);
    h.write32(regs::kControl, regs::kControlClearError);
    CHECK_FALSE(h.irq.read());
  });
  CHECK((status & regs::kStatusError) != 0);
  CHECK(code == std::uint32_t(CommandError::RowsOutOfRange));
  CHECK(tag == 9);
  CHECK(before == after);
}

TEST_CASE("DMI on the data window, refused on registers, invalidated when a command writes its rows",
          "[accelerator][dmi]") {
  Design& d = *design;
  const FpFormat f = FpFormat::fp32();
  bool granted = false, refused = true;
  tlm::tlm_dmi dmi, reg_dmi;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> invalidated;
  std::vector<std::uint32_t> results(64);
  std::vector<std::array<std::uint32_t, 3>> ops(64);
  std::mt19937_64 rng(8);
  for (auto& o : ops) o = {std::uint32_t(rng()), std::uint32_t(rng()), std::uint32_t(rng())};
  d.run([&] {
    Host& h = d.host;
    tlm::tlm_generic_payload t;
    t.set_address(regs::kDataBase);
    t.set_command(tlm::TLM_WRITE_COMMAND);
    granted = h.socket->get_direct_mem_ptr(t, dmi);
    t.set_address(regs::kStatus);
    refused = !h.socket->get_direct_mem_ptr(t, reg_dmi);
    // Operands straight into memory: rows 100..163 of bank 0, subarray 0.
    unsigned char* base = dmi.get_dmi_ptr();
    for (std::uint32_t i = 0; i < 64; ++i) {
      std::memcpy(base + (d.acc.row_address(0, 0, 100 + i) - regs::kDataBase), ops[i].data(), 12);
    }
    h.invalidated.clear();
    h.write32(regs::kControl, regs::kControlIrqEnable | regs::kControlClearDone | regs::kControlClearError);
    h.push(mac(0, 0, 100, 64, 1));
    if (!h.irq.read()) sc_core::wait(h.irq.posedge_event());
    invalidated = h.invalidated;
    for (std::uint32_t i = 0; i < 64; ++i) {
      std::memcpy(&results[i], base + (d.acc.row_address(0, 0, 100 + i) - regs::kDataBase) + 12, 4);
    }
  });
  REQUIRE(granted);
  CHECK(dmi.is_read_write_allowed());
  CHECK(dmi.get_start_address() == regs::kDataBase);
  CHECK(dmi.get_end_address() == regs::kDataBase + d.acc.data_window_bytes() - 1);
  CHECK(refused);
  CHECK(reg_dmi.get_start_address() == 0);
  CHECK(reg_dmi.get_end_address() == regs::kDataBase - 1);
  // The command's rows, exactly, were invalidated.
  REQUIRE(invalidated.size() == 1);
  CHECK(invalidated[0].first == d.acc.row_address(0, 0, 100));
  CHECK(invalidated[0].second == d.acc.row_address(0, 0, 164) - 1);
  for (std::uint32_t i = 0; i < 64; ++i) {
    if (results[i] != test::fp_mac(f, ops[i][2], ops[i][0], ops[i][1])) FAIL("row " << 100 + i);
  }
}

TEST_CASE("Debug transport reads and writes everything but commands, in no time and at no cost",
          "[accelerator][debug]") {
  Design& d = *design;
  const double energy = d.ledger.energy_pJ();
  const sc_time t0 = sc_core::sc_time_stamp();
  tlm::tlm_generic_payload t;
  std::uint32_t v = 0;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(regs::kId);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  t.set_data_length(4);
  t.set_streaming_width(4);
  CHECK(d.host.socket->transport_dbg(t) == 4);
  CHECK(v == regs::kIdValue);
  std::vector<unsigned char> row(300);
  for (std::size_t i = 0; i < row.size(); ++i) row[i] = static_cast<unsigned char>(i * 7);
  t.set_command(tlm::TLM_WRITE_COMMAND);
  t.set_address(d.acc.row_address(1, 1, 10) + 5);  // across three rows
  t.set_data_ptr(row.data());
  t.set_data_length(300);
  t.set_streaming_width(300);
  CHECK(d.host.socket->transport_dbg(t) == 300);
  // In the subarray's cells too: byte 5 of row 10 holds columns 40..47.
  CHECK(d.acc.banks()[1].subarray(1).peek_field(10, 40, 8) == row[0]);
  CHECK(d.acc.banks()[1].subarray(1).peek_field(11, 0, 8) == row[123]);
  std::vector<unsigned char> back(300);
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_data_ptr(back.data());
  CHECK(d.host.socket->transport_dbg(t) == 300);
  CHECK(back == row);
  // Byte enables (a repeating pattern): disabled bytes keep their value.
  std::vector<unsigned char> ones(16, 0xff);
  unsigned char be[4] = {0xff, 0x00, 0x00, 0xff};
  t.set_command(tlm::TLM_WRITE_COMMAND);
  t.set_address(d.acc.row_address(1, 1, 10) + 5);
  t.set_data_ptr(ones.data());
  t.set_data_length(16);
  t.set_streaming_width(16);
  t.set_byte_enable_ptr(be);
  t.set_byte_enable_length(4);
  CHECK(d.host.socket->transport_dbg(t) == 16);
  t.set_byte_enable_ptr(nullptr);
  t.set_byte_enable_length(0);
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_data_ptr(back.data());
  CHECK(d.host.socket->transport_dbg(t) == 16);
  for (unsigned i = 0; i < 16; ++i) {
    CAPTURE(i);
    CHECK(back[i] == ((i % 4 == 0 || i % 4 == 3) ? 0xff : row[i]));
  }
  std::array<std::uint8_t, kCommandBytes> cmd = encode_command(mac(0, 0, 0, 1, 0));
  t.set_command(tlm::TLM_WRITE_COMMAND);
  t.set_address(regs::kCommandPort);
  t.set_data_ptr(cmd.data());
  t.set_data_length(kCommandBytes);
  t.set_streaming_width(kCommandBytes);
  CHECK(d.host.socket->transport_dbg(t) == 0);
  CHECK(d.ledger.energy_pJ() == energy);
  CHECK(sc_core::sc_time_stamp() == t0);
}

TEST_CASE("A full command queue holds the initiator back, and different subarrays work in parallel",
          "[accelerator][queue]") {
  Design& d = *design;
  std::vector<double> accepted;
  double all_done = 0, start = 0;
  std::uint32_t completed_before = 0, completed_after = 0;
  d.run([&] {
    Host& h = d.host;
    h.write32(regs::kControl, regs::kControlIrqEnable | regs::kControlClearDone | regs::kControlClearError);
    completed_before = h.read32(regs::kCompleted);
    start = now_ns();
    // Six MACs on one subarray (queue depth 4), then one on another.
    for (std::uint32_t i = 0; i < 6; ++i) {
      h.push(mac(0, 1, 0, 1024, 100 + i));
      accepted.push_back(now_ns());
    }
    h.push(mac(1, 1, 0, 1024, 200));
    accepted.push_back(now_ns());
    while (!(h.read32(regs::kStatus) & regs::kStatusDone)) sc_core::wait(h.irq.posedge_event());
    all_done = now_ns();
    completed_after = h.read32(regs::kCompleted);
  });
  const double mac_ns = d.acc.controller()
                            .fp_program(FpOp::Mac, FpFormat::fp32(), Rounding::Ieee)
                            .program.cost(1)
                            .latency_ns(StepPrices::from(d.tech));
  CHECK(completed_after - completed_before == 7);
  // The first five fit (four queued plus the one the controller took); the
  // sixth waited for the first MAC to finish.
  CHECK(accepted[4] - start < 100);
  CHECK(accepted[5] - start > mac_ns);
  // The seventh, on another subarray, ran beside them: the total is six MACs.
  CHECK(all_done - start == Approx(6 * mac_ns).margin(100));
}

TEST_CASE("The AT base protocol: back-pressure on a full queue, responses in their time", "[accelerator][at]") {
  Design& d = *design;
  const FpFormat f = FpFormat::fp32();
  std::mt19937_64 rng(12);
  std::vector<std::array<std::uint32_t, 3>> ops(256);
  for (auto& o : ops) o = {std::uint32_t(rng()), std::uint32_t(rng()), std::uint32_t(rng())};
  std::vector<double> accepted;
  double start = 0;
  std::vector<unsigned char*> result_ptrs;
  d.at_host.run([&] {
    AtHost& h = d.at_host;
    const std::uint32_t enable = regs::kControlIrqEnable;
    h.send(tlm::TLM_WRITE_COMMAND, regs::kControl, &enable, 4);
    for (std::uint32_t r = 0; r < 256; ++r) {
      h.send(tlm::TLM_WRITE_COMMAND, d.acc32.row_address(0, 1, r), ops[r].data(), 12);
    }
    start = now_ns();
    for (std::uint32_t i = 0; i < 6; ++i) {
      const auto bytes = encode_command(mac(0, 1, 0, 256, i));
      h.send(tlm::TLM_WRITE_COMMAND, regs::kCommandPort, bytes.data(), kCommandBytes);
      accepted.push_back(now_ns());
    }
    while (!h.irq.read()) sc_core::wait(h.irq.posedge_event());
    const std::uint32_t zero = 0;
    for (std::uint32_t r = 0; r < 256; ++r) {
      result_ptrs.push_back(h.send(tlm::TLM_READ_COMMAND, d.acc32.row_address(0, 1, r) + 12, &zero, 4));
    }
    h.wait_responses(1 + 256 + 6 + 256);
  });
  const double mac_ns = d.acc32.controller().fp_program(FpOp::Mac, f, Rounding::Ieee).program.cost(1).latency_ns(
      StepPrices::from(d.tech));
  CHECK(d.at_host.bad_responses == 0);
  CHECK(accepted[4] - start < 100);     // four queued and one taken: accepted at once
  CHECK(accepted[5] - start > mac_ns);  // END_REQ held back until the first MAC was done
  for (std::uint32_t r = 0; r < 256; ++r) {
    std::uint32_t got = 0;
    std::memcpy(&got, result_ptrs[r], 4);
    if (got != test::fp_mac(f, ops[r][2], ops[r][0], ops[r][1])) FAIL("row " << r);
  }
  CHECK(d.monitor32.phases > 0);
  for (const auto& v : d.monitor32.violations) FAIL_CHECK("protocol: " << v);
}

namespace {

// An LT initiator running ahead of the kernel by its quantum keeper's local time.
struct Decoupled {
  Host& h;
  tlm_utils::tlm_quantumkeeper qk;
  explicit Decoupled(Host& host) : h(host) { qk.reset(); }
  tlm::tlm_response_status at(tlm::tlm_command cmd, std::uint64_t addr, void* data, unsigned len) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(static_cast<unsigned char*>(data));
    t.set_data_length(len);
    t.set_streaming_width(len);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = qk.get_local_time();
    h.socket->b_transport(t, delay);
    qk.set(delay);  // run ahead: no wait here
    return t.get_response_status();
  }
  double local_ns() const { return now_ns() + qk.get_local_time().to_seconds() * 1e9; }
};

template <class Initiator>
std::uint32_t debug_read32(Initiator& h, std::uint64_t addr) {
  tlm::tlm_generic_payload t;
  std::uint32_t v = 0;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(addr);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  t.set_data_length(4);
  t.set_streaming_width(4);
  REQUIRE(h.socket->transport_dbg(t) == 4);
  return v;
}

}  // namespace

TEST_CASE("LT with temporal decoupling: a command counts from the initiator's local time", "[accelerator][lt]") {
  Design& d = *design;
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(10, sc_core::SC_US));
  double issued_at = 0, done_at = 0;
  std::uint32_t result = 0;
  const std::array<std::uint32_t, 3> op = {0x3fc00000u, 0x40000000u, 0x3e800000u};  // 1.5 x 2 + 0.25
  d.run([&] {
    Host& h = d.host;
    Decoupled ahead(h);
    tlm_utils::tlm_quantumkeeper& qk = ahead.qk;
    auto lt = [&](tlm::tlm_command cmd, std::uint64_t addr, void* data, unsigned len) {
      REQUIRE(ahead.at(cmd, addr, data, len) == tlm::TLM_OK_RESPONSE);
    };
    std::uint32_t ctl = regs::kControlIrqEnable | regs::kControlClearDone | regs::kControlClearError;
    lt(tlm::TLM_WRITE_COMMAND, regs::kControl, &ctl, 4);
    auto row = op;
    lt(tlm::TLM_WRITE_COMMAND, d.acc.row_address(0, 0, 7), row.data(), 12);
    qk.inc(sc_time(1000, SC_NS));  // the initiator computes for a while, ahead of the kernel
    auto bytes = encode_command(mac(0, 0, 7, 1, 5));
    issued_at = now_ns() + qk.get_local_time().to_seconds() * 1e9;
    lt(tlm::TLM_WRITE_COMMAND, regs::kCommandPort, bytes.data(), kCommandBytes);
    qk.sync();
    while (!h.irq.read()) sc_core::wait(h.irq.posedge_event());
    done_at = now_ns();
    lt(tlm::TLM_READ_COMMAND, d.acc.row_address(0, 0, 7) + 12, &result, 4);
    qk.sync();
  });
  const double mac_ns = d.acc.controller().fp_program(FpOp::Mac, FpFormat::fp32(), Rounding::Ieee).program.cost(1)
                            .latency_ns(StepPrices::from(d.tech));
  CHECK(result == 0x40500000u);  // 3.25
  // Not before the initiator's local time at the write, plus the descriptor's beats.
  CHECK(done_at - issued_at == Approx(mac_ns + 4).margin(1.0));
}

TEST_CASE("The protocol monitor catches a target that breaks the base protocol", "[accelerator][monitor]") {
  Design& d = *design;
  d.rude_host.run([&] {
    std::uint32_t v = 0;
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(0x40);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
    t.set_data_length(4);
    t.set_streaming_width(4);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay(5, SC_NS);
    d.rude_host.socket->b_transport(t, delay);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    delay = sc_core::SC_ZERO_TIME;
    d.rude_host.socket->nb_transport_fw(t, phase, delay);
    phase = tlm::BEGIN_REQ;  // a second request while the first is still open
    d.rude_host.socket->nb_transport_fw(t, phase, delay);
  });
  std::string all;
  for (const auto& v : d.rude_monitor.violations) all += v + "\n";
  INFO(all);
  using Catch::Matchers::Contains;
  CHECK_THAT(all, Contains("b_transport: the timing annotation went backwards"));
  CHECK_THAT(all, Contains("b_transport: no response status"));
  CHECK_THAT(all, Contains("b_transport: the target changed a payload attribute"));
  CHECK_THAT(all, Contains("BEGIN_RESP without a response status"));
  CHECK_THAT(all, Contains("BEGIN_REQ for a transaction still open"));
}

TEST_CASE("The power monitor's energy per component equals the ledger's", "[accelerator][power]") {
  Design& d = *design;
  std::mt19937_64 rng(5);
  double end = 0;
  const ComponentEnergy at_start = energy_by_component(d.ledger);  // other cases may have run in this process
  const std::size_t first_window = std::size_t(now_ns() / d.power.window_ns());
  d.run([&] {
    Host& h = d.host;
    h.write32(regs::kControl, regs::kControlIrqEnable | regs::kControlClearDone | regs::kControlClearError);
    for (std::uint32_t r = 0; r < 512; ++r) {
      std::array<std::uint32_t, 3> o{std::uint32_t(rng()), std::uint32_t(rng()), std::uint32_t(rng())};
      REQUIRE(h.transact(tlm::TLM_WRITE_COMMAND, d.acc.row_address(0, 0, r),
                         reinterpret_cast<unsigned char*>(o.data()), 12) == tlm::TLM_OK_RESPONSE);
    }
    h.push(mac(0, 0, 0, 512, 1));
    h.push(mac(0, 1, 0, 512, 2));  // another subarray, at the same time
    Command mv;
    mv.opcode = Opcode::Move;
    mv.first_row = 0;
    mv.row_count = 512;
    mv.src_col = 96;
    mv.dst_col = 200;
    mv.width = 32;
    mv.dst_bank = 1;
    h.push(mv);
    while (!(h.read32(regs::kStatus) & regs::kStatusDone)) sc_core::wait(h.irq.posedge_event());
    sc_core::wait(sc_time(200, SC_NS));  // the monitor's windows catch up
    end = now_ns();
  });
  const ComponentEnergy ledger = energy_by_component(d.ledger);
  const ComponentEnergy monitor = d.power.energy_pJ();
  for (std::size_t c = 0; c < kPowerComponents; ++c) {
    CAPTURE(to_string(PowerComponent(c)));
    CHECK(monitor[c] == Approx(ledger[c]).epsilon(1e-12));
    // Every component took part, but the analog tile: this platform has none.
    if (PowerComponent(c) == PowerComponent::AnalogTile) CHECK(ledger[c] == 0);
    else CHECK(ledger[c] > at_start[c]);
  }
  CHECK(d.power.total_energy_pJ() == Approx(d.ledger.energy_pJ()).epsilon(1e-12));
  // Three commands accepted, each decoded once at the technology's price.
  const std::size_t ctl = std::size_t(PowerComponent::Controller);
  CHECK(ledger[ctl] - at_start[ctl] == Approx(3 * d.tech.controller.e_command_pJ));
  CHECK(d.power.peak_power_mW() >= d.power.average_power_mW(end));
  // Two MACs side by side (each about half of the cell-array energy) draw
  // about twice one MAC's average array power at their peak.
  const double mac_ns = d.acc.controller().fp_program(FpOp::Mac, FpFormat::fp32(), Rounding::Ieee).program.cost(1)
                            .latency_ns(StepPrices::from(d.tech));
  const std::size_t cells = std::size_t(PowerComponent::CellArrays);
  const double one_mac_mW = (ledger[cells] - at_start[cells]) / 2 / mac_ns;
  double peak = 0;
  for (std::size_t w = first_window; w < d.power.windows().size(); ++w) {
    peak = std::max(peak, d.power.windows()[w][cells] / d.power.window_ns());
  }
  CHECK(peak > 1.5 * one_mac_mW);
  CHECK(peak < 2.5 * one_mac_mW);
  CHECK(d.power.peak_power_mW(PowerComponent::CellArrays) >= peak);
  std::ostringstream csv;
  d.power.write_csv(csv);
  const std::string text = csv.str();
  CHECK(text.rfind("time_ns,power_cell_arrays_mW,power_sense_amplifiers_mW,power_peripherals_mW,power_data_port_mW,"
                   "power_transfers_mW,power_controller_mW,power_analog_tile_mW,power_total_mW,energy_cell_arrays_pJ",
                   0) == 0);
  CHECK(std::size_t(std::count(text.begin(), text.end(), '\n')) == d.power.windows().size() + 1);
  const nlohmann::json j = d.power.summary(end);
  CHECK(double(j["total_energy_pJ"]) == Approx(double(j["ledger_energy_pJ"])).epsilon(1e-12));
  CHECK(d.power.power_total_mW.read() >= 0);
}

namespace {

// fp32 words of a tensor into the data window from global row `row`.
void write_tensor(Host& h, std::uint32_t row, const std::vector<std::uint32_t>& words) {
  const TensorGeometry g = tensor_geometry(FpFormat::fp32(), 1024);
  std::vector<std::uint64_t> rows(g.rows(words.size()) * 16, 0);
  tensor_pack(g, 16, words.data(), words.size(), rows.data());
  REQUIRE(h.transact(tlm::TLM_WRITE_COMMAND, regs::kDataBase + std::uint64_t(row) * 128,
                     reinterpret_cast<unsigned char*>(rows.data()), unsigned(rows.size() * 8)) == tlm::TLM_OK_RESPONSE);
}

std::vector<std::uint32_t> read_tensor(Host& h, std::uint32_t row, std::size_t n) {
  const TensorGeometry g = tensor_geometry(FpFormat::fp32(), 1024);
  std::vector<std::uint64_t> rows(g.rows(n) * 16, 0);
  REQUIRE(h.transact(tlm::TLM_READ_COMMAND, regs::kDataBase + std::uint64_t(row) * 128,
                     reinterpret_cast<unsigned char*>(rows.data()), unsigned(rows.size() * 8)) == tlm::TLM_OK_RESPONSE);
  std::vector<std::uint32_t> words(n);
  tensor_unpack(g, 16, rows.data(), n, words.data());
  return words;
}

std::vector<std::uint32_t> as_words(const std::vector<std::int8_t>& w) {
  std::vector<std::uint32_t> out;
  for (std::int8_t v : w) out.push_back(float_word(float(v)));
  return out;
}

}  // namespace

TEST_CASE("The analog tile: weights and images through the data window, classes and voltages back, its costs in the ledger",
          "[accelerator][analog]") {
  Design& d = *design;
  Host& h = d.analog_host;
  const AnalogTileParams p = load_analog_tile("zand-mlp");
  // Random binary weights (the tile does not care how they were trained).
  std::mt19937 rng(5);
  BinarizedMlp net;
  net.inputs = 784, net.hidden = 16, net.outputs = 10;
  net.scale1 = double(0.1f), net.scale2 = 1.0;  // as the command carries them: fp32
  for (std::size_t i = 0; i < 785 * 16; ++i) net.w1.push_back(rng() % 2 ? 1 : -1);
  for (std::size_t i = 0; i < 17 * 10; ++i) net.w2.push_back(rng() % 2 ? 1 : -1);
  const DataSplit data = load_split("mnist", default_data_dir(), 1, 12, 1);
  const std::uint32_t n = 12, w1_row = 0, w2_row = 400, images_row = 500, results_row = 1000;
  auto status_error = [&](const Command& c) {
    h.write32(regs::kControl, regs::kControlClearDone | regs::kControlClearError);
    h.push(c);
    while (h.read32(regs::kStatus) & regs::kStatusBusy) sc_core::wait(sc_time(10, SC_NS));
    return (h.read32(regs::kStatus) & regs::kStatusError) ? CommandError(h.read32(regs::kErrorInfo)) : CommandError::None;
  };
  double start = 0, end = 0;
  std::vector<std::uint32_t> results;
  d.host.run([&] {
    // The platform without a tile says so, and refuses analog commands.
    CHECK(d.host.read32(regs::kAnalogInputs) == 0);
    d.host.write32(regs::kControl, regs::kControlClearDone | regs::kControlClearError);
    d.host.push(analog_infer_command({0, 1, 8}, 1));
    while (d.host.read32(regs::kStatus) & regs::kStatusBusy) sc_core::wait(sc_time(10, SC_NS));
    CHECK(CommandError(d.host.read32(regs::kErrorInfo)) == CommandError::NoAnalogTile);
    d.host.write32(regs::kControl, regs::kControlClearDone | regs::kControlClearError);
  });
  h.run([&] {
    CHECK(h.read32(regs::kAnalogInputs) == 784);
    CHECK(h.read32(regs::kAnalogHidden) == 16);
    CHECK(h.read32(regs::kAnalogOutputs) == 10);
    std::vector<std::uint32_t> images;
    for (std::uint32_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < 784; ++k) images.push_back(float_word(data.test.image(i)[k] / 255.0f));
    }
    write_tensor(h, images_row, images);
    CHECK(status_error(analog_infer_command({images_row, n, results_row}, 2)) == CommandError::AnalogNotProgrammed);
    write_tensor(h, w1_row, as_words(net.w1));
    std::vector<std::uint32_t> bad = as_words(net.w2);
    bad[7] = float_word(0.5f);
    write_tensor(h, w2_row, bad);
    CHECK(status_error(analog_program_command({w1_row, w2_row, 0.1f, 1.0f}, 3)) == CommandError::AnalogWeights);
    write_tensor(h, w2_row, as_words(net.w2));
    CHECK(status_error(analog_program_command({w1_row, w2_row, -0.1f, 1.0f}, 4)) == CommandError::AnalogWeights);
    CHECK(status_error(analog_program_command({w1_row, 4095, 0.1f, 1.0f}, 5)) == CommandError::TensorOutOfRange);
    CHECK(d.acc_analog.analog_tile()->circuit().devices_written() == 0);  // nothing changed
    CHECK(status_error(analog_program_command({w1_row, w2_row, 0.1f, 1.0f}, 6)) == CommandError::None);
    CHECK(status_error(analog_infer_command({images_row, 0, results_row}, 7)) == CommandError::ShapeInvalid);
    start = now_ns();
    CHECK(status_error(analog_infer_command({images_row, n, results_row}, 8)) == CommandError::None);
    end = now_ns();
    results = read_tensor(h, results_row, n * 11);
  });
  // The same circuit, on its own: the same classes and voltages.
  const Technology cell = load_technology(p.cell_technology);
  AnalogMlp ref(p, cell);
  ref.program(net);
  double energy_pJ = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const AnalogInference r = ref.infer(data.test.image(i));
    CAPTURE(i);
    CHECK(results[i * 11] == r.predicted);
    for (std::uint32_t k = 0; k < 10; ++k) CHECK(word_float(results[i * 11 + 1 + k]) == float(r.output_V[k]));
    energy_pJ += ref.energy_pJ(r);
  }
  const AnalogMlpTile& tile = *d.acc_analog.analog_tile();
  CHECK(tile.inferences() == n);
  CHECK(tile.predicted.read() == int(results[(n - 1) * 11]));
  const ActivityCounts a = tile.account().phase(Phase::Analog);
  CHECK(a.analog_cycles == n);
  CHECK(double(a.analog_fJ) * 1e-3 == Approx(energy_pJ).epsilon(1e-6));
  CHECK(a.cells_of(StepKind::Write) == 2 * (785 * 16 + 17 * 10));
  // One analog cycle per image, after the polling's granularity.
  CHECK(end - start >= n * ref.latency_ns());
  for (const auto& v : d.monitor_analog.violations) FAIL_CHECK("protocol: " << v);
  CHECK(energy_by_component(d.ledger_analog)[std::size_t(PowerComponent::AnalogTile)] ==
        Approx(tile.account().energy_pJ()));
}

TEST_CASE("Protocol corners: a refused first command sets DONE, a long command write is a burst error, "
          "debug transport takes streaming width 0 and performs no register write",
          "[accelerator][protocol]") {
  Design& d = *design;
  Host& h = d.fresh_host;
  h.run([&] {
    // The very first command is refused: the accelerator goes idle, DONE and ERROR set.
    h.write32(regs::kControl, regs::kControlIrqEnable);
    Command bad = mac(0, 7, 0, 1, 1);  // no subarray 7
    h.push(bad);
    while (h.read32(regs::kStatus) & regs::kStatusBusy) sc_core::wait(sc_time(10, SC_NS));
    const std::uint32_t status = h.read32(regs::kStatus);
    CHECK((status & regs::kStatusError) != 0);
    CHECK((status & regs::kStatusDone) != 0);
    CHECK(h.read32(regs::kCompleted) == 0);
    CHECK(d.irq_fresh.read());
    // A 64-byte write at the command port: a burst error, not an address error.
    std::vector<unsigned char> two(64, 0);
    CHECK(h.transact(tlm::TLM_WRITE_COMMAND, regs::kCommandPort, two.data(), 64) == tlm::TLM_BURST_ERROR_RESPONSE);
    CHECK(h.transact(tlm::TLM_WRITE_COMMAND, regs::kCommandPort + 8, two.data(), 32) == tlm::TLM_BURST_ERROR_RESPONSE);
  });
  for (const auto& v : d.monitor_fresh.violations) FAIL_CHECK("protocol: " << v);
  // Debug transport as a debugger sends it: streaming width 0.
  tlm::tlm_generic_payload t;
  std::uint32_t v = 0;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(regs::kId);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  t.set_data_length(4);
  t.set_streaming_width(0);
  CHECK(h.socket->transport_dbg(t) == 4);
  CHECK(v == regs::kIdValue);
  CHECK(t.get_streaming_width() == 0);  // the payload as it was given
  std::vector<unsigned char> row(200, 0x5a), back(200, 0);
  t.set_command(tlm::TLM_WRITE_COMMAND);
  t.set_address(d.acc_fresh.row_address(0, 1, 3));
  t.set_data_ptr(row.data());
  t.set_data_length(200);
  CHECK(h.socket->transport_dbg(t) == 200);
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_data_ptr(back.data());
  CHECK(h.socket->transport_dbg(t) == 200);
  CHECK(back == row);
  // A debug write to a register is not performed: 0 bytes, the register unchanged.
  std::uint32_t lanes = 3;
  t.set_command(tlm::TLM_WRITE_COMMAND);
  t.set_address(regs::kLaneCount);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(&lanes));
  t.set_data_length(4);
  t.set_streaming_width(4);
  CHECK(h.socket->transport_dbg(t) == 0);
  std::uint32_t now = 99;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(&now));
  CHECK(h.socket->transport_dbg(t) == 4);
  CHECK(now == 0);
}

TEST_CASE("Requests held back on a full queue are all kept, in order, however many a bus forwards",
          "[accelerator][protocol][at]") {
  Design& d = *design;
  ForwardingBus& b = d.bus;
  b.run([&] {
    // Four long MACs on one subarray (one queue entry: the first runs, the
    // second waits in the queue, the others are held) and a STATUS read behind them.
    std::vector<std::array<std::uint8_t, kCommandBytes>> cmds;
    for (std::uint32_t tag = 1; tag <= 4; ++tag) cmds.push_back(encode_command(mac(0, 0, 0, 1024, tag)));
    for (const auto& c : cmds) b.forward(tlm::TLM_WRITE_COMMAND, regs::kCommandPort, c.data(), kCommandBytes);
    const std::uint32_t zero = 0;
    b.forward(tlm::TLM_READ_COMMAND, regs::kStatus, &zero, 4);
    // Every request answered (a lost one would leave its initiator waiting forever: bounded here).
    for (int i = 0; i < 200 && b.responses.size() < 5; ++i) sc_core::wait(sc_time(100, sc_core::SC_US), b.answered);
  });
  CHECK(b.responses.size() == 5);
  CHECK(b.bad == 0);
  CHECK(b.end_reqs == b.sent);  // taken in the order they came
  b.run([&] {
    while (d.acc_held.completed.read() < 4) sc_core::wait(d.acc_held.completed.value_changed_event());
  });
  CHECK(d.acc_held.completed.read() == 4);
  for (auto* t : b.sent) const_cast<tlm::tlm_generic_payload*>(t)->release();
}


TEST_CASE("A command's results appear at its completion time: LT with temporal decoupling, DMI and debug reads",
          "[accelerator][visibility][lt]") {
  Design& d = *design;
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_time(100, sc_core::SC_US));
  const FpFormat f = FpFormat::fp32();
  std::mt19937_64 rng(21);
  const std::uint32_t n = 1024, old_result = 0x12345678u;
  std::vector<std::array<std::uint32_t, 4>> rows(n);  // a, b, c and what the result field held
  for (auto& r : rows) r = {std::uint32_t(rng()), std::uint32_t(rng()), std::uint32_t(rng()), old_result};
  const double mac_ns =
      d.acc.controller().fp_program(FpOp::Mac, f, Rounding::Ieee).program.cost(1).latency_ns(StepPrices::from(d.tech));
  const std::uint64_t last = d.acc.row_address(0, 1, n - 1) + 12;
  std::uint32_t early_port = 0, early_debug = 0, early_status = 0, ahead_port = 0, late_port = 0, late_debug = 0;
  std::uint32_t dmi_after = 0;
  bool early_dmi_granted = true, neighbour_granted = false, late_dmi_granted = false;
  tlm::tlm_dmi early_dmi, neighbour_dmi, late_dmi;
  double issued = 0, end = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> released;
  d.run([&] {
    Decoupled lt(d.host);
    std::uint32_t ctl = regs::kControlClearDone | regs::kControlClearError;
    REQUIRE(lt.at(tlm::TLM_WRITE_COMMAND, regs::kControl, &ctl, 4) == tlm::TLM_OK_RESPONSE);
    for (std::uint32_t r = 0; r < n; ++r) {
      REQUIRE(lt.at(tlm::TLM_WRITE_COMMAND, d.acc.row_address(0, 1, r), rows[r].data(), 16) == tlm::TLM_OK_RESPONSE);
    }
    auto bytes = encode_command(mac(0, 1, 0, n, 3));
    issued = lt.local_ns();
    REQUIRE(lt.at(tlm::TLM_WRITE_COMMAND, regs::kCommandPort, bytes.data(), kCommandBytes) == tlm::TLM_OK_RESPONSE);
    lt.qk.sync();
    sc_core::wait(sc_time(10, SC_NS));  // the command has started: its rows are computed inside
    end = issued + mac_ns + 4;          // the descriptor's 4 beats, then the program
    REQUIRE(now_ns() < end);
    REQUIRE(lt.at(tlm::TLM_READ_COMMAND, last, &early_port, 4) == tlm::TLM_OK_RESPONSE);
    early_debug = debug_read32(d.host, last);
    REQUIRE(lt.at(tlm::TLM_READ_COMMAND, regs::kStatus, &early_status, 4) == tlm::TLM_OK_RESPONSE);
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(last);
    early_dmi_granted = d.host.socket->get_direct_mem_ptr(t, early_dmi);
    d.host.invalidated.clear();
    t.set_address(d.acc.row_address(1, 0, 0));  // the next row of the window: not held
    neighbour_granted = d.host.socket->get_direct_mem_ptr(t, neighbour_dmi);
    // An initiator whose local time has passed the end sees the results,
    // though the kernel has not reached it.
    lt.qk.set(sc_time(end - now_ns() + 1, SC_NS));
    REQUIRE(lt.at(tlm::TLM_READ_COMMAND, last, &ahead_port, 4) == tlm::TLM_OK_RESPONSE);
    lt.qk.sync();
    released = d.host.invalidated;
    REQUIRE(lt.at(tlm::TLM_READ_COMMAND, last, &late_port, 4) == tlm::TLM_OK_RESPONSE);
    late_debug = debug_read32(d.host, last);
    t.set_address(last);
    late_dmi_granted = d.host.socket->get_direct_mem_ptr(t, late_dmi);
    if (late_dmi_granted) std::memcpy(&dmi_after, late_dmi.get_dmi_ptr() + (last - late_dmi.get_start_address()), 4);
  });
  const auto want = std::uint32_t(test::fp_mac(f, rows[n - 1][2], rows[n - 1][0], rows[n - 1][1]));
  REQUIRE(want != old_result);
  // Before the end: what the row held, and STATUS busy.
  CHECK(early_port == old_result);
  CHECK(early_debug == old_result);
  CHECK((early_status & regs::kStatusBusy) != 0);
  // DMI is refused over a held row (the refusal names that row) and granted
  // around the held rows.
  CHECK_FALSE(early_dmi_granted);
  CHECK(early_dmi.get_start_address() <= last);
  CHECK(early_dmi.get_end_address() >= last);
  CHECK(early_dmi.get_end_address() < d.acc.row_address(0, 1, n));
  REQUIRE(neighbour_granted);
  CHECK(neighbour_dmi.get_start_address() == d.acc.row_address(1, 0, 0));
  // After the end, by local or kernel time: the results, everywhere.
  CHECK(ahead_port == want);
  CHECK(late_port == want);
  CHECK(late_debug == want);
  REQUIRE(late_dmi_granted);
  CHECK(dmi_after == want);
  // The refusal is withdrawn when the rows are released: an invalidation over them.
  CHECK(std::any_of(released.begin(), released.end(), [&](const auto& r) { return r.first <= last && last <= r.second; }));
  for (const auto& v : d.monitor.violations) FAIL_CHECK("protocol: " << v);
}

TEST_CASE("A command's results appear at its completion time through the AT protocol", "[accelerator][visibility][at]") {
  Design& d = *design;
  const FpFormat f = FpFormat::fp32();
  std::mt19937_64 rng(22);
  std::vector<std::array<std::uint32_t, 4>> rows(512);
  for (auto& r : rows) r = {std::uint32_t(rng()), std::uint32_t(rng()), std::uint32_t(rng()), 0xCAFEF00Du};
  unsigned char* early = nullptr;
  unsigned char* late = nullptr;
  std::uint32_t early_status = 0;
  d.at_host.run([&] {
    AtHost& h = d.at_host;
    for (std::uint32_t r = 0; r < 512; ++r) {
      h.send(tlm::TLM_WRITE_COMMAND, d.acc32.row_address(0, 0, r), rows[r].data(), 16);
    }
    const auto bytes = encode_command(mac(0, 0, 0, 512, 9));
    h.send(tlm::TLM_WRITE_COMMAND, regs::kCommandPort, bytes.data(), kCommandBytes);
    sc_core::wait(sc_time(20, SC_NS));
    const std::uint32_t zero = 0;
    early = h.send(tlm::TLM_READ_COMMAND, d.acc32.row_address(0, 0, 511) + 12, &zero, 4);
    unsigned char* status = h.send(tlm::TLM_READ_COMMAND, regs::kStatus, &zero, 4);
    h.wait_responses(512 + 3);
    std::memcpy(&early_status, status, 4);
    while (d.acc32.busy.read()) sc_core::wait(d.acc32.busy.value_changed_event());
    late = h.send(tlm::TLM_READ_COMMAND, d.acc32.row_address(0, 0, 511) + 12, &zero, 4);
    h.wait_responses(512 + 4);
  });
  std::uint32_t got_early = 0, got_late = 0;
  std::memcpy(&got_early, early, 4);
  std::memcpy(&got_late, late, 4);
  CHECK(d.at_host.bad_responses == 0);
  CHECK((early_status & regs::kStatusBusy) != 0);
  CHECK(got_early == 0xCAFEF00Du);
  CHECK(got_late == test::fp_mac(f, rows[511][2], rows[511][0], rows[511][1]));
  for (const auto& v : d.monitor32.violations) FAIL_CHECK("protocol: " << v);
}

TEST_CASE("RESET clears the queue and the registers and keeps the arrays", "[accelerator][reset][protocol]") {
  Design& d = *design;
  Host& h = d.fresh_host;
  const FpFormat f = FpFormat::fp32();
  const std::array<std::uint32_t, 4> op = {0x3fc00000u, 0x40000000u, 0x3e800000u, 0};  // 1.5 x 2 + 0.25
  std::array<std::uint32_t, 4> kept{}, running{}, dropped{}, after{};
  std::uint32_t status = 1, control = 1, completed = 1, queue_free = 0, lane_count = 1, error_info = 1;
  std::uint32_t status_after = 0, completed_after = 0;
  bool irq_after_reset = true;
  h.run([&] {
    h.write32(regs::kControl, regs::kControlIrqEnable);
    h.write32(regs::kLaneCount, 1);
    for (std::uint16_t s = 0; s < 2; ++s) {
      auto row = op;
      REQUIRE(h.transact(tlm::TLM_WRITE_COMMAND, d.acc_fresh.row_address(0, s, 0),
                         reinterpret_cast<unsigned char*>(row.data()), 16) == tlm::TLM_OK_RESPONSE);
    }
    h.push(mac(0, 7, 0, 1, 1));  // refused: ERROR set, to be cleared by the reset
    h.push(mac(0, 0, 0, 1024, 2));  // runs
    h.push(mac(0, 0, 0, 1024, 3));  // waits behind it on the same subarray
    h.push(mac(0, 1, 0, 1, 4));     // waits in order
    sc_core::wait(sc_time(20, SC_NS));
    h.write32(regs::kControl, regs::kControlReset);
    status = h.read32(regs::kStatus);
    control = h.read32(regs::kControl);
    completed = h.read32(regs::kCompleted);
    queue_free = h.read32(regs::kQueueFree);
    lane_count = h.read32(regs::kLaneCount);
    error_info = h.read32(regs::kErrorInfo);
    irq_after_reset = d.irq_fresh.read();
    sc_core::wait(sc_time(100, sc_core::SC_US));  // long past every command's end
    REQUIRE(h.transact(tlm::TLM_READ_COMMAND, d.acc_fresh.row_address(0, 0, 0),
                       reinterpret_cast<unsigned char*>(running.data()), 16) == tlm::TLM_OK_RESPONSE);
    REQUIRE(h.transact(tlm::TLM_READ_COMMAND, d.acc_fresh.row_address(0, 1, 0),
                       reinterpret_cast<unsigned char*>(dropped.data()), 16) == tlm::TLM_OK_RESPONSE);
    CHECK(h.read32(regs::kCompleted) == 0);  // nothing after the reset counted
    // The accelerator works on after a reset.
    h.push(mac(0, 1, 0, 1, 5));
    while (h.read32(regs::kStatus) & regs::kStatusBusy) sc_core::wait(sc_time(100, SC_NS));
    status_after = h.read32(regs::kStatus);
    completed_after = h.read32(regs::kCompleted);
    REQUIRE(h.transact(tlm::TLM_READ_COMMAND, d.acc_fresh.row_address(0, 1, 0),
                       reinterpret_cast<unsigned char*>(after.data()), 16) == tlm::TLM_OK_RESPONSE);
    REQUIRE(h.transact(tlm::TLM_READ_COMMAND, d.acc_fresh.row_address(0, 0, 0),
                       reinterpret_cast<unsigned char*>(kept.data()), 16) == tlm::TLM_OK_RESPONSE);
  });
  const auto want = std::uint32_t(test::fp_mac(f, op[2], op[0], op[1]));
  CHECK(status == 0);  // not busy, DONE and ERROR clear, nothing queued
  CHECK(control == 0);
  CHECK(completed == 0);
  CHECK(queue_free == d.acc_fresh.config().queue_depth);
  CHECK(lane_count == 0);
  CHECK(error_info == 0);
  CHECK_FALSE(irq_after_reset);
  // The command running at the reset had computed its rows: the arrays keep them.
  CHECK(running[3] == want);
  CHECK(kept == running);
  // The dropped command never ran: the row as written.
  CHECK(dropped == op);
  CHECK((status_after & regs::kStatusDone) != 0);
  CHECK(completed_after == 1);
  CHECK(after[3] == want);
  for (const auto& v : d.monitor_fresh.violations) FAIL_CHECK("protocol: " << v);
}

TEST_CASE("Two analog inferences into one results tensor: each one's results show from its own end",
          "[accelerator][visibility][analog]") {
  Design& d = *design;
  Host& h = d.analog_host;
  std::mt19937 rng(17);
  BinarizedMlp net;
  net.inputs = 784, net.hidden = 16, net.outputs = 10;
  net.scale1 = double(0.1f), net.scale2 = 1.0;
  for (std::size_t i = 0; i < 785 * 16; ++i) net.w1.push_back(rng() % 2 ? 1 : -1);
  for (std::size_t i = 0; i < 17 * 10; ++i) net.w2.push_back(rng() % 2 ? 1 : -1);
  const DataSplit data = load_split("mnist", default_data_dir(), 1, 80, 1);
  const std::uint32_t n = 40, w1_row = 0, w2_row = 400, first_images = 500, second_images = 1500, results_row = 2500;
  std::vector<std::uint32_t> between, after;
  h.run([&] {
    std::vector<std::uint32_t> a, b;
    for (std::uint32_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < 784; ++k) {
        a.push_back(float_word(data.test.image(i)[k] / 255.0f));
        b.push_back(float_word(data.test.image(n + i)[k] / 255.0f));
      }
    }
    write_tensor(h, first_images, a);
    write_tensor(h, second_images, b);
    write_tensor(h, w1_row, as_words(net.w1));
    write_tensor(h, w2_row, as_words(net.w2));
    h.write32(regs::kControl, regs::kControlClearDone | regs::kControlClearError);
    h.push(analog_program_command({w1_row, w2_row, 0.1f, 1.0f}, 1));
    while (h.read32(regs::kStatus) & regs::kStatusBusy) sc_core::wait(sc_time(10, SC_NS));
    const std::uint32_t before = h.read32(regs::kCompleted);
    h.push(analog_infer_command({first_images, n, results_row}, 2));
    h.push(analog_infer_command({second_images, n, results_row}, 3));
    while (h.read32(regs::kCompleted) == before) sc_core::wait(sc_time(1, SC_NS));
    between = read_tensor(h, results_row, n * 11);  // the first has ended, the second runs
    while (h.read32(regs::kStatus) & regs::kStatusBusy) sc_core::wait(sc_time(10, SC_NS));
    after = read_tensor(h, results_row, n * 11);
  });
  const AnalogTileParams p = load_analog_tile("zand-mlp");
  AnalogMlp ref(p, load_technology(p.cell_technology));
  ref.program(net);
  auto expected = [&](std::uint32_t first) {
    std::vector<std::uint32_t> w;
    for (std::uint32_t i = 0; i < n; ++i) {
      const AnalogInference r = ref.infer(data.test.image(first + i));
      w.push_back(r.predicted);
      for (std::uint32_t k = 0; k < 10; ++k) w.push_back(float_word(float(r.output_V[k])));
    }
    return w;
  };
  REQUIRE(expected(0) != expected(n));
  CHECK(between == expected(0));
  CHECK(after == expected(n));
  for (const auto& v : d.monitor_analog.violations) FAIL_CHECK("protocol: " << v);
}

TEST_CASE("A RESET held back behind a command write comes after the command before it has started",
          "[accelerator][reset][at]") {
  Design& d = *design;
  ForwardingBus& b = d.bus;
  b.run([&] {
    // One queue entry: the first MAC runs, the second waits in the queue,
    // the third is held back, and the RESET behind it.
    for (std::uint32_t tag = 1; tag <= 3; ++tag) {
      const auto c = encode_command(mac(0, 0, 0, 1024, tag));
      b.forward(tlm::TLM_WRITE_COMMAND, regs::kCommandPort, c.data(), kCommandBytes);
    }
    const std::uint32_t reset = regs::kControlReset;
    b.forward(tlm::TLM_WRITE_COMMAND, regs::kControl, &reset, 4);
    for (int i = 0; i < 200 && b.responses.size() < 4; ++i) sc_core::wait(sc_time(100, sc_core::SC_US), b.answered);
    sc_core::wait(sc_time(100, sc_core::SC_US));  // long past every command's end
  });
  REQUIRE(b.responses.size() == 4);
  CHECK(b.bad == 0);
  // The reset came when the second MAC had started (the third was then
  // taken into the queue and dropped): the second is not counted, DONE
  // never set, nothing runs.
  CHECK(debug_read32(b, regs::kCompleted) == 0);
  CHECK(debug_read32(b, regs::kStatus) == 0);
  for (auto* t : b.sent) const_cast<tlm::tlm_generic_payload*>(t)->release();
}
