#include "host/host_initiator.hpp"

#include "compute/fp_value.hpp"

namespace mrampim {

HostInitiatorCore::HostInitiatorCore(sc_core::sc_module_name name, HostProgram program, bool poll)
    : HostBusCore(name, poll), program_(std::move(program)) {
  SC_HAS_PROCESS(HostInitiatorCore);
  SC_THREAD(run);
}

// A field's covering bytes: written whole when the field is byte-aligned,
// read, modified and written back when it is not.
void HostInitiatorCore::write_field(const HostOp& op) {
  const std::uint32_t first_byte = op.column / 8, last_byte = (op.column + op.width - 1) / 8;
  const unsigned n = last_byte - first_byte + 1;
  const std::uint64_t base = row_base(op.bank, op.subarray, op.row);
  unsigned char bytes[16] = {};
  const unsigned shift = op.column % 8;
  const bool aligned = shift == 0 && op.width % 8 == 0;
  if (!aligned) access(tlm::TLM_READ_COMMAND, base + first_byte, bytes, n);
  for (std::uint32_t i = 0; i < op.width; ++i) {
    const std::uint32_t bit = shift + i;
    const unsigned char m = static_cast<unsigned char>(1u << (bit % 8));
    if ((op.value >> i) & 1u) bytes[bit / 8] = static_cast<unsigned char>(bytes[bit / 8] | m);
    else bytes[bit / 8] = static_cast<unsigned char>(bytes[bit / 8] & ~m);
  }
  access(tlm::TLM_WRITE_COMMAND, base + first_byte, bytes, n);
}

std::uint64_t HostInitiatorCore::read_field(const HostOp& op) {
  const std::uint32_t first_byte = op.column / 8, last_byte = (op.column + op.width - 1) / 8;
  unsigned char bytes[16] = {};
  access(tlm::TLM_READ_COMMAND, row_base(op.bank, op.subarray, op.row) + first_byte, bytes,
         last_byte - first_byte + 1);
  std::uint64_t v = 0;
  for (std::uint32_t i = 0; i < op.width; ++i) {
    const std::uint32_t bit = op.column % 8 + i;
    v |= std::uint64_t((bytes[bit / 8] >> (bit % 8)) & 1u) << i;
  }
  return v;
}

void HostInitiatorCore::run() {
  open_device();
  for (const HostOp& op : program_.ops) {
    switch (op.kind) {
      case HostOp::Kind::WriteField: write_field(op); break;
      case HostOp::Kind::Issue: issue(op.command); break;
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
  finish();
}

}  // namespace mrampim
