#include "controller/layer_command.hpp"

#include "accelerator/mrampim_regs.h"

#include <algorithm>
#include <cstring>

namespace mrampim {

TensorGeometry tensor_geometry(const FpFormat& f, std::uint32_t cols) {
  TensorGeometry g;
  g.width = f.width();
  g.words_per_row = cols / g.width;
  return g;
}

void tensor_pack(const TensorGeometry& g, std::size_t row_words, const std::uint32_t* words, std::size_t n,
                 std::uint64_t* rows) {
  const std::uint32_t w = g.width, wpr = g.words_per_row;
  if (w == 32) {  // whole little-endian words: a row's first bytes
    for (std::size_t i = 0; i < n; i += wpr) {
      std::memcpy(rows + i / wpr * row_words, words + i, std::min<std::size_t>(wpr, n - i) * 4);
    }
    return;
  }
  const std::uint64_t mask = (std::uint64_t{1} << w) - 1;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t* r = rows + i / wpr * row_words;
    const std::uint64_t bit = (i % wpr) * w, v = words[i] & mask;
    r[bit / 64] = (r[bit / 64] & ~(mask << (bit % 64))) | v << (bit % 64);
    if (bit % 64 + w > 64) {
      const auto hi = unsigned(bit % 64 + w - 64);
      r[bit / 64 + 1] = (r[bit / 64 + 1] & ~((std::uint64_t{1} << hi) - 1)) | v >> (64 - bit % 64);
    }
  }
}

void tensor_unpack(const TensorGeometry& g, std::size_t row_words, const std::uint64_t* rows, std::size_t n,
                   std::uint32_t* words) {
  const std::uint32_t w = g.width, wpr = g.words_per_row;
  if (w == 32) {
    for (std::size_t i = 0; i < n; i += wpr) {
      std::memcpy(words + i, rows + i / wpr * row_words, std::min<std::size_t>(wpr, n - i) * 4);
    }
    return;
  }
  const std::uint64_t mask = (std::uint64_t{1} << w) - 1;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t* r = rows + i / wpr * row_words;
    const std::uint64_t bit = (i % wpr) * w;
    std::uint64_t v = r[bit / 64] >> (bit % 64);
    if (bit % 64 + w > 64) v |= r[bit / 64 + 1] << (64 - bit % 64);
    words[i] = std::uint32_t(v & mask);
  }
}

namespace {

enum class ShapeKind { Conv, Fc, Elementwise, Pool };

ShapeKind shape_kind(Opcode op) {
  switch (op) {
    case Opcode::ConvForward:
    case Opcode::ConvWeightGrad:
    case Opcode::ConvInputGrad: return ShapeKind::Conv;
    case Opcode::FcForward:
    case Opcode::FcWeightGrad:
    case Opcode::FcInputGrad: return ShapeKind::Fc;
    case Opcode::PoolForward:
    case Opcode::PoolBackward: return ShapeKind::Pool;
    default: return ShapeKind::Elementwise;
  }
}

Command layer(Opcode op, std::array<std::uint32_t, 4> tensors, std::uint32_t shape, std::uint32_t k,
              std::uint32_t batch) {
  Command c;
  c.opcode = op;
  c.raw_opcode = std::uint8_t(op);
  for (std::size_t i = 0; i < 4; ++i) c.args[i] = tensors[i];
  c.args[4] = shape;
  c.args[5] = MRAMPIM_PUT(MRAMPIM_LAYER_K, k) | MRAMPIM_PUT(MRAMPIM_LAYER_BATCH, batch);
  return c;
}

std::uint32_t conv_shape(std::uint32_t cin, std::uint32_t h, std::uint32_t w, std::uint32_t cout) {
  return MRAMPIM_PUT(MRAMPIM_LAYER_CIN, cin) | MRAMPIM_PUT(MRAMPIM_LAYER_H, h) | MRAMPIM_PUT(MRAMPIM_LAYER_W, w) |
         MRAMPIM_PUT(MRAMPIM_LAYER_COUT, cout);
}

std::uint32_t fc_shape(std::uint32_t in, std::uint32_t out) {
  return MRAMPIM_PUT(MRAMPIM_LAYER_IN, in) | MRAMPIM_PUT(MRAMPIM_LAYER_OUT, out);
}

}  // namespace

LayerShape layer_shape(const Command& c) {
  LayerShape s;
  const std::uint32_t w5 = c.args[4], w6 = c.args[5];
  s.k = MRAMPIM_GET(w6, MRAMPIM_LAYER_K);
  s.batch = MRAMPIM_GET(w6, MRAMPIM_LAYER_BATCH);
  switch (shape_kind(c.opcode)) {
    case ShapeKind::Conv:
    case ShapeKind::Pool:
      s.cin = MRAMPIM_GET(w5, MRAMPIM_LAYER_CIN);
      s.h = MRAMPIM_GET(w5, MRAMPIM_LAYER_H);
      s.w = MRAMPIM_GET(w5, MRAMPIM_LAYER_W);
      s.cout = MRAMPIM_GET(w5, MRAMPIM_LAYER_COUT);
      break;
    case ShapeKind::Fc:
      s.in = MRAMPIM_GET(w5, MRAMPIM_LAYER_IN);
      s.out = MRAMPIM_GET(w5, MRAMPIM_LAYER_OUT);
      break;
    case ShapeKind::Elementwise: s.count = MRAMPIM_GET(w5, MRAMPIM_LAYER_COUNT); break;
  }
  return s;
}

std::vector<TensorUse> layer_tensors(const Command& c) {
  const LayerShape s = layer_shape(c);
  const std::uint64_t B = s.batch;
  const auto& t = c.args;
  using A = TensorAccess;
  auto use = [&](std::uint32_t slot, std::uint64_t words, A access, const char* role) {
    return TensorUse{slot, t[slot], words, access, role};
  };
  const std::uint64_t conv_in = B * s.cin * s.h * s.w, conv_out = B * s.cout * s.ho() * s.wo();
  const std::uint64_t conv_w = std::uint64_t(s.cout) * s.cin * s.k * s.k;
  const std::uint64_t pool_in = B * s.cin * s.h * s.w, pool_out = B * s.cin * (s.h / 2) * (s.w / 2);
  switch (c.opcode) {
    case Opcode::ConvForward:
      return {use(0, conv_in, A::Read, "x"), use(1, conv_w, A::Read, "weights"), use(2, s.cout, A::Read, "bias"),
              use(3, conv_out, A::Write, "y")};
    case Opcode::ConvWeightGrad:
      return {use(0, conv_in, A::Read, "x"), use(1, conv_out, A::Read, "dy"), use(2, conv_w, A::Write, "gW"),
              use(3, s.cout, A::Write, "gb")};
    case Opcode::ConvInputGrad:
      return {use(0, conv_out, A::Read, "dy"), use(1, conv_w, A::Read, "weights"), use(2, conv_in, A::Write, "dx")};
    case Opcode::FcForward:
      return {use(0, B * s.in, A::Read, "x"), use(1, std::uint64_t(s.out) * s.in, A::Read, "weights"),
              use(2, s.out, A::Read, "bias"), use(3, B * s.out, A::Write, "y")};
    case Opcode::FcWeightGrad:
      return {use(0, B * s.in, A::Read, "x"), use(1, B * s.out, A::Read, "dy"),
              use(2, std::uint64_t(s.out) * s.in, A::Write, "gW"), use(3, s.out, A::Write, "gb")};
    case Opcode::FcInputGrad:
      return {use(0, B * s.out, A::Read, "dy"), use(1, std::uint64_t(s.out) * s.in, A::Read, "weights"),
              use(2, B * s.in, A::Write, "dx")};
    case Opcode::Relu: return {use(0, B * s.count, A::Read, "x"), use(1, B * s.count, A::Write, "y")};
    case Opcode::ReluBackward:
      return {use(0, B * s.count, A::Read, "y"), use(1, B * s.count, A::Read, "d"), use(2, B * s.count, A::Write, "out")};
    case Opcode::PoolForward: return {use(0, pool_in, A::Read, "x"), use(1, pool_out, A::Write, "m")};
    case Opcode::PoolBackward:
      return {use(0, pool_in, A::Read, "x"), use(1, pool_out, A::Read, "m"), use(2, pool_out, A::Read, "dm"),
              use(3, pool_in, A::Write, "dx")};
    case Opcode::SgdUpdate: return {use(0, s.count, A::ReadWrite, "weights"), use(1, s.count, A::Read, "gradients")};
    default: return {};
  }
}

std::uint64_t layer_lanes(const Command& c) {
  const LayerShape s = layer_shape(c);
  const std::uint64_t B = s.batch;
  switch (c.opcode) {
    case Opcode::ConvForward: return B * s.cout * s.ho() * s.wo();
    case Opcode::ConvWeightGrad: return B * s.cout * s.cin * s.k * s.k;
    case Opcode::ConvInputGrad: return B * s.cin * s.h * s.w;
    case Opcode::FcForward: return B * s.out;
    case Opcode::FcWeightGrad: return std::max<std::uint64_t>(std::uint64_t(s.out) * s.in, B * s.out);
    case Opcode::FcInputGrad: return B * s.in;
    case Opcode::Relu:
    case Opcode::ReluBackward: return B * s.count;
    case Opcode::PoolForward:
    case Opcode::PoolBackward: return B * s.cin * (s.h / 2) * (s.w / 2);
    case Opcode::SgdUpdate: return s.count;
    default: return 0;
  }
}

namespace {

CommandError check_shape(const Command& c, const LayerShape& s) {
  const std::uint32_t w6_reserved = MRAMPIM_GET(c.args[5], MRAMPIM_LAYER_RESERVED);
  if (w6_reserved != 0) return CommandError::ReservedBits;
  const bool conv = shape_kind(c.opcode) == ShapeKind::Conv;
  if (!conv && s.k != 0) return CommandError::ReservedBits;
  if (c.opcode == Opcode::SgdUpdate) {
    if (s.batch != 0 || c.args[3] != 0) return CommandError::ReservedBits;
    return s.count == 0 ? CommandError::ShapeInvalid : CommandError::None;
  }
  if (s.batch == 0) return CommandError::ShapeInvalid;
  switch (shape_kind(c.opcode)) {
    case ShapeKind::Conv:
      if (s.cin == 0 || s.cout == 0 || s.k == 0 || s.h < s.k || s.w < s.k) return CommandError::ShapeInvalid;
      break;
    case ShapeKind::Pool:
      if (s.cout != 0) return CommandError::ReservedBits;
      if (s.cin == 0 || s.h == 0 || s.w == 0 || s.h % 2 != 0 || s.w % 2 != 0) return CommandError::ShapeInvalid;
      break;
    case ShapeKind::Fc:
      if (s.in == 0 || s.out == 0) return CommandError::ShapeInvalid;
      break;
    case ShapeKind::Elementwise:
      if (s.count == 0) return CommandError::ShapeInvalid;
      break;
  }
  return CommandError::None;
}

// In-place pairs a layer command may have: relu y = x, relu backward out = d,
// and SGD's weights (read and written by one slot).
bool in_place_allowed(Opcode op, std::uint32_t written_slot, std::uint32_t other_slot) {
  return (op == Opcode::Relu && written_slot == 1 && other_slot == 0) ||
         (op == Opcode::ReluBackward && written_slot == 2 && other_slot == 1);
}

}  // namespace

CommandError validate_layer(const Command& c, const PlatformShape& p, const LanePool& pool) {
  const CommandError basic = validate(c, p);
  if (basic != CommandError::None || !c.is_layer()) return basic;
  if (c.opcode != Opcode::SgdUpdate && std::any_of(c.args.begin() + std::ptrdiff_t(layer_tensors(c).size()),
                                                   c.args.begin() + 4, [](std::uint32_t v) { return v != 0; })) {
    return CommandError::ReservedBits;  // an unused tensor slot
  }
  const LayerShape s = layer_shape(c);
  const CommandError shape = check_shape(c, s);
  if (shape != CommandError::None) return shape;
  const std::uint64_t subarrays = std::uint64_t(p.banks) * p.subarrays_per_bank;
  if (pool.count == 0 || pool.first >= subarrays || pool.count > subarrays - pool.first) return CommandError::NoLanePool;
  const TensorGeometry g = tensor_geometry(c.format, p.cols);
  if (g.words_per_row == 0) return CommandError::FormatUnsupported;
  const std::uint64_t total_rows = subarrays * p.rows;
  const std::vector<TensorUse> uses = layer_tensors(c);
  for (const TensorUse& u : uses) {
    const std::uint64_t rows = g.rows(u.words);
    if (u.row >= total_rows || rows > total_rows - u.row) return CommandError::TensorOutOfRange;
    const std::uint64_t first_sub = u.row / p.rows, last_sub = (u.row + rows - 1) / p.rows;
    const std::uint64_t pool_end = std::uint64_t(pool.first) + pool.count;
    if (first_sub < pool_end && pool.first <= last_sub) return CommandError::TensorInLanePool;
  }
  // A written tensor must not overlap another tensor of the command (in word
  // space), but for the in-place pairs.
  for (const TensorUse& w : uses) {
    if (!w.writes()) continue;
    const std::uint64_t w0 = std::uint64_t(w.row) * g.words_per_row, w1 = w0 + w.words;
    for (const TensorUse& o : uses) {
      if (o.slot == w.slot) continue;
      const std::uint64_t o0 = std::uint64_t(o.row) * g.words_per_row, o1 = o0 + o.words;
      if (w0 < o1 && o0 < w1) {
        const bool same = w0 == o0 && w1 == o1;
        if (!(same && in_place_allowed(c.opcode, w.slot, o.slot))) return CommandError::Overlap;
      }
    }
  }
  return CommandError::None;
}

Command conv_forward_command(std::uint32_t x, std::uint32_t weights, std::uint32_t bias, std::uint32_t y,
                             std::uint32_t cin, std::uint32_t h, std::uint32_t w, std::uint32_t cout, std::uint32_t k,
                             std::uint32_t batch) {
  return layer(Opcode::ConvForward, {x, weights, bias, y}, conv_shape(cin, h, w, cout), k, batch);
}
Command conv_weight_grad_command(std::uint32_t x, std::uint32_t dy, std::uint32_t gw, std::uint32_t gb,
                                 std::uint32_t cin, std::uint32_t h, std::uint32_t w, std::uint32_t cout,
                                 std::uint32_t k, std::uint32_t batch) {
  return layer(Opcode::ConvWeightGrad, {x, dy, gw, gb}, conv_shape(cin, h, w, cout), k, batch);
}
Command conv_input_grad_command(std::uint32_t dy, std::uint32_t weights, std::uint32_t dx, std::uint32_t cin,
                                std::uint32_t h, std::uint32_t w, std::uint32_t cout, std::uint32_t k,
                                std::uint32_t batch) {
  return layer(Opcode::ConvInputGrad, {dy, weights, dx, 0}, conv_shape(cin, h, w, cout), k, batch);
}
Command fc_forward_command(std::uint32_t x, std::uint32_t weights, std::uint32_t bias, std::uint32_t y, std::uint32_t in,
                           std::uint32_t out, std::uint32_t batch) {
  return layer(Opcode::FcForward, {x, weights, bias, y}, fc_shape(in, out), 0, batch);
}
Command fc_weight_grad_command(std::uint32_t x, std::uint32_t dy, std::uint32_t gw, std::uint32_t gb, std::uint32_t in,
                               std::uint32_t out, std::uint32_t batch) {
  return layer(Opcode::FcWeightGrad, {x, dy, gw, gb}, fc_shape(in, out), 0, batch);
}
Command fc_input_grad_command(std::uint32_t dy, std::uint32_t weights, std::uint32_t dx, std::uint32_t in,
                              std::uint32_t out, std::uint32_t batch) {
  return layer(Opcode::FcInputGrad, {dy, weights, dx, 0}, fc_shape(in, out), 0, batch);
}
Command relu_command(std::uint32_t x, std::uint32_t y, std::uint32_t count, std::uint32_t batch) {
  return layer(Opcode::Relu, {x, y, 0, 0}, count, 0, batch);
}
Command relu_backward_command(std::uint32_t y, std::uint32_t d, std::uint32_t out, std::uint32_t count,
                              std::uint32_t batch) {
  return layer(Opcode::ReluBackward, {y, d, out, 0}, count, 0, batch);
}
Command pool_forward_command(std::uint32_t x, std::uint32_t m, std::uint32_t c, std::uint32_t h, std::uint32_t w,
                             std::uint32_t batch) {
  return layer(Opcode::PoolForward, {x, m, 0, 0}, conv_shape(c, h, w, 0), 0, batch);
}
Command pool_backward_command(std::uint32_t x, std::uint32_t m, std::uint32_t dm, std::uint32_t dx, std::uint32_t c,
                              std::uint32_t h, std::uint32_t w, std::uint32_t batch) {
  return layer(Opcode::PoolBackward, {x, m, dm, dx}, conv_shape(c, h, w, 0), 0, batch);
}
Command sgd_command(std::uint32_t weights, std::uint32_t gradients, std::uint32_t count, std::uint32_t neg_lr_word) {
  return layer(Opcode::SgdUpdate, {weights, gradients, neg_lr_word, 0}, count, 0, 0);
}

}  // namespace mrampim
