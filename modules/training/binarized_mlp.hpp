// The binarized MLP the analog tile holds (analog-MLP facts sec. 5), and
// its training on the host: binary weights and biases (the sign of a real
// shadow value, >= 0 gives +1), shadow values drawn U(-1, 1), per-sample SGD
// on half squared error with the gradient taken through the binary values
// (straight-through) and the shadows clipped to [-1, 1].
//
// The network is the circuit's (docs/analog-mlp.md):
//   x_i  = 1 for a pixel above 0, else 0 (a row driven at vdd or 0 V)
//   z1_j = scale1 (sum_i w1_ij x_i + b1_j)
//   h_j  = -tanh(z1_j / 2) = 2 / (1 + e^{z1_j}) - 1: the inverting neuron
//          between -vdd and +vdd, in units of vdd (what drives the next
//          layer's rows)
//   z2_k = scale2 (sum_j w2_jk h_j + b2_k)
//   y_k  = 1 / (1 + e^{z2_k})  (the facts' "reverse sigmoid"), class argmax.
// Deviations from the facts' recipe: the hidden activation is the neuron's
// +/-1 swing rather than (0, 1) (the circuit's next layer sees +/-vdd); the
// per-layer scales (what the amplifiers' gains implement) keep the sums out
// of saturation; the last epoch is kept (the recipe keeps the epoch of
// lowest *test* cost, which would select on the test split).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "training/dataset.hpp"

namespace mrampim {

struct BinarizedMlp {
  std::uint32_t inputs = 0, hidden = 0, outputs = 0;
  std::vector<std::int8_t> w1;  // (inputs + 1) x hidden, row-major, the bias row last
  std::vector<std::int8_t> w2;  // (hidden + 1) x outputs
  double scale1 = 0, scale2 = 0;

  // Throws std::invalid_argument when the weights do not fit the sizes or
  // are not +1/-1.
  void check() const;
};

// The input rows of an image: 1 for a pixel above 0, else 0 (`inputs` pixels).
std::vector<double> binarized_inputs(const std::uint8_t* pixels, std::uint32_t inputs);

// The ideal network (double precision): its outputs y and, if asked, the
// hidden activations h.
std::vector<double> binarized_forward(const BinarizedMlp& net, const std::uint8_t* pixels,
                                      std::vector<double>* hidden = nullptr);
std::uint32_t binarized_class(const BinarizedMlp& net, const std::uint8_t* pixels);
double binarized_accuracy(const BinarizedMlp& net, const Dataset& d);

struct BinarizedTraining {
  std::uint32_t hidden = 16;
  std::uint32_t epochs = 20;   // the facts' driver runs 3 epochs of 60,000 images; here 8,000 images are at hand
  double learning_rate = 0.1;  // the facts' recipe
  // About 2.8 / sqrt(fan-in) and 4 / sqrt(fan-in): the sums stay out of the
  // sigmoids' flat tails (a sweep over 0.05-0.2 and 0.5-2 on 8,000 images
  // moved test accuracy by about 3 points).
  double scale1 = 0.1;
  double scale2 = 1.0;
  std::uint64_t seed = 1;
};

struct BinarizedResult {
  BinarizedMlp net;
  std::vector<double> epoch_loss;  // mean half squared error per training epoch
  double train_seconds = 0;
};

BinarizedResult train_binarized_mlp(const Dataset& train, const BinarizedTraining& cfg);

// A trained network to and from a JSON file (docs/analog-mlp.md, "Weight
// file"). read_binarized_mlp throws std::runtime_error naming the file and
// what is wrong (shape, values), and returns nothing half-read.
void write_binarized_mlp(const BinarizedMlp& net, const std::string& path);
BinarizedMlp read_binarized_mlp(const std::string& path);

}  // namespace mrampim
