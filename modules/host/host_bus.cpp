#include "host/host_bus.hpp"

#include <stdexcept>

#include "accelerator/register_map.hpp"
#include "compute/fp_value.hpp"

namespace mrampim {

namespace {
double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }
}  // namespace

HostBusCore::HostBusCore(sc_core::sc_module_name name, bool poll) : sc_module(name), poll_(poll) {}

void HostBusCore::access(tlm::tlm_command cmd, std::uint64_t address, unsigned char* data, unsigned length) {
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
  if (summary_.transactions == 0) summary_.start_ns = now_ns();
  transport(t, delay);
  sc_core::wait(delay);
  ++summary_.transactions;
  (cmd == tlm::TLM_READ_COMMAND ? summary_.bytes_read : summary_.bytes_written) += length;
  summary_.end_ns = now_ns();
  if (!t.is_response_ok()) {
    throw std::runtime_error(std::string(name()) + ": " + t.get_response_string() + " at address 0x" +
                             to_hex(address).substr(2));
  }
}

std::uint32_t HostBusCore::read_register(std::uint64_t offset) {
  std::uint32_t v = 0;
  access(tlm::TLM_READ_COMMAND, offset, reinterpret_cast<unsigned char*>(&v), 4);
  return v;
}

void HostBusCore::write_register(std::uint64_t offset, std::uint32_t value) {
  access(tlm::TLM_WRITE_COMMAND, offset, reinterpret_cast<unsigned char*>(&value), 4);
}

void HostBusCore::open_device() {
  banks_ = read_register(regs::kBanks);
  subarrays_ = read_register(regs::kSubarrays);
  rows_ = read_register(regs::kRows);
  row_bytes_ = read_register(regs::kRowBytes);
  write_register(regs::kControl, (poll_ ? 0u : regs::kControlIrqEnable) | regs::kControlClearDone |
                                     regs::kControlClearError);
}

std::uint64_t HostBusCore::row_base(std::uint32_t bank, std::uint32_t subarray, std::uint32_t row) const {
  return regs::kDataBase + ((std::uint64_t(bank) * subarrays_ + subarray) * rows_ + row) * row_bytes_;
}

void HostBusCore::write_tensor(const TensorGeometry& g, std::uint32_t row, const std::vector<std::uint32_t>& words) {
  const std::size_t row_words = row_bytes_ / 8;
  std::vector<std::uint64_t> rows(g.rows(words.size()) * row_words, 0);
  tensor_pack(g, row_words, words.data(), words.size(), rows.data());
  access(tlm::TLM_WRITE_COMMAND, regs::kDataBase + std::uint64_t(row) * row_bytes_,
         reinterpret_cast<unsigned char*>(rows.data()), unsigned(rows.size() * 8));
}

std::vector<std::uint32_t> HostBusCore::read_tensor(const TensorGeometry& g, std::uint32_t row, std::size_t n) {
  const std::size_t row_words = row_bytes_ / 8;
  std::vector<std::uint64_t> rows(g.rows(n) * row_words, 0);
  access(tlm::TLM_READ_COMMAND, regs::kDataBase + std::uint64_t(row) * row_bytes_,
         reinterpret_cast<unsigned char*>(rows.data()), unsigned(rows.size() * 8));
  std::vector<std::uint32_t> words(n);
  tensor_unpack(g, row_words, rows.data(), n, words.data());
  return words;
}

void HostBusCore::issue(const Command& c) {
  auto bytes = encode_command(c);
  access(tlm::TLM_WRITE_COMMAND, regs::kCommandPort, bytes.data(), unsigned(bytes.size()));
  ++summary_.commands;
  ++issued_since_barrier_;
}

void HostBusCore::note_problem(const std::string& what) {
  if (summary_.problems.size() < 10) summary_.problems.push_back(what);
}

void HostBusCore::wait_idle() {
  if (issued_since_barrier_ == 0) return;
  for (;;) {
    const std::uint32_t status = read_register(regs::kStatus);
    if (status & regs::kStatusError) {
      ++summary_.refused;
      note_problem("command " + std::to_string(read_register(regs::kErrorTag)) + " refused: error code " +
                   std::to_string(read_register(regs::kErrorInfo)));
      write_register(regs::kControl, (poll_ ? 0u : regs::kControlIrqEnable) | regs::kControlClearError);
      continue;
    }
    if (!(status & regs::kStatusBusy)) break;
    if (poll_ || irq.read()) sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
    else sc_core::wait(irq.posedge_event());
  }
  write_register(regs::kControl, (poll_ ? 0u : regs::kControlIrqEnable) | regs::kControlClearDone);
  issued_since_barrier_ = 0;
}

void HostBusCore::finish() {
  done_ = true;
  finished.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace mrampim
