/*
 * The accelerator as software sees it: register map, STATUS and CONTROL
 * bits, the 32-byte command descriptor, opcodes, error codes and where each
 * command finds and leaves its data in a row. Defined here once, in C11 that
 * is also C++17, so the firmware (platforms/driver) and the model
 * (register_map.hpp, command.hpp) cannot drift apart; docs/accelerator.md
 * explains the behaviour behind the numbers.
 *
 * Every field of a word is given as NAME_SHIFT and NAME_MASK, the mask applied
 * after the shift: value = (word >> NAME_SHIFT) & NAME_MASK. MRAMPIM_GET and
 * MRAMPIM_PUT spell that out. All constants are unsigned.
 */
#ifndef MRAMPIM_REGS_H
#define MRAMPIM_REGS_H

#include <stdint.h>

#define MRAMPIM_GET(word, field) (((uint32_t)(word) >> field##_SHIFT) & field##_MASK)
#define MRAMPIM_PUT(field, value) (((uint32_t)(value) & field##_MASK) << field##_SHIFT)

/* ---- Memory map: byte offsets from the device's base; little-endian ------ */

/* Registers: 32 bits, accessed 4 bytes at a time at 4-aligned offsets. */
#define MRAMPIM_REG_ID 0x00u             /* RO: MRAMPIM_ID_VALUE */
#define MRAMPIM_REG_VERSION 0x04u        /* RO: major << 16 | minor */
#define MRAMPIM_REG_BANKS 0x08u          /* RO */
#define MRAMPIM_REG_SUBARRAYS 0x0Cu      /* RO: per bank */
#define MRAMPIM_REG_ROWS 0x10u           /* RO: per subarray */
#define MRAMPIM_REG_COLS 0x14u           /* RO: columns per row */
#define MRAMPIM_REG_ROW_BYTES 0x18u      /* RO: bytes per row in the data window */
#define MRAMPIM_REG_QUEUE_DEPTH 0x1Cu    /* RO: command queue entries */
#define MRAMPIM_REG_STATUS 0x20u         /* RO: MRAMPIM_STATUS_* */
#define MRAMPIM_REG_CONTROL 0x24u        /* RW: MRAMPIM_CONTROL_* */
#define MRAMPIM_REG_ERROR_INFO 0x28u     /* RO: error code of the last refused command */
#define MRAMPIM_REG_ERROR_TAG 0x2Cu      /* RO: its tag */
#define MRAMPIM_REG_COMPLETED 0x30u      /* RO: commands completed since reset */
#define MRAMPIM_REG_LAST_TAG 0x34u       /* RO: tag of the last command completed */
#define MRAMPIM_REG_QUEUE_FREE 0x38u     /* RO: free command queue entries */
#define MRAMPIM_REG_MODE 0x3Cu           /* RO: MRAMPIM_MODE_* */
/* The lane pool of layer commands, subarrays by global index (bank x
 * SUBARRAYS + subarray); a layer command takes the pool in force when it is
 * written to the command port. */
#define MRAMPIM_REG_LANE_FIRST 0x40u     /* RW: first subarray of the pool */
#define MRAMPIM_REG_LANE_COUNT 0x44u     /* RW: subarrays in the pool (0: none) */
/* The analog tile: its shape (0 when the platform has none), the class of its
 * last inference. */
#define MRAMPIM_REG_ANALOG_INPUTS 0x48u  /* RO */
#define MRAMPIM_REG_ANALOG_HIDDEN 0x4Cu  /* RO */
#define MRAMPIM_REG_ANALOG_OUTPUTS 0x50u /* RO */
#define MRAMPIM_REG_ANALOG_CLASS 0x54u   /* RO */
#define MRAMPIM_LAST_REGISTER 0x54u      /* past it: an address error */
#define MRAMPIM_REGISTER_BLOCK_SIZE 0x1000u

/* One whole 32-byte descriptor per write; a read is an error. */
#define MRAMPIM_COMMAND_PORT 0x1000u
/* The data window: every subarray's rows, bank-major, then subarray, then
 * row; ROW_BYTES bytes a row, byte k holding columns 8k..8k+7 (bit j is
 * column 8k + j). Any length and alignment. */
#define MRAMPIM_DATA_BASE 0x01000000u

/* Columns rounded up to 64 (the model keeps rows in 64-bit words), in bytes:
 * what the ROW_BYTES register reads. */
#define MRAMPIM_ROW_BYTES(cols) (((uint32_t)(cols) + 63u) / 64u * 8u)
/* Global row: rows counted bank-major, then subarray, then row, as the data
 * window (and layer commands' tensors) count them. 64-bit: a large platform's
 * window passes 4 GiB. */
#define MRAMPIM_GLOBAL_ROW(bank, subarray, row, subarrays, rows) \
  (((uint64_t)(bank) * (subarrays) + (subarray)) * (rows) + (row))
/* Byte offset of a global row from the device's base. */
#define MRAMPIM_ROW_OFFSET(global_row, row_bytes) \
  ((uint64_t)MRAMPIM_DATA_BASE + (uint64_t)(global_row) * (row_bytes))

/* ---- Identification ------------------------------------------------------ */

#define MRAMPIM_ID_VALUE 0x4D50494Du /* "MIPM" in little-endian bytes */
/* 1.1: layer commands; 1.2: the analog tile; 1.3: CONTROL.RESET, results
 * visible at a command's completion. A new minor only adds. */
#define MRAMPIM_VERSION_VALUE 0x00010003u
#define MRAMPIM_VERSION_MAJOR(v) ((uint32_t)(v) >> 16)
#define MRAMPIM_VERSION_MINOR(v) ((uint32_t)(v) & 0xFFFFu)

#define MRAMPIM_MODE_BIT_ACCURATE 0u /* layer commands' lanes on the bit-level subarrays */
#define MRAMPIM_MODE_FAST 1u         /* the same bits, computed by the host model */

/* ---- STATUS ----------------------------------------------------------------- */

#define MRAMPIM_STATUS_BUSY (1u << 0)  /* a command is queued or running */
/* Everything accepted has completed: set when the device goes idle (also
 * after a refused last command), cleared by a command write or CLEAR_DONE. */
#define MRAMPIM_STATUS_DONE (1u << 1)
#define MRAMPIM_STATUS_ERROR (1u << 2) /* a command was refused; sticky until CLEAR_ERROR */
#define MRAMPIM_STATUS_QUEUED_SHIFT 8u /* commands waiting in the queue */
#define MRAMPIM_STATUS_QUEUED_MASK 0xFFu

/* ---- CONTROL ---------------------------------------------------------------- */

/* The irq output is high while IRQ_ENABLE is set and DONE or ERROR is. */
#define MRAMPIM_CONTROL_IRQ_ENABLE (1u << 0) /* read back; the other bits read 0 */
#define MRAMPIM_CONTROL_CLEAR_DONE (1u << 8) /* write 1: clear STATUS.DONE */
#define MRAMPIM_CONTROL_CLEAR_ERROR (1u << 9) /* write 1: clear STATUS.ERROR */
/* Write 1: clear the command queue, registers to their reset values; the
 * arrays keep their contents (MRAM is non-volatile). The write's other bits
 * are not taken: set IRQ_ENABLE again afterwards. */
#define MRAMPIM_CONTROL_RESET (1u << 16)

/* ---- Command descriptor: eight little-endian 32-bit words ----------------- */

#define MRAMPIM_COMMAND_BYTES 32u
#define MRAMPIM_COMMAND_WORDS 8u

/* Word indices. Row commands (fp, dot, move) read words 1-6 as named here;
 * layer and analog commands read them their own way (below). */
#define MRAMPIM_CMD_WORD_OP 0u        /* opcode, format, rounding */
#define MRAMPIM_CMD_WORD_WHERE 1u     /* bank, subarray */
#define MRAMPIM_CMD_WORD_FIRST_ROW 2u
#define MRAMPIM_CMD_WORD_ROW_COUNT 3u
#define MRAMPIM_CMD_WORD_DST 4u       /* move: destination bank, subarray */
#define MRAMPIM_CMD_WORD_COLUMNS 5u   /* move: source, destination column */
#define MRAMPIM_CMD_WORD_WIDTH 6u     /* move: width in columns */
#define MRAMPIM_CMD_WORD_TAG 7u       /* the host's number, echoed in LAST_TAG/ERROR_TAG */

/* Word 0. Reserved bits must be zero (else error RESERVED_BITS). */
#define MRAMPIM_CMD_OPCODE_SHIFT 0u
#define MRAMPIM_CMD_OPCODE_MASK 0xFFu
#define MRAMPIM_CMD_NE_SHIFT 8u       /* exponent bits of the format */
#define MRAMPIM_CMD_NE_MASK 0xFFu
#define MRAMPIM_CMD_NM_SHIFT 16u      /* fraction bits (hidden bit not stored) */
#define MRAMPIM_CMD_NM_MASK 0xFFu
#define MRAMPIM_CMD_ROUNDING_SHIFT 24u
#define MRAMPIM_CMD_ROUNDING_MASK 0x1u
#define MRAMPIM_CMD_RESERVED_SHIFT 25u
#define MRAMPIM_CMD_RESERVED_MASK 0x7Fu

#define MRAMPIM_ROUNDING_IEEE 0u  /* round to nearest even, IEEE 754 specials */
#define MRAMPIM_ROUNDING_PAPER 1u /* truncation, no specials: the published procedure */

/* Formats: Ne 2..11, Nm 1..30 for row commands; width at most 32 for layer
 * commands; fp32 only for the analog tile. */
#define MRAMPIM_FP32_NE 8u
#define MRAMPIM_FP32_NM 23u
#define MRAMPIM_FP16_NE 5u
#define MRAMPIM_FP16_NM 10u
#define MRAMPIM_BF16_NE 8u
#define MRAMPIM_BF16_NM 7u
/* w, the width of one format word in columns: sign, exponent, fraction. */
#define MRAMPIM_FP_WIDTH(ne, nm) (1u + (uint32_t)(ne) + (uint32_t)(nm))

/* Word 1 (and word 4 for a move's destination). */
#define MRAMPIM_CMD_BANK_SHIFT 0u
#define MRAMPIM_CMD_BANK_MASK 0xFFFFu
#define MRAMPIM_CMD_SUBARRAY_SHIFT 16u
#define MRAMPIM_CMD_SUBARRAY_MASK 0xFFFFu
#define MRAMPIM_CMD_DST_BANK_SHIFT 0u
#define MRAMPIM_CMD_DST_BANK_MASK 0xFFFFu
#define MRAMPIM_CMD_DST_SUBARRAY_SHIFT 16u
#define MRAMPIM_CMD_DST_SUBARRAY_MASK 0xFFFFu
/* Word 5 (move). */
#define MRAMPIM_CMD_SRC_COL_SHIFT 0u
#define MRAMPIM_CMD_SRC_COL_MASK 0xFFFFu
#define MRAMPIM_CMD_DST_COL_SHIFT 16u
#define MRAMPIM_CMD_DST_COL_MASK 0xFFFFu
/* Word 6 (move): the whole word is the width in columns. */
#define MRAMPIM_CMD_WIDTH_SHIFT 0u
#define MRAMPIM_CMD_WIDTH_MASK 0xFFFFFFFFu

/* ---- Opcodes ------------------------------------------------------------------ */

#define MRAMPIM_OP_NOP 0x00u
#define MRAMPIM_OP_FP_ADD 0x01u /* result = a + b on every row of the range */
#define MRAMPIM_OP_FP_MUL 0x02u /* result = a x b */
#define MRAMPIM_OP_FP_MAC 0x03u /* result = c + a x b (two roundings) */
#define MRAMPIM_OP_DOT 0x04u    /* sum of a x b over the range, into the first row */
#define MRAMPIM_OP_MOVE 0x10u   /* a column field of the range to another subarray */
/* Layer commands: tensors in the data window, lanes in the lane pool. */
#define MRAMPIM_OP_CONV_FORWARD 0x20u
#define MRAMPIM_OP_CONV_WEIGHT_GRAD 0x21u
#define MRAMPIM_OP_CONV_INPUT_GRAD 0x22u
#define MRAMPIM_OP_FC_FORWARD 0x23u
#define MRAMPIM_OP_FC_WEIGHT_GRAD 0x24u
#define MRAMPIM_OP_FC_INPUT_GRAD 0x25u
#define MRAMPIM_OP_RELU 0x26u
#define MRAMPIM_OP_RELU_BACKWARD 0x27u
#define MRAMPIM_OP_POOL_FORWARD 0x28u
#define MRAMPIM_OP_POOL_BACKWARD 0x29u
#define MRAMPIM_OP_SGD_UPDATE 0x2Au
#define MRAMPIM_OP_LAYER_FIRST MRAMPIM_OP_CONV_FORWARD
#define MRAMPIM_OP_LAYER_LAST MRAMPIM_OP_SGD_UPDATE
/* The analog tile: fp32 tensors in the data window. */
#define MRAMPIM_OP_ANALOG_PROGRAM 0x30u /* write a binarized MLP's weights into the tile */
#define MRAMPIM_OP_ANALOG_INFER 0x31u   /* classify images, one analog cycle each */

/* ---- Error codes (ERROR_INFO). A refused command changes no row. --------- */

#define MRAMPIM_ERR_NONE 0u
#define MRAMPIM_ERR_UNKNOWN_OPCODE 1u
#define MRAMPIM_ERR_NO_SUCH_SUBARRAY 2u      /* bank or subarray (source or destination) */
#define MRAMPIM_ERR_ROWS_OUT_OF_RANGE 3u     /* empty range, or past the last row */
#define MRAMPIM_ERR_OVERLAP 4u               /* move onto its own source; a layer tensor onto another */
#define MRAMPIM_ERR_FORMAT_UNSUPPORTED 5u    /* bad Ne/Nm, or the row too narrow for the program */
#define MRAMPIM_ERR_COLUMNS_OUT_OF_RANGE 6u  /* move field past the last column, or width 0 */
#define MRAMPIM_ERR_RESERVED_BITS 7u         /* a bit (or unused tensor slot) that must be 0 is not */
#define MRAMPIM_ERR_SHAPE_INVALID 8u         /* layer shape: a zero size, kernel past input, odd pooling */
#define MRAMPIM_ERR_TENSOR_OUT_OF_RANGE 9u   /* a tensor runs past the data window */
#define MRAMPIM_ERR_NO_LANE_POOL 10u         /* no lane pool, or one past the platform */
#define MRAMPIM_ERR_TENSOR_IN_LANE_POOL 11u
#define MRAMPIM_ERR_NO_ANALOG_TILE 12u
#define MRAMPIM_ERR_ANALOG_WEIGHTS 13u       /* a weight not +1/-1, a scale not positive */
#define MRAMPIM_ERR_ANALOG_NOT_PROGRAMMED 14u

/* ---- Row layout of the floating-point commands -------------------------------
 * Operands and results are IEEE bit patterns, bit 0 (the fraction's least
 * significant bit) in the lowest column, w = MRAMPIM_FP_WIDTH(ne, nm) columns
 * each (the compute layer's column map: compute/fp_program.cpp,
 * fp_operand_layout). For fp32 on rows of whole bytes these are
 * little-endian words: a bytes 0-3, b 4-7, c 8-11, MAC result 12-15.
 *
 *   add, mul   a [0, w)  b [w, 2w)             result [2w, 3w)  scratch from 3w
 *   mac        a [0, w)  b [w, 2w)  c [2w, 3w)  result [3w, 4w)  scratch from 4w
 *   dot        a [0, w)  b [w, 2w)             result [2w, 3w)  scratch from 3w
 *
 * A command writes, in every row of its range, its result and its scratch
 * columns, and nothing else: operands (and columns past the scratch) keep
 * their contents. Scratch holds the procedure's own cells (adder cache cells,
 * carries, unpacked mantissas and exponents, the product of a MAC, ...) and,
 * on ReRAM, NOR cache cells after them; how many depends on the operation,
 * format, rounding and logic family. A dot product multiplies in every row
 * (products in the result columns), then adds pairwise: the a and b columns
 * of the first floor(n / 2) rows end up holding partial sums, and the first
 * row's result columns the sum; its scratch is the multiply's and the add's.
 * A move writes only the destination field [dst_col, dst_col + width) of the
 * destination rows. */
#define MRAMPIM_FP_A_COL(w) 0u
#define MRAMPIM_FP_B_COL(w) ((uint32_t)(w))
#define MRAMPIM_FP_C_COL(w) (2u * (uint32_t)(w)) /* MAC only */
#define MRAMPIM_FP_RESULT_COL(op, w) \
  ((op) == MRAMPIM_OP_FP_MAC ? 3u * (uint32_t)(w) : 2u * (uint32_t)(w))
#define MRAMPIM_FP_SCRATCH_COL(op, w) (MRAMPIM_FP_RESULT_COL(op, w) + (uint32_t)(w))

/* Where the scratch ends (first column a command leaves alone) for fp32 with
 * IEEE rounding on the SOT-MRAM stateful-logic family (sot-mram-1t1r, the
 * default; also sot-mram-fast and stt-mram-seed), whatever the row's width
 * beyond it. Paper rounding needs fewer (add 322, mul 428, mac 666). Columns
 * from here to COLS are free for the host's own data. ReRAM (reram-floatpim)
 * needs more: its MAC ends at 870. tests/unit/test_command.cpp checks these
 * against the built programs. */
#define MRAMPIM_SOT_FP32_ADD_SCRATCH_END 371u
#define MRAMPIM_SOT_FP32_MUL_SCRATCH_END 495u
#define MRAMPIM_SOT_FP32_MAC_SCRATCH_END 782u
#define MRAMPIM_SOT_FP32_DOT_SCRATCH_END 495u /* the multiply's; the add's ends before */

/* ---- Layer commands (controller/layer_command.hpp) ---------------------------
 * Tensors: format words packed into consecutive rows from a row boundary,
 * W = floor(COLS / w) words per row: word i in global row first + i / W,
 * columns [(i mod W) w, (i mod W + 1) w). fp32 on 1024 columns: 32 words per
 * row, a row's 128 bytes a little-endian float array. Batched tensors are
 * sample-major (B, C, H, W); weights (out, in) and (out, in, ky, kx). */
#define MRAMPIM_WORDS_PER_ROW(cols, w) ((uint32_t)(cols) / (uint32_t)(w))
#define MRAMPIM_TENSOR_ROWS(words, words_per_row) \
  (((uint64_t)(words) + (words_per_row) - 1u) / (words_per_row))

/* Words 1-4: tensors t0..t3 as first global rows (unused: 0). Per opcode
 * (r read, w written):
 *   conv forward      t0 x r (B Cin H W), t1 weights r (Cout Cin K K), t2 bias r, t3 y w (B Cout Ho Wo)
 *   conv weight grad  t0 x r, t1 dy r, t2 gW w, t3 gb w
 *   conv input grad   t0 dy r, t1 weights r, t2 dx w
 *   fc forward        t0 x r (B in), t1 weights r (out in), t2 bias r (out), t3 y w (B out)
 *   fc weight grad    t0 x r, t1 dy r (B out), t2 gW w, t3 gb w
 *   fc input grad     t0 dy r, t1 weights r, t2 dx w (B in)
 *   relu              t0 x r, t1 y w (may be x)
 *   relu backward     t0 y r, t1 d r, t2 out w (may be d)
 *   max-pool forward  t0 x r (B C H W), t1 m w (B C H/2 W/2)
 *   max-pool backward t0 x r, t1 m r, t2 dm r, t3 dx w
 *   sgd update        t0 weights r/w, t1 gradients r, word 3: -lr as a format
 *                     word, word 4 zero
 * Ho = H - K + 1, Wo = W - K + 1. */
#define MRAMPIM_LAYER_WORD_T0 1u
#define MRAMPIM_LAYER_WORD_T1 2u
#define MRAMPIM_LAYER_WORD_T2 3u
#define MRAMPIM_LAYER_WORD_T3 4u
#define MRAMPIM_LAYER_WORD_NEG_LR 3u /* sgd update */
#define MRAMPIM_LAYER_WORD_SHAPE 5u
#define MRAMPIM_LAYER_WORD_KERNEL_BATCH 6u
/* Word 5, convolution and pooling (pooling: Cout 0). */
#define MRAMPIM_LAYER_CIN_SHIFT 0u
#define MRAMPIM_LAYER_CIN_MASK 0xFFu
#define MRAMPIM_LAYER_H_SHIFT 8u
#define MRAMPIM_LAYER_H_MASK 0xFFu
#define MRAMPIM_LAYER_W_SHIFT 16u
#define MRAMPIM_LAYER_W_MASK 0xFFu
#define MRAMPIM_LAYER_COUT_SHIFT 24u
#define MRAMPIM_LAYER_COUT_MASK 0xFFu
/* Word 5, fully connected. */
#define MRAMPIM_LAYER_IN_SHIFT 0u
#define MRAMPIM_LAYER_IN_MASK 0xFFFFu
#define MRAMPIM_LAYER_OUT_SHIFT 16u
#define MRAMPIM_LAYER_OUT_MASK 0xFFFFu
/* Word 5, element-wise (relu, sgd): the whole word, values per sample (sgd:
 * in all). */
#define MRAMPIM_LAYER_COUNT_SHIFT 0u
#define MRAMPIM_LAYER_COUNT_MASK 0xFFFFFFFFu
/* Word 6: kernel K (convolutions; else 0), bits 8-15 zero, batch B (sgd: 0). */
#define MRAMPIM_LAYER_K_SHIFT 0u
#define MRAMPIM_LAYER_K_MASK 0xFFu
#define MRAMPIM_LAYER_RESERVED_SHIFT 8u
#define MRAMPIM_LAYER_RESERVED_MASK 0xFFu
#define MRAMPIM_LAYER_BATCH_SHIFT 16u
#define MRAMPIM_LAYER_BATCH_MASK 0xFFFFu

#define MRAMPIM_LAYER_CONV_SHAPE(cin, h, w, cout)                                       \
  (MRAMPIM_PUT(MRAMPIM_LAYER_CIN, cin) | MRAMPIM_PUT(MRAMPIM_LAYER_H, h) |              \
   MRAMPIM_PUT(MRAMPIM_LAYER_W, w) | MRAMPIM_PUT(MRAMPIM_LAYER_COUT, cout))
#define MRAMPIM_LAYER_FC_SHAPE(in, out) \
  (MRAMPIM_PUT(MRAMPIM_LAYER_IN, in) | MRAMPIM_PUT(MRAMPIM_LAYER_OUT, out))
#define MRAMPIM_LAYER_KERNEL_BATCH(k, batch) \
  (MRAMPIM_PUT(MRAMPIM_LAYER_K, k) | MRAMPIM_PUT(MRAMPIM_LAYER_BATCH, batch))

/* ---- Analog tile commands (analog_tile/analog_command.hpp) -------------------
 * Word 0: the opcode, fp32 (Ne 8, Nm 23), IEEE; words 5 and 6 zero. Tensors
 * are fp32 words laid out as layer commands' tensors, from a global row. */
/* analog program (0x30) */
#define MRAMPIM_ANALOG_WORD_W1_ROW 1u  /* (inputs + 1) x hidden words, row-major, bias row last, +1.0/-1.0 */
#define MRAMPIM_ANALOG_WORD_W2_ROW 2u  /* (hidden + 1) x outputs words */
#define MRAMPIM_ANALOG_WORD_SCALE1 3u  /* fp32 bits, > 0 */
#define MRAMPIM_ANALOG_WORD_SCALE2 4u  /* fp32 bits, > 0 */
/* analog infer (0x31) */
#define MRAMPIM_ANALOG_WORD_IMAGES_ROW 1u  /* count x inputs words; an input > 0 drives vdd */
#define MRAMPIM_ANALOG_WORD_COUNT 2u       /* images (> 0), one analog cycle each */
#define MRAMPIM_ANALOG_WORD_RESULTS_ROW 3u /* count x (outputs + 1) words */
/* Per image: the class (an unsigned integer word), then each output neuron's
 * voltage (fp32 bits, volts). */
#define MRAMPIM_ANALOG_RESULT_WORDS(outputs) ((uint32_t)(outputs) + 1u)
#define MRAMPIM_ANALOG_W1_WORDS(inputs, hidden) (((uint32_t)(inputs) + 1u) * (uint32_t)(hidden))
#define MRAMPIM_ANALOG_W2_WORDS(hidden, outputs) (((uint32_t)(hidden) + 1u) * (uint32_t)(outputs))

#endif /* MRAMPIM_REGS_H */
