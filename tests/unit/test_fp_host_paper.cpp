// The host model of the paper procedure (compute/fp_host_paper.hpp) against
// the in-memory Rounding::Paper programs, bit for bit, on every row of full
// 1024-row batches: uniform bit patterns (every class of value, the ones the
// procedure does not support included), normal numbers close in exponent (so
// every alignment shift, cancellation, and the ends of the normal range
// happen), and the edge patterns in every combination.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>

#include "compute/fp_host_paper.hpp"
#include "support/fp_corpus.hpp"
#include "support/fp_run.hpp"

using namespace mrampim;
using namespace mrampim::test;

namespace {

using Operands = std::vector<std::array<std::uint64_t, 3>>;  // {a, b, c}

std::uint64_t paper_host(FpOp op, const FpFormat& f, const std::array<std::uint64_t, 3>& o) {
  switch (op) {
    case FpOp::Add: return fp_host_paper_add(f, o[0], o[1]);
    case FpOp::Mul: return fp_host_paper_mul(f, o[0], o[1]);
    case FpOp::Mac: return fp_host_paper_mac(f, o[2], o[0], o[1]);
  }
  return 0;
}

// fp_edge_values and the patterns paper mode reads as extreme normals.
std::vector<std::uint64_t> edge_patterns(const FpFormat& f) {
  auto v = fp_edge_values(f);
  const std::uint64_t emax = f.max_exponent_field(), fmax = f.fraction_mask(), bias = std::uint64_t(f.bias());
  for (bool s : {false, true}) {
    v.push_back(fp_pack(f, s, 1, fmax));         // just below 2 x the smallest normal
    v.push_back(fp_pack(f, s, emax - 1, 1));
    v.push_back(fp_pack(f, s, bias - 1, fmax));  // just below 1.0
    v.push_back(fp_pack(f, s, bias + 1, 0));     // 2.0
    v.push_back(fp_pack(f, s, emax, fmax ^ 1));
  }
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// A normal-looking pattern with exponent field `e` clamped to [0, all ones]:
// the clamp lets the close-exponent draws reach fields 0 and all ones too.
std::uint64_t with_field(const FpFormat& f, std::mt19937_64& rng, long e) {
  const long emax = long(f.max_exponent_field());
  const std::uint64_t field = std::uint64_t(std::clamp(e, 0L, emax));
  std::uint64_t frac = rng();
  switch (rng() % 8) {  // fractions near 0 and all ones make carries and long cancellations
    case 0: frac = 0; break;
    case 1: frac = ~std::uint64_t{0}; break;
    case 2: frac &= 0xf; break;
    default: break;
  }
  return fp_pack(f, rng() & 1, field, frac);
}

// Any exponent field, weighted toward both ends of the range.
long any_field(const FpFormat& f, std::mt19937_64& rng) {
  const long emax = long(f.max_exponent_field()), span = long(f.nm) + 4;
  switch (rng() % 4) {
    case 0: return long(rng() % std::uint64_t(std::min(span, emax + 1)));          // bottom
    case 1: return emax - long(rng() % std::uint64_t(std::min(span, emax + 1)));   // top
    default: return long(rng() % std::uint64_t(emax + 1));
  }
}

// An operand for x close to pattern p: every exponent difference up to
// Nm + 3 either side, and now and then -p or -p with its low bits changed
// (total and near cancellation).
std::uint64_t close_to(const FpFormat& f, std::mt19937_64& rng, std::uint64_t p) {
  const long span = long(f.nm) + 3;
  switch (rng() % 8) {
    case 0: return p ^ f.sign_bit();
    case 1: return (p ^ f.sign_bit() ^ (rng() & 7)) & f.bits_mask();
    default:
      return with_field(f, rng, long(f.exponent_field(p)) + long(rng() % std::uint64_t(2 * span + 1)) - span);
  }
}

// `n` operand sets for `op`: a quarter uniform bit patterns, half close in
// exponent, a quarter from the edge patterns (every pair, then at random
// mixed with the others).
Operands make_operands(FpOp op, const FpFormat& f, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::uint64_t mask = f.bits_mask();
  const auto edges = edge_patterns(f);
  const std::size_t ne = edges.size();
  Operands ops;
  ops.reserve(n);
  const std::size_t n_uniform = n / 4, n_close = n / 2;
  for (std::size_t i = 0; i < n_uniform; ++i) ops.push_back({rng() & mask, rng() & mask, rng() & mask});
  const long bias = f.bias(), emax = long(f.max_exponent_field());
  for (std::size_t i = 0; i < n_close; ++i) {
    std::array<std::uint64_t, 3> o{};
    if (op == FpOp::Add) {
      o[0] = with_field(f, rng, any_field(f, rng));
      o[1] = close_to(f, rng, o[0]);
    } else {
      // Products near the bottom and the top of the range, and anywhere.
      const long ea = any_field(f, rng);
      long target = 0;
      switch (rng() % 3) {
        case 0: target = long(rng() % 8) - 4; break;
        case 1: target = emax - 4 + long(rng() % 8); break;
        default: target = long(rng() % std::uint64_t(emax + 1)); break;
      }
      o[0] = with_field(f, rng, ea);
      o[1] = with_field(f, rng, target - ea + bias);
      o[2] = close_to(f, rng, fp_host_paper_mul(f, o[0], o[1]));
    }
    ops.push_back(o);
  }
  // Every pair for add and mul; a MAC's triples are too many, so at random.
  const std::size_t combos = op == FpOp::Mac ? 0 : ne * ne;
  for (std::size_t k = 0; ops.size() < n; ++k) {
    if (k < combos) {
      ops.push_back({edges[k % ne], edges[k / ne], 0});
      continue;
    }
    if (op == FpOp::Mac && k % 2 == 0) {
      ops.push_back({edges[rng() % ne], edges[rng() % ne], edges[rng() % ne]});
      continue;
    }
    std::array<std::uint64_t, 3> o{};
    for (auto& x : o) {
      switch (rng() % 3) {
        case 0: x = edges[rng() % ne]; break;
        case 1: x = rng() & mask; break;
        default: x = with_field(f, rng, any_field(f, rng)); break;
      }
    }
    ops.push_back(o);
  }
  return ops;
}

// Runs `ops` (a whole number of batches) through the paper program of `op`
// and counts the rows whose result differs from the host model; the first
// few go to the report with their operands.
std::size_t mismatches(const std::string& tech, FpOp op, const FpFormat& f, const Operands& ops,
                       std::string& report) {
  FpRun run(tech, op, f, Rounding::Paper);
  REQUIRE(ops.size() % run.fixture.array.rows() == 0);
  const auto got = run.run(ops);
  REQUIRE(got.size() == ops.size());
  std::size_t bad = 0;
  std::ostringstream out;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const std::uint64_t want = paper_host(op, f, ops[i]);
    if (got[i] == want) continue;
    if (++bad <= 8) {
      out << "\n  row " << i << ": a=" << hex(ops[i][0]) << " b=" << hex(ops[i][1]);
      if (op == FpOp::Mac) out << " c=" << hex(ops[i][2]);
      out << " host " << hex(want) << " memory " << hex(got[i]);
    }
  }
  report = out.str();
  return bad;
}

void check_op(FpOp op, std::uint64_t seed) {
  struct Case {
    FpFormat format;
    std::size_t batches;
  };
  for (const Case& c : {Case{FpFormat::fp32(), 100}, Case{FpFormat::fp16(), 32}, Case{FpFormat::bf16(), 32}}) {
    const Operands ops = make_operands(op, c.format, c.batches * 1024, seed + c.format.nm);
    for (const char* tech : kFpTechs) {
      CAPTURE(to_string(op), c.format.name(), tech, ops.size());
      std::string report;
      const std::size_t bad = mismatches(tech, op, c.format, ops, report);
      INFO("first mismatches (c + a x b for a MAC):" << report);
      CHECK(bad == 0);
    }
  }
}

}  // namespace

TEST_CASE("paper add host model matches the in-memory program bit for bit", "[fp][paper][add]") {
  check_op(FpOp::Add, 1000);
}

TEST_CASE("paper mul host model matches the in-memory program bit for bit", "[fp][paper][mul]") {
  check_op(FpOp::Mul, 2000);
}

TEST_CASE("paper mac host model matches the in-memory program bit for bit", "[fp][paper][mac]") {
  check_op(FpOp::Mac, 3000);
}

TEST_CASE("paper host model: every pair of a 6-bit format, and wide and narrow formats at random",
          "[fp][paper]") {
  // e2m3: a 2-bit exponent, where the alignment loop stops at difference 2
  // short of the mantissa width; every (a, b) pair, and every c for a MAC
  // over a quarter of the pairs.
  const FpFormat tiny{2, 3};
  Operands pairs, triples;
  for (std::uint64_t a = 0; a < 64; ++a) {
    for (std::uint64_t b = 0; b < 64; ++b) {
      pairs.push_back({a, b, 0});
      if ((a + b) % 4 == 0) {
        for (std::uint64_t c = 0; c < 64; ++c) triples.push_back({a, b, c});
      }
    }
  }
  for (const char* tech : kFpTechs) {
    for (FpOp op : {FpOp::Add, FpOp::Mul, FpOp::Mac}) {
      CAPTURE(to_string(op), tiny.name(), tech);
      std::string report;
      const std::size_t bad = mismatches(tech, op, tiny, op == FpOp::Mac ? triples : pairs, report);
      INFO("first mismatches:" << report);
      CHECK(bad == 0);
    }
  }
  for (const FpFormat f : {FpFormat{11, 20}, FpFormat{3, 12}, FpFormat{4, 3}}) {
    for (FpOp op : {FpOp::Add, FpOp::Mul, FpOp::Mac}) {
      const Operands ops = make_operands(op, f, 4 * 1024, 4000u + f.ne * 64u + f.nm);
      for (const char* tech : kFpTechs) {
        CAPTURE(to_string(op), f.name(), tech);
        std::string report;
        const std::size_t bad = mismatches(tech, op, f, ops, report);
        INFO("first mismatches:" << report);
        CHECK(bad == 0);
      }
    }
  }
}

TEST_CASE("paper host model: the operands reach every alignment shift and every result class",
          "[fp][paper]") {
  // What the comparisons above are worth: the close draws really produce
  // each exponent difference 0 .. Nm + 1 (shifts and the cleared mantissa),
  // exact cancellation, flushes to zero and overflows to infinity.
  for (const FpFormat f : {FpFormat::fp32(), FpFormat::fp16(), FpFormat::bf16()}) {
    CAPTURE(f.name());
    for (FpOp op : {FpOp::Add, FpOp::Mac}) {
      const Operands ops = make_operands(op, f, 16 * 1024, 7);
      std::vector<std::size_t> shifts(f.nm + 2, 0);
      std::size_t cancelled = 0, flushed = 0, overflowed = 0;
      for (const auto& o : ops) {
        const std::uint64_t x = op == FpOp::Add ? o[0] : o[2];
        const std::uint64_t y = op == FpOp::Add ? o[1] : fp_host_paper_mul(f, o[0], o[1]);
        const std::uint32_t ex = f.exponent_field(x), ey = f.exponent_field(y);
        ++shifts[std::min<std::uint32_t>(ex > ey ? ex - ey : ey - ex, f.nm + 1)];
        const std::uint64_t r = paper_host(op, f, o);
        if (f.is_zero(r)) {
          if ((x ^ y) == f.sign_bit()) ++cancelled;
          else ++flushed;
        }
        if (f.is_inf(r)) ++overflowed;
      }
      CAPTURE(to_string(op));
      for (std::size_t d = 0; d < shifts.size(); ++d) {
        CAPTURE(d);
        CHECK(shifts[d] >= 20);
      }
      CHECK(cancelled >= 20);
      CHECK(flushed >= 20);
      CHECK(overflowed >= 20);
    }
  }
}
