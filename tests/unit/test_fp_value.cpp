// Host conversions of floating-point bit patterns (compute/fp_value.hpp):
// double in and out, decimal text, and operand tokens. The references are
// the host's own conversions (float, and _Float16 where the compiler has it)
// and exhaustive round trips, never the library checking itself.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "compute/fp_format.hpp"
#include "compute/fp_value.hpp"
#include "support/host_bits.hpp"

using namespace mrampim;
using namespace mrampim::test;
using Catch::Matchers::Contains;

namespace {

// The quiet NaN a conversion gives: the sign kept, only the quiet bit set.
std::uint64_t quiet_nan(const FpFormat& f, bool negative) {
  return (negative ? f.sign_bit() : 0) | (std::uint64_t(f.max_exponent_field()) << f.nm) | f.quiet_bit();
}

// Sign, exponent field and fraction packed into a pattern of the format.
std::uint64_t pack(const FpFormat& f, bool negative, std::uint64_t exp_field, std::uint64_t frac) {
  return (negative ? f.sign_bit() : 0) | (exp_field << f.nm) | frac;
}

// Neighbouring finite values (lower, upper) of a format, both signs, from
// sampled bit patterns, the subnormal/normal boundary and the top of the
// range included.
std::vector<std::pair<double, double>> neighbours(const FpFormat& f, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::uint64_t largest = pack(f, false, f.max_exponent_field() - 1, f.fraction_mask());
  std::vector<std::uint64_t> lower = {0, 1, f.fraction_mask() - 1, f.fraction_mask(), largest - 1};
  for (std::size_t i = 0; i < n; ++i) lower.push_back(rng() % largest);
  std::vector<std::pair<double, double>> out;
  for (std::uint64_t b : lower) {
    out.emplace_back(fp_to_double(f, b), fp_to_double(f, b + 1));
    out.emplace_back(-fp_to_double(f, b + 1), -fp_to_double(f, b));
  }
  return out;
}

// Doubles that probe rounding to a narrower binary format whose values lie
// between 2^lo and 2^hi: uniformly random bit patterns (every class, NaNs of
// both signs included); random significands at exponents over the format's
// subnormal, normal and overflow range; and the exact midpoint of each pair
// of neighbours with the doubles just either side of it.
std::vector<double> probe_doubles(std::size_t n, std::uint64_t seed, int lo, int hi,
                                  const std::vector<std::pair<double, double>>& pairs) {
  std::mt19937_64 rng(seed);
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(double_from_bits(rng()));
  const std::uint64_t span = std::uint64_t(hi - lo + 1);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t exp_field = std::uint64_t(1023 + lo) + rng() % span;
    out.push_back(double_from_bits((rng() & 0x800fffffffffffffULL) | (exp_field << 52)));
  }
  for (const auto& [low, high] : pairs) {
    const double mid = low + (high - low) / 2;  // exact: a narrow format's midpoint fits a double
    out.push_back(mid);
    out.push_back(std::nextafter(mid, -HUGE_VAL));
    out.push_back(std::nextafter(mid, HUGE_VAL));
  }
  for (double v : {0.0, -0.0, HUGE_VAL, -HUGE_VAL, DBL_MIN, DBL_TRUE_MIN, DBL_MAX, -DBL_TRUE_MIN}) out.push_back(v);
  out.push_back(std::numeric_limits<double>::quiet_NaN());
  out.push_back(-std::numeric_limits<double>::quiet_NaN());
  out.push_back(std::numeric_limits<double>::signaling_NaN());
  return out;
}

}  // namespace

TEST_CASE("fp_from_double to fp32 is the host's double-to-float conversion bit for bit", "[fp_value]") {
  const FpFormat f = FpFormat::fp32();
  const auto probes = probe_doubles(200'000, 1, -152, 130, neighbours(f, 20'000, 2));
  std::size_t nans = 0, subnormal = 0, overflow = 0, ties = 0;
  for (double d : probes) {
    const float host = static_cast<float>(d);
    const std::uint64_t got = fp_from_double(f, d);
    if (std::isnan(d)) {
      ++nans;
      // The host keeps part of the payload; the library documents none, so
      // compare the class and the sign.
      REQUIRE(std::isnan(host));
      std::uint64_t d_bits = 0;
      std::memcpy(&d_bits, &d, sizeof d_bits);
      if (got != quiet_nan(f, std::signbit(host))) FAIL("d=" << hex(d_bits) << " got " << hex(got));
      continue;
    }
    if (host != 0 && std::fabs(host) < FLT_MIN) ++subnormal;
    if (std::isinf(host) && !std::isinf(d)) ++overflow;
    if (std::fabs(d) <= FLT_MAX && double(host) != d) {
      const float other = std::nextafter(host, d > double(host) ? HUGE_VALF : -HUGE_VALF);
      if (std::fabs(double(host) - d) == std::fabs(double(other) - d)) ++ties;
    }
    if (got != float_bits(host)) {
      char text[40];
      std::snprintf(text, sizeof text, "%.17g", d);
      FAIL("d=" << text << " host " << hex(float_bits(host)) << " got " << hex(got));
    }
  }
  // The probes reached every region they were built for.
  CHECK(nans > 50);  // 1 in 2048 random patterns
  CHECK(subnormal > 1000);
  CHECK(overflow > 1000);
  CHECK(ties > 1000);
}

TEST_CASE("fp_from_double overflows and underflows at the format's limits", "[fp_value]") {
  for (const FpFormat f : {FpFormat::fp32(), FpFormat::fp16(), FpFormat::bf16(), FpFormat::parse("e4m3")}) {
    CAPTURE(f.name());
    const std::uint64_t largest = pack(f, false, f.max_exponent_field() - 1, f.fraction_mask());
    const double max = fp_to_double(f, largest);
    const double half_ulp_of_max = std::ldexp(1.0, int(f.max_exponent_field()) - 1 - f.bias() - f.nm - 1);
    const std::uint64_t inf = pack(f, false, f.max_exponent_field(), 0);
    CHECK(fp_from_double(f, max + half_ulp_of_max) == inf);  // the tie goes to the even "next binade"
    CHECK(fp_from_double(f, std::nextafter(max + half_ulp_of_max, 0.0)) == largest);
    CHECK(fp_from_double(f, -(max + half_ulp_of_max)) == (inf | f.sign_bit()));
    const double smallest = std::ldexp(1.0, 1 - f.bias() - f.nm);
    CHECK(fp_from_double(f, smallest / 2) == 0);  // tie with zero: to even, zero
    CHECK(fp_from_double(f, -smallest / 2) == f.sign_bit());
    CHECK(fp_from_double(f, std::nextafter(smallest / 2, 1.0)) == 1);
    CHECK(fp_from_double(f, smallest * 1.5) == 2);  // tie between 1 and 2 quanta: to even
    CHECK(fp_from_double(f, DBL_TRUE_MIN) == 0);
    CHECK(fp_from_double(f, -DBL_TRUE_MIN) == f.sign_bit());
    CHECK(fp_from_double(f, DBL_MAX) == inf);
    // The largest subnormal rounding up into the smallest normal.
    const double largest_subnormal = fp_to_double(f, f.fraction_mask());
    CHECK(fp_from_double(f, largest_subnormal + smallest / 2) == pack(f, false, 1, 0));
  }
}

#if defined(__FLT16_MAX__)
TEST_CASE("fp_from_double and fp_to_double for fp16 agree with the host's _Float16", "[fp_value]") {
  const FpFormat f = FpFormat::fp16();
  for (std::uint32_t b = 0; b < 0x10000; ++b) {
    const auto u16 = static_cast<std::uint16_t>(b);
    _Float16 h;
    std::memcpy(&h, &u16, sizeof h);
    const double host = static_cast<double>(h);
    const double got = fp_to_double(f, b);
    if (std::isnan(host)) {
      REQUIRE(std::isnan(got));
    } else if (!(got == host && std::signbit(got) == std::signbit(host))) {
      FAIL("bits " << hex(b) << " host " << host << " got " << got);
    }
  }
  const auto probes = probe_doubles(100'000, 3, -27, 17, neighbours(f, 5'000, 4));
  for (double d : probes) {
    const _Float16 h = static_cast<_Float16>(d);
    std::uint16_t host = 0;
    std::memcpy(&host, &h, sizeof host);
    const std::uint64_t got = fp_from_double(f, d);
    if (std::isnan(d)) {
      REQUIRE(got == quiet_nan(f, std::signbit(d)));
    } else if (got != host) {
      char text[40];
      std::snprintf(text, sizeof text, "%.17g", d);
      FAIL("d=" << text << " host " << hex(host) << " got " << hex(got));
    }
  }
}
#endif

TEST_CASE("fp_to_double is the host's value of fp32 and bf16 patterns", "[fp_value]") {
  std::mt19937_64 rng(5);
  std::vector<std::uint32_t> fp32 = {0, 0x80000000u, 1, 0x007fffffu, 0x00800000u, 0x7f7fffffu, 0x7f800000u,
                                     0xff800000u, 0x7fc00000u, 0x7f800001u, 0xffffffffu};
  for (int i = 0; i < 200'000; ++i) fp32.push_back(static_cast<std::uint32_t>(rng()));
  for (std::uint32_t b : fp32) {
    const double host = double(float_from_bits(b));
    const double got = fp_to_double(FpFormat::fp32(), b);
    if (std::isnan(host)) {
      REQUIRE(std::isnan(got));
    } else if (!(got == host && std::signbit(got) == std::signbit(host))) {
      FAIL("bits " << hex(b) << " host " << host << " got " << got);
    }
  }
  // bf16 is the top half of fp32.
  for (std::uint32_t b = 0; b < 0x10000; ++b) {
    const double host = double(float_from_bits(b << 16));
    const double got = fp_to_double(FpFormat::bf16(), b);
    if (std::isnan(host)) {
      REQUIRE(std::isnan(got));
    } else if (!(got == host && std::signbit(got) == std::signbit(host))) {
      FAIL("bits " << hex(b) << " host " << host << " got " << got);
    }
  }
}

TEST_CASE("bits -> fp_to_double -> fp_from_double gives the bits back", "[fp_value]") {
  auto round_trip = [](const FpFormat& f, std::uint64_t b) {
    const double d = fp_to_double(f, b);
    const std::uint64_t back = fp_from_double(f, d);
    if (f.is_nan(b)) {
      if (!std::isnan(d) || !f.is_nan(back)) FAIL(f.name() << " NaN " << hex(b) << " came back as " << hex(back));
    } else if (back != b) {
      FAIL(f.name() << ' ' << hex(b) << " -> " << d << " -> " << hex(back));
    }
  };
  // Every pattern of the small formats.
  for (const FpFormat f : {FpFormat::fp16(), FpFormat::bf16(), FpFormat::parse("e4m3"), FpFormat::parse("e5m2"),
                           FpFormat::parse("e2m1"), FpFormat::parse("e6m9")}) {
    for (std::uint64_t b = 0; b <= f.bits_mask(); ++b) round_trip(f, b);
  }
  // Random patterns of the wide ones, up to the largest format there is.
  std::mt19937_64 rng(6);
  for (const FpFormat f : {FpFormat::fp32(), FpFormat::parse("e11m30"), FpFormat::parse("e8m30")}) {
    for (int i = 0; i < 100'000; ++i) round_trip(f, rng() & f.bits_mask());
    for (std::uint64_t b : {std::uint64_t{0}, std::uint64_t{1}, f.fraction_mask(), f.sign_bit() | 1,
                            pack(f, false, f.max_exponent_field() - 1, f.fraction_mask())}) {
      round_trip(f, b);
    }
  }
}

TEST_CASE("fp_to_decimal reads back to the same bit pattern", "[fp_value]") {
  auto check = [](const FpFormat& f, std::uint64_t b) {
    const std::string text = fp_to_decimal(f, b);
    std::uint64_t back = 0;
    try {
      back = parse_fp_operand(f, text);
    } catch (const std::invalid_argument& e) {
      FAIL(f.name() << ' ' << hex(b) << " -> '" << text << "' rejected: " << e.what());
    }
    if (f.is_nan(b)) {
      // A NaN's payload has no decimal text: "nan" is the quiet NaN.
      if (text != (f.sign(b) ? "-nan" : "nan") || back != quiet_nan(f, f.sign(b))) {
        FAIL(f.name() << ' ' << hex(b) << " -> '" << text << "' -> " << hex(back));
      }
    } else if (back != b) {
      FAIL(f.name() << ' ' << hex(b) << " -> '" << text << "' -> " << hex(back));
    }
  };
  for (const FpFormat f : {FpFormat::fp16(), FpFormat::bf16(), FpFormat::parse("e4m3"), FpFormat::parse("e6m9")}) {
    for (std::uint64_t b = 0; b <= f.bits_mask(); ++b) check(f, b);
  }
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100'000; ++i) check(FpFormat::fp32(), rng() & 0xffffffffu);
  for (int i = 0; i < 20'000; ++i) check(FpFormat::parse("e11m30"), rng() & FpFormat::parse("e11m30").bits_mask());
  for (std::uint64_t b : {0x0u, 0x80000000u, 0x1u, 0x7fffffu, 0x800000u, 0x7f7fffffu, 0x7f800000u, 0xff800000u}) {
    check(FpFormat::fp32(), b);
  }
}

TEST_CASE("fp_to_decimal of fp32 is text the host's strtof reads back exactly", "[fp_value]") {
  std::mt19937_64 rng(8);
  for (int i = 0; i < 100'000; ++i) {
    const auto b = static_cast<std::uint32_t>(rng());
    if (FpFormat::fp32().is_nan(b)) continue;
    const std::string text = fp_to_decimal(FpFormat::fp32(), b);
    char* end = nullptr;
    const float v = std::strtof(text.c_str(), &end);
    REQUIRE(*end == '\0');
    if (float_bits(v) != b) FAIL(hex(b) << " -> '" << text << "' -> " << hex(float_bits(v)));
  }
  CHECK(fp_to_decimal(FpFormat::fp32(), 0x80000000u) == "-0");
  CHECK(fp_to_decimal(FpFormat::fp16(), 0xfc00u) == "-inf");
  CHECK(fp_to_decimal(FpFormat::bf16(), 0x7f80u) == "inf");
}

TEST_CASE("parse_fp_operand reads hex bit patterns", "[fp_value][parse]") {
  const FpFormat f32 = FpFormat::fp32();
  CHECK(parse_fp_operand(f32, "0x3f800000") == float_bits(1.0f));
  CHECK(parse_fp_operand(f32, "0X3F800000") == float_bits(1.0f));
  CHECK(parse_fp_operand(f32, "0xC0200000") == float_bits(-2.5f));
  CHECK(parse_fp_operand(f32, "0x1") == 1);  // the smallest subnormal, not the number 1
  CHECK(parse_fp_operand(f32, "0xffffffff") == 0xffffffffu);  // a NaN pattern kept as written
  CHECK(parse_fp_operand(f32, "0x00000000ffffffff") == 0xffffffffu);  // leading zeros do not widen it
  CHECK(parse_fp_operand(FpFormat::fp16(), "0x3c00") == pack(FpFormat::fp16(), false, 15, 0));
  CHECK(parse_fp_operand(FpFormat::fp16(), "0xffff") == 0xffffu);
  CHECK(parse_fp_operand(FpFormat::bf16(), "0x3f80") == float_bits(1.0f) >> 16);
  CHECK(parse_fp_operand(FpFormat::parse("e4m3"), "0xff") == 0xffu);
}

TEST_CASE("parse_fp_operand reads decimal numbers and special values", "[fp_value][parse]") {
  const FpFormat f32 = FpFormat::fp32();
  CHECK(parse_fp_operand(f32, "1.5") == float_bits(1.5f));
  CHECK(parse_fp_operand(f32, "-2e-3") == float_bits(-2e-3f));
  CHECK(parse_fp_operand(f32, "+0.1") == float_bits(0.1f));
  CHECK(parse_fp_operand(f32, ".25") == float_bits(0.25f));
  CHECK(parse_fp_operand(f32, "1E3") == float_bits(1000.0f));
  CHECK(parse_fp_operand(f32, "inf") == float_bits(HUGE_VALF));
  CHECK(parse_fp_operand(f32, "-inf") == float_bits(-HUGE_VALF));
  CHECK(parse_fp_operand(f32, "nan") == quiet_nan(f32, false));
  CHECK(parse_fp_operand(f32, "-nan") == quiet_nan(f32, true));
  CHECK(parse_fp_operand(f32, "0") == 0);
  CHECK(parse_fp_operand(f32, "-0") == f32.sign_bit());
  CHECK(parse_fp_operand(f32, "1e39") == float_bits(HUGE_VALF));  // out of range: overflow to infinity
  CHECK(parse_fp_operand(f32, "-1e-50") == f32.sign_bit());       // and underflow to a signed zero
  CHECK(parse_fp_operand(f32, "1.4e-45") == 1);                   // the smallest subnormal
  for (const FpFormat f : {FpFormat::fp16(), FpFormat::bf16(), FpFormat::parse("e6m9")}) {
    CAPTURE(f.name());
    CHECK(parse_fp_operand(f, "1.5") == pack(f, false, std::uint64_t(f.bias()), f.quiet_bit()));
    CHECK(parse_fp_operand(f, "-2") == pack(f, true, std::uint64_t(f.bias()) + 1, 0));
    CHECK(parse_fp_operand(f, "-0") == f.sign_bit());
    CHECK(parse_fp_operand(f, "0") == 0);
    CHECK(parse_fp_operand(f, "inf") == pack(f, false, f.max_exponent_field(), 0));
    CHECK(parse_fp_operand(f, "-inf") == pack(f, true, f.max_exponent_field(), 0));
    CHECK(parse_fp_operand(f, "nan") == quiet_nan(f, false));
    CHECK(parse_fp_operand(f, "-nan") == quiet_nan(f, true));
    CHECK(parse_fp_operand(f, "-2e-3") == fp_from_double(f, -2e-3));
    CHECK(f.exponent_field(parse_fp_operand(f, "-2e-3")) < std::uint32_t(f.bias()));
  }
}

TEST_CASE("parse_fp_operand rounds decimals to nearest, ties to even", "[fp_value][parse]") {
  const FpFormat h = FpFormat::fp16();
  // Above 2048 fp16 steps by 2: 2049 and 2051 are ties.
  CHECK(fp_to_double(h, parse_fp_operand(h, "2049")) == 2048.0);
  CHECK(fp_to_double(h, parse_fp_operand(h, "2051")) == 2052.0);
  CHECK(fp_to_double(h, parse_fp_operand(h, "-2051")) == -2052.0);
  CHECK(fp_to_double(h, parse_fp_operand(h, "2049.001")) == 2050.0);
  CHECK(fp_to_double(h, parse_fp_operand(h, "2050.999")) == 2050.0);
  CHECK(parse_fp_operand(h, "2049") == pack(h, false, 11 + 15, 0));
  CHECK(parse_fp_operand(h, "2051") == pack(h, false, 11 + 15, 2));
  // The largest fp16 is 65504; 65520 is the tie with "65536", which overflows.
  CHECK(fp_to_double(h, parse_fp_operand(h, "65519")) == 65504.0);
  CHECK(h.is_inf(parse_fp_operand(h, "65520")));
  // Half the smallest subnormal (2^-25) ties to zero; a little more rounds up.
  CHECK(parse_fp_operand(h, "2.98023223876953125e-8") == 0);
  CHECK(parse_fp_operand(h, "2.99e-8") == 1);
  // bf16 steps by 2 above 256, fp32 above 2^24.
  const FpFormat b = FpFormat::bf16();
  CHECK(fp_to_double(b, parse_fp_operand(b, "257")) == 256.0);
  CHECK(fp_to_double(b, parse_fp_operand(b, "259")) == 260.0);
  const FpFormat s = FpFormat::fp32();
  CHECK(fp_to_double(s, parse_fp_operand(s, "16777217")) == 16777216.0);
  CHECK(fp_to_double(s, parse_fp_operand(s, "16777219")) == 16777220.0);
  // fp32 rounds from the text, not through double: this is above the tie
  // 1 + 2^-24 by less than double can hold, so it rounds up.
  CHECK(parse_fp_operand(s, "1.000000059604644775390625000000000001") == float_bits(1.0f) + 1);
  CHECK(parse_fp_operand(s, "1.000000059604644775390625") == float_bits(1.0f));
}

TEST_CASE("parse_fp_operand rejects what is not an operand, saying what is wrong", "[fp_value][parse]") {
  const FpFormat f32 = FpFormat::fp32();
  struct Case {
    const char* token;
    const char* message;
  };
  const Case cases[] = {
      {"", "empty operand"},
      {"0x", "'0x'"},
      {"0x1g", "'0x1g' is not a hex bit pattern"},
      {"0x100000000", "wider than fp32's 32 bits"},
      {"0x00000000000000001", "not a hex bit pattern"},  // 17 digits
      {"1.5x", "'1.5x'"},
      {"abc", "'abc'"},
      {"0x1p3", "'0x1p3'"},
      {"-0x1p3", "'-0x1p3'"},
      {"0x1.8p0", "'0x1.8p0'"},
      {" 1", "' 1'"},
      {"1 ", "'1 '"},
      {"1,5", "'1,5'"},
      {"1e", "'1e'"},
      {"-", "'-'"},
      {".", "'.'"},
      {"--1", "'--1'"},
      {"0x-1", "'0x-1'"},
      {"in", "'in'"},
      {"nanx", "'nanx'"},
      {"1.5f", "'1.5f'"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.token);
    CHECK_THROWS_AS(parse_fp_operand(f32, c.token), std::invalid_argument);
    CHECK_THROWS_WITH(parse_fp_operand(f32, c.token), Contains(c.message));
  }
  // The width check is the format's.
  CHECK_THROWS_WITH(parse_fp_operand(FpFormat::fp16(), "0x10000"), Contains("wider than fp16's 16 bits"));
  CHECK_THROWS_WITH(parse_fp_operand(FpFormat::bf16(), "0x3f800000"), Contains("16 bits"));
  CHECK_THROWS_WITH(parse_fp_operand(FpFormat::parse("e4m3"), "0x100"), Contains("8 bits"));
  CHECK_NOTHROW(parse_fp_operand(FpFormat::fp16(), "0xffff"));
  CHECK_THROWS_AS(parse_fp_operand(FpFormat::fp16(), "1,5"), std::invalid_argument);
  CHECK_THROWS_AS(parse_fp_operand(FpFormat::fp16(), " 1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_fp_operand(FpFormat::bf16(), "0x1p3"), std::invalid_argument);
}

// Independent of fp_from_double's algorithm: the result must be a nearest
// representable value (its neighbours are no closer), a tie must go to the
// even fraction, and beyond the largest finite value rounding follows IEEE
// (infinity from half an ulp above the largest value on).
TEST_CASE("fp_from_double picks a nearest value, ties to even, in any format", "[fp_value]") {
  std::mt19937_64 rng(77);
  for (const char* name : {"bf16", "fp16", "e4m3", "e6m9", "e8m30", "e11m30"}) {
    const FpFormat f = FpFormat::parse(name);
    CAPTURE(name);
    const double max_finite = fp_to_double(f, (std::uint64_t(f.max_exponent_field() - 1) << f.nm) | f.fraction_mask());
    const double emin = std::ldexp(1.0, 1 - f.bias() - f.nm);  // the smallest subnormal
    for (int i = 0; i < 200000; ++i) {
      // Magnitudes over the whole range, subnormals and overflow included,
      // and some exact ties (a representable value plus half its spacing).
      double v = 0;
      if (i % 4 == 3) {
        const std::uint64_t b = rng() & (f.bits_mask() >> 1);
        if (f.exponent_field(b) == f.max_exponent_field()) continue;
        const double x = fp_to_double(f, b), next = fp_to_double(f, b + 1);
        v = x + (std::isinf(next) ? (x - fp_to_double(f, b - 1)) : (next - x)) / 2;
      } else {
        const double lo = std::log2(emin) - 2, hi = std::log2(max_finite) + 1;
        v = std::exp2(lo + (hi - lo) * std::uniform_real_distribution<double>(0, 1)(rng));
      }
      if (rng() & 1) v = -v;
      const std::uint64_t got = fp_from_double(f, v);
      const double a = std::fabs(v);
      if (a >= max_finite + (max_finite - fp_to_double(f, (std::uint64_t(f.max_exponent_field() - 1) << f.nm) |
                                                              (f.fraction_mask() - 1))) /
                                2) {
        if (!f.is_inf(got)) FAIL("v=" << v << " should overflow, got " << hex(got));
        continue;
      }
      const std::uint64_t mag = got & ~f.sign_bit();
      REQUIRE(f.sign(got) == std::signbit(v));
      REQUIRE(f.exponent_field(mag) != f.max_exponent_field());
      const double err = std::fabs(a - fp_to_double(f, mag));
      const double err_up = std::fabs(a - fp_to_double(f, mag + 1));
      const double err_down = mag > 0 ? std::fabs(a - fp_to_double(f, mag - 1)) : err;
      if (err > err_up || err > err_down) FAIL("v=" << v << " got " << hex(got) << ": a neighbour is nearer");
      if ((err == err_up || err == err_down) && mag != 0 && (mag & 1)) {
        FAIL("v=" << v << " is a tie and " << hex(got) << " is odd");
      }
    }
  }
}
