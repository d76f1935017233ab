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
// The network is host-side knowledge: the accelerator runs layer commands
// (controller/layer_command.hpp) and knows nothing of a LeNet. This file
// holds what only the host needs: the shape, the initial weights, and the
// softmax and cross-entropy the host computes from the logits it reads.
// lenet_program.hpp turns the network into commands; training_host.hpp runs
// them through the accelerator's socket.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "compute/fp_format.hpp"

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

}  // namespace mrampim
