#include "controller/batch_kernels.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "compute/fp_format.hpp"
#include "compute/fp_host_reference.hpp"
#include "controller/kernel_targets.hpp"


namespace mrampim::batch {

namespace {

// 16 fp32 lanes (GCC vector extension: the compiler lowers it to the
// target's vector registers).
typedef float Vf __attribute__((vector_size(kLanes * sizeof(float))));
typedef std::int32_t Vi __attribute__((vector_size(kLanes * sizeof(float))));
typedef std::uint32_t Vu __attribute__((vector_size(kLanes * sizeof(float))));

// Everything on a kernel's hot path is inlined into it, so that it is
// compiled for the kernel's target (a call would run the baseline build).
#define MRAMPIM_LANES_INLINE inline __attribute__((always_inline))
#define MRAMPIM_INLINE_LAMBDA __attribute__((always_inline))

MRAMPIM_LANES_INLINE Vf load(const std::uint32_t* p) {
  Vf v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
MRAMPIM_LANES_INLINE Vu load_bits(const std::uint32_t* p) {
  Vu v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
MRAMPIM_LANES_INLINE void store(std::uint32_t* p, const Vf& v) { std::memcpy(p, &v, sizeof v); }
MRAMPIM_LANES_INLINE void store_bits(std::uint32_t* p, const Vu& v) { std::memcpy(p, &v, sizeof v); }
// The word in every lane, bit for bit (broadcast as an integer: a float
// 0 + w would turn -0 into +0 and quiet a signalling NaN).
MRAMPIM_LANES_INLINE Vf splat(std::uint32_t w) {
  const Vu u = Vu{} + w;
  Vf v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}
MRAMPIM_LANES_INLINE bool any_nan(const Vf& v) {
  const Vi m = v != v;
  std::int32_t r = 0;
  for (std::size_t j = 0; j < kLanes; ++j) r |= m[j];
  return r != 0;
}

float as_float(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}
std::uint32_t as_bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
bool is_nan32(std::uint32_t u) { return (u & 0x7fffffffu) > 0x7f800000u; }
bool is_finite32(std::uint32_t u) { return (u & 0x7f800000u) != 0x7f800000u; }

const FpFormat& fp32() {
  static const FpFormat f = FpFormat::fp32();
  return f;
}

// The reference's MAC and add (the model's NaN policy), for redone lanes.
std::uint32_t ref_mac(std::uint32_t acc, std::uint32_t a, std::uint32_t b) {
  return std::uint32_t(fp_host_mac(fp32(), acc, a, b));
}
std::uint32_t ref_add(std::uint32_t acc, std::uint32_t b) { return std::uint32_t(fp_host_add(fp32(), acc, b)); }

// The kLanes lanes at `out` that are NaN, recomputed by redo(lane).
template <class Redo>
void redo_nan_lanes(std::uint32_t* out, Redo&& redo) {
  for (std::size_t j = 0; j < kLanes; ++j) {
    if (is_nan32(out[j])) out[j] = redo(j);
  }
}

// Calls f(R, first) over [0, n) in blocks of at most 4, as even as
// possible (9 -> 3, 3, 3), so that every block keeps several chains in
// flight; R is a compile-time constant.
template <class F>
MRAMPIM_LANES_INLINE void for_blocks(std::size_t n, F&& f) {
  const std::size_t blocks = (n + 3) / 4;
  std::size_t first = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t size = (n - first) / (blocks - b);
    switch (size) {
      case 1: f(std::integral_constant<std::size_t, 1>{}, first); break;
      case 2: f(std::integral_constant<std::size_t, 2>{}, first); break;
      case 3: f(std::integral_constant<std::size_t, 3>{}, first); break;
      default: f(std::integral_constant<std::size_t, 4>{}, first); break;
    }
    first += size;
  }
}

// Sums per-sample lanes over the first `batch` samples in sample order:
// out = v[0] + v[1] + ... (the lane path's sum over the batch).
std::uint32_t sum_samples(const std::uint32_t* v, std::size_t batch) {
  float s = as_float(v[0]);
  for (std::size_t b = 1; b < batch; ++b) s = s + as_float(v[b]);
  if (!is_nan32(as_bits(s))) return as_bits(s);
  std::uint32_t r = v[0];
  for (std::size_t b = 1; b < batch; ++b) r = ref_add(r, v[b]);
  return r;
}

// Element-wise fp32 MAC and add over contiguous lanes, branch-free so that
// it vectorises; a chunk with a NaN result is redone lane by lane, from a
// copy of its accumulators, by the reference.
//   kMac: acc = acc + a x b (kScalarA: one a for every lane); else acc = acc + b.
template <bool kMac, bool kScalarA>
MRAMPIM_LANES_INLINE void accumulate(std::uint32_t* acc, const std::uint32_t* a, const std::uint32_t* b,
                                     std::size_t n) {
  constexpr std::size_t kChunk = 256;
  std::uint32_t old[kChunk];
  for (std::size_t base = 0; base < n; base += kChunk) {
    const std::size_t m = std::min(kChunk, n - base);
    std::uint32_t* c = acc + base;
    const std::uint32_t* x = kScalarA || !kMac ? a : a + base;  // an add has no a
    const std::uint32_t* y = b + base;
    std::memcpy(old, c, m * sizeof *c);
    std::uint32_t nan = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const float term = kMac ? as_float(x[kScalarA ? 0 : i]) * as_float(y[i]) : as_float(y[i]);
      const std::uint32_t u = as_bits(as_float(old[i]) + term);
      c[i] = u;
      nan |= std::uint32_t(is_nan32(u));
    }
    if (nan == 0) continue;
    for (std::size_t i = 0; i < m; ++i) {
      if (is_nan32(c[i])) c[i] = kMac ? ref_mac(old[i], x[kScalarA ? 0 : i], y[i]) : ref_add(old[i], y[i]);
    }
  }
}

}  // namespace

MRAMPIM_KERNEL
void mac(std::uint32_t* acc, const std::uint32_t* a, std::size_t a_stride, const std::uint32_t* b, std::size_t n) {
  if (a_stride == 0) {
    accumulate<true, true>(acc, a, b, n);
  } else if (a_stride == 1) {
    accumulate<true, false>(acc, a, b, n);
  } else {
    for (std::size_t i = 0; i < n; ++i) acc[i] = ref_mac(acc[i], a[i * a_stride], b[i]);
  }
}

MRAMPIM_KERNEL
void add(std::uint32_t* acc, const std::uint32_t* b, std::size_t n) { accumulate<false, false>(acc, nullptr, b, n); }

MRAMPIM_KERNEL
void conv_forward(const ConvShape& s, const std::uint32_t* x, const std::uint32_t* W, const std::uint32_t* bias,
                  std::size_t S, std::uint32_t* y) {
  const std::size_t ho = s.ho(), wo = s.wo(), K = s.taps();
  // Tap t = (ci, ky, kx): its input's offset from the output position's.
  std::vector<std::size_t> off(K);
  for (std::size_t ci = 0, t = 0; ci < s.cin; ++ci)
    for (std::size_t ky = 0; ky < s.k; ++ky)
      for (std::size_t kx = 0; kx < s.k; ++kx, ++t) off[t] = ((ci * s.h + ky) * s.w + kx) * S;
  for (std::size_t co = 0; co < s.cout; ++co) {
    const std::uint32_t* Wc = W + co * K;
    for (std::size_t oy = 0; oy < ho; ++oy) {
      // Blocks of output columns share each tap's weight.
      for_blocks(wo, [&](auto R_, std::size_t ox) MRAMPIM_INLINE_LAMBDA {
        constexpr std::size_t R = decltype(R_)::value;
        for (std::size_t lb = 0; lb < S; lb += kLanes) {
          const std::uint32_t* base = x + (oy * s.w + ox) * S + lb;
          Vf acc[R];
          for (std::size_t r = 0; r < R; ++r) acc[r] = splat(bias[co]);
          for (std::size_t t = 0; t < K; ++t) {
            const Vf wv = splat(Wc[t]);
            const std::uint32_t* xt = base + off[t];
            for (std::size_t r = 0; r < R; ++r) acc[r] = acc[r] + wv * load(xt + r * S);
          }
          for (std::size_t r = 0; r < R; ++r) {
            std::uint32_t* out = y + ((co * ho + oy) * wo + ox + r) * S + lb;
            store(out, acc[r]);
            if (!any_nan(acc[r])) continue;
            redo_nan_lanes(out, [&](std::size_t j) {
              std::uint32_t v = bias[co];
              for (std::size_t t = 0; t < K; ++t) v = ref_mac(v, Wc[t], base[off[t] + r * S + j]);
              return v;
            });
          }
        }
      });
    }
  }
}

MRAMPIM_KERNEL
void conv_param_grads(const ConvShape& s, const std::uint32_t* x, const std::uint32_t* dy, std::size_t S,
                      std::size_t batch, std::uint32_t* gW, std::uint32_t* gb) {
  const std::size_t ho = s.ho(), wo = s.wo(), P = ho * wo, K = s.taps();
  // Output position p = (oy, ox): its input's offset from the tap's.
  std::vector<std::size_t> pos(P);
  for (std::size_t oy = 0, p = 0; oy < ho; ++oy)
    for (std::size_t ox = 0; ox < wo; ++ox, ++p) pos[p] = (oy * s.w + ox) * S;
  std::vector<std::uint32_t> part(s.cout * K * S);  // per-sample gradients, lane blocks
  for (std::size_t ci = 0, t = 0; ci < s.cin; ++ci)
    for (std::size_t ky = 0; ky < s.k; ++ky)
      for (std::size_t kx = 0; kx < s.k; ++kx, ++t) {
        const std::uint32_t* xt = x + ((ci * s.h + ky) * s.w + kx) * S;
        // Blocks of output channels share each position's input.
        for_blocks(s.cout, [&](auto R_, std::size_t co) MRAMPIM_INLINE_LAMBDA {
          constexpr std::size_t R = decltype(R_)::value;
          for (std::size_t lb = 0; lb < S; lb += kLanes) {
            Vf acc[R] = {};
            for (std::size_t p = 0; p < P; ++p) {
              const Vf xv = load(xt + pos[p] + lb);
              for (std::size_t r = 0; r < R; ++r) acc[r] = acc[r] + load(dy + ((co + r) * P + p) * S + lb) * xv;
            }
            for (std::size_t r = 0; r < R; ++r) {
              std::uint32_t* out = part.data() + ((co + r) * K + t) * S + lb;
              store(out, acc[r]);
              if (!any_nan(acc[r])) continue;
              redo_nan_lanes(out, [&](std::size_t j) {
                std::uint32_t v = 0;
                for (std::size_t p = 0; p < P; ++p) v = ref_mac(v, dy[((co + r) * P + p) * S + lb + j], xt[pos[p] + lb + j]);
                return v;
              });
            }
          }
        });
      }
  for (std::size_t i = 0; i < s.cout * K; ++i) gW[i] = sum_samples(part.data() + i * S, batch);
  // Bias: per sample the sum of dy over the positions.
  std::vector<std::uint32_t> bpart(S);
  for (std::size_t co = 0; co < s.cout; ++co) {
    for (std::size_t lb = 0; lb < S; lb += kLanes) {
      Vf acc = {};
      for (std::size_t p = 0; p < P; ++p) acc = acc + load(dy + (co * P + p) * S + lb);
      store(bpart.data() + lb, acc);
      if (!any_nan(acc)) continue;
      redo_nan_lanes(bpart.data() + lb, [&](std::size_t j) {
        std::uint32_t v = 0;
        for (std::size_t p = 0; p < P; ++p) v = ref_add(v, dy[(co * P + p) * S + lb + j]);
        return v;
      });
    }
    gb[co] = sum_samples(bpart.data(), batch);
  }
}

MRAMPIM_KERNEL
void conv_input_grads(const ConvShape& s, const std::uint32_t* dy, const std::uint32_t* W, std::size_t S,
                      std::uint32_t* dx) {
  const std::size_t ho = s.ho(), wo = s.wo(), k = s.k, pad = k - 1;
  // dy with k - 1 rows and columns of +0 around it: every tap has a value.
  const std::size_t hp = ho + 2 * pad, wp = wo + 2 * pad;
  std::vector<std::uint32_t> dyp(s.cout * hp * wp * S, 0);
  for (std::size_t co = 0; co < s.cout; ++co)
    for (std::size_t oy = 0; oy < ho; ++oy)
      std::memcpy(dyp.data() + ((co * hp + oy + pad) * wp + pad) * S, dy + (co * ho + oy) * wo * S,
                  wo * S * sizeof *dy);
  // Outside taps multiply by +0: skipped unless a weight is not finite.
  const std::size_t nW = s.cout * s.cin * k * k;
  const bool every_tap = !std::all_of(W, W + nW, is_finite32);
  auto wi = [&](std::size_t co, std::size_t ci, std::size_t ky, std::size_t kx) {
    return ((co * s.cin + ci) * k + ky) * k + kx;
  };
  auto at = [&](std::size_t co, std::size_t y, std::size_t x, std::size_t ky, std::size_t kx) {
    return ((co * hp + y + pad - ky) * wp + x + pad - kx) * S;
  };
  for (std::size_t y = 0; y < s.h; ++y) {
    const std::size_t ky0 = every_tap || y < ho ? 0 : y - ho + 1, ky1 = every_tap ? k - 1 : std::min(k - 1, y);
    for (std::size_t x = 0; x < s.w; ++x) {
      const std::size_t kx0 = every_tap || x < wo ? 0 : x - wo + 1, kx1 = every_tap ? k - 1 : std::min(k - 1, x);
      // Blocks of input channels share each tap's gradient.
      for_blocks(s.cin, [&](auto R_, std::size_t ci) MRAMPIM_INLINE_LAMBDA {
        constexpr std::size_t R = decltype(R_)::value;
        for (std::size_t lb = 0; lb < S; lb += kLanes) {
          Vf acc[R] = {};
          for (std::size_t co = 0; co < s.cout; ++co)
            for (std::size_t ky = ky0; ky <= ky1; ++ky)
              for (std::size_t kx = kx0; kx <= kx1; ++kx) {
                const Vf dv = load(dyp.data() + at(co, y, x, ky, kx) + lb);
                for (std::size_t r = 0; r < R; ++r) acc[r] = acc[r] + splat(W[wi(co, ci + r, ky, kx)]) * dv;
              }
          for (std::size_t r = 0; r < R; ++r) {
            std::uint32_t* out = dx + (((ci + r) * s.h + y) * s.w + x) * S + lb;
            store(out, acc[r]);
            if (!any_nan(acc[r])) continue;
            // Every tap, outside ones too: the lane path's chain exactly.
            redo_nan_lanes(out, [&](std::size_t j) {
              std::uint32_t v = 0;
              for (std::size_t co = 0; co < s.cout; ++co)
                for (std::size_t ky = 0; ky < k; ++ky)
                  for (std::size_t kx = 0; kx < k; ++kx)
                    v = ref_mac(v, W[wi(co, ci + r, ky, kx)], dyp[at(co, y, x, ky, kx) + lb + j]);
              return v;
            });
          }
        }
      });
    }
  }
}

MRAMPIM_KERNEL
void fc_forward(std::size_t in, std::size_t out, const std::uint32_t* x, const std::uint32_t* W,
                const std::uint32_t* bias, std::size_t S, std::uint32_t* y) {
  for_blocks(out, [&](auto R_, std::size_t o) MRAMPIM_INLINE_LAMBDA {
    constexpr std::size_t R = decltype(R_)::value;
    for (std::size_t lb = 0; lb < S; lb += kLanes) {
      Vf acc[R];
      for (std::size_t r = 0; r < R; ++r) acc[r] = splat(bias[o + r]);
      for (std::size_t i = 0; i < in; ++i) {
        const Vf xv = load(x + i * S + lb);
        for (std::size_t r = 0; r < R; ++r) acc[r] = acc[r] + splat(W[(o + r) * in + i]) * xv;
      }
      for (std::size_t r = 0; r < R; ++r) {
        std::uint32_t* dst = y + (o + r) * S + lb;
        store(dst, acc[r]);
        if (!any_nan(acc[r])) continue;
        redo_nan_lanes(dst, [&](std::size_t j) {
          std::uint32_t v = bias[o + r];
          for (std::size_t i = 0; i < in; ++i) v = ref_mac(v, W[(o + r) * in + i], x[i * S + lb + j]);
          return v;
        });
      }
    }
  });
}

MRAMPIM_KERNEL
void fc_param_grads(std::size_t in, std::size_t out, const std::uint32_t* x, const std::uint32_t* dy, std::size_t S,
                    std::size_t batch, std::uint32_t* gW, std::uint32_t* gb) {
  // Lanes (o, i), each chained over the samples: the inputs' lanes run along
  // i, so the samples' inputs are laid out row by row (xs[b][i], i padded).
  const std::size_t ip = stride_for(in);
  std::vector<std::uint32_t> xs(batch * ip, 0), row(ip);
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t i = 0; i < in; ++i) xs[b * ip + i] = x[i * S + b];
  for (std::size_t o = 0; o < out; ++o) {
    for (std::size_t ib = 0; ib < ip; ib += kLanes) {
      Vf acc = {};
      for (std::size_t b = 0; b < batch; ++b) acc = acc + splat(dy[o * S + b]) * load(xs.data() + b * ip + ib);
      store(row.data() + ib, acc);
      if (!any_nan(acc)) continue;
      redo_nan_lanes(row.data() + ib, [&](std::size_t j) {
        std::uint32_t v = 0;
        for (std::size_t b = 0; b < batch; ++b) v = ref_mac(v, dy[o * S + b], xs[b * ip + ib + j]);
        return v;
      });
    }
    std::copy_n(row.begin(), in, gW + o * in);
    std::uint32_t v = 0;
    for (std::size_t b = 0; b < batch; ++b) v = ref_add(v, dy[o * S + b]);
    gb[o] = v;
  }
}

MRAMPIM_KERNEL
void fc_input_grads(std::size_t in, std::size_t out, const std::uint32_t* W, const std::uint32_t* dy, std::size_t S,
                    std::uint32_t* dx) {
  for_blocks(in, [&](auto R_, std::size_t i) MRAMPIM_INLINE_LAMBDA {
    constexpr std::size_t R = decltype(R_)::value;
    for (std::size_t lb = 0; lb < S; lb += kLanes) {
      Vf acc[R] = {};
      for (std::size_t o = 0; o < out; ++o) {
        const Vf dv = load(dy + o * S + lb);
        for (std::size_t r = 0; r < R; ++r) acc[r] = acc[r] + splat(W[o * in + i + r]) * dv;
      }
      for (std::size_t r = 0; r < R; ++r) {
        std::uint32_t* dst = dx + (i + r) * S + lb;
        store(dst, acc[r]);
        if (!any_nan(acc[r])) continue;
        redo_nan_lanes(dst, [&](std::size_t j) {
          std::uint32_t v = 0;
          for (std::size_t o = 0; o < out; ++o) v = ref_mac(v, W[o * in + i + r], dy[o * S + lb + j]);
          return v;
        });
      }
    }
  });
}

MRAMPIM_KERNEL
void relu(std::uint32_t* x, std::size_t n, std::size_t S) {
  for (std::size_t i = 0; i < n * S; i += kLanes) {
    const Vu v = load_bits(x + i);
    const Vu keep = Vu((v >> 31) == 0);  // all ones where the sign is clear
    store_bits(x + i, v & keep);
  }
}

MRAMPIM_KERNEL
void relu_backward(const std::uint32_t* y, std::uint32_t* d, std::size_t n, std::size_t S) {
  for (std::size_t i = 0; i < n * S; i += kLanes) {
    const Vu keep = Vu(load_bits(y + i) != 0);
    store_bits(d + i, load_bits(d + i) & keep);
  }
}

MRAMPIM_KERNEL
void pool_forward(std::size_t c, std::size_t h, std::size_t w, const std::uint32_t* x, std::size_t S,
                  std::uint32_t* m) {
  const std::size_t ho = h / 2, wo = w / 2;
  for (std::size_t p = 0; p < c; ++p)
    for (std::size_t y = 0; y < ho; ++y)
      for (std::size_t xx = 0; xx < wo; ++xx)
        for (std::size_t lb = 0; lb < S; lb += kLanes) {
          const std::uint32_t* in = x + ((p * h + 2 * y) * w + 2 * xx) * S + lb;
          Vu v = load_bits(in);
          // Non-negative values order as their bit patterns: a >= b ? a : b.
          for (const std::size_t o : {S, w * S, (w + 1) * S}) {
            const Vu b = load_bits(in + o);
            const Vu a_wins = Vu(v >= b);
            v = (v & a_wins) | (b & ~a_wins);
          }
          store_bits(m + ((p * ho + y) * wo + xx) * S + lb, v);
        }
}

MRAMPIM_KERNEL
void pool_backward(std::size_t c, std::size_t h, std::size_t w, const std::uint32_t* x, const std::uint32_t* m,
                   const std::uint32_t* dm, std::size_t S, std::uint32_t* dx) {
  const std::size_t ho = h / 2, wo = w / 2;
  const std::uint32_t minus_one = 0xbf800000u;
  const Vf neg = splat(minus_one);
  for (std::size_t p = 0; p < c; ++p)
    for (std::size_t y = 0; y < ho; ++y)
      for (std::size_t xx = 0; xx < wo; ++xx)
        for (std::size_t lb = 0; lb < S; lb += kLanes) {
          const std::size_t q = ((p * ho + y) * wo + xx) * S + lb;
          const std::size_t first = ((p * h + 2 * y) * w + 2 * xx) * S + lb;
          const Vu mv = load_bits(m + q);
          Vu left = load_bits(dm + q);
          const std::size_t offsets[4] = {0, S, w * S, (w + 1) * S};
          for (std::size_t pos = 0; pos < 4; ++pos) {
            const Vu r = left & Vu(load_bits(x + first + offsets[pos]) == mv);
            store_bits(dx + first + offsets[pos], r);
            if (pos == 3) break;
            Vf lf, rf;
            std::memcpy(&lf, &left, sizeof lf);
            std::memcpy(&rf, &r, sizeof rf);
            const Vf next = lf + neg * rf;
            if (any_nan(next)) {
              std::uint32_t l[kLanes], rr[kLanes];
              store_bits(l, left);
              store_bits(rr, r);
              for (std::size_t j = 0; j < kLanes; ++j) l[j] = ref_mac(l[j], minus_one, rr[j]);
              left = load_bits(l);
            } else {
              std::memcpy(&left, &next, sizeof left);
            }
          }
        }
}

}  // namespace mrampim::batch
