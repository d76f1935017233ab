#include "compute/fp_format.hpp"

#include <cstdlib>
#include <stdexcept>

namespace mrampim {

FpFormat FpFormat::parse(const std::string& name) {
  if (name == "fp32") return fp32();
  if (name == "fp16") return fp16();
  if (name == "bf16") return bf16();
  // eNmM: both counts decimal, nothing else around them.
  const auto m = name.find('m');
  if (name.size() >= 4 && name[0] == 'e' && m != std::string::npos && m > 1 && m + 1 < name.size()) {
    char* end = nullptr;
    const long ne = std::strtol(name.c_str() + 1, &end, 10);
    const bool ne_ok = end == name.c_str() + m;
    const long nm = std::strtol(name.c_str() + m + 1, &end, 10);
    if (ne_ok && *end == '\0') {
      // The exponent needs 2 bits for a normal range; the whole word (and the
      // products the in-memory multiplier forms) must fit 64-bit fields.
      if (ne < 2 || ne > 11 || nm < 1 || nm > 30 || 1 + ne + nm > 64) {
        throw std::invalid_argument("format '" + name + "': need 2 <= Ne <= 11 and 1 <= Nm <= 30");
      }
      return FpFormat{std::uint8_t(ne), std::uint8_t(nm)};
    }
  }
  throw std::invalid_argument("unknown format '" + name + "': use fp32, fp16, bf16 or eNmM (e.g. e5m10)");
}

std::string FpFormat::name() const {
  if (*this == fp32()) return "fp32";
  if (*this == fp16()) return "fp16";
  if (*this == bf16()) return "bf16";
  return "e" + std::to_string(ne) + "m" + std::to_string(nm);
}

}  // namespace mrampim
