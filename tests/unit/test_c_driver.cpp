// The C driver (platforms/driver, compiled as C) against a fake device in
// memory: the descriptors it writes are the ones the model decodes, and it
// drives STATUS, CONTROL and the data window as docs/accelerator.md says.
// The run against the real accelerator belongs to a firmware-in-the-loop
// platform.
#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <vector>

#include "controller/command.hpp"
#include "controller/layer_command.hpp"
#include "mrampim_driver.h"

using namespace mrampim;

namespace {

constexpr std::uint64_t kBase = 0x8000'0000'0000;  // above 4 GiB: addresses stay 64-bit

// Registers, a data window of 2 banks x 3 subarrays x 4 rows of 16 bytes,
// and every descriptor and CONTROL write, in order.
struct FakeDevice {
  std::uint32_t id = MRAMPIM_ID_VALUE, version = MRAMPIM_VERSION_VALUE;
  std::uint32_t status = 0, queue_free = 4, error_info = 0, error_tag = 0;
  std::uint32_t lane_first = 0, lane_count = 0;
  std::vector<std::uint8_t> data = std::vector<std::uint8_t>(2 * 3 * 4 * 16);
  std::vector<std::array<std::uint8_t, kCommandBytes>> commands;
  std::vector<std::uint32_t> control_writes;
  int irq_waits = 0;
  int busy_polls = 0;  // STATUS reads that still find it busy

  std::uint32_t read(std::uint64_t offset) {
    switch (offset) {
      case MRAMPIM_REG_ID: return id;
      case MRAMPIM_REG_VERSION: return version;
      case MRAMPIM_REG_BANKS: return 2;
      case MRAMPIM_REG_SUBARRAYS: return 3;
      case MRAMPIM_REG_ROWS: return 4;
      case MRAMPIM_REG_COLS: return 128;
      case MRAMPIM_REG_ROW_BYTES: return 16;
      case MRAMPIM_REG_QUEUE_DEPTH: return 4;
      case MRAMPIM_REG_QUEUE_FREE: return queue_free;
      case MRAMPIM_REG_STATUS:
        if (busy_polls > 0 && --busy_polls == 0) status = (status & ~MRAMPIM_STATUS_BUSY) | MRAMPIM_STATUS_DONE;
        return status;
      case MRAMPIM_REG_ERROR_INFO: return error_info;
      case MRAMPIM_REG_ERROR_TAG: return error_tag;
      case MRAMPIM_REG_LANE_FIRST: return lane_first;
      case MRAMPIM_REG_LANE_COUNT: return lane_count;
      default: return 0;
    }
  }
  void write(std::uint64_t offset, std::uint32_t v) {
    if (offset == MRAMPIM_REG_LANE_FIRST) lane_first = v;
    if (offset == MRAMPIM_REG_LANE_COUNT) lane_count = v;
    if (offset != MRAMPIM_REG_CONTROL) return;
    control_writes.push_back(v);
    if (v & MRAMPIM_CONTROL_CLEAR_DONE) status &= ~MRAMPIM_STATUS_DONE;
    if (v & MRAMPIM_CONTROL_CLEAR_ERROR) status &= ~MRAMPIM_STATUS_ERROR;
  }
};

FakeDevice& fake(void* ctx) { return *static_cast<FakeDevice*>(ctx); }

// Plain C++ functions: the C header's pointer types take them. No REQUIRE
// inside: an exception cannot unwind through the C driver's frames.
std::uint32_t hal_read32(void* ctx, std::uint64_t addr) { return fake(ctx).read(addr - kBase); }
void hal_write32(void* ctx, std::uint64_t addr, std::uint32_t v) { fake(ctx).write(addr - kBase, v); }
void hal_write_block(void* ctx, std::uint64_t addr, const void* src, std::size_t len) {
  FakeDevice& d = fake(ctx);
  if (addr == kBase + MRAMPIM_COMMAND_PORT) {
    CHECK(len == kCommandBytes);  // one whole descriptor per write
    if (len != kCommandBytes) return;
    std::array<std::uint8_t, kCommandBytes> b{};
    std::memcpy(b.data(), src, len);
    d.commands.push_back(b);
    d.status |= MRAMPIM_STATUS_BUSY;
    return;
  }
  const std::uint64_t offset = addr - kBase - MRAMPIM_DATA_BASE;
  CHECK(offset + len <= d.data.size());
  if (offset + len <= d.data.size()) std::memcpy(d.data.data() + offset, src, len);
}
void hal_read_block(void* ctx, std::uint64_t addr, void* dst, std::size_t len) {
  FakeDevice& d = fake(ctx);
  const std::uint64_t offset = addr - kBase - MRAMPIM_DATA_BASE;
  CHECK(offset + len <= d.data.size());
  if (offset + len <= d.data.size()) std::memcpy(dst, d.data.data() + offset, len);
}
void hal_wait_irq(void* ctx) { ++fake(ctx).irq_waits; }

const mrampim_hal kHal{hal_read32, hal_write32, hal_write_block, hal_read_block, hal_wait_irq};

}  // namespace

TEST_CASE("The C driver opens the device, and refuses what is not one", "[command][driver]") {
  FakeDevice d;
  mrampim_dev dev;
  REQUIRE(mrampim_init(&dev, &kHal, &d, kBase, 1) == MRAMPIM_OK);
  CHECK(dev.banks == 2);
  CHECK(dev.subarrays == 3);
  CHECK(dev.rows == 4);
  CHECK(dev.row_bytes == 16);
  CHECK(dev.use_irq == 1);
  REQUIRE(d.control_writes.size() == 1);
  CHECK(d.control_writes[0] ==
        (MRAMPIM_CONTROL_IRQ_ENABLE | MRAMPIM_CONTROL_CLEAR_DONE | MRAMPIM_CONTROL_CLEAR_ERROR));

  mrampim_hal polled = kHal;
  polled.wait_irq = nullptr;  // asked for the interrupt, but no way to wait on it: polls
  REQUIRE(mrampim_init(&dev, &polled, &d, kBase, 1) == MRAMPIM_OK);
  CHECK(dev.use_irq == 0);
  CHECK(d.control_writes.back() == (MRAMPIM_CONTROL_CLEAR_DONE | MRAMPIM_CONTROL_CLEAR_ERROR));

  d.version = 0x00020000;
  CHECK(mrampim_init(&dev, &kHal, &d, kBase, 0) == MRAMPIM_BAD_ID);
  d.version = MRAMPIM_VERSION_VALUE;
  d.id = 0;
  CHECK(mrampim_init(&dev, &kHal, &d, kBase, 0) == MRAMPIM_BAD_ID);
}

TEST_CASE("The C driver's descriptors are the ones encode_command writes", "[command][driver]") {
  FakeDevice d;
  mrampim_dev dev;
  REQUIRE(mrampim_init(&dev, &kHal, &d, kBase, 0) == MRAMPIM_OK);

  REQUIRE(mrampim_fp32_mac(&dev, 1, 2, 3, 1000, 0xabcd1234) == MRAMPIM_OK);
  Command mac;
  mac.opcode = Opcode::FpMac;
  mac.raw_opcode = std::uint8_t(Opcode::FpMac);
  mac.format = FpFormat::fp32();
  mac.bank = 1;
  mac.subarray = 2;
  mac.first_row = 3;
  mac.row_count = 1000;
  mac.tag = 0xabcd1234;
  REQUIRE(d.commands.size() == 1);
  CHECK(d.commands[0] == encode_command(mac));

  mrampim_command m{};
  m.opcode = MRAMPIM_OP_MOVE;
  m.rounding = MRAMPIM_ROUNDING_PAPER;
  m.bank = 0x1234;
  m.subarray = 0x5678;
  m.first_row = 0x9abcdef0;
  m.row_count = 0x0fedcba9;
  m.dst_bank = 0x2345;
  m.dst_subarray = 0x6789;
  m.src_col = 0x3456;
  m.dst_col = 0x789a;
  m.width = 0x456789ab;
  m.tag = 0xcafef00d;
  REQUIRE(mrampim_issue(&dev, &m) == MRAMPIM_OK);
  const Command mv = decode_command(d.commands.back());
  CHECK(mv.opcode == Opcode::Move);
  CHECK(mv.rounding == Rounding::Paper);
  CHECK(mv.bank == 0x1234);
  CHECK(mv.subarray == 0x5678);
  CHECK(mv.first_row == 0x9abcdef0);
  CHECK(mv.row_count == 0x0fedcba9);
  CHECK(mv.dst_bank == 0x2345);
  CHECK(mv.dst_subarray == 0x6789);
  CHECK(mv.src_col == 0x3456);
  CHECK(mv.dst_col == 0x789a);
  CHECK(mv.width == 0x456789ab);
  CHECK(mv.tag == 0xcafef00d);
  CHECK_FALSE(mv.reserved_bits_set);
  CHECK(encode_command(mv) == d.commands.back());

  REQUIRE(mrampim_fc_forward(&dev, 100, 200, 300, 400, 784, 10, 64, 9) == MRAMPIM_OK);
  Command fc = fc_forward_command(100, 200, 300, 400, 784, 10, 64);
  fc.format = FpFormat::fp32();
  fc.tag = 9;
  CHECK(d.commands.back() == encode_command(fc));
  const LayerShape s = layer_shape(decode_command(d.commands.back()));
  CHECK(s.in == 784);
  CHECK(s.out == 10);
  CHECK(s.batch == 64);

  // A full queue: nothing written, the bus never held.
  d.queue_free = 0;
  CHECK(mrampim_fp32_mac(&dev, 0, 0, 0, 1, 1) == MRAMPIM_QUEUE_FULL);
  CHECK(d.commands.size() == 3);
}

TEST_CASE("The C driver waits on the interrupt or polls, and reports a refused command", "[command][driver]") {
  FakeDevice d;
  mrampim_dev dev;
  mrampim_result r{};
  REQUIRE(mrampim_init(&dev, &kHal, &d, kBase, 1) == MRAMPIM_OK);

  // Nothing issued: not busy, nothing to wait for.
  CHECK(mrampim_wait(&dev, &r) == MRAMPIM_OK);
  CHECK(d.irq_waits == 0);

  REQUIRE(mrampim_fp32_mac(&dev, 0, 0, 0, 4, 1) == MRAMPIM_OK);
  d.busy_polls = 3;
  CHECK(mrampim_wait(&dev, &r) == MRAMPIM_OK);
  CHECK(r.error == MRAMPIM_ERR_NONE);
  CHECK(d.irq_waits == 2);  // busy at the first two reads
  CHECK((d.status & MRAMPIM_STATUS_DONE) == 0);
  CHECK(d.control_writes.back() == (MRAMPIM_CONTROL_IRQ_ENABLE | MRAMPIM_CONTROL_CLEAR_DONE));

  // A refused command: its code and tag, ERROR cleared, the interrupt kept.
  d.status = MRAMPIM_STATUS_ERROR | MRAMPIM_STATUS_BUSY;
  d.error_info = MRAMPIM_ERR_ROWS_OUT_OF_RANGE;
  d.error_tag = 42;
  CHECK(mrampim_wait(&dev, &r) == MRAMPIM_COMMAND_ERROR);
  CHECK(r.error == MRAMPIM_ERR_ROWS_OUT_OF_RANGE);
  CHECK(r.tag == 42);
  CHECK(d.control_writes.back() == (MRAMPIM_CONTROL_IRQ_ENABLE | MRAMPIM_CONTROL_CLEAR_ERROR));
  // The rest goes on: the next wait is for them.
  d.busy_polls = 2;
  CHECK(mrampim_wait(&dev, &r) == MRAMPIM_OK);
  CHECK(r.error == MRAMPIM_ERR_NONE);

  // Polling with a limit.
  mrampim_hal polled = kHal;
  polled.wait_irq = nullptr;
  REQUIRE(mrampim_init(&dev, &polled, &d, kBase, 1) == MRAMPIM_OK);
  dev.poll_limit = 5;
  d.status = MRAMPIM_STATUS_BUSY;
  const int waits = d.irq_waits;
  CHECK(mrampim_wait(&dev, nullptr) == MRAMPIM_TIMEOUT);
  CHECK(d.irq_waits == waits);

  // Reset: RESET alone (the write's other bits are not taken), then the
  // interrupt as init set it.
  REQUIRE(mrampim_init(&dev, &kHal, &d, kBase, 1) == MRAMPIM_OK);
  d.control_writes.clear();
  CHECK(mrampim_reset(&dev) == MRAMPIM_OK);
  CHECK(d.control_writes == std::vector<std::uint32_t>{MRAMPIM_CONTROL_RESET, MRAMPIM_CONTROL_IRQ_ENABLE});
}

TEST_CASE("The C driver addresses rows as the data window lays them out", "[command][driver]") {
  FakeDevice d;
  mrampim_dev dev;
  REQUIRE(mrampim_init(&dev, &kHal, &d, kBase, 0) == MRAMPIM_OK);
  // Bank-major, then subarray, then row (host_bus.cpp's row_base).
  CHECK(mrampim_global_row(&dev, 1, 2, 3) == (1 * 3 + 2) * 4 + 3);
  CHECK(mrampim_row_address(&dev, 1, 2, 3) == ((1 * 3 + 2) * 4 + 3) * 16);
  CHECK(mrampim_data_window_bytes(&dev) == d.data.size());

  std::array<std::uint8_t, 32> rows{};
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = std::uint8_t(3 * i + 1);
  const std::uint64_t at = mrampim_row_address(&dev, 1, 0, 1);
  REQUIRE(mrampim_write_rows(&dev, at, rows.data(), rows.size()) == MRAMPIM_OK);
  CHECK(std::memcmp(d.data.data() + at, rows.data(), rows.size()) == 0);
  std::array<std::uint8_t, 32> back{};
  REQUIRE(mrampim_read_rows(&dev, at, back.data(), back.size()) == MRAMPIM_OK);
  CHECK(back == rows);

  const std::uint64_t last = mrampim_row_address(&dev, 1, 2, 3);
  CHECK(mrampim_write_rows(&dev, last, rows.data(), 16) == MRAMPIM_OK);
  CHECK(mrampim_write_rows(&dev, last, rows.data(), 17) == MRAMPIM_BAD_ARGUMENT);
  CHECK(mrampim_read_rows(&dev, ~std::uint64_t{0}, back.data(), 1) == MRAMPIM_BAD_ARGUMENT);

  mrampim_set_lane_pool(&dev, 4, 2);
  CHECK(d.lane_first == 4);
  CHECK(d.lane_count == 2);
}
