// A minimal SoC platform built against an installed mrampim: one LT initiator
// and the accelerator on a 64-bit socket. It reads the ID and ROWS registers
// and writes one row of the data window and reads it back. Exit status 0 only
// if every check passes.
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <cstring>
#include <iostream>
#include <vector>

#include "accelerator/accelerator.hpp"
#include "accelerator/register_map.hpp"
#include "ledger/cost_ledger.hpp"
#include "tech/technology.hpp"

namespace {

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator, 64> socket{"socket"};
  std::uint32_t expected_rows = 0;  // the technology's rows per subarray
  int failures = 0;
  int checks = 0;

  SC_HAS_PROCESS(Initiator);
  explicit Initiator(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }

  bool transact(tlm::tlm_command cmd, std::uint64_t address, unsigned char* data, unsigned length) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(address);
    t.set_data_ptr(data);
    t.set_data_length(length);
    t.set_streaming_width(length);
    t.set_byte_enable_ptr(nullptr);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(t, delay);
    sc_core::wait(delay);
    return t.is_response_ok();
  }

  std::uint32_t read_register(std::uint64_t offset, bool& ok) {
    unsigned char bytes[4] = {};
    ok = transact(tlm::TLM_READ_COMMAND, offset, bytes, 4);
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i) value = value << 8 | bytes[i];  // registers are little-endian
    return value;
  }

  void check(bool passed, const char* what) {
    ++checks;
    if (!passed) ++failures;
    std::cout << (passed ? "pass: " : "FAIL: ") << what << '\n';
  }

  void run() {
    bool ok = false;
    const std::uint32_t id = read_register(mrampim::regs::kId, ok);
    std::cout << "ID = 0x" << std::hex << id << std::dec << '\n';
    check(ok && id == mrampim::regs::kIdValue, "ID register reads 0x4D50494D");

    const std::uint32_t rows = read_register(mrampim::regs::kRows, ok);
    std::cout << "ROWS = " << rows << '\n';
    check(ok && rows == expected_rows, "ROWS register reads the technology's rows per subarray");

    const std::uint32_t row_bytes = read_register(mrampim::regs::kRowBytes, ok);
    std::cout << "ROW_BYTES = " << row_bytes << '\n';
    check(ok && row_bytes > 0 && row_bytes % 8 == 0, "ROW_BYTES register reads a whole number of words");

    if (ok && row_bytes > 0) {
      std::vector<unsigned char> written(row_bytes), read_back(row_bytes, 0);
      for (std::size_t i = 0; i < written.size(); ++i) written[i] = static_cast<unsigned char>(i * 37 + 11);
      // The second row of the data window (the first one would hide an
      // address decoding that ignores the offset).
      const std::uint64_t row = mrampim::regs::kDataBase + row_bytes;
      check(transact(tlm::TLM_WRITE_COMMAND, row, written.data(), row_bytes), "write of one data-window row");
      check(transact(tlm::TLM_READ_COMMAND, row, read_back.data(), row_bytes), "read of the same row");
      check(read_back == written, "the row reads back as written");
    }
    sc_core::sc_stop();
  }
};

}  // namespace

int sc_main(int, char*[]) {
  const mrampim::Technology tech = mrampim::load_technology("sot-mram-1t1r");  // embedded in the library
  mrampim::CostLedger ledger;
  mrampim::Accelerator<64> accelerator("accelerator", tech, mrampim::AcceleratorConfig{}, ledger);
  sc_core::sc_signal<bool> irq("irq");
  accelerator.irq(irq);
  Initiator host("host");
  host.expected_rows = tech.array.rows;
  host.socket.bind(accelerator.socket);

  sc_core::sc_start();
  const bool passed = host.failures == 0 && host.checks == 6;
  std::cout << host.checks << " checks, " << host.failures << " failed: " << (passed ? "PASS" : "FAIL") << '\n';
  return passed ? 0 : 1;
}
