#include "device/she_mtj.hpp"

#include <cmath>

namespace mrampim {

const char* to_string(StatefulGate g) {
  switch (g) {
    case StatefulGate::Copy: return "copy";
    case StatefulGate::CopyNot: return "copy-not";
    case StatefulGate::Set0: return "set0";
    case StatefulGate::Set1: return "set1";
    case StatefulGate::And: return "and";
    case StatefulGate::Or: return "or";
    case StatefulGate::Xor: return "xor";
  }
  return "?";
}

SheMtj::SheMtj(const DeviceParams& p) : p_(p) {}

double SheMtj::she_channel_ohm() const { return p_.r_channel_ohm; }

bool SheMtj::switches(bool gated, double i_channel_uA) const {
  // Tolerance: a driver set to exactly i_write must switch despite rounding.
  return gated && std::fabs(i_channel_uA) >= p_.i_write_uA * (1.0 - 1e-9);
}

}  // namespace mrampim
