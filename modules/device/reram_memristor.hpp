// The ReRAM (VTEAM) memristor of the FloatPIM baseline and its MAGIC NOR
// (facts sec. 4). MAGIC evaluates a NOR by first setting the output cell to
// the low-resistance state (logic 1) and then applying V0 across the inputs in
// parallel and the output in series: any input at logic 1 passes enough
// current to switch the output to the high-resistance state (logic 0). The
// output can only fall, so an uninitialised output yields out AND NOR(inputs)
// -- which is what this model computes, because it is what the circuit does.
#pragma once

#include <cstdint>

#include "tech/technology.hpp"

namespace mrampim {

class ReramMemristor {
 public:
  explicit ReramMemristor(const DeviceParams& p) : p_(p) {}

  static constexpr bool next_state_nor(bool out, bool any_input_one) { return out && !any_input_one; }
  static constexpr std::uint64_t next_state_nor_word(std::uint64_t out, std::uint64_t inputs_or) {
    return out & ~inputs_or;
  }

  static constexpr bool kHighResistanceBit = false;  // MAGIC: logic 1 = low resistance
  double resistance_ohm(bool bit) const { return bit ? p_.r_on_ohm : p_.r_off_ohm; }
  const DeviceParams& params() const { return p_; }

 private:
  DeviceParams p_;
};

}  // namespace mrampim
