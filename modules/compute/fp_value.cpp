#include "compute/fp_value.hpp"

#include <algorithm>
#include <cctype>
#include <cfenv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace mrampim {

double fp_to_double(const FpFormat& f, std::uint64_t bits) {
  const double sign = f.sign(bits) ? -1.0 : 1.0;
  const std::uint32_t e = f.exponent_field(bits);
  const std::uint64_t frac = f.fraction(bits);
  if (e == f.max_exponent_field()) return frac ? std::numeric_limits<double>::quiet_NaN() : sign * HUGE_VAL;
  if (e == 0) return sign * std::ldexp(double(frac), 1 - f.bias() - f.nm);
  return sign * std::ldexp(double(frac | (std::uint64_t{1} << f.nm)), int(e) - f.bias() - f.nm);
}

std::uint64_t fp_from_double(const FpFormat& f, double v) {
  const std::uint64_t sign = std::signbit(v) ? f.sign_bit() : 0;
  const std::uint64_t inf = sign | (std::uint64_t(f.max_exponent_field()) << f.nm);
  if (std::isnan(v)) return inf | f.quiet_bit();
  const double a = std::fabs(v);
  if (std::isinf(a)) return inf;
  if (a == 0) return sign;
  // a = m * 2^q exactly, m a 53-bit integer.
  int e2 = 0;
  const double fr = std::frexp(a, &e2);  // a = fr * 2^e2, fr in [0.5, 1)
  const std::uint64_t m = std::uint64_t(std::ldexp(fr, 53));
  const int q = e2 - 53;
  // The format's quantum at this magnitude: 2^(max(e, emin) - nm), e = e2 - 1.
  const int emin = 1 - f.bias();
  const int qe = std::max(e2 - 1, emin) - f.nm;
  std::uint64_t n = 0;
  if (qe <= q) {
    n = m << (q - qe);  // the value is a multiple of the quantum: exact
  } else if (qe - q <= 54) {
    const int s = qe - q;
    const std::uint64_t kept = m >> s;
    const std::uint64_t rest = m & ((std::uint64_t{1} << s) - 1);
    const std::uint64_t half = std::uint64_t{1} << (s - 1);
    n = kept + ((rest > half || (rest == half && (kept & 1))) ? 1 : 0);
  }  // else: far below half the smallest quantum, rounds to zero
  int qn = qe;
  if (n >> (f.nm + 1)) {  // rounding carried into the next binade
    n >>= 1;
    ++qn;
  }
  if (n == 0) return sign;
  if (n < (std::uint64_t{1} << f.nm)) return sign | n;  // subnormal: exponent field 0
  const std::int64_t field = std::int64_t(qn) + f.nm + f.bias();
  if (field >= std::int64_t(f.max_exponent_field())) return inf;
  return sign | (std::uint64_t(field) << f.nm) | (n & f.fraction_mask());
}

std::string to_hex(std::uint64_t bits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(bits));
  return buf;
}

std::string fp_to_decimal(const FpFormat& f, std::uint64_t bits) {
  if (f.is_nan(bits)) return f.sign(bits) ? "-nan" : "nan";
  if (f.is_inf(bits)) return f.sign(bits) ? "-inf" : "inf";
  // Nm + 1 significant bits need ceil((Nm + 1) log10 2) + 1 decimal digits
  // to read back exactly (9 for fp32, 5 for fp16, 4 for bf16).
  const int digits = int(std::ceil((f.nm + 1) * std::log10(2.0))) + 1;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, fp_to_double(f, bits));
  return buf;
}

namespace {

std::uint64_t parse_hex(const FpFormat& f, const std::string& token) {
  const std::string digits = token.substr(2);
  if (digits.empty() || digits.size() > 16 ||
      !std::all_of(digits.begin(), digits.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)); })) {
    throw std::invalid_argument("'" + token + "' is not a hex bit pattern (0x followed by 1 to 16 hex digits)");
  }
  const std::uint64_t v = std::strtoull(digits.c_str(), nullptr, 16);
  if (v & ~f.bits_mask()) {
    throw std::invalid_argument("bit pattern '" + token + "' is wider than " + f.name() + "'s " +
                                std::to_string(f.width()) + " bits");
  }
  return v;
}

// Decimal text to the nearest double with ties broken *to odd*: the text
// read rounding down and up; if the two differ the text lies strictly
// between them, and the one toward zero gets its last bit set. A value so
// rounded keeps enough information (53 bits, the last one sticky) to be
// rounded once more, to any format of at most 51 significant bits, exactly
// as the text itself would be (round-to-odd, Boldo and Melquiond).
double decimal_to_odd(const char* text) {
  const int mode = std::fegetround();
  std::fesetround(FE_DOWNWARD);
  const double down = std::strtod(text, nullptr);
  std::fesetround(FE_UPWARD);
  const double up = std::strtod(text, nullptr);
  std::fesetround(mode);
  if (down == up || std::isnan(down)) return down;
  double toward_zero = std::fabs(down) < std::fabs(up) ? down : up;  // finite: DBL_MAX beyond the range
  std::uint64_t u = 0;
  std::memcpy(&u, &toward_zero, sizeof u);
  u |= 1u;
  std::memcpy(&toward_zero, &u, sizeof u);
  return toward_zero;
}

}  // namespace

std::uint64_t parse_fp_operand(const FpFormat& f, const std::string& token) {
  if (token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) return parse_hex(f, token);
  if (token.empty()) throw std::invalid_argument("empty operand");
  // strtod also takes hex floats ("0x1p3"), leading spaces and NaN payloads
  // ("nan(12)"); an operand file means none of them.
  const char first = token[0];
  if (!(std::isdigit(static_cast<unsigned char>(first)) || first == '-' || first == '+' || first == '.' ||
        first == 'i' || first == 'I' || first == 'n' || first == 'N') ||
      token.find_first_of("xX(") != std::string::npos) {
    throw std::invalid_argument("'" + token + "' is neither a hex bit pattern (0x...) nor a decimal number");
  }
  char* end = nullptr;
  std::strtod(token.c_str(), &end);
  if (*end != '\0' || end == token.c_str()) throw std::invalid_argument("'" + token + "' is not a decimal number");
  return fp_from_double(f, decimal_to_odd(token.c_str()));
}

}  // namespace mrampim
