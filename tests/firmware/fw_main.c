/* A tiny firmware for the driver's build test: a static HAL over a fake
 * device in memory, just enough of one (ID, shape, an idle STATUS, a data
 * window, a captured command) to run the driver's calls once. Built for the
 * host it runs (exit status 0: every check held); built for RISC-V with
 * picolibc it proves the driver links into a bare-metal ELF. */
#include <stdint.h>
#include <string.h>

#include "mrampim_driver.h"

#define BASE 0x40000000u
#define ROWS 8u
#define ROW_BYTES 16u

static struct {
  uint32_t control;
  uint32_t status;
  uint8_t command[MRAMPIM_COMMAND_BYTES];
  uint8_t data[ROWS * ROW_BYTES];
} dev_mem;

static uint32_t fake_read32(void *ctx, uint64_t addr) {
  (void)ctx;
  switch (addr - BASE) {
    case MRAMPIM_REG_ID: return MRAMPIM_ID_VALUE;
    case MRAMPIM_REG_VERSION: return MRAMPIM_VERSION_VALUE;
    case MRAMPIM_REG_BANKS: return 1u;
    case MRAMPIM_REG_SUBARRAYS: return 1u;
    case MRAMPIM_REG_ROWS: return ROWS;
    case MRAMPIM_REG_COLS: return ROW_BYTES * 8u;
    case MRAMPIM_REG_ROW_BYTES: return ROW_BYTES;
    case MRAMPIM_REG_QUEUE_DEPTH: return 1u;
    case MRAMPIM_REG_QUEUE_FREE: return 1u;
    case MRAMPIM_REG_STATUS: return dev_mem.status;
    case MRAMPIM_REG_ERROR_INFO: return MRAMPIM_ERR_ROWS_OUT_OF_RANGE;
    case MRAMPIM_REG_ERROR_TAG: return 7u;
    default: return 0u;
  }
}

static void fake_write32(void *ctx, uint64_t addr, uint32_t value) {
  (void)ctx;
  if (addr - BASE != MRAMPIM_REG_CONTROL) return;
  dev_mem.control = value & MRAMPIM_CONTROL_IRQ_ENABLE;
  if (value & MRAMPIM_CONTROL_CLEAR_DONE) dev_mem.status &= ~MRAMPIM_STATUS_DONE;
  if (value & MRAMPIM_CONTROL_CLEAR_ERROR) dev_mem.status &= ~MRAMPIM_STATUS_ERROR;
}

static void fake_write_block(void *ctx, uint64_t addr, const void *src, size_t len) {
  (void)ctx;
  if (addr == BASE + MRAMPIM_COMMAND_PORT && len == MRAMPIM_COMMAND_BYTES) {
    memcpy(dev_mem.command, src, len);
  } else if (addr >= BASE + MRAMPIM_DATA_BASE) {
    memcpy(dev_mem.data + (addr - BASE - MRAMPIM_DATA_BASE), src, len);
  }
}

static void fake_read_block(void *ctx, uint64_t addr, void *dst, size_t len) {
  (void)ctx;
  memcpy(dst, dev_mem.data + (addr - BASE - MRAMPIM_DATA_BASE), len);
}

static const mrampim_hal hal = {fake_read32, fake_write32, fake_write_block, fake_read_block, NULL};

int main(void) {
  mrampim_dev dev;
  mrampim_result r;
  uint8_t row[ROW_BYTES], back[ROW_BYTES];
  unsigned i;
  if (mrampim_init(&dev, &hal, NULL, BASE, 1) != MRAMPIM_OK || dev.rows != ROWS || dev.use_irq) return 1;
  for (i = 0; i < ROW_BYTES; ++i) row[i] = (uint8_t)(i * 7u + 1u);
  if (mrampim_write_rows(&dev, mrampim_row_address(&dev, 0, 0, 3), row, sizeof row) != MRAMPIM_OK) return 2;
  if (mrampim_read_rows(&dev, mrampim_row_address(&dev, 0, 0, 3), back, sizeof back) != MRAMPIM_OK) return 3;
  if (memcmp(row, back, sizeof row) != 0) return 4;
  if (mrampim_write_rows(&dev, mrampim_row_address(&dev, 0, 0, ROWS), row, 1) != MRAMPIM_BAD_ARGUMENT) return 5;
  if (mrampim_fp32_mac(&dev, 0, 0, 2, 5, 0x01020304u) != MRAMPIM_OK) return 6;
  /* Little-endian words: opcode, Ne, Nm; ...; the tag last. */
  if (dev_mem.command[0] != MRAMPIM_OP_FP_MAC || dev_mem.command[1] != 8u || dev_mem.command[2] != 23u ||
      dev_mem.command[8] != 2u || dev_mem.command[12] != 5u || dev_mem.command[28] != 0x04u ||
      dev_mem.command[31] != 0x01u) {
    return 7;
  }
  dev_mem.status = MRAMPIM_STATUS_DONE;
  if (mrampim_wait(&dev, &r) != MRAMPIM_OK || dev_mem.status != 0u) return 8;
  dev_mem.status = MRAMPIM_STATUS_ERROR | MRAMPIM_STATUS_DONE;
  if (mrampim_wait(&dev, &r) != MRAMPIM_COMMAND_ERROR || r.error != MRAMPIM_ERR_ROWS_OUT_OF_RANGE || r.tag != 7u) {
    return 9;
  }
  dev_mem.status = MRAMPIM_STATUS_BUSY;
  dev.poll_limit = 3;
  if (mrampim_wait(&dev, &r) != MRAMPIM_TIMEOUT) return 10;
  if (mrampim_fc_forward(&dev, 0, 1, 2, 3, 4, 5, 6, 0) != MRAMPIM_OK || dev_mem.command[0] != MRAMPIM_OP_FC_FORWARD) {
    return 11;
  }
  if (mrampim_reset(&dev) != MRAMPIM_OK) return 12;
  return 0;
}
