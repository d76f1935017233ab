// The approximate-writes seed's kind of network (approximate-writes facts
// sec. 4, default (a)): a 784-H-10 perceptron trained by SGD whose weights
// and biases live in an MRAM weight memory of fixed-point words. Every
// parameter change is a write of its word through ApproximateWrites, so a
// failed bit stays what it was and the programming energy is the writes'.
//
// Owns: nothing between calls (a training run is one function call).
// Exposes: train_approximate_mlp().
// Costs: nothing of the accelerator: this network is the seed's, trained
// on the host; only its weight memory's writes are modelled and counted.
//
// Arithmetic: forward and backward in float on the stored weights (w = q /
// 2^frac_bits, q a two's complement word of weight_bits); a minibatch's
// mean gradient moves each parameter, rounded stochastically (seeded) to the
// word grid and clamped to its range, and the new word is written over the
// old one. Reads are exact (facts sec. 4).
#pragma once

#include <cstdint>
#include <vector>

#include "device/approximate_writes.hpp"
#include "training/dataset.hpp"

namespace mrampim {

struct ApproxMlpConfig {
  std::uint32_t hidden = 100;
  std::uint32_t weight_bits = 8;
  int frac_bits = 7;           // weight = word / 2^frac_bits: [-1, 1) for 8 bits
  double learning_rate = 0.1;
  std::uint32_t batch = 16;
  std::uint32_t epochs = 5;
  std::uint64_t seed = 1;      // initial weights, sample order, stochastic rounding
};

struct ApproxMlpResult {
  double test_accuracy = 0;                // fraction
  std::vector<double> epoch_loss;          // mean training loss per epoch
  ApproximateWriteCounts writes;           // the weight memory's (zeros without one)
  std::uint64_t weights_fnv1a64 = 0;       // of the final words, to compare runs bit for bit
};

// Trains on data.train and tests on data.test. `memory`: the weight memory
// whose words hold the parameters (its pulses have weight_bits entries);
// nullptr writes every word exactly. Throws std::invalid_argument for a bad
// configuration (no hidden units, 2 to 16 weight bits, a learning rate or
// batch of 0).
ApproxMlpResult train_approximate_mlp(const DataSplit& data, const ApproxMlpConfig& c, ApproximateWrites* memory);

}  // namespace mrampim
