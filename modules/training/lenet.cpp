#include "training/lenet.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "compute/fp_value.hpp"
#include "support/splitmix64.hpp"

namespace mrampim {

std::size_t LeNetSpec::parameters() const {
  std::size_t n = std::size_t(conv1) * kernel * kernel + conv1;
  n += std::size_t(conv2) * conv1 * kernel * kernel + conv2;
  std::size_t in = flat();
  for (std::uint32_t out : fc) {
    n += std::size_t(out) * in + out;
    in = out;
  }
  return n;
}

std::size_t LeNetSpec::forward_macs() const {
  std::size_t n = std::size_t(conv1) * conv1_out() * conv1_out() * kernel * kernel;
  n += std::size_t(conv2) * conv2_out() * conv2_out() * conv1 * kernel * kernel;
  std::size_t in = flat();
  for (std::uint32_t out : fc) {
    n += std::size_t(out) * in;
    in = out;
  }
  return n;
}

std::vector<std::size_t> LeNetSpec::activation_sizes() const {
  auto square = [](std::size_t n) { return n * n; };
  std::vector<std::size_t> a{square(image), conv1 * square(conv1_out()), conv1 * square(pool1_out()),
                             conv2 * square(conv2_out()), conv2 * square(pool2_out())};
  for (std::uint32_t out : fc) a.push_back(out);
  return a;
}

void LeNetSpec::validate() const {
  auto fail = [](const std::string& m) { throw std::invalid_argument("network: " + m); };
  if (kernel == 0 || image < kernel) fail("the kernel must fit the image");
  if (conv1 == 0 || conv2 == 0) fail("every convolution needs at least one channel");
  if (conv1_out() % 2 != 0) fail("the first convolution's output (" + std::to_string(conv1_out()) + ") must be even to pool 2x2");
  if (pool1_out() < kernel) fail("the second convolution's kernel does not fit the pooled map");
  if (conv2_out() % 2 != 0) fail("the second convolution's output (" + std::to_string(conv2_out()) + ") must be even to pool 2x2");
  if (fc.empty()) fail("at least one fully connected layer");
  for (std::uint32_t n : fc) {
    if (n == 0) fail("a fully connected layer needs at least one neuron");
  }
  if (fc.back() != 10) fail("the last layer must have 10 outputs (the classes)");
}

std::string LeNetSpec::describe() const {
  std::ostringstream o;
  const std::size_t k2 = std::size_t(kernel) * kernel;
  o << "conv " << kernel << "x" << kernel << ", 1 -> " << conv1 << " channels, " << image << "x" << image << " -> "
    << conv1_out() << "x" << conv1_out() << ", ReLU, max-pool 2x2 -> " << pool1_out() << "x" << pool1_out() << "  ("
    << conv1 * k2 + conv1 << " parameters)\n";
  o << "conv " << kernel << "x" << kernel << ", " << conv1 << " -> " << conv2 << " channels, " << pool1_out() << "x"
    << pool1_out() << " -> " << conv2_out() << "x" << conv2_out() << ", ReLU, max-pool 2x2 -> " << pool2_out() << "x"
    << pool2_out() << " = " << flat() << " values  (" << std::size_t(conv2) * conv1 * k2 + conv2 << " parameters)\n";
  std::size_t in = flat();
  for (std::size_t l = 0; l < fc.size(); ++l) {
    o << "fully connected " << in << " -> " << fc[l] << (l + 1 < fc.size() ? ", ReLU" : " (logits)") << "  ("
      << std::size_t(fc[l]) * in + fc[l] << " parameters)\n";
    in = fc[l];
  }
  o << "softmax and cross-entropy on the host; " << parameters() << " parameters in all, " << forward_macs()
    << " multiply-accumulates per image forward";
  return o.str();
}


LeNetParams init_lenet(const LeNetSpec& spec, const FpFormat& format, std::uint64_t seed) {
  spec.validate();
  LeNetParams p;
  SplitMix64 rng{seed};
  auto tensor = [&](const std::string& name, std::size_t n, std::size_t fan_in) {
    const double bound = 1.0 / std::sqrt(double(fan_in));
    std::vector<std::uint32_t> t(n);
    for (auto& w : t) w = std::uint32_t(fp_from_double(format, (2 * rng.uniform() - 1) * bound));
    p.tensors.push_back(std::move(t));
    p.names.push_back(name);
  };
  const std::size_t k2 = std::size_t(spec.kernel) * spec.kernel;
  tensor("conv1.weight", spec.conv1 * k2, k2);
  tensor("conv1.bias", spec.conv1, k2);
  tensor("conv2.weight", std::size_t(spec.conv2) * spec.conv1 * k2, spec.conv1 * k2);
  tensor("conv2.bias", spec.conv2, spec.conv1 * k2);
  std::size_t in = spec.flat();
  for (std::size_t l = 0; l < spec.fc.size(); ++l) {
    tensor("fc" + std::to_string(l + 1) + ".weight", std::size_t(spec.fc[l]) * in, in);
    tensor("fc" + std::to_string(l + 1) + ".bias", spec.fc[l], in);
    in = spec.fc[l];
  }
  return p;
}

BatchResult softmax_cross_entropy(const FpFormat& f, const std::vector<std::uint32_t>& logits, std::size_t C,
                                  const std::vector<std::uint8_t>& labels, std::vector<std::uint32_t>* dlogits) {
  const std::size_t B = labels.size();
  if (logits.size() != B * C) throw std::invalid_argument("softmax: logits and labels disagree on the batch");
  BatchResult r;
  if (dlogits) dlogits->resize(B * C);
  std::vector<double> p(C);
  for (std::size_t b = 0; b < B; ++b) {
    double mx = -INFINITY;
    std::size_t best = 0;
    for (std::size_t c = 0; c < C; ++c) {
      p[c] = fp_to_double(f, logits[b * C + c]);
      if (p[c] > mx) {
        mx = p[c];
        best = c;
      }
    }
    double sum = 0;
    for (std::size_t c = 0; c < C; ++c) sum += (p[c] = std::exp(p[c] - mx));
    const std::size_t label = labels[b];
    r.loss += -std::log(p[label] / sum);
    r.correct += best == label ? 1 : 0;
    if (dlogits) {
      for (std::size_t c = 0; c < C; ++c) {
        const double g = (p[c] / sum - (c == label ? 1.0 : 0.0)) / double(B);
        (*dlogits)[b * C + c] = std::uint32_t(fp_from_double(f, g));
      }
    }
  }
  r.loss /= double(B);
  return r;
}

}  // namespace mrampim
