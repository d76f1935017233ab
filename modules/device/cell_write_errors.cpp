#include "device/cell_write_errors.hpp"

#include <stdexcept>

#include "support/fnv1a.hpp"

namespace mrampim {

ComputeWritePulse compute_write_pulse(const Technology& t) {
  if (t.family != LogicFamily::SotStateful) {
    throw std::invalid_argument(t.name + ": write errors need MTJ cells ([switching])");
  }
  ComputeWritePulse c;
  c.switching = std::make_unique<MtjSwitching>(t.switching);
  c.pulse = WritePulse{t.device.i_write_uA, t.device.t_switch_ns};
  c.nominal_rate = c.switching->error_rate(c.pulse.i_uA, c.pulse.t_ns);
  return c;
}

void CellWriteErrors::enable(const Technology& t, std::uint64_t seed, const std::string& stream, bool variation) {
  ComputeWritePulse c = compute_write_pulse(t);
  switching_ = std::move(c.switching);
  pulse_ = c.pulse;
  nominal_rate_ = c.nominal_rate;
  variation_ = variation;
  const std::uint64_t h = fnv1a64(stream);  // the subarray's name: its own stream
  stream_ = h;
  cols_ = t.array.cols;
  rows_ = t.array.rows;
  cell_rate_.clear();
  rng_.state = h ^ (seed * 0x2545f4914f6cdd1dull);
}

void CellWriteErrors::draw(std::uint64_t* words, const std::uint64_t* before, std::size_t n_words, std::uint32_t col) {
  for (std::size_t w = 0; w < n_words; ++w) {
    for (std::uint64_t changed = words[w] ^ before[w]; changed != 0; changed &= changed - 1) {
      const unsigned b = unsigned(__builtin_ctzll(changed));
      ++attempted_;
      double rate = nominal_rate_;
      if (variation_) {
        if (cell_rate_.empty()) cell_rate_.assign(std::size_t(rows_) * cols_, -1.0f);
        const std::uint64_t cell = (std::uint64_t(w) * 64 + b) * cols_ + col;
        float& r = cell_rate_[cell];
        if (r < 0) r = float(switching_->error_rate(pulse_.i_uA, pulse_.t_ns, switching_->draw_cell(stream_, cell)));
        rate = r;
      }
      if (rng_.uniform() < rate) {
        words[w] ^= std::uint64_t{1} << b;  // the cell did not switch: its old value stays
        ++failed_;
      }
    }
  }
}

}  // namespace mrampim
