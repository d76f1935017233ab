// Host-side values of a format's bit patterns: what a user of the data port
// writes and reads. Conversion to and from double, decimal text, and the
// parsing of an operand token (a hex bit pattern or a decimal number).
//
// These are host conversions, not in-memory arithmetic: the subarray computes
// on bit patterns only. Tests use the same conversions to build their host
// reference, which stays independent of the micro-programs under test.
#pragma once

#include <cstdint>
#include <string>

#include "compute/fp_format.hpp"

namespace mrampim {

// Exact for every format (Ne <= 11 and Nm <= 30 fit a double); NaNs give a
// quiet double NaN.
double fp_to_double(const FpFormat& f, std::uint64_t bits);

// Rounds a double to the format: to nearest, ties to even, with subnormals,
// signed zeros and overflow to infinity. A NaN becomes the format's quiet NaN
// with the double's sign and no payload.
std::uint64_t fp_from_double(const FpFormat& f, double v);

// A bit pattern as operand files and reports write it: "0x" and lower-case
// hex digits, no leading zeros.
std::string to_hex(std::uint64_t bits);

// Decimal text that reads back to the same bit pattern ("nan", "inf", "-0").
std::string fp_to_decimal(const FpFormat& f, std::uint64_t bits);

// One operand as written in an operand file:
//   0x...   a bit pattern (1 to 16 hex digits), at most the format's width;
//   decimal a number ("1.5", "-2e-3"), or inf, infinity, nan in any case,
//           with an optional sign; rounded to the format to nearest-even
//           exactly as the text is (no double rounding through double).
// Hex floats ("0x1p3") and NaN payloads ("nan(1)") are refused.
// Throws std::invalid_argument saying what is wrong with the token.
std::uint64_t parse_fp_operand(const FpFormat& f, const std::string& token);

}  // namespace mrampim
