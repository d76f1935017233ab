// What each layer command computes (layer_command.hpp), as lane operations
// of a LaneEngine: one lane per output value, a chain of MACs per lane in a
// fixed order:
//   forward        acc = bias; acc += w_k x_k for k in (in-channel, row, col)
//                  order (a fully connected layer: input order)
//   input grads    the transposed sums, in (out-channel, row, col) order
//                  (a convolution's taps outside the output read +0)
//   weight grads   per sample (chained over output positions), then summed
//                  over the batch in sample order (fully connected: one
//                  chain over the batch)
//   update         w = w + (-lr) x g   (one MAC per parameter)
// ReLU, max-pooling and their gradients are selections (select_program.hpp);
// max-pooling's gradient goes to the first maximum of each window in
// (row, column) order, as PyTorch routes it.
//
// Two ways to compute those lanes, with the same bits and the same charges:
//   lane path     each operation's operand vectors gathered and handed to
//                 the engine: what the hardware does, operation by
//                 operation; every mode and format.
//   batched path  fast mode with declared energy, fp32 ieee (the exact basis
//                 prices each row, so it takes the lane path): each command's lanes as whole
//                 chains, 16 samples at a time (batch_kernels.hpp), the
//                 engine charged with the lane path's operations
//                 (LaneEngine::charge).
#pragma once

#include <vector>

#include "controller/command.hpp"
#include "controller/tensor_port.hpp"
#include "controller/lane_engine.hpp"

namespace mrampim {

// Whether run_layer takes the batched path for this engine.
bool layer_batched(const LaneEngine& e);

// The batched path's lane blocks of the tensors commands wrote, kept for the
// commands that read them next (the same bits as reading the rows again:
// an entry is used only while its rows have not changed since,
// TensorPort::last_change).
class LaneBlockCache {
 public:
  // The lane blocks of the tensor at `row` (`words` words, batch `batch`,
  // stride `stride`), or null.
  const std::vector<std::uint32_t>* find(const TensorPort& port, std::uint32_t row, std::uint64_t rows,
                                         std::size_t words, std::size_t batch, std::size_t stride) const;
  void keep(const TensorPort& port, std::uint32_t row, std::uint64_t rows, std::size_t words, std::size_t batch,
            std::size_t stride, std::vector<std::uint32_t> lanes);

 private:
  struct Entry {
    std::uint32_t row = 0;
    std::uint64_t rows = 0;
    std::size_t words = 0, batch = 0, stride = 0;
    std::uint64_t stamp = 0;
    std::vector<std::uint32_t> lanes;
  };
  std::vector<Entry> entries_;
};

// Runs a validated layer command: reads its tensors through `port`, computes
// its lanes on `e` (bound to the compute subarrays), writes its results
// through `port`. `cache` (may be null) serves the batched path.
void run_layer(const Command& c, LaneEngine& e, TensorPort& port, LaneBlockCache* cache = nullptr);

}  // namespace mrampim
