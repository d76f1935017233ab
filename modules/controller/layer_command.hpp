// The layer commands: one descriptor per layer operation of a neural network
// (convolution and fully connected forward, their weight and input
// gradients, ReLU and 2x2 max-pooling and their gradients, the SGD update),
// computed by the controller over lanes in the lane pool (lane_engine.hpp)
// on tensors that stay resident in the data window between commands.
//
// Tensors: a tensor is a run of format words packed into consecutive rows of
// the data window, starting at a row boundary: word i in global row
// first + i / W, columns [(i mod W) w, (i mod W + 1) w), with w the format's
// width and W = floor(columns / w) words per row (fp32 on 1024 columns: 32
// words, the row's 128 bytes as a little-endian float array). A global row
// counts rows bank-major, then subarray, then row: the data window's order.
// Batched tensors are sample-major, (B, C, H, W) row-major; weights are
// PyTorch's layouts (conv (out, in, ky, kx), fully connected (out, in)).
//
// Descriptor (command.hpp's eight words; word 0 and the tag as for every
// command):
//   words 1-4  t0..t3: tensors, as global rows (unused: 0)
//   word 5     shape: conv and pooling  bits 0-7 Cin, 8-15 H, 16-23 W,
//                                       24-31 Cout (pooling: 0)
//                     fully connected   bits 0-15 in, 16-31 out
//                     element-wise      the values per sample (SGD: in all)
//   word 6     bits 0-7 kernel K (convolutions; 0 otherwise), 8-15 zero,
//              16-31 batch B (SGD: 0)
// The tensors of each opcode (r read, w written; sizes in words):
//   0x20 conv forward        t0 x r (B Cin H W), t1 weights r (Cout Cin K K),
//                            t2 bias r (Cout), t3 y w (B Cout Ho Wo)
//   0x21 conv weight grad    t0 x r, t1 dy r (B Cout Ho Wo), t2 gW w, t3 gb w
//   0x22 conv input grad     t0 dy r, t1 weights r, t2 dx w (B Cin H W)
//   0x23 fc forward          t0 x r (B in), t1 weights r (out in), t2 bias r, t3 y w (B out)
//   0x24 fc weight grad      t0 x r, t1 dy r (B out), t2 gW w, t3 gb w
//   0x25 fc input grad       t0 dy r, t1 weights r, t2 dx w (B in)
//   0x26 relu                t0 x r, t1 y w (B n; may be x itself)
//   0x27 relu backward       t0 y r (the ReLU's output), t1 d r, t2 out w (may be d)
//   0x28 max-pool forward    t0 x r (B C H W), t1 m w (B C H/2 W/2)
//   0x29 max-pool backward   t0 x r, t1 m r, t2 dm r (B C H/2 W/2), t3 dx w (B C H W)
//   0x2A SGD update          t0 w r/w (n), t1 g r (n); word 3 is the
//                            negated learning rate as a format word
// Ho = H - K + 1, Wo = W - K + 1. The sums' orders are fixed (layer_ops.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "controller/command.hpp"

namespace mrampim {

// Words of a tensor's row layout.
struct TensorGeometry {
  std::uint32_t width = 32;          // bits per word
  std::uint32_t words_per_row = 32;  // floor(columns / width)
  std::uint64_t rows(std::uint64_t words) const { return (words + words_per_row - 1) / words_per_row; }
};
TensorGeometry tensor_geometry(const FpFormat& f, std::uint32_t cols);

// The layout, both ways, over rows of `row_words` 64-bit words (a row's
// columns packed 64 to a word, as the data window and Subarray::peek_rows
// hold them): the n words of a tensor that starts at rows[0]. Packing keeps
// every bit of the rows it does not write. Used by the accelerator and by
// hosts, so the layout is written once.
void tensor_pack(const TensorGeometry& g, std::size_t row_words, const std::uint32_t* words, std::size_t n,
                 std::uint64_t* rows);
void tensor_unpack(const TensorGeometry& g, std::size_t row_words, const std::uint64_t* rows, std::size_t n,
                   std::uint32_t* words);

// The subarrays (global index: bank x subarrays + subarray) the controller
// computes layer commands in. Set through the LANE_FIRST and LANE_COUNT
// registers; a layer command takes the pool in force when it was written.
struct LanePool {
  std::uint32_t first = 0, count = 0;
  bool contains(std::uint32_t global_subarray) const {
    return global_subarray >= first && global_subarray - first < count;
  }
};

enum class TensorAccess : std::uint8_t { Read, Write, ReadWrite };

struct TensorUse {
  std::uint32_t slot = 0;   // t0..t3
  std::uint32_t row = 0;    // first global row
  std::uint64_t words = 0;
  TensorAccess access = TensorAccess::Read;
  const char* role = "";    // "x", "weights", ...
  bool reads() const { return access != TensorAccess::Write; }
  bool writes() const { return access != TensorAccess::Read; }
};

// A layer command's fields, decoded.
struct LayerShape {
  std::uint32_t cin = 0, h = 0, w = 0, cout = 0, k = 0;  // conv, pooling (c = cin)
  std::uint32_t in = 0, out = 0;                         // fully connected
  std::uint32_t count = 0;                               // element-wise: values per sample (SGD: in all)
  std::uint32_t batch = 0;
  std::uint32_t ho() const { return h - k + 1; }
  std::uint32_t wo() const { return w - k + 1; }
};

LayerShape layer_shape(const Command& c);
// The tensors `c` reads and writes, with their sizes (for a command whose
// shape validates).
std::vector<TensorUse> layer_tensors(const Command& c);

// The checks of a layer command on a platform with that lane pool (beyond
// validate()'s): the shape, the tensors inside the data window and outside
// the pool, written tensors overlapping nothing else but their allowed
// in-place partner.
CommandError validate_layer(const Command& c, const PlatformShape& p, const LanePool& pool);

// Lanes of the largest operation of the command: how many pool rows it can
// keep busy at once (which decides how many pool subarrays it occupies).
std::uint64_t layer_lanes(const Command& c);

// Builders, for hosts and tests (tag 0; the caller sets format, rounding, tag).
Command conv_forward_command(std::uint32_t x, std::uint32_t weights, std::uint32_t bias, std::uint32_t y,
                             std::uint32_t cin, std::uint32_t h, std::uint32_t w, std::uint32_t cout, std::uint32_t k,
                             std::uint32_t batch);
Command conv_weight_grad_command(std::uint32_t x, std::uint32_t dy, std::uint32_t gw, std::uint32_t gb,
                                 std::uint32_t cin, std::uint32_t h, std::uint32_t w, std::uint32_t cout,
                                 std::uint32_t k, std::uint32_t batch);
Command conv_input_grad_command(std::uint32_t dy, std::uint32_t weights, std::uint32_t dx, std::uint32_t cin,
                                std::uint32_t h, std::uint32_t w, std::uint32_t cout, std::uint32_t k,
                                std::uint32_t batch);
Command fc_forward_command(std::uint32_t x, std::uint32_t weights, std::uint32_t bias, std::uint32_t y, std::uint32_t in,
                           std::uint32_t out, std::uint32_t batch);
Command fc_weight_grad_command(std::uint32_t x, std::uint32_t dy, std::uint32_t gw, std::uint32_t gb, std::uint32_t in,
                               std::uint32_t out, std::uint32_t batch);
Command fc_input_grad_command(std::uint32_t dy, std::uint32_t weights, std::uint32_t dx, std::uint32_t in,
                              std::uint32_t out, std::uint32_t batch);
Command relu_command(std::uint32_t x, std::uint32_t y, std::uint32_t count, std::uint32_t batch);
Command relu_backward_command(std::uint32_t y, std::uint32_t d, std::uint32_t out, std::uint32_t count,
                              std::uint32_t batch);
Command pool_forward_command(std::uint32_t x, std::uint32_t m, std::uint32_t c, std::uint32_t h, std::uint32_t w,
                             std::uint32_t batch);
Command pool_backward_command(std::uint32_t x, std::uint32_t m, std::uint32_t dm, std::uint32_t dx, std::uint32_t c,
                              std::uint32_t h, std::uint32_t w, std::uint32_t batch);
Command sgd_command(std::uint32_t weights, std::uint32_t gradients, std::uint32_t count, std::uint32_t neg_lr_word);

}  // namespace mrampim
