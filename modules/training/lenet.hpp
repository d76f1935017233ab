// The LeNet-style network of the paper's training result (facts sec. 7) and
// its training on the accelerator's arithmetic.
//
// Default layers (21,690 trainable parameters, weights and biases):
//   conv 5x5, 1 -> 9 channels   28x28 -> 24x24   234 parameters
//   ReLU, max-pool 2x2          -> 12x12
//   conv 5x5, 9 -> 18 channels  12x12 -> 8x8     4,068
//   ReLU, max-pool 2x2          -> 4x4 (288 values)
//   fully connected 288 -> 50, ReLU               14,450
//   fully connected 50 -> 48, ReLU                2,448
//   fully connected 48 -> 10 (logits)             490
//   softmax and cross-entropy on the host
// `LeNetSpec` makes the channel and neuron counts a configuration.
//
// Every multiply and add of the convolutions, the fully connected layers,
// the gradients and the SGD update, every ReLU and max-pooling (and their
// gradients) is a lane operation of a LaneEngine (lane_engine.hpp): one lane
// per output value, a chain of MACs per lane in a fixed order:
//   forward        acc = bias; acc += w_k x_k for k in (in-channel, row, col)
//                  order (a fully connected layer: input order)
//   input grads    the transposed sums, in (out-channel, row, col) order
//                  (a convolution's taps outside the output read +0)
//   weight grads   per sample (chained over output positions), then summed
//                  over the batch in sample order
//   update         w = w + (-lr) x g   (one MAC per parameter)
// The host computes softmax and the loss from the logits it reads (B x 10
// words out) and writes the loss gradient (p - onehot) / B back (B x 10
// words in), both counted as host transfers.
// Max-pooling's gradient goes to the first maximum of each window in
// (row, column) order, as PyTorch routes it (pool_backward in lenet.cpp).
//
// Two ways to compute those lanes, with the same bits and the same charges:
//   lane path     (lenet.cpp) each operation's operand vectors gathered and
//                 handed to the engine: what the hardware does, operation by
//                 operation; every mode and format.
//   batched path  (lenet_batched.cpp) fast mode, fp32 ieee: each layer's lanes
//                 as whole chains, 16 samples at a time (batch_kernels.hpp),
//                 the engine charged with the same operations
//                 (LaneEngine::charge). A test trains both and compares every
//                 weight, loss and ledger count.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "training/dataset.hpp"
#include "training/lane_engine.hpp"

namespace mrampim {

struct LeNetSpec {
  std::uint32_t image = 28;    // input rows and columns (one channel)
  std::uint32_t kernel = 5;
  std::uint32_t conv1 = 9;     // channels
  std::uint32_t conv2 = 18;
  std::vector<std::uint32_t> fc{50, 48, 10};  // the last is the number of classes

  std::uint32_t conv1_out() const { return image - kernel + 1; }          // 24
  std::uint32_t pool1_out() const { return conv1_out() / 2; }             // 12
  std::uint32_t conv2_out() const { return pool1_out() - kernel + 1; }    // 8
  std::uint32_t pool2_out() const { return conv2_out() / 2; }             // 4
  std::uint32_t flat() const { return conv2 * pool2_out() * pool2_out(); }  // 288
  std::size_t parameters() const;
  // Multiply-accumulates of one image's forward pass.
  std::size_t forward_macs() const;
  // Values one image's forward pass keeps for the backward pass, in layer
  // order: input, conv1, pool1, conv2, pool2, each fully connected output.
  std::vector<std::size_t> activation_sizes() const;
  // Throws std::invalid_argument for a shape that does not work out.
  void validate() const;
  std::string describe() const;  // one line per layer
};

// Parameters as format words, in layer order: conv1 W, b, conv2 W, b, then
// each fully connected W (out x in, row-major), b.
struct LeNetParams {
  std::vector<std::vector<std::uint32_t>> tensors;
  std::vector<std::string> names;
};

// PyTorch's default initialisation (uniform in +-1/sqrt(fan_in) for weights
// and biases), drawn from a SplitMix64 stream seeded with `seed`, rounded to
// the format.
LeNetParams init_lenet(const LeNetSpec& spec, const FpFormat& format, std::uint64_t seed);

struct BatchResult {
  double loss = 0;          // mean cross-entropy of the batch
  std::uint32_t correct = 0;
};

// Softmax and mean cross-entropy of a batch on the host, from its logits
// (B x classes format words, sample-major); with `dlogits`, the loss gradient
// (p - onehot) / B in the format, to write back. labels[b] is sample b's class.
BatchResult softmax_cross_entropy(const FpFormat& f, const std::vector<std::uint32_t>& logits, std::size_t classes,
                                  const std::vector<std::uint8_t>& labels, std::vector<std::uint32_t>* dlogits);

class LeNetTrainer {
 public:
  // `batched`: take the batched path when the engine allows it (fast mode, fp32, ieee).
  LeNetTrainer(const LeNetSpec& spec, LeNetParams params, LaneEngine& engine, double learning_rate,
               bool batched = true);

  // One SGD step on the images at `indices` of `data`.
  BatchResult train_batch(const Dataset& data, const std::vector<std::size_t>& indices);
  // Forward only: loss and correct predictions.
  BatchResult evaluate_batch(const Dataset& data, const std::vector<std::size_t>& indices);

  const LeNetParams& params() const { return params_; }
  const LeNetSpec& spec() const { return spec_; }
  bool batched() const { return batched_; }
  // Words read from and written to the host (softmax and loss).
  std::uint64_t host_words_read() const { return host_read_; }
  std::uint64_t host_words_written() const { return host_written_; }

 private:
  struct Acts;         // the activations of one batch, lane path
  struct BatchedActs;  // the same in lane blocks, batched path
  void check_images(const Dataset& data) const;
  void forward(const Dataset& data, const std::vector<std::size_t>& indices, Acts& a);
  BatchResult train_lanes(const Dataset& data, const std::vector<std::size_t>& indices);
  void forward_batched(const Dataset& data, const std::vector<std::size_t>& indices, BatchedActs& a);
  BatchResult train_batched(const Dataset& data, const std::vector<std::size_t>& indices);
  BatchResult evaluate_batched(const Dataset& data, const std::vector<std::size_t>& indices);
  void sgd_update(const std::vector<std::vector<std::uint32_t>>& gradients);
  // Softmax and cross-entropy on the host, from the logits (B x classes)
  // read from the arrays; with dlogits, the loss gradient to write back.
  BatchResult loss_and_gradient(const Dataset& data, const std::vector<std::size_t>& indices,
                                const std::vector<std::uint32_t>& logits, std::vector<std::uint32_t>* dlogits);

  LeNetSpec spec_;
  LeNetParams params_;
  LaneEngine& e_;
  FpFormat f_;
  std::uint32_t neg_lr_, minus_one_;
  std::array<std::uint32_t, 256> pixel_{};  // p / 255 in the format, for every byte p
  std::uint32_t zero_ = 0;
  std::uint64_t host_read_ = 0, host_written_ = 0;
  bool batched_ = false;
};

}  // namespace mrampim
