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

// Activations of one batch, as format words; relu outputs replace their inputs.
struct LeNetTrainer::Acts {
  std::size_t B = 0;
  std::vector<std::uint32_t> x0, c1, p1, c2, p2;
  std::vector<std::vector<std::uint32_t>> fc;  // outputs of each fully connected layer (after ReLU but the last)
};

LeNetTrainer::LeNetTrainer(const LeNetSpec& spec, LeNetParams params, LaneEngine& engine, double learning_rate,
                           bool batched)
    : spec_(spec),
      params_(std::move(params)),
      e_(engine),
      f_(engine.format()),
      batched_(batched && engine.mode() == ExecMode::Fast && engine.format() == FpFormat::fp32() &&
               engine.rounding() == Rounding::Ieee) {
  spec_.validate();
  if (!(learning_rate > 0)) throw std::invalid_argument("the learning rate must be positive");
  neg_lr_ = std::uint32_t(fp_from_double(f_, -learning_rate));
  minus_one_ = std::uint32_t(fp_from_double(f_, -1.0));
  for (std::size_t p = 0; p < pixel_.size(); ++p) pixel_[p] = std::uint32_t(fp_from_double(f_, double(p) / 255.0));
}

namespace {

// Shapes: a batch tensor is (B, C, H, W) row-major.
struct Shape {
  std::size_t c, h, w;
  std::size_t size() const { return c * h * w; }
};

void conv_forward(LaneEngine& e, const std::vector<std::uint32_t>& x, Shape in, const std::vector<std::uint32_t>& W,
                  const std::vector<std::uint32_t>& bias, std::size_t cout, std::size_t k, std::size_t B,
                  std::vector<std::uint32_t>& y) {
  const std::size_t ho = in.h - k + 1, wo = in.w - k + 1, plane = ho * wo;
  const std::size_t L = B * cout * plane;
  y.resize(L);
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t co = 0; co < cout; ++co) std::fill_n(y.begin() + std::ptrdiff_t((b * cout + co) * plane), plane, bias[co]);
  std::vector<std::uint32_t> wv(L), xv(L);
  for (std::size_t ci = 0; ci < in.c; ++ci)
    for (std::size_t ky = 0; ky < k; ++ky)
      for (std::size_t kx = 0; kx < k; ++kx) {
        std::size_t l = 0;
        for (std::size_t b = 0; b < B; ++b)
          for (std::size_t co = 0; co < cout; ++co) {
            const std::uint32_t wk = W[((co * in.c + ci) * k + ky) * k + kx];
            const std::uint32_t* xp = x.data() + (b * in.c + ci) * in.h * in.w;
            for (std::size_t oy = 0; oy < ho; ++oy)
              for (std::size_t ox = 0; ox < wo; ++ox, ++l) {
                wv[l] = wk;
                xv[l] = xp[(oy + ky) * in.w + ox + kx];
              }
          }
        e.mac(y.data(), wv.data(), 1, xv.data(), L);
      }
}

// dx (B, cin, h, w) = sum over (co, ky, kx) of W x dy at (y - ky, x - kx), +0 outside.
void conv_input_grad(LaneEngine& e, const std::vector<std::uint32_t>& dy, std::size_t cout, std::size_t ho,
                     std::size_t wo, const std::vector<std::uint32_t>& W, Shape in, std::size_t k, std::size_t B,
                     std::vector<std::uint32_t>& dx) {
  const std::size_t L = B * in.size();
  dx.assign(L, 0);
  std::vector<std::uint32_t> wv(L), dv(L);
  for (std::size_t co = 0; co < cout; ++co)
    for (std::size_t ky = 0; ky < k; ++ky)
      for (std::size_t kx = 0; kx < k; ++kx) {
        std::size_t l = 0;
        for (std::size_t b = 0; b < B; ++b)
          for (std::size_t ci = 0; ci < in.c; ++ci) {
            const std::uint32_t wk = W[((co * in.c + ci) * k + ky) * k + kx];
            const std::uint32_t* dp = dy.data() + (b * cout + co) * ho * wo;
            for (std::size_t y = 0; y < in.h; ++y)
              for (std::size_t x = 0; x < in.w; ++x, ++l) {
                wv[l] = wk;
                const bool inside = y >= ky && x >= kx && y - ky < ho && x - kx < wo;
                dv[l] = inside ? dp[(y - ky) * wo + (x - kx)] : 0;
              }
          }
        e.mac(dx.data(), wv.data(), 1, dv.data(), L);
      }
}

// Sums per-sample partials (B blocks of n) into g, in sample order.
void sum_over_batch(LaneEngine& e, const std::vector<std::uint32_t>& partial, std::size_t n, std::size_t B,
                    std::vector<std::uint32_t>& g) {
  g.assign(partial.begin(), partial.begin() + std::ptrdiff_t(n));
  for (std::size_t b = 1; b < B; ++b) e.add(g.data(), partial.data() + b * n, n);
}

// Weight and bias gradients of a convolution: per sample, chained over the
// output positions, then summed over the batch.
void conv_param_grads(LaneEngine& e, const std::vector<std::uint32_t>& x, Shape in, const std::vector<std::uint32_t>& dy,
                      std::size_t cout, std::size_t k, std::size_t B, std::vector<std::uint32_t>& gW,
                      std::vector<std::uint32_t>& gb) {
  const std::size_t ho = in.h - k + 1, wo = in.w - k + 1;
  const std::size_t nw = cout * in.c * k * k, L = B * nw;
  std::vector<std::uint32_t> acc(L, 0), dv(L), xv(L);
  for (std::size_t oy = 0; oy < ho; ++oy)
    for (std::size_t ox = 0; ox < wo; ++ox) {
      std::size_t l = 0;
      for (std::size_t b = 0; b < B; ++b)
        for (std::size_t co = 0; co < cout; ++co) {
          const std::uint32_t d = dy[((b * cout + co) * ho + oy) * wo + ox];
          for (std::size_t ci = 0; ci < in.c; ++ci) {
            const std::uint32_t* xp = x.data() + (b * in.c + ci) * in.h * in.w;
            for (std::size_t ky = 0; ky < k; ++ky)
              for (std::size_t kx = 0; kx < k; ++kx, ++l) {
                dv[l] = d;
                xv[l] = xp[(oy + ky) * in.w + ox + kx];
              }
          }
        }
      e.mac(acc.data(), dv.data(), 1, xv.data(), L);
    }
  sum_over_batch(e, acc, nw, B, gW);
  // Bias: the sum of dy over positions per sample, then over the batch.
  std::vector<std::uint32_t> bacc(B * cout, 0), bv(B * cout);
  for (std::size_t p = 0; p < ho * wo; ++p) {
    for (std::size_t i = 0; i < B * cout; ++i) bv[i] = dy[i * ho * wo + p];
    e.add(bacc.data(), bv.data(), B * cout);
  }
  sum_over_batch(e, bacc, cout, B, gb);
}

void fc_forward(LaneEngine& e, const std::vector<std::uint32_t>& x, std::size_t in, const std::vector<std::uint32_t>& W,
                const std::vector<std::uint32_t>& bias, std::size_t out, std::size_t B, std::vector<std::uint32_t>& y) {
  const std::size_t L = B * out;
  y.resize(L);
  for (std::size_t b = 0; b < B; ++b) std::copy(bias.begin(), bias.end(), y.begin() + std::ptrdiff_t(b * out));
  std::vector<std::uint32_t> wv(L), xv(L);
  for (std::size_t i = 0; i < in; ++i) {
    for (std::size_t b = 0, l = 0; b < B; ++b)
      for (std::size_t o = 0; o < out; ++o, ++l) {
        wv[l] = W[o * in + i];
        xv[l] = x[b * in + i];
      }
    e.mac(y.data(), wv.data(), 1, xv.data(), L);
  }
}

void fc_backward(LaneEngine& e, const std::vector<std::uint32_t>& x, std::size_t in, const std::vector<std::uint32_t>& W,
                 std::size_t out, std::size_t B, const std::vector<std::uint32_t>& dy, std::vector<std::uint32_t>& gW,
                 std::vector<std::uint32_t>& gb, std::vector<std::uint32_t>* dx) {
  // Weights: lanes (o, i), chained over the batch.
  gW.assign(out * in, 0);
  std::vector<std::uint32_t> dv(out * in), xv(out * in);
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t o = 0, l = 0; o < out; ++o)
      for (std::size_t i = 0; i < in; ++i, ++l) {
        dv[l] = dy[b * out + o];
        xv[l] = x[b * in + i];
      }
    e.mac(gW.data(), dv.data(), 1, xv.data(), out * in);
  }
  gb.assign(out, 0);
  for (std::size_t b = 0; b < B; ++b) e.add(gb.data(), dy.data() + b * out, out);
  if (!dx) return;
  // Inputs: lanes (b, i), chained over the outputs.
  dx->assign(B * in, 0);
  std::vector<std::uint32_t> wv(B * in), gv(B * in);
  for (std::size_t o = 0; o < out; ++o) {
    for (std::size_t b = 0, l = 0; b < B; ++b)
      for (std::size_t i = 0; i < in; ++i, ++l) {
        wv[l] = W[o * in + i];
        gv[l] = dy[b * out + o];
      }
    e.mac(dx->data(), wv.data(), 1, gv.data(), B * in);
  }
}

// 2x2 max-pooling of (B, c, h, w): the first position, then max with the others.
void pool_forward(LaneEngine& e, const std::vector<std::uint32_t>& x, Shape in, std::size_t B,
                  std::vector<std::uint32_t>& m) {
  const std::size_t ho = in.h / 2, wo = in.w / 2, L = B * in.c * ho * wo;
  m.resize(L);
  std::vector<std::uint32_t> v(L);
  for (int pos = 0; pos < 4; ++pos) {
    const std::size_t dy = std::size_t(pos / 2), dx = std::size_t(pos % 2);
    std::uint32_t* dst = pos == 0 ? m.data() : v.data();
    for (std::size_t p = 0, l = 0; p < B * in.c; ++p)
      for (std::size_t y = 0; y < ho; ++y)
        for (std::size_t xx = 0; xx < wo; ++xx, ++l) dst[l] = x[(p * in.h + 2 * y + dy) * in.w + 2 * xx + dx];
    if (pos > 0) e.select(SelectOp::MaxNonNegative, m.data(), m.data(), v.data(), nullptr, L);
  }
}

// The pooled gradient goes to the first input, in window order, equal to the
// maximum (as PyTorch's max-pooling routes it; pool_forward keeps the first
// of equal values too). A blank image region gives windows of four equal
// values (the bias), so routing to every tie would multiply the bias
// gradient. In lanes: r = keep-if-equal(x_pos, max, left), then
// left = left + (-1) x r, which is exactly +0 once routed and unchanged
// otherwise (x - x = +0 and x + -0 = x in round-to-nearest).
void pool_backward(LaneEngine& e, const std::vector<std::uint32_t>& x, Shape in, std::size_t B,
                   const std::vector<std::uint32_t>& m, const std::vector<std::uint32_t>& dm, std::uint32_t minus_one,
                   std::vector<std::uint32_t>& dx) {
  const std::size_t ho = in.h / 2, wo = in.w / 2, L = B * in.c * ho * wo;
  dx.assign(B * in.size(), 0);
  std::vector<std::uint32_t> v(L), r(L), left(dm);
  for (int pos = 0; pos < 4; ++pos) {
    const std::size_t dy = std::size_t(pos / 2), dxo = std::size_t(pos % 2);
    auto at = [&](std::size_t p, std::size_t y, std::size_t xx) { return (p * in.h + 2 * y + dy) * in.w + 2 * xx + dxo; };
    for (std::size_t p = 0, l = 0; p < B * in.c; ++p)
      for (std::size_t y = 0; y < ho; ++y)
        for (std::size_t xx = 0; xx < wo; ++xx, ++l) v[l] = x[at(p, y, xx)];
    e.select(SelectOp::KeepIfEqual, r.data(), v.data(), m.data(), left.data(), L);
    if (pos < 3) e.mac(left.data(), &minus_one, 0, r.data(), L);
    for (std::size_t p = 0, l = 0; p < B * in.c; ++p)
      for (std::size_t y = 0; y < ho; ++y)
        for (std::size_t xx = 0; xx < wo; ++xx, ++l) dx[at(p, y, xx)] = r[l];
  }
}

void relu(LaneEngine& e, std::vector<std::uint32_t>& x) {
  e.select(SelectOp::Relu, x.data(), x.data(), nullptr, nullptr, x.size());
}

// d = y != 0 ? d : 0, y the ReLU's output.
void relu_backward(LaneEngine& e, const std::vector<std::uint32_t>& y, std::vector<std::uint32_t>& d) {
  e.select(SelectOp::KeepIfNonZero, d.data(), y.data(), d.data(), nullptr, d.size());
}

}  // namespace

void LeNetTrainer::check_images(const Dataset& data) const {
  if (data.rows != spec_.image || data.cols != spec_.image) {
    throw std::invalid_argument("network takes " + std::to_string(spec_.image) + "x" + std::to_string(spec_.image) +
                                " images; " + data.name + " has " + std::to_string(data.rows) + "x" +
                                std::to_string(data.cols));
  }
}

void LeNetTrainer::forward(const Dataset& data, const std::vector<std::size_t>& indices, Acts& a) {
  const LeNetSpec& s = spec_;
  const std::size_t B = indices.size();
  a.B = B;
  const std::size_t px = std::size_t(s.image) * s.image;
  check_images(data);
  a.x0.resize(B * px);
  for (std::size_t b = 0; b < B; ++b) {
    const std::uint8_t* img = data.image(indices[b]);
    for (std::size_t i = 0; i < px; ++i) a.x0[b * px + i] = pixel_[img[i]];
  }
  e_.host_transfer(a.x0.size(), true);
  host_written_ += a.x0.size();
  const auto& P = params_.tensors;
  const std::size_t k = s.kernel;
  const Shape in0{1, s.image, s.image};
  conv_forward(e_, a.x0, in0, P[0], P[1], s.conv1, k, B, a.c1);
  relu(e_, a.c1);
  const Shape c1{s.conv1, s.conv1_out(), s.conv1_out()};
  pool_forward(e_, a.c1, c1, B, a.p1);
  const Shape p1{s.conv1, s.pool1_out(), s.pool1_out()};
  conv_forward(e_, a.p1, p1, P[2], P[3], s.conv2, k, B, a.c2);
  relu(e_, a.c2);
  const Shape c2{s.conv2, s.conv2_out(), s.conv2_out()};
  pool_forward(e_, a.c2, c2, B, a.p2);
  a.fc.assign(s.fc.size(), {});
  const std::vector<std::uint32_t>* x = &a.p2;
  std::size_t in = s.flat();
  for (std::size_t l = 0; l < s.fc.size(); ++l) {
    fc_forward(e_, *x, in, P[4 + 2 * l], P[5 + 2 * l], s.fc[l], B, a.fc[l]);
    if (l + 1 < s.fc.size()) relu(e_, a.fc[l]);
    x = &a.fc[l];
    in = s.fc[l];
  }
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

BatchResult LeNetTrainer::loss_and_gradient(const Dataset& data, const std::vector<std::size_t>& indices,
                                            const std::vector<std::uint32_t>& logits,
                                            std::vector<std::uint32_t>* dlogits) {
  e_.host_transfer(logits.size(), false);
  host_read_ += logits.size();
  std::vector<std::uint8_t> labels;
  for (std::size_t i : indices) labels.push_back(data.labels[i]);
  const BatchResult r = softmax_cross_entropy(f_, logits, spec_.fc.back(), labels, dlogits);
  if (dlogits) {
    e_.host_transfer(dlogits->size(), true);
    host_written_ += dlogits->size();
  }
  return r;
}

BatchResult LeNetTrainer::evaluate_batch(const Dataset& data, const std::vector<std::size_t>& indices) {
  if (indices.empty()) throw std::invalid_argument("a batch needs at least one image");
  if (batched_) return evaluate_batched(data, indices);
  Acts a;
  forward(data, indices, a);
  return loss_and_gradient(data, indices, a.fc.back(), nullptr);
}

BatchResult LeNetTrainer::train_batch(const Dataset& data, const std::vector<std::size_t>& indices) {
  if (indices.empty()) throw std::invalid_argument("a batch needs at least one image");
  return batched_ ? train_batched(data, indices) : train_lanes(data, indices);
}

BatchResult LeNetTrainer::train_lanes(const Dataset& data, const std::vector<std::size_t>& indices) {
  const LeNetSpec& s = spec_;
  Acts a;
  forward(data, indices, a);
  std::vector<std::uint32_t> d;
  const BatchResult r = loss_and_gradient(data, indices, a.fc.back(), &d);
  const std::size_t B = a.B, k = s.kernel;
  auto& P = params_.tensors;
  std::vector<std::vector<std::uint32_t>> G(P.size());
  // Fully connected layers, last first.
  for (std::size_t l = s.fc.size(); l-- > 0;) {
    const std::vector<std::uint32_t>& x = l == 0 ? a.p2 : a.fc[l - 1];
    const std::size_t in = l == 0 ? s.flat() : s.fc[l - 1];
    std::vector<std::uint32_t> dx;
    fc_backward(e_, x, in, P[4 + 2 * l], s.fc[l], B, d, G[4 + 2 * l], G[5 + 2 * l], &dx);
    if (l > 0) relu_backward(e_, a.fc[l - 1], dx);
    d = std::move(dx);
  }
  // d: gradient of the second pooling's output (B x flat).
  const Shape c2{s.conv2, s.conv2_out(), s.conv2_out()};
  std::vector<std::uint32_t> dc2;
  pool_backward(e_, a.c2, c2, B, a.p2, d, minus_one_, dc2);
  relu_backward(e_, a.c2, dc2);
  const Shape p1{s.conv1, s.pool1_out(), s.pool1_out()};
  conv_param_grads(e_, a.p1, p1, dc2, s.conv2, k, B, G[2], G[3]);
  std::vector<std::uint32_t> dp1;
  conv_input_grad(e_, dc2, s.conv2, s.conv2_out(), s.conv2_out(), P[2], p1, k, B, dp1);
  const Shape c1{s.conv1, s.conv1_out(), s.conv1_out()};
  std::vector<std::uint32_t> dc1;
  pool_backward(e_, a.c1, c1, B, a.p1, dp1, minus_one_, dc1);
  relu_backward(e_, a.c1, dc1);
  conv_param_grads(e_, a.x0, Shape{1, s.image, s.image}, dc1, s.conv1, k, B, G[0], G[1]);
  sgd_update(G);
  return r;
}

void LeNetTrainer::sgd_update(const std::vector<std::vector<std::uint32_t>>& G) {
  // w = w + (-lr) x g: one MAC per parameter.
  auto& P = params_.tensors;
  for (std::size_t t = 0; t < P.size(); ++t) e_.mac(P[t].data(), &neg_lr_, 0, G[t].data(), P[t].size());
}

}  // namespace mrampim
