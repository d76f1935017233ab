#include "training/binarized_mlp.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <numeric>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "support/splitmix64.hpp"

namespace mrampim {

void BinarizedMlp::check() const {
  if (inputs == 0 || hidden == 0 || outputs == 0) throw std::invalid_argument("binarized MLP: a layer of size 0");
  if (w1.size() != (std::size_t(inputs) + 1) * hidden) {
    throw std::invalid_argument("binarized MLP: w1 has " + std::to_string(w1.size()) + " weights, a " +
                                std::to_string(inputs) + "-" + std::to_string(hidden) + " layer with biases needs " +
                                std::to_string((std::size_t(inputs) + 1) * hidden));
  }
  if (w2.size() != (std::size_t(hidden) + 1) * outputs) {
    throw std::invalid_argument("binarized MLP: w2 has " + std::to_string(w2.size()) + " weights, a " +
                                std::to_string(hidden) + "-" + std::to_string(outputs) + " layer with biases needs " +
                                std::to_string((std::size_t(hidden) + 1) * outputs));
  }
  for (const auto* w : {&w1, &w2}) {
    for (std::int8_t v : *w) {
      if (v != 1 && v != -1) throw std::invalid_argument("binarized MLP: a weight of " + std::to_string(v) + " (+1 or -1)");
    }
  }
  if (!(scale1 > 0 && scale2 > 0 && std::isfinite(scale1) && std::isfinite(scale2))) {
    throw std::invalid_argument("binarized MLP: layer scales must be positive");
  }
}

std::vector<double> binarized_inputs(const std::uint8_t* pixels, std::uint32_t inputs) {
  std::vector<double> x(inputs);
  for (std::uint32_t i = 0; i < inputs; ++i) x[i] = pixels[i] > 0 ? 1.0 : 0.0;
  return x;
}

namespace {

// One pass: x (inputs) to h (hidden) and y (outputs), with the binary
// weights `b1`, `b2` (as doubles).
void forward(const BinarizedMlp& n, const double* b1, const double* b2, const double* x, double* h, double* y) {
  for (std::uint32_t j = 0; j < n.hidden; ++j) h[j] = b1[std::size_t(n.inputs) * n.hidden + j];  // bias row
  for (std::uint32_t i = 0; i < n.inputs; ++i) {
    if (x[i] == 0) continue;
    const double* row = b1 + std::size_t(i) * n.hidden;
    for (std::uint32_t j = 0; j < n.hidden; ++j) h[j] += x[i] * row[j];
  }
  for (std::uint32_t j = 0; j < n.hidden; ++j) h[j] = -std::tanh(n.scale1 * h[j] / 2);
  for (std::uint32_t k = 0; k < n.outputs; ++k) {
    double z = b2[std::size_t(n.hidden) * n.outputs + k];
    for (std::uint32_t j = 0; j < n.hidden; ++j) z += h[j] * b2[std::size_t(j) * n.outputs + k];
    y[k] = 1 / (1 + std::exp(n.scale2 * z));
  }
}

std::vector<double> as_double(const std::vector<std::int8_t>& w) { return std::vector<double>(w.begin(), w.end()); }

}  // namespace

std::vector<double> binarized_forward(const BinarizedMlp& net, const std::uint8_t* pixels, std::vector<double>* hidden) {
  const std::vector<double> x = binarized_inputs(pixels, net.inputs), b1 = as_double(net.w1), b2 = as_double(net.w2);
  std::vector<double> h(net.hidden), y(net.outputs);
  forward(net, b1.data(), b2.data(), x.data(), h.data(), y.data());
  if (hidden) *hidden = h;
  return y;
}

std::uint32_t binarized_class(const BinarizedMlp& net, const std::uint8_t* pixels) {
  const std::vector<double> y = binarized_forward(net, pixels);
  return std::uint32_t(std::max_element(y.begin(), y.end()) - y.begin());
}

double binarized_accuracy(const BinarizedMlp& net, const Dataset& d) {
  const std::vector<double> b1 = as_double(net.w1), b2 = as_double(net.w2);
  std::vector<double> h(net.hidden), y(net.outputs);
  std::size_t right = 0;
  for (std::size_t s = 0; s < d.size(); ++s) {
    const std::vector<double> x = binarized_inputs(d.image(s), net.inputs);
    forward(net, b1.data(), b2.data(), x.data(), h.data(), y.data());
    right += std::size_t(std::max_element(y.begin(), y.end()) - y.begin()) == d.labels[s];
  }
  return d.size() ? double(right) / double(d.size()) : 0.0;
}

BinarizedResult train_binarized_mlp(const Dataset& train, const BinarizedTraining& cfg) {
  const auto start = std::chrono::steady_clock::now();
  BinarizedMlp n;
  n.inputs = std::uint32_t(train.pixels_per_image());
  n.hidden = cfg.hidden;
  n.outputs = 10;
  if (!(cfg.scale1 > 0 && cfg.scale2 > 0 && cfg.learning_rate > 0 && cfg.hidden > 0)) {
    throw std::invalid_argument("binarized MLP training: scales, learning rate and hidden size must be positive");
  }
  n.scale1 = cfg.scale1;
  n.scale2 = cfg.scale2;
  SplitMix64 rng{cfg.seed * 0x9e3779b97f4a7c15ull + 0x51f15e};
  std::vector<double> s1(std::size_t(n.inputs + 1) * n.hidden), s2(std::size_t(n.hidden + 1) * n.outputs);
  for (auto& v : s1) v = 2 * rng.uniform() - 1;
  for (auto& v : s2) v = 2 * rng.uniform() - 1;
  auto sign = [](double v) { return v >= 0 ? 1.0 : -1.0; };
  std::vector<double> b1(s1.size()), b2(s2.size()), x(n.inputs), h(n.hidden), y(n.outputs), d2(n.outputs), d1(n.hidden);
  std::vector<std::size_t> order(train.size());
  BinarizedResult r;
  for (std::uint32_t e = 0; e < cfg.epochs; ++e) {
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);
    double loss = 0;
    for (std::size_t s : order) {
      for (std::size_t i = 0; i < s1.size(); ++i) b1[i] = sign(s1[i]);
      for (std::size_t i = 0; i < s2.size(); ++i) b2[i] = sign(s2[i]);
      const std::uint8_t* img = train.image(s);
      for (std::uint32_t i = 0; i < n.inputs; ++i) x[i] = img[i] > 0 ? 1.0 : 0.0;
      forward(n, b1.data(), b2.data(), x.data(), h.data(), y.data());
      // Half squared error; dy/dz2 = -scale2 y (1 - y) = scale2 y (y - 1).
      for (std::uint32_t k = 0; k < n.outputs; ++k) {
        const double t = k == train.labels[s] ? 1.0 : 0.0;
        loss += 0.5 * (y[k] - t) * (y[k] - t);
        d2[k] = (y[k] - t) * n.scale2 * y[k] * (y[k] - 1);
      }
      // dh/dz1 = -(scale1 / 2) (1 - h^2).
      for (std::uint32_t j = 0; j < n.hidden; ++j) {
        double g = 0;
        for (std::uint32_t k = 0; k < n.outputs; ++k) g += d2[k] * b2[std::size_t(j) * n.outputs + k];
        d1[j] = g * -(n.scale1 / 2) * (1 - h[j] * h[j]);
      }
      const double lr = cfg.learning_rate;
      auto step = [&](double& w, double grad) { w = std::clamp(w - lr * grad, -1.0, 1.0); };
      for (std::uint32_t j = 0; j <= n.hidden; ++j) {
        const double hj = j < n.hidden ? h[j] : 1.0;
        for (std::uint32_t k = 0; k < n.outputs; ++k) step(s2[std::size_t(j) * n.outputs + k], d2[k] * hj);
      }
      for (std::uint32_t i = 0; i <= n.inputs; ++i) {
        const double xi = i < n.inputs ? x[i] : 1.0;
        if (xi == 0) continue;
        for (std::uint32_t j = 0; j < n.hidden; ++j) step(s1[std::size_t(i) * n.hidden + j], d1[j] * xi);
      }
    }
    r.epoch_loss.push_back(train.size() ? loss / double(train.size()) : 0.0);
  }
  n.w1.resize(s1.size());
  n.w2.resize(s2.size());
  for (std::size_t i = 0; i < s1.size(); ++i) n.w1[i] = s1[i] >= 0 ? 1 : -1;
  for (std::size_t i = 0; i < s2.size(); ++i) n.w2[i] = s2[i] >= 0 ? 1 : -1;
  r.net = n;
  r.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

void write_binarized_mlp(const BinarizedMlp& net, const std::string& path) {
  net.check();
  const nlohmann::json j{{"format", "mrampim binarized MLP"}, {"version", 1},
                         {"inputs", net.inputs},          {"hidden", net.hidden},
                         {"outputs", net.outputs},        {"scale1", net.scale1},
                         {"scale2", net.scale2},          {"w1", net.w1},
                         {"w2", net.w2}};
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write the weight file '" + path + "'");
  out << j.dump() << "\n";
  if (!out) throw std::runtime_error("cannot write the weight file '" + path + "'");
}

BinarizedMlp read_binarized_mlp(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open the weight file '" + path + "'");
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.value("format", "") != "mrampim binarized MLP") {
      throw std::runtime_error("not a binarized MLP weight file (its \"format\" is not \"mrampim binarized MLP\")");
    }
    // Every number checked as written: a size a whole number in 1..1e6, a
    // weight exactly +1 or -1 (no cast turns 257 or 1.7 into a weight).
    auto size = [&](const char* key) {
      const nlohmann::json& v = j.at(key);
      if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 1'000'000) {
        throw std::runtime_error(std::string("\"") + key + "\" must be a whole number in 1..1000000");
      }
      return std::uint32_t(v.get<std::int64_t>());
    };
    auto weights = [&](const char* key) {
      const nlohmann::json& v = j.at(key);
      if (!v.is_array()) throw std::runtime_error(std::string("\"") + key + "\" is not a list");
      std::vector<std::int8_t> w;
      w.reserve(v.size());
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_number_integer() || (v[i].get<std::int64_t>() != 1 && v[i].get<std::int64_t>() != -1)) {
          throw std::runtime_error(std::string("\"") + key + "\" entry " + std::to_string(i) + " is " + v[i].dump() +
                                   " (binary weights are 1 or -1)");
        }
        w.push_back(std::int8_t(v[i].get<std::int64_t>()));
      }
      return w;
    };
    BinarizedMlp n;
    n.inputs = size("inputs");
    n.hidden = size("hidden");
    n.outputs = size("outputs");
    n.scale1 = j.at("scale1").get<double>();
    n.scale2 = j.at("scale2").get<double>();
    n.w1 = weights("w1");
    n.w2 = weights("w2");
    n.check();
    return n;
  } catch (const std::exception& e) {
    throw std::runtime_error("weight file '" + path + "': " + e.what());
  }
}

}  // namespace mrampim
