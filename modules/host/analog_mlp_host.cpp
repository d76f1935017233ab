#include "host/analog_mlp_host.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "accelerator/register_map.hpp"
#include "analog_tile/analog_command.hpp"

namespace mrampim {

AnalogMlpHostCore::AnalogMlpHostCore(sc_core::sc_module_name name, AnalogMlpJob job, bool poll)
    : HostBusCore(name, poll), job_(std::move(job)) {
  if (job_.images == nullptr || job_.count > job_.images->size()) {
    throw std::invalid_argument("analog MLP host: fewer images than asked to classify");
  }
  if (job_.batch == 0) throw std::invalid_argument("analog MLP host: a batch of 0 images");
  job_.net.check();
  SC_HAS_PROCESS(AnalogMlpHostCore);
  SC_THREAD(run);
}


void AnalogMlpHostCore::classify() {
  open_device();
  const BinarizedMlp& n = job_.net;
  if (read_register(regs::kAnalogInputs) != n.inputs || read_register(regs::kAnalogHidden) != n.hidden ||
      read_register(regs::kAnalogOutputs) != n.outputs) {
    throw std::runtime_error("the accelerator has no analog tile of a " + std::to_string(n.inputs) + "-" +
                             std::to_string(n.hidden) + "-" + std::to_string(n.outputs) + " network");
  }
  g_ = tensor_geometry(FpFormat::fp32(), std::uint32_t(row_bytes_) * 8);
  // The data window from row 0: W1, W2, a batch of images, its results.
  const std::uint64_t n1 = std::uint64_t(n.inputs + 1) * n.hidden, n2 = std::uint64_t(n.hidden + 1) * n.outputs;
  // In 64 bits, checked before anything is cast: a huge batch cannot wrap.
  const std::uint64_t w2_at = g_.rows(n1), images_at = w2_at + g_.rows(n2),
                      results_at = images_at + g_.rows(std::uint64_t(job_.batch) * n.inputs),
                      end_row = results_at + g_.rows(std::uint64_t(job_.batch) * (n.outputs + 1));
  if (end_row > std::uint64_t(banks_) * subarrays_ * rows_) {
    throw std::runtime_error("the data window is too small for the weights and a batch of " +
                             std::to_string(job_.batch) + " images");
  }
  const std::uint32_t w1_row = 0, w2_row = std::uint32_t(w2_at), images_row = std::uint32_t(images_at),
                      results_row = std::uint32_t(results_at);
  auto words_of = [](const std::vector<std::int8_t>& w) {
    std::vector<std::uint32_t> out(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) out[i] = float_word(float(w[i]));
    return out;
  };
  write_tensor(w1_row, words_of(n.w1));
  write_tensor(w2_row, words_of(n.w2));
  const double t0 = sc_core::sc_time_stamp().to_seconds() * 1e9;
  issue(analog_program_command({w1_row, w2_row, float(n.scale1), float(n.scale2)}, ++tag_));
  wait_idle();
  outcome_.program_ns = sc_core::sc_time_stamp().to_seconds() * 1e9 - t0;
  const std::size_t px = n.inputs;
  const double t1 = sc_core::sc_time_stamp().to_seconds() * 1e9;
  for (std::size_t base = 0; base < job_.count; base += job_.batch) {
    const auto b = std::uint32_t(std::min<std::size_t>(job_.batch, job_.count - base));
    std::vector<std::uint32_t> x(std::size_t(b) * px);
    for (std::uint32_t i = 0; i < b; ++i) {
      const std::uint8_t* img = job_.images->image(base + i);
      for (std::size_t k = 0; k < px; ++k) x[i * px + k] = float_word(float(img[k]) / 255.0f);
    }
    write_tensor(images_row, x);
    issue(analog_infer_command({images_row, b, results_row}, ++tag_));
    wait_idle();
    const std::vector<std::uint32_t> r = read_tensor(results_row, std::size_t(b) * (n.outputs + 1));
    for (std::uint32_t i = 0; i < b; ++i) {
      outcome_.predicted.push_back(r[i * (n.outputs + 1)]);
      std::vector<float> v(n.outputs);
      for (std::uint32_t k = 0; k < n.outputs; ++k) v[k] = word_float(r[i * (n.outputs + 1) + 1 + k]);
      outcome_.output_V.push_back(std::move(v));
    }
    ++outcome_.batches;
  }
  outcome_.infer_ns = sc_core::sc_time_stamp().to_seconds() * 1e9 - t1;
  outcome_.commands = tag_;
  if (summary_.refused > 0) throw std::runtime_error("the accelerator refused an analog command");
}

void AnalogMlpHostCore::classify_digital() {
  open_device();
  const BinarizedMlp& n = job_.net;
  g_ = tensor_geometry(FpFormat::fp32(), std::uint32_t(row_bytes_) * 8);
  write_register(regs::kLaneFirst, job_.pool.first);
  write_register(regs::kLaneCount, job_.pool.count);
  // Weights in PyTorch's (out, in) layout, biases apart; from row 0: W1, b1,
  // W2, b2, then a batch's x, z1, h, z2.
  std::vector<std::uint32_t> w1(std::size_t(n.hidden) * n.inputs), b1(n.hidden), w2(std::size_t(n.outputs) * n.hidden),
      b2(n.outputs);
  for (std::uint32_t j = 0; j < n.hidden; ++j) {
    for (std::uint32_t i = 0; i < n.inputs; ++i) w1[std::size_t(j) * n.inputs + i] = float_word(n.w1[std::size_t(i) * n.hidden + j]);
    b1[j] = float_word(n.w1[std::size_t(n.inputs) * n.hidden + j]);
  }
  for (std::uint32_t k = 0; k < n.outputs; ++k) {
    for (std::uint32_t j = 0; j < n.hidden; ++j) w2[std::size_t(k) * n.hidden + j] = float_word(n.w2[std::size_t(j) * n.outputs + k]);
    b2[k] = float_word(n.w2[std::size_t(n.hidden) * n.outputs + k]);
  }
  std::uint64_t row = 0;  // 64 bits: a huge batch cannot wrap past the check below
  auto place = [&](std::uint64_t words) {
    const std::uint64_t at = row;
    row += g_.rows(words);
    return std::uint32_t(std::min<std::uint64_t>(at, 0xffffffffu));
  };
  const auto B = std::uint32_t(std::min<std::size_t>(job_.batch, std::max<std::size_t>(job_.count, 1)));
  const std::uint32_t w1_row = place(w1.size()), b1_row = place(b1.size()), w2_row = place(w2.size()),
                      b2_row = place(b2.size()), x_row = place(std::uint64_t(B) * n.inputs),
                      z1_row = place(std::uint64_t(B) * n.hidden), h_row = place(std::uint64_t(B) * n.hidden),
                      z2_row = place(std::uint64_t(B) * n.outputs);
  if (row > std::uint64_t(job_.pool.first) * rows_) throw std::runtime_error("the tensors run into the lane pool");
  write_tensor(w1_row, w1);
  write_tensor(b1_row, b1);
  write_tensor(w2_row, w2);
  write_tensor(b2_row, b2);
  const double t1 = sc_core::sc_time_stamp().to_seconds() * 1e9;
  for (std::size_t base = 0; base < job_.count; base += B) {
    const auto b = std::uint32_t(std::min<std::size_t>(B, job_.count - base));
    std::vector<std::uint32_t> x(std::size_t(b) * n.inputs);
    for (std::uint32_t i = 0; i < b; ++i) {
      const std::uint8_t* img = job_.images->image(base + i);
      for (std::uint32_t k = 0; k < n.inputs; ++k) x[std::size_t(i) * n.inputs + k] = float_word(img[k] > 0 ? 1.0f : 0.0f);
    }
    write_tensor(x_row, x);
    Command c1 = fc_forward_command(x_row, w1_row, b1_row, z1_row, n.inputs, n.hidden, b);
    c1.tag = ++tag_;
    issue(c1);
    wait_idle();
    const std::vector<std::uint32_t> z1 = read_tensor(z1_row, std::size_t(b) * n.hidden);
    std::vector<std::uint32_t> h(z1.size());
    for (std::size_t i = 0; i < z1.size(); ++i) h[i] = float_word(float(-std::tanh(n.scale1 * word_float(z1[i]) / 2)));
    write_tensor(h_row, h);
    Command c2 = fc_forward_command(h_row, w2_row, b2_row, z2_row, n.hidden, n.outputs, b);
    c2.tag = ++tag_;
    issue(c2);
    wait_idle();
    const std::vector<std::uint32_t> z2 = read_tensor(z2_row, std::size_t(b) * n.outputs);
    for (std::uint32_t i = 0; i < b; ++i) {
      std::uint32_t best = 0;
      std::vector<float> v(n.outputs);
      for (std::uint32_t k = 0; k < n.outputs; ++k) {
        v[k] = word_float(z2[std::size_t(i) * n.outputs + k]);
        if (v[k] < v[best]) best = k;
      }
      outcome_.predicted.push_back(best);
      outcome_.output_V.push_back(std::move(v));  // here the sums z2, not voltages
    }
    ++outcome_.batches;
  }
  outcome_.infer_ns = sc_core::sc_time_stamp().to_seconds() * 1e9 - t1;
  outcome_.commands = tag_;
  if (summary_.refused > 0) throw std::runtime_error("the accelerator refused a layer command");
}

void AnalogMlpHostCore::run() {
  try {
    if (job_.digital) classify_digital();
    else classify();
  } catch (const std::exception& e) {
    failure_ = e.what();
  }
  finish();
}

}  // namespace mrampim
