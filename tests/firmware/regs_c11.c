/* mrampim_regs.h on its own, as C11: it must need nothing but <stdint.h>,
 * and its layout macros must be constant expressions firmware can use in
 * static initialisers and _Static_assert. */
#include "accelerator/mrampim_regs.h"

_Static_assert(MRAMPIM_FP_WIDTH(MRAMPIM_FP32_NE, MRAMPIM_FP32_NM) == 32u, "fp32 is 32 columns wide");
_Static_assert(MRAMPIM_FP_RESULT_COL(MRAMPIM_OP_FP_MAC, 32u) == 96u, "a MAC's fp32 result: bytes 12-15");
_Static_assert(MRAMPIM_FP_SCRATCH_COL(MRAMPIM_OP_FP_ADD, 32u) == 96u, "an add's scratch after its result");
_Static_assert(MRAMPIM_ROW_BYTES(1024u) == 128u, "1024 columns are 128 bytes");
_Static_assert(MRAMPIM_WORDS_PER_ROW(1024u, 32u) == 32u, "fp32 tensors: 32 words a row");
_Static_assert(MRAMPIM_GET(MRAMPIM_PUT(MRAMPIM_CMD_NM, 23u), MRAMPIM_CMD_NM) == 23u, "fields round-trip");

const uint32_t mrampim_fc_shape_example = MRAMPIM_LAYER_FC_SHAPE(784u, 10u);
