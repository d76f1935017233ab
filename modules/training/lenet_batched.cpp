// The batched path (lenet.hpp): fast mode's fp32 training, a layer at a time
// on lane blocks (batch_kernels.hpp), charged as the lane path's operations.
// Each charge below names the lane path's calls it stands for: `times`
// operations over `lanes` lanes, as in lenet.cpp.
#include "training/batch_kernels.hpp"
#include "training/lenet.hpp"

namespace mrampim {

// Activations in lane blocks (value i of sample b at i * S + b); the
// padding lanes compute a blank sample and are never read back.
struct LeNetTrainer::BatchedActs {
  std::size_t B = 0, S = 0;
  std::vector<std::uint32_t> x0, c1, p1, c2, p2;
  std::vector<std::vector<std::uint32_t>> fc;
  std::vector<std::uint32_t> logits;  // B x classes, as the host reads them
};

namespace {

batch::ConvShape conv1_shape(const LeNetSpec& s) { return {1, s.image, s.image, s.conv1, s.kernel}; }
batch::ConvShape conv2_shape(const LeNetSpec& s) { return {s.conv1, s.pool1_out(), s.pool1_out(), s.conv2, s.kernel}; }

std::size_t square(std::size_t n) { return n * n; }

}  // namespace

void LeNetTrainer::forward_batched(const Dataset& data, const std::vector<std::size_t>& indices, BatchedActs& a) {
  const LeNetSpec& s = spec_;
  check_images(data);
  const std::size_t B = indices.size(), S = batch::stride_for(B);
  a.B = B;
  a.S = S;
  const std::size_t px = square(s.image);
  a.x0.assign(px * S, 0);
  for (std::size_t b = 0; b < B; ++b) {
    const std::uint8_t* img = data.image(indices[b]);
    for (std::size_t i = 0; i < px; ++i) a.x0[i * S + b] = pixel_[img[i]];
  }
  e_.host_transfer(B * px, true);
  host_written_ += B * px;
  const auto& P = params_.tensors;
  auto conv = [&](const batch::ConvShape& cs, const std::vector<std::uint32_t>& x, std::size_t w,
                  std::vector<std::uint32_t>& y, std::vector<std::uint32_t>& pooled) {
    const std::size_t out = cs.cout * cs.ho() * cs.wo();
    y.assign(out * S, 0);
    batch::conv_forward(cs, x.data(), P[w].data(), P[w + 1].data(), S, y.data());
    e_.charge(LaneOp::Mac, B * out, cs.taps());  // conv_forward: a MAC over every output per tap
    batch::relu(y.data(), out, S);
    e_.charge(LaneOp::Relu, B * out);
    pooled.assign(out / 4 * S, 0);
    batch::pool_forward(cs.cout, cs.ho(), cs.wo(), y.data(), S, pooled.data());
    e_.charge(LaneOp::Max, B * out / 4, 3);  // pool_forward: the first value, max with three
  };
  conv(conv1_shape(s), a.x0, 0, a.c1, a.p1);
  conv(conv2_shape(s), a.p1, 2, a.c2, a.p2);
  a.fc.assign(s.fc.size(), {});
  const std::vector<std::uint32_t>* x = &a.p2;
  std::size_t in = s.flat();
  for (std::size_t l = 0; l < s.fc.size(); ++l) {
    const std::size_t out = s.fc[l];
    a.fc[l].assign(out * S, 0);
    batch::fc_forward(in, out, x->data(), P[4 + 2 * l].data(), P[5 + 2 * l].data(), S, a.fc[l].data());
    e_.charge(LaneOp::Mac, B * out, in);  // fc_forward: a MAC over every output per input
    if (l + 1 < s.fc.size()) {
      batch::relu(a.fc[l].data(), out, S);
      e_.charge(LaneOp::Relu, B * out);
    }
    x = &a.fc[l];
    in = out;
  }
  const std::size_t C = s.fc.back();
  a.logits.resize(B * C);
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t c = 0; c < C; ++c) a.logits[b * C + c] = a.fc.back()[c * S + b];
}

BatchResult LeNetTrainer::evaluate_batched(const Dataset& data, const std::vector<std::size_t>& indices) {
  BatchedActs a;
  forward_batched(data, indices, a);
  return loss_and_gradient(data, indices, a.logits, nullptr);
}

BatchResult LeNetTrainer::train_batched(const Dataset& data, const std::vector<std::size_t>& indices) {
  const LeNetSpec& s = spec_;
  BatchedActs a;
  forward_batched(data, indices, a);
  std::vector<std::uint32_t> dlogits;
  const BatchResult r = loss_and_gradient(data, indices, a.logits, &dlogits);
  const std::size_t B = a.B, S = a.S, C = s.fc.back();
  std::vector<std::uint32_t> d(C * S, 0);
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t c = 0; c < C; ++c) d[c * S + b] = dlogits[b * C + c];
  const auto& P = params_.tensors;
  std::vector<std::vector<std::uint32_t>> G(P.size());
  for (std::size_t t = 0; t < P.size(); ++t) G[t].resize(P[t].size());
  // Fully connected layers, last first (fc_backward).
  for (std::size_t l = s.fc.size(); l-- > 0;) {
    const std::vector<std::uint32_t>& x = l == 0 ? a.p2 : a.fc[l - 1];
    const std::size_t in = l == 0 ? s.flat() : s.fc[l - 1], out = s.fc[l];
    batch::fc_param_grads(in, out, x.data(), d.data(), S, B, G[4 + 2 * l].data(), G[5 + 2 * l].data());
    e_.charge(LaneOp::Mac, out * in, B);  // weights: a MAC per sample
    e_.charge(LaneOp::Add, out, B);       // biases: an add per sample
    std::vector<std::uint32_t> dx(in * S, 0);
    batch::fc_input_grads(in, out, P[4 + 2 * l].data(), d.data(), S, dx.data());
    e_.charge(LaneOp::Mac, B * in, out);  // inputs: a MAC per output
    if (l > 0) {
      batch::relu_backward(a.fc[l - 1].data(), dx.data(), in, S);
      e_.charge(LaneOp::KeepIfNonZero, B * in);
    }
    d = std::move(dx);
  }
  // Pooling, ReLU and the convolution's parameter gradients (pool_backward,
  // relu_backward, conv_param_grads in lenet.cpp).
  auto conv_back = [&](const batch::ConvShape& cs, const std::vector<std::uint32_t>& x,
                       const std::vector<std::uint32_t>& y, const std::vector<std::uint32_t>& pooled, std::size_t w,
                       std::vector<std::uint32_t>& dy) {
    const std::size_t out = cs.cout * cs.ho() * cs.wo(), P_out = cs.ho() * cs.wo();
    dy.assign(out * S, 0);
    batch::pool_backward(cs.cout, cs.ho(), cs.wo(), y.data(), pooled.data(), d.data(), S, dy.data());
    e_.charge(LaneOp::KeepIfEqual, B * out / 4, 4);
    e_.charge(LaneOp::Mac, B * out / 4, 3);
    batch::relu_backward(y.data(), dy.data(), out, S);
    e_.charge(LaneOp::KeepIfNonZero, B * out);
    batch::conv_param_grads(cs, x.data(), dy.data(), S, B, G[w].data(), G[w + 1].data());
    const std::size_t nw = cs.cout * cs.taps();
    e_.charge(LaneOp::Mac, B * nw, P_out);       // per sample, a MAC per output position
    e_.charge(LaneOp::Add, nw, B - 1);           // summed over the batch
    e_.charge(LaneOp::Add, B * cs.cout, P_out);  // biases per sample
    e_.charge(LaneOp::Add, cs.cout, B - 1);
  };
  const batch::ConvShape s2 = conv2_shape(s), s1 = conv1_shape(s);
  std::vector<std::uint32_t> dc2;
  conv_back(s2, a.p1, a.c2, a.p2, 2, dc2);
  std::vector<std::uint32_t> dp1(s2.cin * s2.h * s2.w * S, 0);
  batch::conv_input_grads(s2, dc2.data(), P[2].data(), S, dp1.data());
  e_.charge(LaneOp::Mac, B * s2.cin * s2.h * s2.w, s2.cout * s2.k * s2.k);  // conv_input_grad: every tap
  d = std::move(dp1);
  std::vector<std::uint32_t> dc1;
  conv_back(s1, a.x0, a.c1, a.p1, 0, dc1);
  sgd_update(G);
  return r;
}

}  // namespace mrampim
