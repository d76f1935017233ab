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
//   batched path  fast mode, fp32 ieee: each command's lanes as whole
//                 chains, 16 samples at a time (batch_kernels.hpp), the
//                 engine charged with the lane path's operations
//                 (LaneEngine::charge).
#pragma once

#include "controller/command.hpp"
#include "controller/tensor_port.hpp"
#include "controller/lane_engine.hpp"

namespace mrampim {

// Whether run_layer takes the batched path for this engine.
bool layer_batched(const LaneEngine& e);

// Runs a validated layer command: reads its tensors through `port`, computes
// its lanes on `e` (bound to the compute subarrays), writes its results
// through `port`.
void run_layer(const Command& c, LaneEngine& e, TensorPort& port);

}  // namespace mrampim
