#include "training/approximate_mlp.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "support/splitmix64.hpp"
#include "training/weights_hash.hpp"

namespace mrampim {

ApproxMlpResult train_approximate_mlp(const DataSplit& data, const ApproxMlpConfig& c, ApproximateWrites* memory) {
  if (c.hidden == 0 || c.weight_bits < 2 || c.weight_bits > 16 || !(c.learning_rate > 0) || c.batch == 0) {
    throw std::invalid_argument("approximate MLP: hidden units, 2 to 16 weight bits, a learning rate and a batch");
  }
  if (memory && memory->pulses().size() != c.weight_bits) {
    throw std::invalid_argument("approximate MLP: the weight memory's words hold " +
                                std::to_string(memory->pulses().size()) + " bits, the weights " +
                                std::to_string(c.weight_bits));
  }
  const std::size_t n_in = data.train.pixels_per_image(), n_h = c.hidden, n_out = 10;
  // Parameters, one word each: W1 (n_h x n_in), b1, W2 (n_out x n_h), b2.
  const std::size_t o_b1 = n_h * n_in, o_w2 = o_b1 + n_h, o_b2 = o_w2 + n_out * n_h, n_par = o_b2 + n_out;
  const std::int32_t q_max = (1 << (c.weight_bits - 1)) - 1, q_min = -(1 << (c.weight_bits - 1));
  const std::uint32_t word_mask = (1u << c.weight_bits) - 1;
  const float lsb = std::ldexp(1.0f, -c.frac_bits);
  SplitMix64 rng{c.seed * 0x2545f4914f6cdd1dull + 1};  // initial weights, stochastic rounding
  std::vector<std::int32_t> q(n_par, 0);
  std::vector<float> w(n_par, 0.0f);
  auto to_word = [&](std::int32_t v) { return std::uint64_t(std::uint32_t(v) & word_mask); };
  auto from_word = [&](std::uint64_t word) {
    const std::int32_t v = std::int32_t(word & word_mask);
    return v > q_max ? v - std::int32_t(word_mask) - 1 : v;
  };
  // Stores word v for parameter i (memory starts at all zeros).
  auto store = [&](std::size_t i, std::int32_t v) {
    v = std::clamp(v, q_min, q_max);
    if (memory) v = from_word(memory->write(i, to_word(q[i]), to_word(v)));
    q[i] = v;
    w[i] = float(v) * lsb;
  };
  // Initial weights: uniform in +-sqrt(6 / (fan_in + fan_out)), rounded to the grid.
  auto init = [&](std::size_t first, std::size_t count, std::size_t fan_in, std::size_t fan_out) {
    const double a = std::sqrt(6.0 / double(fan_in + fan_out));
    for (std::size_t i = first; i < first + count; ++i) {
      store(i, std::int32_t(std::lround((rng.uniform() * 2 - 1) * a / lsb)));
    }
  };
  init(0, n_h * n_in, n_in, n_h);
  init(o_w2, n_out * n_h, n_h, n_out);

  std::vector<float> x(n_in), h(n_h), z(n_out), dh(n_h), grad(n_par, 0.0f);
  auto forward = [&](const std::uint8_t* img) {
    for (std::size_t i = 0; i < n_in; ++i) x[i] = float(img[i]) / 255.0f;
    for (std::size_t j = 0; j < n_h; ++j) {
      const float* row = &w[j * n_in];
      float s = w[o_b1 + j];
      for (std::size_t i = 0; i < n_in; ++i) s += row[i] * x[i];
      h[j] = s > 0 ? s : 0;
    }
    float zmax = -1e30f;
    for (std::size_t k = 0; k < n_out; ++k) {
      const float* row = &w[o_w2 + k * n_h];
      float s = w[o_b2 + k];
      for (std::size_t j = 0; j < n_h; ++j) s += row[j] * h[j];
      z[k] = s;
      zmax = std::max(zmax, s);
    }
    float sum = 0;
    for (float& v : z) sum += (v = std::exp(v - zmax));
    for (float& v : z) v /= sum;  // softmax probabilities
  };

  ApproxMlpResult r;
  const std::size_t n_train = data.train.size();
  for (std::uint32_t epoch = 0; epoch < c.epochs; ++epoch) {
    const std::vector<std::size_t> order = epoch_order(n_train, c.seed, epoch);
    double loss = 0;
    for (std::size_t start = 0; start < n_train; start += c.batch) {
      const std::size_t end = std::min(n_train, start + c.batch);
      std::fill(grad.begin(), grad.end(), 0.0f);
      for (std::size_t s = start; s < end; ++s) {
        const std::size_t idx = order[s];
        forward(data.train.image(idx));
        const std::uint8_t label = data.train.labels[idx];
        loss += -std::log(std::max(z[label], 1e-30f));
        std::fill(dh.begin(), dh.end(), 0.0f);
        for (std::size_t k = 0; k < n_out; ++k) {
          const float dz = z[k] - (k == label ? 1.0f : 0.0f);
          float* g = &grad[o_w2 + k * n_h];
          const float* row = &w[o_w2 + k * n_h];
          for (std::size_t j = 0; j < n_h; ++j) {
            g[j] += dz * h[j];
            dh[j] += dz * row[j];
          }
          grad[o_b2 + k] += dz;
        }
        for (std::size_t j = 0; j < n_h; ++j) {
          if (h[j] <= 0) continue;
          float* g = &grad[j * n_in];
          for (std::size_t i = 0; i < n_in; ++i) g[i] += dh[j] * x[i];
          grad[o_b1 + j] += dh[j];
        }
      }
      // The update: each parameter's new value, rounded stochastically to
      // the grid, written only when its word changes.
      const double step = c.learning_rate / double(end - start);
      for (std::size_t i = 0; i < n_par; ++i) {
        if (grad[i] == 0.0f) continue;
        // Clamped first: a huge step must not leave int32 before the word's range does.
        const double target = std::clamp(double(q[i]) - step * double(grad[i]) / double(lsb), double(q_min) - 1,
                                         double(q_max) + 1);
        const double fl = std::floor(target);
        const std::int32_t v = std::int32_t(fl) + (rng.uniform() < target - fl ? 1 : 0);
        if (std::clamp(v, q_min, q_max) != q[i]) store(i, v);
      }
    }
    r.epoch_loss.push_back(loss / double(n_train));
  }
  std::size_t right = 0;
  for (std::size_t s = 0; s < data.test.size(); ++s) {
    forward(data.test.image(s));
    right += std::size_t(std::max_element(z.begin(), z.end()) - z.begin()) == data.test.labels[s] ? 1 : 0;
  }
  r.test_accuracy = data.test.size() ? double(right) / double(data.test.size()) : 0.0;
  if (memory) r.writes = memory->counts();
  std::vector<std::uint32_t> words(n_par);
  for (std::size_t i = 0; i < n_par; ++i) words[i] = std::uint32_t(to_word(q[i]));
  r.weights_fnv1a64 = weights_fnv1a64({words}, c.weight_bits);
  return r;
}

}  // namespace mrampim
