// A binary floating-point format (Ne exponent bits, Nm fraction bits) with
// IEEE 754 layout and bias: sign | exponent | fraction, most significant
// first, bias 2^(Ne-1) - 1, exponent 0 for zeros and subnormals, all ones for
// infinities and NaNs (facts sec. 3: "Nm mantissa bits, Ne exponent bits").
#pragma once

#include <cstdint>
#include <string>

namespace mrampim {

struct FpFormat {
  std::uint8_t ne = 8;   // exponent bits
  std::uint8_t nm = 23;  // fraction bits (the hidden bit is not stored)

  // fp32 (8, 23), fp16 (5, 10), bf16 (8, 7), or "eNmM" for any other, e.g. e6m9.
  static FpFormat parse(const std::string& name);
  static FpFormat fp32() { return {8, 23}; }
  static FpFormat fp16() { return {5, 10}; }
  static FpFormat bf16() { return {8, 7}; }

  std::string name() const;
  std::uint32_t width() const { return 1u + ne + nm; }
  std::int32_t bias() const { return (std::int32_t{1} << (ne - 1)) - 1; }
  std::uint32_t max_exponent_field() const { return (1u << ne) - 1; }  // infinities and NaNs

  std::uint64_t sign_bit() const { return std::uint64_t{1} << (ne + nm); }
  std::uint64_t fraction_mask() const { return (std::uint64_t{1} << nm) - 1; }
  std::uint64_t bits_mask() const { return (std::uint64_t{1} << width()) - 1; }
  std::uint64_t quiet_bit() const { return std::uint64_t{1} << (nm - 1); }

  std::uint32_t exponent_field(std::uint64_t bits) const { return std::uint32_t((bits >> nm) & max_exponent_field()); }
  std::uint64_t fraction(std::uint64_t bits) const { return bits & fraction_mask(); }
  bool sign(std::uint64_t bits) const { return (bits >> (ne + nm)) & 1u; }
  bool is_nan(std::uint64_t bits) const {
    return exponent_field(bits) == max_exponent_field() && fraction(bits) != 0;
  }
  bool is_inf(std::uint64_t bits) const {
    return exponent_field(bits) == max_exponent_field() && fraction(bits) == 0;
  }
  bool is_zero(std::uint64_t bits) const { return (bits & ~sign_bit() & bits_mask()) == 0; }

  bool operator==(const FpFormat& o) const { return ne == o.ne && nm == o.nm; }
  bool operator!=(const FpFormat& o) const { return !(*this == o); }
};

}  // namespace mrampim
