// Fast mode's fp32 layer kernels: the LeNet's lane operations computed on
// the host, a whole layer at a time, with the same bits as the lane path.
//
// Why they give the same bits: every lane of the lane path (lenet.hpp) is a
// chain acc = acc + a_t x b_t in a fixed tap order, each product and each
// sum rounded on its own (IEEE binary32, round to nearest even, no fused
// multiply-add: this file's kernels are compiled with -ffp-contract=off).
// A kernel computes each lane's chain in that same order, with the
// accumulator in a register, for 16 lanes at once. Native float arithmetic
// equals the model's bit for bit while no NaN appears (IEEE operations are
// correctly rounded); NaN is sticky, so a lane whose final value is not NaN
// never met one, and a lane that ends in NaN is redone by the reference
// (fp_host_reference.hpp), which applies the model's NaN policy.
//
// Layout ("lane blocks"): value i of sample b at i * stride + b, stride the
// batch rounded up to a multiple of kLanes. Lanes never mix, so the padding
// lanes (b >= batch) may hold anything: they are computed and ignored, and
// the sums over the batch read the first `batch` lanes only. The 16 vector
// lanes are the batch's samples, whose chains have the same taps, so one
// weight is broadcast to all of them.
//
// The convolution's input gradient skips the taps that fall outside the
// output map (the lane path multiplies them by +0): a chain that starts at +0
// and adds w x (+0) = +-0 for finite w ends where the chain without those
// terms ends, because a zero sum that starts at +0 stays +0 and a nonzero
// accumulator is unchanged by adding a zero. With any non-finite weight
// (inf x 0 is NaN) the kernel takes every tap.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mrampim::batch {

inline constexpr std::size_t kLanes = 16;
// The lane-block stride for a batch of `batch` samples.
inline std::size_t stride_for(std::size_t batch) { return (batch + kLanes - 1) / kLanes * kLanes; }

struct ConvShape {
  std::size_t cin, h, w;  // input (channels, rows, columns)
  std::size_t cout, k;    // output channels, kernel size
  std::size_t ho() const { return h - k + 1; }
  std::size_t wo() const { return w - k + 1; }
  std::size_t taps() const { return cin * k * k; }  // per output value
};

// Words in and out are fp32 bit patterns. W is (cout, cin, k, k) row-major.
// y[co][oy][ox] = bias[co] + sum over (ci, ky, kx) of W x x[ci][oy+ky][ox+kx].
void conv_forward(const ConvShape& s, const std::uint32_t* x, const std::uint32_t* W, const std::uint32_t* bias,
                  std::size_t stride, std::uint32_t* y);
// Per sample: gW = +0 + sum over (oy, ox) of dy[co][oy][ox] x x[ci][oy+ky][ox+kx],
// gb = +0 + sum over (oy, ox) of dy[co][oy][ox]; then each summed over the
// first `batch` samples in sample order (sample 0's value, plus sample 1's, ...).
// gW and gb are plain arrays (one value per parameter).
void conv_param_grads(const ConvShape& s, const std::uint32_t* x, const std::uint32_t* dy, std::size_t stride,
                      std::size_t batch, std::uint32_t* gW, std::uint32_t* gb);
// dx[ci][y][x] = +0 + sum over (co, ky, kx) of W[co][ci][ky][kx] x dy[co][y-ky][x-kx] (+0 outside).
void conv_input_grads(const ConvShape& s, const std::uint32_t* dy, const std::uint32_t* W, std::size_t stride,
                      std::uint32_t* dx);

// Fully connected, W (out, in) row-major.
// y[o] = bias[o] + sum over i of W[o][i] x x[i].
void fc_forward(std::size_t in, std::size_t out, const std::uint32_t* x, const std::uint32_t* W,
                const std::uint32_t* bias, std::size_t stride, std::uint32_t* y);
// gW[o][i] = +0 + sum over samples b of dy_b[o] x x_b[i]; gb[o] = +0 + sum over b of dy_b[o].
void fc_param_grads(std::size_t in, std::size_t out, const std::uint32_t* x, const std::uint32_t* dy,
                    std::size_t stride, std::size_t batch, std::uint32_t* gW, std::uint32_t* gb);
// dx[i] = +0 + sum over o of W[o][i] x dy[o].
void fc_input_grads(std::size_t in, std::size_t out, const std::uint32_t* W, const std::uint32_t* dy,
                    std::size_t stride, std::uint32_t* dx);

// Selections (select_program.hpp), on `n` values of every lane.
void relu(std::uint32_t* x, std::size_t n, std::size_t stride);
// d = y != +0 ? d : +0
void relu_backward(const std::uint32_t* y, std::uint32_t* d, std::size_t n, std::size_t stride);
// 2x2 max-pooling of (c, h, w): the window's first value, then the
// non-negative maximum with the others in (row, column) order.
void pool_forward(std::size_t c, std::size_t h, std::size_t w, const std::uint32_t* x, std::size_t stride,
                  std::uint32_t* m);
// The gradient dm goes to the first input equal to the maximum m, in window
// order: r = keep-if-equal(x_pos, m, left), left = left + (-1) x r.
void pool_backward(std::size_t c, std::size_t h, std::size_t w, const std::uint32_t* x, const std::uint32_t* m,
                   const std::uint32_t* dm, std::size_t stride, std::uint32_t* dx);

// acc[i] = acc[i] + a[i] x b[i] (a_stride 1) or a[0] x b[i] (a_stride 0),
// and acc[i] = acc[i] + b[i]: the element-wise lane operations (LaneEngine's
// fast mode).
void mac(std::uint32_t* acc, const std::uint32_t* a, std::size_t a_stride, const std::uint32_t* b, std::size_t n);
void add(std::uint32_t* acc, const std::uint32_t* b, std::size_t n);

}  // namespace mrampim::batch
