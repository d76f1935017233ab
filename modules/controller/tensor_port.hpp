// How the controller reaches the tensors of layer commands: words of the
// data window, by global row (layer_command.hpp's layout). The accelerator
// implements it over what holds the rows: in bit-accurate mode the
// subarrays' cells and the host-visible row image together, in fast mode the
// row image.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mrampim {

class TensorPort {
 public:
  virtual ~TensorPort() = default;
  // `n` words from the tensor that starts at global row `row`.
  virtual void read(std::uint32_t row, std::size_t n, std::uint32_t* out) = 0;
  // The words of the tensor's rows past `n` keep their values.
  virtual void write(std::uint32_t row, std::size_t n, const std::uint32_t* in) = 0;

  // When rows [row, row + rows) last changed, on a count that grows with
  // every change to the rows (through this port, the data port, anything);
  // kUnknown when the port cannot tell (a DMI pointer is out). Lets fast
  // mode keep a tensor's lane blocks from one command to the next
  // (layer_ops.hpp).
  static constexpr std::uint64_t kUnknown = ~std::uint64_t{0};
  virtual std::uint64_t last_change(std::uint32_t row, std::uint64_t rows) const {
    (void)row;
    (void)rows;
    return kUnknown;
  }
};

}  // namespace mrampim
