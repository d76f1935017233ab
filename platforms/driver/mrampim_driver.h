/*
 * A small C11 driver for the mrampim accelerator, for firmware on the host
 * CPU. It knows the device only through modules/accelerator/mrampim_regs.h
 * (the register map the model uses too) and reaches it only through the HAL
 * the firmware provides, so it runs bare-metal, under an OS, or against a
 * model in a test. No allocation, no libc beyond <string.h>.
 *
 * A typical sequence (docs/accelerator.md, "Firmware view"):
 *
 *   mrampim_dev dev;
 *   if (mrampim_init(&dev, &my_hal, my_ctx, 0x40000000u, 1) != MRAMPIM_OK) fail();
 *   // a, b, c of every row, per fp32 row: 4 little-endian floats a b c result
 *   mrampim_write_rows(&dev, mrampim_row_address(&dev, 0, 0, 0), rows, n * dev.row_bytes);
 *   mrampim_fp32_mac(&dev, 0, 0, 0, n, 1);
 *   mrampim_result r;
 *   if (mrampim_wait(&dev, &r) == MRAMPIM_COMMAND_ERROR) report(r.error, r.tag);
 *   mrampim_read_rows(&dev, mrampim_row_address(&dev, 0, 0, 0), rows, n * dev.row_bytes);
 */
#ifndef MRAMPIM_DRIVER_H
#define MRAMPIM_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "accelerator/mrampim_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The bus, as the firmware reaches it. Addresses are absolute bus addresses
 * (the device's base plus an offset). Registers are 32-bit values in the
 * CPU's byte order (the HAL swaps on a big-endian CPU; the device is
 * little-endian); blocks are bytes as they lie on the bus. */
typedef struct mrampim_hal {
  uint32_t (*read32)(void *ctx, uint64_t addr);
  void (*write32)(void *ctx, uint64_t addr, uint32_t value);
  /* One burst each: the command port takes a descriptor only as one 32-byte
   * write, and the data window is fastest in long bursts. */
  void (*write_block)(void *ctx, uint64_t addr, const void *src, size_t len);
  void (*read_block)(void *ctx, uint64_t addr, void *dst, size_t len);
  /* Optional: return once the device's irq line is high (returning early is
   * harmless: the driver reads STATUS again). NULL: the driver polls STATUS. */
  void (*wait_irq)(void *ctx);
} mrampim_hal;

typedef enum mrampim_status {
  MRAMPIM_OK = 0,
  MRAMPIM_BAD_ID,         /* no mrampim at that base, or another major version */
  MRAMPIM_QUEUE_FULL,     /* the command was not written: retry after mrampim_wait */
  MRAMPIM_COMMAND_ERROR,  /* the device refused a command: mrampim_result says which, why */
  MRAMPIM_TIMEOUT,        /* poll_limit STATUS reads without the device finishing */
  MRAMPIM_BAD_ARGUMENT    /* an access outside the data window */
} mrampim_status;

/* A device: the bus and what init read of the shape. Fill nothing by hand
 * but poll_limit, after mrampim_init (which sets it to 0: wait for ever). */
typedef struct mrampim_dev {
  const mrampim_hal *hal;
  void *ctx;
  uint64_t base;
  int use_irq;
  uint32_t poll_limit;
  uint32_t version, mode;
  uint32_t banks, subarrays, rows, cols, row_bytes, queue_depth;
  uint32_t analog_inputs, analog_hidden, analog_outputs; /* 0: no analog tile */
} mrampim_dev;

/* A command's fields (mrampim_encode_command packs them). Row commands (fp,
 * dot, move) use bank..width; layer and analog commands use args instead:
 * words 1-6 as the header's MRAMPIM_LAYER_* and MRAMPIM_ANALOG_* say. */
typedef struct mrampim_command {
  uint8_t opcode;        /* MRAMPIM_OP_* */
  uint8_t ne, nm;        /* the format; fp32: MRAMPIM_FP32_NE, MRAMPIM_FP32_NM */
  uint8_t rounding;      /* MRAMPIM_ROUNDING_IEEE or MRAMPIM_ROUNDING_PAPER */
  uint16_t bank, subarray;
  uint32_t first_row, row_count;
  uint16_t dst_bank, dst_subarray; /* move */
  uint16_t src_col, dst_col;       /* move */
  uint32_t width;                  /* move, in columns */
  uint32_t args[6];                /* layer and analog commands: words 1-6 */
  uint32_t tag;                    /* echoed in LAST_TAG, ERROR_TAG */
} mrampim_command;

/* What mrampim_wait found: the refused command's error code (MRAMPIM_ERR_*)
 * and tag; MRAMPIM_ERR_NONE and 0 when none was. */
typedef struct mrampim_result {
  uint32_t error, tag;
} mrampim_result;

/* Checks ID and the major version, reads the shape into dev, enables the
 * interrupt (use_irq and hal->wait_irq set) or not (STATUS polled), and
 * clears DONE and ERROR. MRAMPIM_BAD_ID: dev holds nothing usable. */
mrampim_status mrampim_init(mrampim_dev *dev, const mrampim_hal *hal, void *ctx, uint64_t base, int use_irq);

/* CONTROL.RESET: the queue dropped, registers (the lane pool included) to
 * their reset values, the rows kept (MRAM is non-volatile); then the interrupt
 * enabled again as init set it. */
mrampim_status mrampim_reset(mrampim_dev *dev);

/* Byte offset in the data window of a row (bank, subarray, row), and of a
 * global row (layer and analog commands' tensors start at global rows). */
uint64_t mrampim_row_address(const mrampim_dev *dev, uint32_t bank, uint32_t subarray, uint32_t row);
uint64_t mrampim_global_row(const mrampim_dev *dev, uint32_t bank, uint32_t subarray, uint32_t row);
uint64_t mrampim_data_window_bytes(const mrampim_dev *dev);

/* len bytes to or from the data window from byte offset `offset`, in one
 * burst. Don't touch rows a command still in flight uses (mrampim_wait first):
 * the device orders commands among themselves, not against the data window.
 * MRAMPIM_BAD_ARGUMENT (nothing moved) past the window. */
mrampim_status mrampim_write_rows(mrampim_dev *dev, uint64_t offset, const void *src, size_t len);
mrampim_status mrampim_read_rows(mrampim_dev *dev, uint64_t offset, void *dst, size_t len);

/* The lane pool of layer commands: subarrays by global index (bank x
 * SUBARRAYS + subarray), none of which may hold a tensor. */
void mrampim_set_lane_pool(mrampim_dev *dev, uint32_t first, uint32_t count);

/* The descriptor's eight words, in the CPU's order (mrampim_issue writes
 * them little-endian). Row commands' fields are cut to their widths; the
 * device checks the rest. */
void mrampim_encode_command(const mrampim_command *cmd, uint32_t words[MRAMPIM_COMMAND_WORDS]);

/* Writes the command if QUEUE_FREE says there is room (never blocks the bus);
 * else MRAMPIM_QUEUE_FULL and nothing written. */
mrampim_status mrampim_issue(mrampim_dev *dev, const mrampim_command *cmd);

/* Until every command issued has completed (STATUS.BUSY clear; DONE is then
 * cleared), or one was refused (STATUS.ERROR: its code and tag into *result,
 * when not NULL, ERROR cleared, MRAMPIM_COMMAND_ERROR; the commands after it
 * go on: call again to wait for them). Waits on the HAL's wait_irq when init
 * enabled the interrupt, else polls STATUS; MRAMPIM_TIMEOUT after
 * dev->poll_limit reads of STATUS (when not 0). */
mrampim_status mrampim_wait(mrampim_dev *dev, mrampim_result *result);

/* result = c + a x b in fp32 (IEEE rounding) on rows [first_row, first_row +
 * row_count) of one subarray; per row a, b, c, result in columns [0, 32),
 * [32, 64), [64, 96), [96, 128) (bytes 0-15) and scratch up to
 * MRAMPIM_SOT_FP32_MAC_SCRATCH_END on SOT-MRAM. Issues only. */
mrampim_status mrampim_fp32_mac(mrampim_dev *dev, uint32_t bank, uint32_t subarray, uint32_t first_row,
                                uint32_t row_count, uint32_t tag);

/* y = x W^T + bias in fp32 for a batch of `batch` samples (a GEMM): x (batch
 * x in), weights (out x in, row-major), bias (out), y (batch x out), each a
 * tensor from a global row (mrampim_global_row). Needs a lane pool. Issues
 * only. */
mrampim_status mrampim_fc_forward(mrampim_dev *dev, uint32_t x_row, uint32_t weights_row, uint32_t bias_row,
                                  uint32_t y_row, uint32_t in, uint32_t out, uint32_t batch, uint32_t tag);

#ifdef __cplusplus
}
#endif

#endif /* MRAMPIM_DRIVER_H */
