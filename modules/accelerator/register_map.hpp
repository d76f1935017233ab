// The accelerator's memory map, as the target socket decodes it (byte
// addresses from the socket's base; registers little-endian).
//
//   0x0000_0000  registers, 32-bit, 4-byte aligned accesses of 4 bytes
//   0x0000_1000  command port: one 32-byte descriptor per write (command.hpp)
//   0x0100_0000  data window: the rows of every subarray, bank-major,
//                subarray-major, row-major; each row ROW_BYTES bytes, byte k
//                holding columns 8k..8k+7 (bit j = column 8k + j). DMI-capable.
// docs/accelerator.md has the tables.
#pragma once

#include <cstdint>

namespace mrampim::regs {

inline constexpr std::uint64_t kRegisterBlockSize = 0x1000;

// Read-only identification and shape.
inline constexpr std::uint64_t kId = 0x00;         // 0x4D50494D, "MIPM" in little-endian bytes
inline constexpr std::uint64_t kVersion = 0x04;    // major << 16 | minor
inline constexpr std::uint64_t kBanks = 0x08;
inline constexpr std::uint64_t kSubarrays = 0x0C;  // per bank
inline constexpr std::uint64_t kRows = 0x10;       // per subarray
inline constexpr std::uint64_t kCols = 0x14;
inline constexpr std::uint64_t kRowBytes = 0x18;   // bytes per row in the data window
inline constexpr std::uint64_t kQueueDepth = 0x1C; // command queue entries

// Status and control.
inline constexpr std::uint64_t kStatus = 0x20;     // RO, see the bits below
inline constexpr std::uint64_t kControl = 0x24;    // RW: bit 0 IRQ enable; write 1 to bits 8, 9 to clear DONE, ERROR
inline constexpr std::uint64_t kErrorInfo = 0x28;  // RO: code of the last refused command (CommandError)
inline constexpr std::uint64_t kErrorTag = 0x2C;   // RO: its tag
inline constexpr std::uint64_t kCompleted = 0x30;  // RO: commands completed since reset
inline constexpr std::uint64_t kLastTag = 0x34;    // RO: tag of the last command completed
inline constexpr std::uint64_t kQueueFree = 0x38;  // RO: free command queue entries
inline constexpr std::uint64_t kMode = 0x3C;       // RO: execution mode, 0 bit-accurate, 1 fast
// The lane pool of layer commands (layer_command.hpp): subarrays by global
// index (bank x SUBARRAYS + subarray). A layer command takes the pool in
// force when it is written to the command port.
inline constexpr std::uint64_t kLaneFirst = 0x40;  // RW: first subarray of the pool
inline constexpr std::uint64_t kLaneCount = 0x44;  // RW: subarrays in the pool (0: none)
// The analog tile (analog_tile/analog_command.hpp): its shape, 0 when the
// platform has none, and the class of its last inference.
inline constexpr std::uint64_t kAnalogInputs = 0x48;   // RO
inline constexpr std::uint64_t kAnalogHidden = 0x4C;   // RO
inline constexpr std::uint64_t kAnalogOutputs = 0x50;  // RO
inline constexpr std::uint64_t kAnalogClass = 0x54;    // RO
inline constexpr std::uint64_t kLastRegister = 0x54;

inline constexpr std::uint32_t kIdValue = 0x4D50494D;
inline constexpr std::uint32_t kVersionValue = 0x00010002;  // 1.1: layer commands; 1.2: the analog tile

// STATUS bits.
inline constexpr std::uint32_t kStatusBusy = 1u << 0;   // a command is queued or running
inline constexpr std::uint32_t kStatusDone = 1u << 1;   // everything accepted has completed (sticky until cleared)
inline constexpr std::uint32_t kStatusError = 1u << 2;  // a command was refused (sticky until cleared)
inline constexpr unsigned kStatusQueuedShift = 8;       // bits 8..15: commands waiting in the queue

// CONTROL bits.
inline constexpr std::uint32_t kControlIrqEnable = 1u << 0;
inline constexpr std::uint32_t kControlClearDone = 1u << 8;
inline constexpr std::uint32_t kControlClearError = 1u << 9;

inline constexpr std::uint64_t kCommandPort = 0x1000;
inline constexpr std::uint64_t kDataBase = 0x0100'0000;

}  // namespace mrampim::regs
