// The batched path's kernels against the lane path's definition of each lane
// (lenet.hpp), computed here lane by lane with the host reference
// (fp_host_reference.hpp: exact rounding, the model's NaN policy): every
// output of every real sample, bit for bit.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "compute/fp_format.hpp"
#include "compute/fp_host_reference.hpp"
#include "compute/select_program.hpp"
#include "controller/batch_kernels.hpp"

using namespace mrampim;

namespace {

const FpFormat kF = FpFormat::fp32();
std::uint32_t mac(std::uint32_t acc, std::uint32_t a, std::uint32_t b) { return std::uint32_t(fp_host_mac(kF, acc, a, b)); }
std::uint32_t add(std::uint32_t acc, std::uint32_t b) { return std::uint32_t(fp_host_add(kF, acc, b)); }

// Values that exercise the kernels: ordinary floats; small integers, whose
// sums cancel to exact zeros (the sign of a zero sum); signed zeros,
// subnormals, infinities and NaNs with payloads, now and then (`specials`).
struct Values {
  std::mt19937 rng;
  double specials;
  std::uint32_t operator()() {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    if (u < specials) {
      static const std::uint32_t s[] = {0x00000000u, 0x80000000u, 0x00000007u, 0x807fffffu, 0x7f800000u,
                                        0xff800000u, 0x7fc00000u, 0xffa00003u, 0x7f7fffffu};
      return s[rng() % std::size(s)];
    }
    if (u < 0.35) {
      const float f = float(int(rng() % 7) - 3);
      std::uint32_t b;
      std::memcpy(&b, &f, sizeof b);
      return b;
    }
    const float f = std::uniform_real_distribution<float>(-2, 2)(rng);
    std::uint32_t b;
    std::memcpy(&b, &f, sizeof b);
    return b;
  }
  std::vector<std::uint32_t> fill(std::size_t n) {
    std::vector<std::uint32_t> v(n);
    for (auto& x : v) x = (*this)();
    return v;
  }
};

// Every real lane of a lane-block tensor equals ref(i, b).
template <class Ref>
void check_lanes(const std::vector<std::uint32_t>& got, std::size_t n, std::size_t S, std::size_t B, Ref&& ref) {
  std::size_t differ = 0, nan = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t b = 0; b < B; ++b) {
      const std::uint32_t want = ref(i, b);
      nan += kF.is_nan(want);
      if (got[i * S + b] != want && differ++ < 5) FAIL_CHECK("value " << i << " sample " << b << ": 0x" << std::hex << got[i * S + b] << " want 0x" << want);
    }
  CHECK(differ == 0);
  CHECK(nan < n * B);  // not everything swamped by NaN
}

}  // namespace

TEST_CASE("batched convolution kernels compute each lane's chain exactly", "[training][kernels]") {
  const batch::ConvShape s{2, 7, 7, 3, 3};
  const std::size_t ho = s.ho(), wo = s.wo();
  // Variants: ordinary values; special values among the inputs (the input
  // gradient skips the outside taps); and an infinite weight besides
  // (inf x 0 = NaN at the outside taps: every tap taken).
  for (const std::size_t B : {std::size_t(5), std::size_t(19)}) {
    for (int variant = 0; variant < 3; ++variant) {
      const double specials = variant == 0 ? 0.0 : 0.01;
      CAPTURE(B, variant);
      const std::size_t S = batch::stride_for(B);
      Values v{std::mt19937(unsigned(B * 10 + std::size_t(variant))), specials};
      auto W = v.fill(s.cout * s.taps());
      if (variant == 2) W[4] = 0x7f800000u;
      auto bias = v.fill(s.cout), x = v.fill(s.cin * s.h * s.w * S), dy = v.fill(s.cout * ho * wo * S);
      // Output channel 0 of sample 0: a -0 bias, -0 or negative weights and
      // +0 inputs, so its chains add only -0 products to -0 and end at -0.
      bias[0] = 0x80000000u;
      for (std::size_t t = 0; t < s.taps(); ++t) W[t] |= 0x80000000u;
      for (std::size_t i = 0; i < s.cin * s.h * s.w; ++i) x[i * S] = 0;
      auto X = [&](std::size_t ci, std::size_t y, std::size_t xx, std::size_t b) { return x[((ci * s.h + y) * s.w + xx) * S + b]; };
      auto DY = [&](std::size_t co, std::size_t y, std::size_t xx, std::size_t b) { return dy[((co * ho + y) * wo + xx) * S + b]; };
      auto w = [&](std::size_t co, std::size_t ci, std::size_t ky, std::size_t kx) { return W[((co * s.cin + ci) * s.k + ky) * s.k + kx]; };

      std::vector<std::uint32_t> y(s.cout * ho * wo * S);
      batch::conv_forward(s, x.data(), W.data(), bias.data(), S, y.data());
      check_lanes(y, s.cout * ho * wo, S, B, [&](std::size_t i, std::size_t b) {
        const std::size_t co = i / (ho * wo), oy = i / wo % ho, ox = i % wo;
        std::uint32_t a = bias[co];
        for (std::size_t ci = 0; ci < s.cin; ++ci)
          for (std::size_t ky = 0; ky < s.k; ++ky)
            for (std::size_t kx = 0; kx < s.k; ++kx) a = mac(a, w(co, ci, ky, kx), X(ci, oy + ky, ox + kx, b));
        return a;
      });

      std::vector<std::uint32_t> dx(s.cin * s.h * s.w * S);
      batch::conv_input_grads(s, dy.data(), W.data(), S, dx.data());
      check_lanes(dx, s.cin * s.h * s.w, S, B, [&](std::size_t i, std::size_t b) {
        const std::size_t ci = i / (s.h * s.w), yy = i / s.w % s.h, xx = i % s.w;
        std::uint32_t a = 0;
        for (std::size_t co = 0; co < s.cout; ++co)
          for (std::size_t ky = 0; ky < s.k; ++ky)
            for (std::size_t kx = 0; kx < s.k; ++kx) {
              const bool inside = yy >= ky && xx >= kx && yy - ky < ho && xx - kx < wo;
              a = mac(a, w(co, ci, ky, kx), inside ? DY(co, yy - ky, xx - kx, b) : 0);
            }
        return a;
      });

      std::vector<std::uint32_t> gW(W.size()), gb(s.cout);
      batch::conv_param_grads(s, x.data(), dy.data(), S, B, gW.data(), gb.data());
      std::size_t differ = 0;
      for (std::size_t co = 0; co < s.cout; ++co) {
        for (std::size_t ci = 0; ci < s.cin; ++ci)
          for (std::size_t ky = 0; ky < s.k; ++ky)
            for (std::size_t kx = 0; kx < s.k; ++kx) {
              std::uint32_t g = 0;
              for (std::size_t b = 0; b < B; ++b) {
                std::uint32_t a = 0;
                for (std::size_t oy = 0; oy < ho; ++oy)
                  for (std::size_t ox = 0; ox < wo; ++ox) a = mac(a, DY(co, oy, ox, b), X(ci, oy + ky, ox + kx, b));
                g = b == 0 ? a : add(g, a);
              }
              differ += gW[((co * s.cin + ci) * s.k + ky) * s.k + kx] != g;
            }
        std::uint32_t g = 0;
        for (std::size_t b = 0; b < B; ++b) {
          std::uint32_t a = 0;
          for (std::size_t p = 0; p < ho * wo; ++p) a = add(a, DY(co, p / wo, p % wo, b));
          g = b == 0 ? a : add(g, a);
        }
        differ += gb[co] != g;
      }
      CHECK(differ == 0);
    }
  }
}

TEST_CASE("batched fully connected kernels compute each lane's chain exactly", "[training][kernels]") {
  const std::size_t in = 21, out = 6;
  for (const std::size_t B : {std::size_t(3), std::size_t(17)}) {
    for (const double specials : {0.0, 0.01}) {
      CAPTURE(B, specials);
      const std::size_t S = batch::stride_for(B);
      Values v{std::mt19937(unsigned(B * 100 + (specials > 0))), specials};
      auto W = v.fill(out * in), bias = v.fill(out), x = v.fill(in * S), dy = v.fill(out * S);
      // Output 0 of sample 0 sums only -0 products onto a -0 bias: -0.
      bias[0] = 0x80000000u;
      for (std::size_t i = 0; i < in; ++i) {
        W[i] |= 0x80000000u;
        x[i * S] = 0;
      }
      std::vector<std::uint32_t> y(out * S);
      batch::fc_forward(in, out, x.data(), W.data(), bias.data(), S, y.data());
      check_lanes(y, out, S, B, [&](std::size_t o, std::size_t b) {
        std::uint32_t a = bias[o];
        for (std::size_t i = 0; i < in; ++i) a = mac(a, W[o * in + i], x[i * S + b]);
        return a;
      });
      std::vector<std::uint32_t> dx(in * S);
      batch::fc_input_grads(in, out, W.data(), dy.data(), S, dx.data());
      check_lanes(dx, in, S, B, [&](std::size_t i, std::size_t b) {
        std::uint32_t a = 0;
        for (std::size_t o = 0; o < out; ++o) a = mac(a, W[o * in + i], dy[o * S + b]);
        return a;
      });
      std::vector<std::uint32_t> gW(out * in), gb(out);
      batch::fc_param_grads(in, out, x.data(), dy.data(), S, B, gW.data(), gb.data());
      std::size_t differ = 0;
      for (std::size_t o = 0; o < out; ++o) {
        std::uint32_t g = 0;
        for (std::size_t b = 0; b < B; ++b) g = add(g, dy[o * S + b]);
        differ += gb[o] != g;
        for (std::size_t i = 0; i < in; ++i) {
          std::uint32_t a = 0;
          for (std::size_t b = 0; b < B; ++b) a = mac(a, dy[o * S + b], x[i * S + b]);
          differ += gW[o * in + i] != a;
        }
      }
      CHECK(differ == 0);
    }
  }
}

TEST_CASE("batched selections and pooling match the select programs' definitions", "[training][kernels]") {
  const std::size_t c = 2, h = 6, w = 4, B = 7, S = batch::stride_for(B);
  Values v{std::mt19937(5), 0.05};
  const std::vector<std::uint32_t> pre = v.fill(c * h * w * S);
  std::vector<std::uint32_t> r = pre;
  batch::relu(r.data(), c * h * w, S);
  check_lanes(r, c * h * w, S, B, [&](std::size_t i, std::size_t b) {
    return std::uint32_t(select_host(SelectOp::Relu, kF, pre[i * S + b], 0, 0));
  });
  auto at = [&](std::size_t i, int pos) {  // input index of pooled value i's window position
    const std::size_t p = i / (h / 2 * w / 2), y = i / (w / 2) % (h / 2), xx = i % (w / 2);
    return (p * h + 2 * y + std::size_t(pos / 2)) * w + 2 * xx + std::size_t(pos % 2);
  };
  // Pooling's inputs are ReLU outputs (sign clear), with ties in a window
  // (a blank region's four equal values).
  std::vector<std::uint32_t> x = r;  // positive NaNs stay: ReLU keeps them
  for (std::size_t i = 0; i < c * h * w / 4; ++i)
    for (std::size_t b = 0; b < S; ++b)
      for (int pos = 1; pos < 4; ++pos)
        if (v.rng() % 3 == 0) x[at(i, pos) * S + b] = x[at(i, 0) * S + b];
  std::vector<std::uint32_t> m(c * h * w / 4 * S);
  batch::pool_forward(c, h, w, x.data(), S, m.data());
  check_lanes(m, c * h * w / 4, S, B, [&](std::size_t i, std::size_t b) {
    std::uint64_t a = x[at(i, 0) * S + b];
    for (int pos = 1; pos < 4; ++pos) a = select_host(SelectOp::MaxNonNegative, kF, a, x[at(i, pos) * S + b], 0);
    return std::uint32_t(a);
  });
  const auto dm = v.fill(m.size());
  std::vector<std::uint32_t> dx(x.size());
  batch::pool_backward(c, h, w, x.data(), m.data(), dm.data(), S, dx.data());
  std::vector<std::uint32_t> want(x.size());
  for (std::size_t i = 0; i < c * h * w / 4; ++i)
    for (std::size_t b = 0; b < B; ++b) {
      std::uint32_t left = dm[i * S + b];
      for (int pos = 0; pos < 4; ++pos) {
        const auto rr = std::uint32_t(select_host(SelectOp::KeepIfEqual, kF, x[at(i, pos) * S + b], m[i * S + b], left));
        want[at(i, pos) * S + b] = rr;
        left = mac(left, 0xbf800000u, rr);
      }
    }
  check_lanes(dx, c * h * w, S, B, [&](std::size_t i, std::size_t b) { return want[i * S + b]; });
  std::vector<std::uint32_t> d = v.fill(x.size());
  const std::vector<std::uint32_t> d0 = d;
  batch::relu_backward(r.data(), d.data(), c * h * w, S);
  check_lanes(d, c * h * w, S, B, [&](std::size_t i, std::size_t b) {
    return std::uint32_t(select_host(SelectOp::KeepIfNonZero, kF, r[i * S + b], d0[i * S + b], 0));
  });
}
