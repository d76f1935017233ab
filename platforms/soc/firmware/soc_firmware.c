#include "soc_firmware.h"

#include <string.h>

/* The CPU's own fp32 arithmetic, each operation rounded on its own (the
 * device rounds the product before the sum: no fused multiply-add). */
static float mul_f32(float a, float b) {
  volatile float p = a * b;
  return p;
}

static uint32_t bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

/* A reproducible operand stream: small exact values, signs mixed. */
static uint32_t lcg(uint32_t *state) {
  *state = *state * 1664525u + 1013904223u;
  return *state >> 8;
}
static float operand(uint32_t *state, int32_t span, float scale) {
  return (float)((int32_t)(lcg(state) % (uint32_t)(2 * span + 1)) - span) * scale;
}

/* The floats go to the device as they lie in memory: a little-endian CPU
 * (x86-64, RISC-V) is assumed, as the device is little-endian. */

/* n fp32 words of a tensor from a global row: W words per row, packed from
 * each row's first byte (the header's tensor layout for a 32-bit format). */
static mrampim_status tensor_io(mrampim_dev *dev, uint32_t global_row, float *words, uint32_t n, int write) {
  const uint32_t per_row = MRAMPIM_WORDS_PER_ROW(dev->cols, 32u);
  uint32_t i = 0;
  while (i < n) {
    const uint32_t k = n - i < per_row ? n - i : per_row;
    const uint64_t at = (uint64_t)(global_row + i / per_row) * dev->row_bytes; /* in the data window */
    const mrampim_status s = write ? mrampim_write_rows(dev, at, words + i, (size_t)k * 4u)
                                   : mrampim_read_rows(dev, at, words + i, (size_t)k * 4u);
    if (s != MRAMPIM_OK) return s;
    i += k;
  }
  return MRAMPIM_OK;
}

#define MAX_MAC_ROWS 1024u
#define MAX_GEMM_WORDS 4096u

static int run_mac(mrampim_dev *dev, const soc_firmware_config *cfg, uint32_t *mismatches) {
  static float a[MAX_MAC_ROWS], b[MAX_MAC_ROWS], c[MAX_MAC_ROWS];
  uint32_t seed = 7u, r;
  mrampim_result res;
  if (cfg->mac_rows == 0 || cfg->mac_rows > MAX_MAC_ROWS || cfg->mac_rows > dev->rows) return 1;
  for (r = 0; r < cfg->mac_rows; ++r) {
    float row[4];
    a[r] = operand(&seed, 1000, 1.0f / 64);
    b[r] = operand(&seed, 1000, 1.0f / 128);
    c[r] = operand(&seed, 1000, 1.0f / 32);
    row[0] = a[r];
    row[1] = b[r];
    row[2] = c[r];
    row[3] = 0.0f;
    /* a, b, c and the result field: bytes 0-15 of the row (MRAMPIM_FP_*_COL for w = 32). */
    if (mrampim_write_rows(dev, mrampim_row_address(dev, 0, 0, r), row, sizeof row) != MRAMPIM_OK) return 1;
  }
  if (mrampim_fp32_mac(dev, 0, 0, 0, cfg->mac_rows, 1) != MRAMPIM_OK) return 1;
  if (mrampim_wait(dev, &res) != MRAMPIM_OK) return 1;
  *mismatches = 0;
  for (r = 0; r < cfg->mac_rows; ++r) {
    float got;
    const uint64_t result = mrampim_row_address(dev, 0, 0, r) + MRAMPIM_FP_RESULT_COL(MRAMPIM_OP_FP_MAC, 32u) / 8u;
    if (mrampim_read_rows(dev, result, &got, sizeof got) != MRAMPIM_OK) return 1;
    if (bits(got) != bits(c[r] + mul_f32(a[r], b[r]))) ++*mismatches;
  }
  return 0;
}

static int run_gemm(mrampim_dev *dev, const soc_firmware_config *cfg, uint32_t *mismatches) {
  static float x[MAX_GEMM_WORDS], w[MAX_GEMM_WORDS], bias[MAX_GEMM_WORDS], y[MAX_GEMM_WORDS];
  const uint32_t B = cfg->gemm_batch, in = cfg->gemm_in, out = cfg->gemm_out;
  const uint32_t per_row = MRAMPIM_WORDS_PER_ROW(dev->cols, 32u);
  uint32_t seed = 11u, i, j, k;
  mrampim_result res;
  /* Each size bounded first, so the products below cannot wrap. */
  if (B == 0 || in == 0 || out == 0 || B > MAX_GEMM_WORDS || in > MAX_GEMM_WORDS || out > MAX_GEMM_WORDS ||
      B * in > MAX_GEMM_WORDS || out * in > MAX_GEMM_WORDS ||
      B * out > MAX_GEMM_WORDS || dev->subarrays < 4) {
    return 1;
  }
  for (i = 0; i < B * in; ++i) x[i] = operand(&seed, 3, 1.0f);
  for (i = 0; i < out * in; ++i) w[i] = operand(&seed, 2, 1.0f);
  for (i = 0; i < out; ++i) bias[i] = operand(&seed, 5, 1.0f);
  {
    /* The tensors one after another in subarray 1 of bank 0; the lanes in subarrays 2 and 3. */
    const uint32_t x_row = (uint32_t)mrampim_global_row(dev, 0, 1, 0);
    const uint32_t w_row = x_row + (uint32_t)MRAMPIM_TENSOR_ROWS(B * in, per_row);
    const uint32_t b_row = w_row + (uint32_t)MRAMPIM_TENSOR_ROWS(out * in, per_row);
    const uint32_t y_row = b_row + (uint32_t)MRAMPIM_TENSOR_ROWS(out, per_row);
    if (y_row + MRAMPIM_TENSOR_ROWS(B * out, per_row) > (uint32_t)mrampim_global_row(dev, 0, 2, 0)) return 1;
    if (tensor_io(dev, x_row, x, B * in, 1) != MRAMPIM_OK || tensor_io(dev, w_row, w, out * in, 1) != MRAMPIM_OK ||
        tensor_io(dev, b_row, bias, out, 1) != MRAMPIM_OK) {
      return 1;
    }
    mrampim_set_lane_pool(dev, 2, 2);
    if (mrampim_fc_forward(dev, x_row, w_row, b_row, y_row, in, out, B, 2) != MRAMPIM_OK) return 1;
    if (mrampim_wait(dev, &res) != MRAMPIM_OK) return 1;
    if (tensor_io(dev, y_row, y, B * out, 0) != MRAMPIM_OK) return 1;
  }
  /* Small integers: every partial sum is exact, whatever the device's order. */
  *mismatches = 0;
  for (i = 0; i < B; ++i) {
    for (j = 0; j < out; ++j) {
      float sum = bias[j];
      for (k = 0; k < in; ++k) sum += mul_f32(x[i * in + k], w[j * in + k]);
      if (bits(sum) != bits(y[i * out + j])) ++*mismatches;
    }
  }
  return 0;
}

int soc_firmware_main(const mrampim_hal *hal, void *ctx, const soc_firmware_config *cfg) {
  mrampim_dev dev;
  mrampim_command bad;
  mrampim_result res;
  uint32_t mailbox[SOC_MAILBOX_WORDS];
  int problems = 0;
  memset(mailbox, 0, sizeof mailbox);
  if (mrampim_init(&dev, hal, ctx, cfg->accelerator_base, cfg->use_irq) != MRAMPIM_OK) return 1;
  mailbox[SOC_MAILBOX_MAC_ROWS] = cfg->mac_rows;
  if (run_mac(&dev, cfg, &mailbox[SOC_MAILBOX_MAC_MISMATCHES]) != 0) return 1;
  mailbox[SOC_MAILBOX_GEMM_OUTPUTS] = cfg->gemm_batch * cfg->gemm_out;
  if (run_gemm(&dev, cfg, &mailbox[SOC_MAILBOX_GEMM_MISMATCHES]) != 0) return 1;
  /* The error path: a MAC on a subarray the device does not have. */
  memset(&bad, 0, sizeof bad);
  bad.opcode = MRAMPIM_OP_FP_MAC;
  bad.ne = MRAMPIM_FP32_NE;
  bad.nm = MRAMPIM_FP32_NM;
  bad.subarray = (uint16_t)dev.subarrays;
  bad.row_count = 1;
  bad.tag = SOC_BAD_COMMAND_TAG;
  if (mrampim_issue(&dev, &bad) != MRAMPIM_OK) return 1;
  if (mrampim_wait(&dev, &res) != MRAMPIM_COMMAND_ERROR) ++problems;
  mailbox[SOC_MAILBOX_REFUSAL_CODE] = res.error;
  mailbox[SOC_MAILBOX_REFUSAL_TAG] = res.tag;
  if (res.error != MRAMPIM_ERR_NO_SUCH_SUBARRAY || res.tag != SOC_BAD_COMMAND_TAG) ++problems;
  problems += mailbox[SOC_MAILBOX_MAC_MISMATCHES] != 0;
  problems += mailbox[SOC_MAILBOX_GEMM_MISMATCHES] != 0;
  mailbox[SOC_MAILBOX_MAGIC] = SOC_MAILBOX_MAGIC_VALUE;
  hal->write_block(ctx, cfg->mailbox, mailbox, sizeof mailbox);
  return problems;
}
