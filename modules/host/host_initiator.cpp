#include "host/host_initiator.hpp"

#include <stdexcept>

#include "accelerator/register_map.hpp"
#include "compute/fp_value.hpp"

namespace mrampim {

namespace {
double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }
}  // namespace

HostInitiatorCore::HostInitiatorCore(sc_core::sc_module_name name, HostProgram program, bool poll)
    : sc_module(name), program_(std::move(program)), poll_(poll) {
  SC_HAS_PROCESS(HostInitiatorCore);
  SC_THREAD(run);
}

void HostInitiatorCore::access(tlm::tlm_command cmd, std::uint64_t address, unsigned char* data, unsigned length) {
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

std::uint32_t HostInitiatorCore::read_register(std::uint64_t offset) {
  std::uint32_t v = 0;
  access(tlm::TLM_READ_COMMAND, offset, reinterpret_cast<unsigned char*>(&v), 4);
  return v;
}

void HostInitiatorCore::write_register(std::uint64_t offset, std::uint32_t value) {
  access(tlm::TLM_WRITE_COMMAND, offset, reinterpret_cast<unsigned char*>(&value), 4);
}

// A field's covering bytes: written whole when the field is byte-aligned,
// read, modified and written back when it is not.
void HostInitiatorCore::write_field(const HostOp& op) {
  const std::uint32_t first_byte = op.column / 8, last_byte = (op.column + op.width - 1) / 8;
  const unsigned n = last_byte - first_byte + 1;
  const std::uint64_t row_base = regs::kDataBase +
      ((std::uint64_t(op.bank) * subarrays_ + op.subarray) * rows_ + op.row) * row_bytes_;
  unsigned char bytes[16] = {};
  const unsigned shift = op.column % 8;
  const bool aligned = shift == 0 && op.width % 8 == 0;
  if (!aligned) access(tlm::TLM_READ_COMMAND, row_base + first_byte, bytes, n);
  for (std::uint32_t i = 0; i < op.width; ++i) {
    const std::uint32_t bit = shift + i;
    const unsigned char m = static_cast<unsigned char>(1u << (bit % 8));
    if ((op.value >> i) & 1u) bytes[bit / 8] = static_cast<unsigned char>(bytes[bit / 8] | m);
    else bytes[bit / 8] = static_cast<unsigned char>(bytes[bit / 8] & ~m);
  }
  access(tlm::TLM_WRITE_COMMAND, row_base + first_byte, bytes, n);
}

std::uint64_t HostInitiatorCore::read_field(const HostOp& op) {
  const std::uint32_t first_byte = op.column / 8, last_byte = (op.column + op.width - 1) / 8;
  const std::uint64_t row_base = regs::kDataBase +
      ((std::uint64_t(op.bank) * subarrays_ + op.subarray) * rows_ + op.row) * row_bytes_;
  unsigned char bytes[16] = {};
  access(tlm::TLM_READ_COMMAND, row_base + first_byte, bytes, last_byte - first_byte + 1);
  std::uint64_t v = 0;
  for (std::uint32_t i = 0; i < op.width; ++i) {
    const std::uint32_t bit = op.column % 8 + i;
    v |= std::uint64_t((bytes[bit / 8] >> (bit % 8)) & 1u) << i;
  }
  return v;
}

void HostInitiatorCore::note_problem(const std::string& what) {
  if (summary_.problems.size() < 10) summary_.problems.push_back(what);
}

// Until nothing is queued or running; refused commands are counted.
void HostInitiatorCore::wait_idle() {
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

void HostInitiatorCore::run() {
  banks_ = read_register(regs::kBanks);
  subarrays_ = read_register(regs::kSubarrays);
  rows_ = read_register(regs::kRows);
  row_bytes_ = read_register(regs::kRowBytes);
  write_register(regs::kControl, (poll_ ? 0u : regs::kControlIrqEnable) | regs::kControlClearDone |
                                     regs::kControlClearError);
  for (const HostOp& op : program_.ops) {
    switch (op.kind) {
      case HostOp::Kind::WriteField: write_field(op); break;
      case HostOp::Kind::Issue: {
        auto bytes = encode_command(op.command);
        access(tlm::TLM_WRITE_COMMAND, regs::kCommandPort, bytes.data(), unsigned(bytes.size()));
        ++summary_.commands;
        ++issued_since_barrier_;
        break;
      }
      case HostOp::Kind::Barrier: wait_idle(); break;
      case HostOp::Kind::CheckField: {
        ++summary_.checks;
        const std::uint64_t got = read_field(op);
        if (got != op.value) {
          ++summary_.mismatches;
          note_problem(op.what + ": got " + to_hex(got) + ", expected " + to_hex(op.value));
        }
        break;
      }
    }
  }
  wait_idle();
  done_ = true;
  finished.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace mrampim
