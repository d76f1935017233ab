/*
 * The firmware of the firmware-in-the-loop SoC (platforms/soc): plain C11
 * against the mrampim driver, as it would run on the SoC's CPU. It runs an
 * fp32 MAC batch and a small GEMM (a fully connected layer's forward pass)
 * on the accelerator, checks both against its own arithmetic, provokes one
 * refused command to check the error path, and leaves a summary in RAM.
 */
#ifndef SOC_FIRMWARE_H
#define SOC_FIRMWARE_H

#include <stdint.h>

#include "mrampim_driver.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct soc_firmware_config {
  uint64_t accelerator_base; /* bus address of the accelerator's socket */
  uint64_t mailbox;          /* bus address in RAM of the summary (soc_mailbox) */
  int use_irq;               /* wait on the interrupt (1) or poll STATUS (0) */
  uint32_t mac_rows;         /* rows of the MAC batch, in bank 0, subarray 0 */
  uint32_t gemm_batch, gemm_in, gemm_out; /* the GEMM: y (batch x out) = x W^T + b */
} soc_firmware_config;

/* What the firmware leaves at cfg->mailbox, 32-bit words in this order. */
enum {
  SOC_MAILBOX_MAGIC = 0, /* SOC_MAILBOX_MAGIC_VALUE once written */
  SOC_MAILBOX_MAC_ROWS,
  SOC_MAILBOX_MAC_MISMATCHES,
  SOC_MAILBOX_GEMM_OUTPUTS,
  SOC_MAILBOX_GEMM_MISMATCHES,
  SOC_MAILBOX_REFUSAL_CODE, /* the device's code for the deliberately bad command */
  SOC_MAILBOX_REFUSAL_TAG,
  SOC_MAILBOX_WORDS
};
#define SOC_MAILBOX_MAGIC_VALUE 0x46574F4Bu /* "KOWF" in little-endian bytes */
#define SOC_BAD_COMMAND_TAG 0xBADu

/* Runs the program; 0 when every result matched and the bad command was
 * refused as expected, else the number of problems (a driver failure counts
 * as one and stops the program). */
int soc_firmware_main(const mrampim_hal *hal, void *ctx, const soc_firmware_config *cfg);

#ifdef __cplusplus
}
#endif

#endif
