#include "training/lenet_program.hpp"

#include <stdexcept>

namespace mrampim {

const std::vector<std::string>& training_phase_names() {
  static const std::vector<std::string> names{
      "idle",          "load weights",  "write images",  "forward conv1", "forward conv2", "forward fc1",
      "forward fc2",   "forward fc3",   "forward fc",    "loss",          "backward fc3",  "backward fc2",
      "backward fc1",  "backward fc",   "backward conv2", "backward conv1", "update",      "evaluate",
      "read weights"};
  return names;
}

LeNetTensors lenet_tensors(const LeNetSpec& s, std::uint32_t batch, const TensorGeometry& g, std::uint64_t first_row) {
  s.validate();
  if (batch == 0 || batch > 0xffff) throw std::invalid_argument("the batch must be 1..65535 samples");
  if (s.image > 255 || s.conv1 > 255 || s.conv2 > 255 || s.kernel > 255 || s.flat() > 0xffff) {
    throw std::invalid_argument("network: a size past the layer commands' fields (255 per dimension)");
  }
  for (std::uint32_t n : s.fc) {
    if (n > 0xffff) throw std::invalid_argument("network: a fully connected layer past 65535 neurons");
  }
  if (g.words_per_row == 0) throw std::invalid_argument("a row too narrow for one word of the format");
  LeNetTensors t;
  t.batch = batch;
  t.first_row = first_row;
  std::uint64_t next = first_row;
  auto take = [&](std::uint64_t words) {
    const std::uint64_t row = next;
    next += g.rows(words);
    if (next > 0xffffffffull) throw std::invalid_argument("the training's tensors run past 2^32 rows");
    return std::uint32_t(row);
  };
  const std::size_t k2 = std::size_t(s.kernel) * s.kernel;
  t.param_words = {s.conv1 * k2, s.conv1, std::size_t(s.conv2) * s.conv1 * k2, s.conv2};
  std::size_t in = s.flat();
  for (std::uint32_t out : s.fc) {
    t.param_words.push_back(std::uint64_t(out) * in);
    t.param_words.push_back(out);
    in = out;
  }
  for (std::uint64_t w : t.param_words) t.params.push_back(take(w));
  for (std::uint64_t w : t.param_words) t.grads.push_back(take(w));
  const std::vector<std::size_t> a = s.activation_sizes();  // input, conv1, pool1, conv2, pool2, fc...
  const std::uint64_t B = batch;
  t.x0 = take(B * a[0]);
  t.c1 = take(B * a[1]);
  t.p1 = take(B * a[2]);
  t.c2 = take(B * a[3]);
  t.p2 = take(B * a[4]);
  for (std::size_t l = 0; l < s.fc.size(); ++l) t.fc.push_back(take(B * s.fc[l]));
  for (std::size_t l = 0; l < s.fc.size(); ++l) t.d.push_back(take(B * s.fc[l]));
  t.dp2 = take(B * a[4]);
  t.dc2 = take(B * a[3]);
  t.dp1 = take(B * a[2]);
  t.dc1 = take(B * a[1]);
  t.end_row = next;
  return t;
}

namespace {

PhasedCommand with(Command c, const FpFormat& f, Rounding r, const char* phase) {
  c.format = f;
  c.rounding = r;
  return {c, phase};
}

}  // namespace

std::vector<PhasedCommand> lenet_forward(const LeNetSpec& s, const LeNetTensors& t, std::uint32_t B, const FpFormat& f,
                                         Rounding r) {
  if (B == 0 || B > t.batch) throw std::invalid_argument("a batch larger than the tensors hold");
  std::vector<PhasedCommand> p;
  const std::uint32_t k = s.kernel, c1o = s.conv1_out(), p1o = s.pool1_out(), c2o = s.conv2_out();
  p.push_back(with(conv_forward_command(t.x0, t.params[0], t.params[1], t.c1, 1, s.image, s.image, s.conv1, k, B), f, r,
                   "forward conv1"));
  p.push_back(with(relu_command(t.c1, t.c1, s.conv1 * c1o * c1o, B), f, r, "forward conv1"));
  p.push_back(with(pool_forward_command(t.c1, t.p1, s.conv1, c1o, c1o, B), f, r, "forward conv1"));
  p.push_back(with(conv_forward_command(t.p1, t.params[2], t.params[3], t.c2, s.conv1, p1o, p1o, s.conv2, k, B), f, r,
                   "forward conv2"));
  p.push_back(with(relu_command(t.c2, t.c2, s.conv2 * c2o * c2o, B), f, r, "forward conv2"));
  p.push_back(with(pool_forward_command(t.c2, t.p2, s.conv2, c2o, c2o, B), f, r, "forward conv2"));
  std::uint32_t x = t.p2, in = s.flat();
  static const char* const names[] = {"forward fc1", "forward fc2", "forward fc3", "forward fc"};
  for (std::size_t l = 0; l < s.fc.size(); ++l) {
    const char* phase = names[std::min<std::size_t>(l, 3)];
    p.push_back(with(fc_forward_command(x, t.params[4 + 2 * l], t.params[5 + 2 * l], t.fc[l], in, s.fc[l], B), f, r,
                     phase));
    if (l + 1 < s.fc.size()) p.push_back(with(relu_command(t.fc[l], t.fc[l], s.fc[l], B), f, r, phase));
    x = t.fc[l];
    in = s.fc[l];
  }
  return p;
}

std::vector<PhasedCommand> lenet_backward(const LeNetSpec& s, const LeNetTensors& t, std::uint32_t B,
                                          const FpFormat& f, Rounding r) {
  if (B == 0 || B > t.batch) throw std::invalid_argument("a batch larger than the tensors hold");
  std::vector<PhasedCommand> p;
  static const char* const names[] = {"backward fc1", "backward fc2", "backward fc3", "backward fc"};
  // Fully connected layers, last first: weight gradients, input gradients,
  // and the ReLU's gradient of the layer below.
  for (std::size_t l = s.fc.size(); l-- > 0;) {
    const char* phase = names[std::min<std::size_t>(l, 3)];
    const std::uint32_t x = l == 0 ? t.p2 : t.fc[l - 1];
    const std::uint32_t in = l == 0 ? s.flat() : s.fc[l - 1];
    const std::uint32_t dx = l == 0 ? t.dp2 : t.d[l - 1];
    p.push_back(with(fc_weight_grad_command(x, t.d[l], t.grads[4 + 2 * l], t.grads[5 + 2 * l], in, s.fc[l], B), f, r,
                     phase));
    p.push_back(with(fc_input_grad_command(t.d[l], t.params[4 + 2 * l], dx, in, s.fc[l], B), f, r, phase));
    if (l > 0) p.push_back(with(relu_backward_command(t.fc[l - 1], dx, dx, in, B), f, r, phase));
  }
  const std::uint32_t k = s.kernel, c1o = s.conv1_out(), p1o = s.pool1_out(), c2o = s.conv2_out();
  p.push_back(with(pool_backward_command(t.c2, t.p2, t.dp2, t.dc2, s.conv2, c2o, c2o, B), f, r, "backward conv2"));
  p.push_back(with(relu_backward_command(t.c2, t.dc2, t.dc2, s.conv2 * c2o * c2o, B), f, r, "backward conv2"));
  p.push_back(with(conv_weight_grad_command(t.p1, t.dc2, t.grads[2], t.grads[3], s.conv1, p1o, p1o, s.conv2, k, B), f,
                   r, "backward conv2"));
  p.push_back(with(conv_input_grad_command(t.dc2, t.params[2], t.dp1, s.conv1, p1o, p1o, s.conv2, k, B), f, r,
                   "backward conv2"));
  p.push_back(with(pool_backward_command(t.c1, t.p1, t.dp1, t.dc1, s.conv1, c1o, c1o, B), f, r, "backward conv1"));
  p.push_back(with(relu_backward_command(t.c1, t.dc1, t.dc1, s.conv1 * c1o * c1o, B), f, r, "backward conv1"));
  p.push_back(with(conv_weight_grad_command(t.x0, t.dc1, t.grads[0], t.grads[1], 1, s.image, s.image, s.conv1, k, B), f,
                   r, "backward conv1"));
  return p;
}

std::vector<PhasedCommand> lenet_update(const LeNetSpec&, const LeNetTensors& t, std::uint32_t neg_lr_word,
                                        const FpFormat& f, Rounding r) {
  std::vector<PhasedCommand> p;
  for (std::size_t i = 0; i < t.params.size(); ++i) {
    p.push_back(with(sgd_command(t.params[i], t.grads[i], std::uint32_t(t.param_words[i]), neg_lr_word), f, r, "update"));
  }
  return p;
}

}  // namespace mrampim
