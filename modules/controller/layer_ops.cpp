#include "controller/layer_ops.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "compute/fp_value.hpp"
#include "controller/layer_command.hpp"
#include "controller/batch_kernels.hpp"

namespace mrampim {

using Words = std::vector<std::uint32_t>;

namespace {

// A batch tensor (B, C, H, W), row-major.
struct Shape {
  std::size_t c, h, w;
  std::size_t size() const { return c * h * w; }
};

Words read(TensorPort& port, const TensorUse& t) {
  Words v(t.words);
  port.read(t.row, v.size(), v.data());
  return v;
}

// ---- The lane path ----------------------------------------------------------

void conv_forward(LaneEngine& e, const Words& x, Shape in, const Words& W, const Words& bias, std::size_t cout,
                  std::size_t k, std::size_t B, Words& y) {
  const std::size_t ho = in.h - k + 1, wo = in.w - k + 1, plane = ho * wo;
  const std::size_t L = B * cout * plane;
  y.resize(L);
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t co = 0; co < cout; ++co) std::fill_n(y.begin() + std::ptrdiff_t((b * cout + co) * plane), plane, bias[co]);
  Words wv(L), xv(L);
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
void conv_input_grad(LaneEngine& e, const Words& dy, std::size_t cout, const Words& W, Shape in, std::size_t k,
                     std::size_t B, Words& dx) {
  const std::size_t ho = in.h - k + 1, wo = in.w - k + 1;
  const std::size_t L = B * in.size();
  dx.assign(L, 0);
  Words wv(L), dv(L);
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
void sum_over_batch(LaneEngine& e, const Words& partial, std::size_t n, std::size_t B, Words& g) {
  g.assign(partial.begin(), partial.begin() + std::ptrdiff_t(n));
  for (std::size_t b = 1; b < B; ++b) e.add(g.data(), partial.data() + b * n, n);
}

// Weight and bias gradients of a convolution: per sample, chained over the
// output positions, then summed over the batch.
void conv_param_grads(LaneEngine& e, const Words& x, Shape in, const Words& dy, std::size_t cout, std::size_t k,
                      std::size_t B, Words& gW, Words& gb) {
  const std::size_t ho = in.h - k + 1, wo = in.w - k + 1;
  const std::size_t nw = cout * in.c * k * k, L = B * nw;
  Words acc(L, 0), dv(L), xv(L);
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
  Words bacc(B * cout, 0), bv(B * cout);
  for (std::size_t p = 0; p < ho * wo; ++p) {
    for (std::size_t i = 0; i < B * cout; ++i) bv[i] = dy[i * ho * wo + p];
    e.add(bacc.data(), bv.data(), B * cout);
  }
  sum_over_batch(e, bacc, cout, B, gb);
}

void fc_forward(LaneEngine& e, const Words& x, std::size_t in, const Words& W, const Words& bias, std::size_t out,
                std::size_t B, Words& y) {
  const std::size_t L = B * out;
  y.resize(L);
  for (std::size_t b = 0; b < B; ++b) std::copy(bias.begin(), bias.end(), y.begin() + std::ptrdiff_t(b * out));
  Words wv(L), xv(L);
  for (std::size_t i = 0; i < in; ++i) {
    for (std::size_t b = 0, l = 0; b < B; ++b)
      for (std::size_t o = 0; o < out; ++o, ++l) {
        wv[l] = W[o * in + i];
        xv[l] = x[b * in + i];
      }
    e.mac(y.data(), wv.data(), 1, xv.data(), L);
  }
}

// Weights: lanes (o, i), chained over the batch; biases: lanes o.
void fc_param_grads(LaneEngine& e, const Words& x, std::size_t in, std::size_t out, std::size_t B, const Words& dy,
                    Words& gW, Words& gb) {
  gW.assign(out * in, 0);
  Words dv(out * in), xv(out * in);
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
}

// Inputs: lanes (b, i), chained over the outputs.
void fc_input_grads(LaneEngine& e, const Words& W, std::size_t in, std::size_t out, std::size_t B, const Words& dy,
                    Words& dx) {
  dx.assign(B * in, 0);
  Words wv(B * in), gv(B * in);
  for (std::size_t o = 0; o < out; ++o) {
    for (std::size_t b = 0, l = 0; b < B; ++b)
      for (std::size_t i = 0; i < in; ++i, ++l) {
        wv[l] = W[o * in + i];
        gv[l] = dy[b * out + o];
      }
    e.mac(dx.data(), wv.data(), 1, gv.data(), B * in);
  }
}

// 2x2 max-pooling of (B, c, h, w): the first position, then max with the others.
void pool_forward(LaneEngine& e, const Words& x, Shape in, std::size_t B, Words& m) {
  const std::size_t ho = in.h / 2, wo = in.w / 2, L = B * in.c * ho * wo;
  m.resize(L);
  Words v(L);
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
void pool_backward(LaneEngine& e, const Words& x, Shape in, std::size_t B, const Words& m, const Words& dm,
                   std::uint32_t minus_one, Words& dx) {
  const std::size_t ho = in.h / 2, wo = in.w / 2, L = B * in.c * ho * wo;
  dx.assign(B * in.size(), 0);
  Words v(L), r(L), left(dm);
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

void run_lanes(const Command& c, const LayerShape& s, const std::vector<TensorUse>& t, LaneEngine& e,
               TensorPort& port) {
  const std::size_t B = s.batch;
  const Shape conv_in{s.cin, s.h, s.w};
  Words out, out2;
  switch (c.opcode) {
    case Opcode::ConvForward:
      conv_forward(e, read(port, t[0]), conv_in, read(port, t[1]), read(port, t[2]), s.cout, s.k, B, out);
      port.write(t[3].row, out.size(), out.data());
      return;
    case Opcode::ConvWeightGrad:
      conv_param_grads(e, read(port, t[0]), conv_in, read(port, t[1]), s.cout, s.k, B, out, out2);
      port.write(t[2].row, out.size(), out.data());
      port.write(t[3].row, out2.size(), out2.data());
      return;
    case Opcode::ConvInputGrad:
      conv_input_grad(e, read(port, t[0]), s.cout, read(port, t[1]), conv_in, s.k, B, out);
      port.write(t[2].row, out.size(), out.data());
      return;
    case Opcode::FcForward:
      fc_forward(e, read(port, t[0]), s.in, read(port, t[1]), read(port, t[2]), s.out, B, out);
      port.write(t[3].row, out.size(), out.data());
      return;
    case Opcode::FcWeightGrad:
      fc_param_grads(e, read(port, t[0]), s.in, s.out, B, read(port, t[1]), out, out2);
      port.write(t[2].row, out.size(), out.data());
      port.write(t[3].row, out2.size(), out2.data());
      return;
    case Opcode::FcInputGrad:
      fc_input_grads(e, read(port, t[1]), s.in, s.out, B, read(port, t[0]), out);
      port.write(t[2].row, out.size(), out.data());
      return;
    case Opcode::Relu:
      out = read(port, t[0]);
      e.select(SelectOp::Relu, out.data(), out.data(), nullptr, nullptr, out.size());
      port.write(t[1].row, out.size(), out.data());
      return;
    case Opcode::ReluBackward: {
      const Words y = read(port, t[0]);
      out = read(port, t[1]);
      e.select(SelectOp::KeepIfNonZero, out.data(), y.data(), out.data(), nullptr, out.size());
      port.write(t[2].row, out.size(), out.data());
      return;
    }
    case Opcode::PoolForward:
      pool_forward(e, read(port, t[0]), conv_in, B, out);
      port.write(t[1].row, out.size(), out.data());
      return;
    case Opcode::PoolBackward: {
      const auto minus_one = std::uint32_t(fp_from_double(e.format(), -1.0));
      pool_backward(e, read(port, t[0]), conv_in, B, read(port, t[1]), read(port, t[2]), minus_one, out);
      port.write(t[3].row, out.size(), out.data());
      return;
    }
    case Opcode::SgdUpdate: {
      // w = w + (-lr) x g: one MAC per parameter.
      out = read(port, t[0]);
      const std::uint32_t neg_lr = c.args[2];
      e.mac(out.data(), &neg_lr, 0, read(port, t[1]).data(), out.size());
      port.write(t[0].row, out.size(), out.data());
      return;
    }
    default: throw std::logic_error("run_layer: not a layer command");
  }
}

// ---- The batched path -------------------------------------------------------
// Activations in lane blocks (value i of sample b at i * S + b); the padding
// lanes compute a blank sample and are never read back. Each charge names
// the lane path's calls it stands for: `times` operations over `lanes` lanes.

Words to_lanes(const Words& packed, std::size_t B, std::size_t S) {
  const std::size_t n = packed.size() / B;
  Words v(n * S, 0);
  for (std::size_t i = 0; i < n; ++i)  // B streams in, one out: both cache-friendly
    for (std::size_t b = 0; b < B; ++b) v[i * S + b] = packed[b * n + i];
  return v;
}

void run_batched(const Command& c, const LayerShape& s, const std::vector<TensorUse>& t, LaneEngine& e,
                 TensorPort& port, LaneBlockCache* cache) {
  const std::size_t B = s.batch, S = batch::stride_for(B);
  const batch::ConvShape cs{s.cin, s.h, s.w, s.cout, s.k};
  const TensorGeometry g = tensor_geometry(e.format(), e.columns());
  auto lanes_of = [&](const TensorUse& u) {
    if (cache) {
      if (const Words* kept = cache->find(port, u.row, g.rows(u.words), u.words, B, S)) return *kept;
    }
    return to_lanes(read(port, u), B, S);
  };
  auto write_lanes = [&](TensorPort& p, const TensorUse& u, Words& lanes, std::size_t, std::size_t) {
    const std::size_t n = u.words / B;
    Words packed(u.words);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t b = 0; b < B; ++b) packed[b * n + i] = lanes[i * S + b];
    p.write(u.row, packed.size(), packed.data());
    if (cache) cache->keep(p, u.row, g.rows(u.words), u.words, B, S, std::move(lanes));
  };
  switch (c.opcode) {
    case Opcode::ConvForward: {
      const std::size_t out = cs.cout * cs.ho() * cs.wo();
      Words y(out * S, 0);
      batch::conv_forward(cs, lanes_of(t[0]).data(), read(port, t[1]).data(), read(port, t[2]).data(), S, y.data());
      e.charge(LaneOp::Mac, B * out, cs.taps());  // a MAC over every output per tap
      write_lanes(port, t[3], y, B, S);
      return;
    }
    case Opcode::ConvWeightGrad: {
      Words gW(cs.cout * cs.taps()), gb(cs.cout);
      batch::conv_param_grads(cs, lanes_of(t[0]).data(), lanes_of(t[1]).data(), S, B, gW.data(), gb.data());
      const std::size_t nw = cs.cout * cs.taps(), P_out = cs.ho() * cs.wo();
      e.charge(LaneOp::Mac, B * nw, P_out);       // per sample, a MAC per output position
      e.charge(LaneOp::Add, nw, B - 1);           // summed over the batch
      e.charge(LaneOp::Add, B * cs.cout, P_out);  // biases per sample
      e.charge(LaneOp::Add, cs.cout, B - 1);
      port.write(t[2].row, gW.size(), gW.data());
      port.write(t[3].row, gb.size(), gb.data());
      return;
    }
    case Opcode::ConvInputGrad: {
      Words dx(cs.cin * cs.h * cs.w * S, 0);
      batch::conv_input_grads(cs, lanes_of(t[0]).data(), read(port, t[1]).data(), S, dx.data());
      e.charge(LaneOp::Mac, B * cs.cin * cs.h * cs.w, cs.cout * cs.k * cs.k);  // every tap
      write_lanes(port, t[2], dx, B, S);
      return;
    }
    case Opcode::FcForward: {
      Words y(s.out * S, 0);
      batch::fc_forward(s.in, s.out, lanes_of(t[0]).data(), read(port, t[1]).data(), read(port, t[2]).data(), S,
                        y.data());
      e.charge(LaneOp::Mac, B * s.out, s.in);  // a MAC over every output per input
      write_lanes(port, t[3], y, B, S);
      return;
    }
    case Opcode::FcWeightGrad: {
      Words gW(std::size_t(s.out) * s.in), gb(s.out);
      batch::fc_param_grads(s.in, s.out, lanes_of(t[0]).data(), lanes_of(t[1]).data(), S, B, gW.data(), gb.data());
      e.charge(LaneOp::Mac, std::size_t(s.out) * s.in, B);  // weights: a MAC per sample
      e.charge(LaneOp::Add, s.out, B);                      // biases: an add per sample
      port.write(t[2].row, gW.size(), gW.data());
      port.write(t[3].row, gb.size(), gb.data());
      return;
    }
    case Opcode::FcInputGrad: {
      Words dx(s.in * S, 0);
      batch::fc_input_grads(s.in, s.out, read(port, t[1]).data(), lanes_of(t[0]).data(), S, dx.data());
      e.charge(LaneOp::Mac, B * s.in, s.out);  // a MAC per output
      write_lanes(port, t[2], dx, B, S);
      return;
    }
    case Opcode::Relu: {
      Words y = lanes_of(t[0]);
      batch::relu(y.data(), s.count, S);
      e.charge(LaneOp::Relu, B * s.count);
      write_lanes(port, t[1], y, B, S);
      return;
    }
    case Opcode::ReluBackward: {
      Words d = lanes_of(t[1]);
      batch::relu_backward(lanes_of(t[0]).data(), d.data(), s.count, S);
      e.charge(LaneOp::KeepIfNonZero, B * s.count);
      write_lanes(port, t[2], d, B, S);
      return;
    }
    case Opcode::PoolForward: {
      const std::size_t in = std::size_t(s.cin) * s.h * s.w;
      Words m(in / 4 * S, 0);
      batch::pool_forward(s.cin, s.h, s.w, lanes_of(t[0]).data(), S, m.data());
      e.charge(LaneOp::Max, B * in / 4, 3);  // the first value, max with three
      write_lanes(port, t[1], m, B, S);
      return;
    }
    case Opcode::PoolBackward: {
      const std::size_t in = std::size_t(s.cin) * s.h * s.w;
      Words dx(in * S, 0);
      batch::pool_backward(s.cin, s.h, s.w, lanes_of(t[0]).data(), lanes_of(t[1]).data(), lanes_of(t[2]).data(), S,
                           dx.data());
      e.charge(LaneOp::KeepIfEqual, B * in / 4, 4);
      e.charge(LaneOp::Mac, B * in / 4, 3);
      write_lanes(port, t[3], dx, B, S);
      return;
    }
    case Opcode::SgdUpdate: run_lanes(c, s, t, e, port); return;  // element-wise already
    default: throw std::logic_error("run_layer: not a layer command");
  }
}

}  // namespace

const std::vector<std::uint32_t>* LaneBlockCache::find(const TensorPort& port, std::uint32_t row, std::uint64_t rows,
                                                       std::size_t words, std::size_t batch, std::size_t stride) const {
  for (const Entry& e : entries_) {
    if (e.row == row && e.rows == rows && e.words == words && e.batch == batch && e.stride == stride) {
      const std::uint64_t now = port.last_change(row, rows);
      return now != TensorPort::kUnknown && now == e.stamp ? &e.lanes : nullptr;
    }
  }
  return nullptr;
}

void LaneBlockCache::keep(const TensorPort& port, std::uint32_t row, std::uint64_t rows, std::size_t words,
                          std::size_t batch, std::size_t stride, std::vector<std::uint32_t> lanes) {
  const std::uint64_t stamp = port.last_change(row, rows);
  if (stamp == TensorPort::kUnknown) return;
  for (Entry& e : entries_) {
    if (e.row == row) {
      e = Entry{row, rows, words, batch, stride, stamp, std::move(lanes)};
      return;
    }
  }
  entries_.push_back(Entry{row, rows, words, batch, stride, stamp, std::move(lanes)});
}

bool layer_batched(const LaneEngine& e) {
  return e.batched_allowed() && e.mode() == ExecMode::Fast && e.basis() == CostBasis::Declared &&
         e.format() == FpFormat::fp32() && e.rounding() == Rounding::Ieee;
}

void run_layer(const Command& c, LaneEngine& e, TensorPort& port, LaneBlockCache* cache) {
  const LayerShape s = layer_shape(c);
  const std::vector<TensorUse> t = layer_tensors(c);
  if (layer_batched(e)) run_batched(c, s, t, e, port, cache);
  else run_lanes(c, s, t, e, port);
}

}  // namespace mrampim
