// The accelerator's memory map, as the target socket decodes it (byte
// addresses from the socket's base; registers little-endian).
//
//   0x0000_0000  registers, 32-bit, 4-byte aligned accesses of 4 bytes
//   0x0000_1000  command port: one 32-byte descriptor per write (command.hpp)
//   0x0100_0000  data window: the rows of every subarray, bank-major,
//                subarray-major, row-major; each row ROW_BYTES bytes, byte k
//                holding columns 8k..8k+7 (bit j = column 8k + j). DMI-capable.
// The values are mrampim_regs.h's, the C header firmware uses too: this file
// only names them for C++. docs/accelerator.md has the tables.
#pragma once

#include <cstdint>

#include "accelerator/mrampim_regs.h"

namespace mrampim::regs {

inline constexpr std::uint64_t kRegisterBlockSize = MRAMPIM_REGISTER_BLOCK_SIZE;

// Read-only identification and shape.
inline constexpr std::uint64_t kId = MRAMPIM_REG_ID;            // kIdValue
inline constexpr std::uint64_t kVersion = MRAMPIM_REG_VERSION;  // major << 16 | minor
inline constexpr std::uint64_t kBanks = MRAMPIM_REG_BANKS;
inline constexpr std::uint64_t kSubarrays = MRAMPIM_REG_SUBARRAYS;  // per bank
inline constexpr std::uint64_t kRows = MRAMPIM_REG_ROWS;            // per subarray
inline constexpr std::uint64_t kCols = MRAMPIM_REG_COLS;
inline constexpr std::uint64_t kRowBytes = MRAMPIM_REG_ROW_BYTES;      // bytes per row in the data window
inline constexpr std::uint64_t kQueueDepth = MRAMPIM_REG_QUEUE_DEPTH;  // command queue entries

// Status and control.
inline constexpr std::uint64_t kStatus = MRAMPIM_REG_STATUS;        // RO, see the bits below
inline constexpr std::uint64_t kControl = MRAMPIM_REG_CONTROL;      // RW, see the bits below
inline constexpr std::uint64_t kErrorInfo = MRAMPIM_REG_ERROR_INFO; // RO: code of the last refused command (CommandError)
inline constexpr std::uint64_t kErrorTag = MRAMPIM_REG_ERROR_TAG;   // RO: its tag
inline constexpr std::uint64_t kCompleted = MRAMPIM_REG_COMPLETED;  // RO: commands completed since reset
inline constexpr std::uint64_t kLastTag = MRAMPIM_REG_LAST_TAG;     // RO: tag of the last command completed
inline constexpr std::uint64_t kQueueFree = MRAMPIM_REG_QUEUE_FREE; // RO: free command queue entries
inline constexpr std::uint64_t kMode = MRAMPIM_REG_MODE;            // RO: execution mode, 0 bit-accurate, 1 fast
// The lane pool of layer commands (layer_command.hpp): subarrays by global
// index (bank x SUBARRAYS + subarray). A layer command takes the pool in
// force when it is written to the command port.
inline constexpr std::uint64_t kLaneFirst = MRAMPIM_REG_LANE_FIRST;  // RW: first subarray of the pool
inline constexpr std::uint64_t kLaneCount = MRAMPIM_REG_LANE_COUNT;  // RW: subarrays in the pool (0: none)
// The analog tile (analog_tile/analog_command.hpp): its shape, 0 when the
// platform has none, and the class of its last inference.
inline constexpr std::uint64_t kAnalogInputs = MRAMPIM_REG_ANALOG_INPUTS;    // RO
inline constexpr std::uint64_t kAnalogHidden = MRAMPIM_REG_ANALOG_HIDDEN;    // RO
inline constexpr std::uint64_t kAnalogOutputs = MRAMPIM_REG_ANALOG_OUTPUTS;  // RO
inline constexpr std::uint64_t kAnalogClass = MRAMPIM_REG_ANALOG_CLASS;      // RO
inline constexpr std::uint64_t kLastRegister = MRAMPIM_LAST_REGISTER;

inline constexpr std::uint32_t kIdValue = MRAMPIM_ID_VALUE;            // "MIPM" in little-endian bytes
inline constexpr std::uint32_t kVersionValue = MRAMPIM_VERSION_VALUE;  // mrampim_regs.h lists what each minor added

// STATUS bits.
inline constexpr std::uint32_t kStatusBusy = MRAMPIM_STATUS_BUSY;    // a command is queued or running
inline constexpr std::uint32_t kStatusDone = MRAMPIM_STATUS_DONE;    // everything accepted has completed (sticky until cleared)
inline constexpr std::uint32_t kStatusError = MRAMPIM_STATUS_ERROR;  // a command was refused (sticky until cleared)
inline constexpr unsigned kStatusQueuedShift = MRAMPIM_STATUS_QUEUED_SHIFT;  // bits 8..15: commands waiting in the queue

// CONTROL bits.
inline constexpr std::uint32_t kControlIrqEnable = MRAMPIM_CONTROL_IRQ_ENABLE;
inline constexpr std::uint32_t kControlClearDone = MRAMPIM_CONTROL_CLEAR_DONE;    // write 1: clear DONE
inline constexpr std::uint32_t kControlClearError = MRAMPIM_CONTROL_CLEAR_ERROR;  // write 1: clear ERROR
// Write 1: the command queue cleared, registers to their reset values; the
// arrays keep their contents (MRAM is non-volatile).
inline constexpr std::uint32_t kControlReset = MRAMPIM_CONTROL_RESET;

inline constexpr std::uint64_t kCommandPort = MRAMPIM_COMMAND_PORT;
inline constexpr std::uint64_t kDataBase = MRAMPIM_DATA_BASE;

}  // namespace mrampim::regs
