/* The mrampim driver: mrampim_driver.h documents it. */
#include "mrampim_driver.h"

#include <string.h>

static uint32_t reg_read(const mrampim_dev *dev, uint32_t offset) {
  return dev->hal->read32(dev->ctx, dev->base + offset);
}

static void reg_write(const mrampim_dev *dev, uint32_t offset, uint32_t value) {
  dev->hal->write32(dev->ctx, dev->base + offset, value);
}

/* CONTROL writes keep the interrupt as init set it: IRQ_ENABLE is a bit of
 * the same register as the clear bits. */
static uint32_t irq_bit(const mrampim_dev *dev) { return dev->use_irq ? MRAMPIM_CONTROL_IRQ_ENABLE : 0u; }

mrampim_status mrampim_init(mrampim_dev *dev, const mrampim_hal *hal, void *ctx, uint64_t base, int use_irq) {
  memset(dev, 0, sizeof *dev);
  dev->hal = hal;
  dev->ctx = ctx;
  dev->base = base;
  if (reg_read(dev, MRAMPIM_REG_ID) != MRAMPIM_ID_VALUE) return MRAMPIM_BAD_ID;
  dev->version = reg_read(dev, MRAMPIM_REG_VERSION);
  /* A new minor only adds registers and commands; a new major may move them. */
  if (MRAMPIM_VERSION_MAJOR(dev->version) != MRAMPIM_VERSION_MAJOR(MRAMPIM_VERSION_VALUE)) return MRAMPIM_BAD_ID;
  dev->use_irq = use_irq && hal->wait_irq != NULL;
  dev->mode = reg_read(dev, MRAMPIM_REG_MODE);
  dev->banks = reg_read(dev, MRAMPIM_REG_BANKS);
  dev->subarrays = reg_read(dev, MRAMPIM_REG_SUBARRAYS);
  dev->rows = reg_read(dev, MRAMPIM_REG_ROWS);
  dev->cols = reg_read(dev, MRAMPIM_REG_COLS);
  dev->row_bytes = reg_read(dev, MRAMPIM_REG_ROW_BYTES);
  dev->queue_depth = reg_read(dev, MRAMPIM_REG_QUEUE_DEPTH);
  dev->analog_inputs = reg_read(dev, MRAMPIM_REG_ANALOG_INPUTS);
  dev->analog_hidden = reg_read(dev, MRAMPIM_REG_ANALOG_HIDDEN);
  dev->analog_outputs = reg_read(dev, MRAMPIM_REG_ANALOG_OUTPUTS);
  reg_write(dev, MRAMPIM_REG_CONTROL, irq_bit(dev) | MRAMPIM_CONTROL_CLEAR_DONE | MRAMPIM_CONTROL_CLEAR_ERROR);
  return MRAMPIM_OK;
}

mrampim_status mrampim_reset(mrampim_dev *dev) {
  /* The reset write takes no other bit: the interrupt is enabled after it. */
  reg_write(dev, MRAMPIM_REG_CONTROL, MRAMPIM_CONTROL_RESET);
  reg_write(dev, MRAMPIM_REG_CONTROL, irq_bit(dev));
  return MRAMPIM_OK;
}

uint64_t mrampim_global_row(const mrampim_dev *dev, uint32_t bank, uint32_t subarray, uint32_t row) {
  return MRAMPIM_GLOBAL_ROW(bank, subarray, row, dev->subarrays, dev->rows);
}

uint64_t mrampim_row_address(const mrampim_dev *dev, uint32_t bank, uint32_t subarray, uint32_t row) {
  return mrampim_global_row(dev, bank, subarray, row) * dev->row_bytes;
}

uint64_t mrampim_data_window_bytes(const mrampim_dev *dev) {
  return (uint64_t)dev->banks * dev->subarrays * dev->rows * dev->row_bytes;
}

static int in_window(const mrampim_dev *dev, uint64_t offset, size_t len) {
  const uint64_t size = mrampim_data_window_bytes(dev);
  return offset <= size && (uint64_t)len <= size - offset;
}

mrampim_status mrampim_write_rows(mrampim_dev *dev, uint64_t offset, const void *src, size_t len) {
  if (!in_window(dev, offset, len)) return MRAMPIM_BAD_ARGUMENT;
  if (len != 0) dev->hal->write_block(dev->ctx, dev->base + MRAMPIM_DATA_BASE + offset, src, len);
  return MRAMPIM_OK;
}

mrampim_status mrampim_read_rows(mrampim_dev *dev, uint64_t offset, void *dst, size_t len) {
  if (!in_window(dev, offset, len)) return MRAMPIM_BAD_ARGUMENT;
  if (len != 0) dev->hal->read_block(dev->ctx, dev->base + MRAMPIM_DATA_BASE + offset, dst, len);
  return MRAMPIM_OK;
}

void mrampim_set_lane_pool(mrampim_dev *dev, uint32_t first, uint32_t count) {
  reg_write(dev, MRAMPIM_REG_LANE_FIRST, first);
  reg_write(dev, MRAMPIM_REG_LANE_COUNT, count);
}

static int uses_args(uint8_t opcode) {
  return (opcode >= MRAMPIM_OP_LAYER_FIRST && opcode <= MRAMPIM_OP_LAYER_LAST) ||
         opcode == MRAMPIM_OP_ANALOG_PROGRAM || opcode == MRAMPIM_OP_ANALOG_INFER;
}

void mrampim_encode_command(const mrampim_command *cmd, uint32_t words[MRAMPIM_COMMAND_WORDS]) {
  unsigned i;
  words[MRAMPIM_CMD_WORD_OP] = MRAMPIM_PUT(MRAMPIM_CMD_OPCODE, cmd->opcode) | MRAMPIM_PUT(MRAMPIM_CMD_NE, cmd->ne) |
                               MRAMPIM_PUT(MRAMPIM_CMD_NM, cmd->nm) |
                               MRAMPIM_PUT(MRAMPIM_CMD_ROUNDING, cmd->rounding);
  if (uses_args(cmd->opcode)) {
    for (i = 0; i < 6u; ++i) words[1u + i] = cmd->args[i];
  } else {
    words[MRAMPIM_CMD_WORD_WHERE] =
        MRAMPIM_PUT(MRAMPIM_CMD_BANK, cmd->bank) | MRAMPIM_PUT(MRAMPIM_CMD_SUBARRAY, cmd->subarray);
    words[MRAMPIM_CMD_WORD_FIRST_ROW] = cmd->first_row;
    words[MRAMPIM_CMD_WORD_ROW_COUNT] = cmd->row_count;
    words[MRAMPIM_CMD_WORD_DST] =
        MRAMPIM_PUT(MRAMPIM_CMD_DST_BANK, cmd->dst_bank) | MRAMPIM_PUT(MRAMPIM_CMD_DST_SUBARRAY, cmd->dst_subarray);
    words[MRAMPIM_CMD_WORD_COLUMNS] =
        MRAMPIM_PUT(MRAMPIM_CMD_SRC_COL, cmd->src_col) | MRAMPIM_PUT(MRAMPIM_CMD_DST_COL, cmd->dst_col);
    words[MRAMPIM_CMD_WORD_WIDTH] = MRAMPIM_PUT(MRAMPIM_CMD_WIDTH, cmd->width);
  }
  words[MRAMPIM_CMD_WORD_TAG] = cmd->tag;
}

mrampim_status mrampim_issue(mrampim_dev *dev, const mrampim_command *cmd) {
  uint32_t words[MRAMPIM_COMMAND_WORDS];
  uint8_t bytes[MRAMPIM_COMMAND_BYTES];
  unsigned i;
  /* A write into a full queue would hold the bus until an entry frees. */
  if (reg_read(dev, MRAMPIM_REG_QUEUE_FREE) == 0) return MRAMPIM_QUEUE_FULL;
  mrampim_encode_command(cmd, words);
  for (i = 0; i < MRAMPIM_COMMAND_BYTES; ++i) bytes[i] = (uint8_t)(words[i / 4u] >> (8u * (i % 4u)));
  dev->hal->write_block(dev->ctx, dev->base + MRAMPIM_COMMAND_PORT, bytes, sizeof bytes);
  return MRAMPIM_OK;
}

mrampim_status mrampim_wait(mrampim_dev *dev, mrampim_result *result) {
  uint32_t reads = 0;
  if (result != NULL) {
    result->error = MRAMPIM_ERR_NONE;
    result->tag = 0;
  }
  for (;;) {
    const uint32_t status = reg_read(dev, MRAMPIM_REG_STATUS);
    if (status & MRAMPIM_STATUS_ERROR) {
      if (result != NULL) {
        result->error = reg_read(dev, MRAMPIM_REG_ERROR_INFO);
        result->tag = reg_read(dev, MRAMPIM_REG_ERROR_TAG);
      }
      reg_write(dev, MRAMPIM_REG_CONTROL, irq_bit(dev) | MRAMPIM_CONTROL_CLEAR_ERROR);
      return MRAMPIM_COMMAND_ERROR;
    }
    /* BUSY, not DONE, decides: with nothing issued DONE never comes. */
    if (!(status & MRAMPIM_STATUS_BUSY)) {
      reg_write(dev, MRAMPIM_REG_CONTROL, irq_bit(dev) | MRAMPIM_CONTROL_CLEAR_DONE);
      return MRAMPIM_OK;
    }
    if (dev->poll_limit != 0 && ++reads >= dev->poll_limit) return MRAMPIM_TIMEOUT;
    /* Busy means DONE and ERROR are clear, so the irq line is low until the
     * device finishes or refuses a command: the wait cannot miss it. */
    if (dev->use_irq) dev->hal->wait_irq(dev->ctx);
  }
}

mrampim_status mrampim_fp32_mac(mrampim_dev *dev, uint32_t bank, uint32_t subarray, uint32_t first_row,
                                uint32_t row_count, uint32_t tag) {
  mrampim_command c;
  memset(&c, 0, sizeof c);
  c.opcode = MRAMPIM_OP_FP_MAC;
  c.ne = MRAMPIM_FP32_NE;
  c.nm = MRAMPIM_FP32_NM;
  c.rounding = MRAMPIM_ROUNDING_IEEE;
  c.bank = (uint16_t)bank;
  c.subarray = (uint16_t)subarray;
  c.first_row = first_row;
  c.row_count = row_count;
  c.tag = tag;
  return mrampim_issue(dev, &c);
}

mrampim_status mrampim_fc_forward(mrampim_dev *dev, uint32_t x_row, uint32_t weights_row, uint32_t bias_row,
                                  uint32_t y_row, uint32_t in, uint32_t out, uint32_t batch, uint32_t tag) {
  mrampim_command c;
  memset(&c, 0, sizeof c);
  c.opcode = MRAMPIM_OP_FC_FORWARD;
  c.ne = MRAMPIM_FP32_NE;
  c.nm = MRAMPIM_FP32_NM;
  c.rounding = MRAMPIM_ROUNDING_IEEE;
  c.args[MRAMPIM_LAYER_WORD_T0 - 1u] = x_row;
  c.args[MRAMPIM_LAYER_WORD_T1 - 1u] = weights_row;
  c.args[MRAMPIM_LAYER_WORD_T2 - 1u] = bias_row;
  c.args[MRAMPIM_LAYER_WORD_T3 - 1u] = y_row;
  c.args[MRAMPIM_LAYER_WORD_SHAPE - 1u] = MRAMPIM_LAYER_FC_SHAPE(in, out);
  c.args[MRAMPIM_LAYER_WORD_KERNEL_BATCH - 1u] = MRAMPIM_LAYER_KERNEL_BATCH(0u, batch);
  c.tag = tag;
  return mrampim_issue(dev, &c);
}
