// bench_subarray: how fast the bit-sliced subarray runs column-parallel work,
// next to the host's limit for the same layout -- plain loops of 64-bit word
// operations over the same number of words, with no model around them.
//
//   bench_subarray [--quick] [--seconds S]
//
// Cases (SOT-MRAM, 1024 x 1024):
//   logic   a program of 64 independent AND/XOR writes, all rows enabled;
//           host limit: the same 64 word loops (d ^= s / d &= s).
//   add32   a 32-bit ripple add over all 1024 rows (128 steps; the number of
//           writes is printed); host limit: the same word loops, one per write.
// The ratio model/limit is what docs/performance.md reports; target >= 0.5.
// Before it reports, the bench checks that the timed add is right: every
// row's sum against host integers, and the model's array against the plain
// loops' (exit status 1 if either differs).
#include <chrono>
#include <cstdint>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "compute/integer_adder.hpp"
#include "subarray/subarray.hpp"

using namespace mrampim;
using Clock = std::chrono::steady_clock;

namespace {

// Repeats `body` until `seconds` have passed; returns calls per second.
template <class F>
double rate(double seconds, F&& body) {
  std::uint64_t n = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    for (int i = 0; i < 16; ++i) body();
    n += 16;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  return double(n) / elapsed;
}

struct PlainArray {
  std::size_t words;
  std::vector<std::uint64_t> bits;
  PlainArray(std::size_t cols, std::size_t w) : words(w), bits(cols * w) {}
  std::uint64_t* col(std::size_t c) { return &bits[c * words]; }
};

// The host limit's primitive: one word loop per micro-op.
enum class Plain : std::uint8_t { Copy, CopyNot, Set, And, Or, Xor };
struct PlainOp { Plain op; std::uint16_t dst, src; bool bit; };

void plain_run(PlainArray& a, const std::vector<PlainOp>& ops) {
  const std::size_t n = a.words;
  for (const PlainOp& o : ops) {
    std::uint64_t* __restrict d = a.col(o.dst);
    const std::uint64_t* s = a.col(o.src);
    switch (o.op) {
      case Plain::Copy: for (std::size_t w = 0; w < n; ++w) d[w] = s[w]; break;
      case Plain::CopyNot: for (std::size_t w = 0; w < n; ++w) d[w] = ~s[w]; break;
      case Plain::Set: for (std::size_t w = 0; w < n; ++w) d[w] = o.bit ? ~0ull : 0; break;
      case Plain::And: for (std::size_t w = 0; w < n; ++w) d[w] &= s[w]; break;
      case Plain::Or: for (std::size_t w = 0; w < n; ++w) d[w] |= s[w]; break;
      case Plain::Xor: for (std::size_t w = 0; w < n; ++w) d[w] ^= s[w]; break;
    }
  }
}

// The plain equivalent of a program's ops (same columns, same word count).
std::vector<PlainOp> plain_of(const MicroProgram& p) {
  std::vector<PlainOp> out;
  for (const MicroOp& op : p.ops()) {
    Plain k = Plain::Copy;
    bool bit = false;
    switch (op.gate) {
      case StatefulGate::Copy: k = Plain::Copy; break;
      case StatefulGate::CopyNot: k = Plain::CopyNot; break;
      case StatefulGate::Set0: k = Plain::Set; break;
      case StatefulGate::Set1: k = Plain::Set; bit = true; break;
      case StatefulGate::And: k = Plain::And; break;
      case StatefulGate::Or: k = Plain::Or; break;
      case StatefulGate::Xor: k = Plain::Xor; break;
    }
    out.push_back({k, op.dst, op.src[0], bit});
  }
  return out;
}

struct Row {
  std::string name;
  double model, limit;
  double unit;  // operations counted per call (ops or additions)
  const char* what;
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") seconds = 0.02;
    else if (a == "--seconds" && i + 1 < argc) seconds = std::stod(argv[++i]);
    else if (a == "--help" || a == "-h") {
      std::cout << "usage: bench_subarray [--quick] [--seconds S]\n";
      return 0;
    } else {
      std::cerr << "error: unknown argument '" << a << "'\n";
      return 2;
    }
  }
  const Technology tech = load_technology("sot-mram-1t1r");
  CostLedger ledger;
  CostAccount& acc = ledger.open_account("bench", StepPrices::from(tech.step));
  Subarray array(tech, acc);
  std::mt19937_64 rng(5);
  array.fill_debug(rng);
  PlainArray plain(array.cols(), array.words_per_column());
  std::memcpy(plain.bits.data(), array.column_words(0), plain.bits.size() * 8);

  std::vector<Row> rows;

  // 64 independent logic writes in one step each.
  ProgramBuilder lb("logic64", LogicFamily::SotStateful, array.cols());
  for (int i = 0; i < 64; ++i) {
    lb.step(Phase::Logic);
    if (i % 2) lb.xor_(Column(500 + i), Column(i)); else lb.and_(Column(500 + i), Column(i));
  }
  const MicroProgram logic = lb.finish();
  const auto logic_plain = plain_of(logic);
  rows.push_back({"logic (64 AND/XOR over 1024 rows)", rate(seconds, [&] { array.execute(logic); }),
                  rate(seconds, [&] { plain_run(plain, logic_plain); }), 64.0, "column ops/s"});

  const MicroProgram add = build_ripple_adder(LogicFamily::SotStateful, array.cols(),
                                              AdderColumns{0, 32, 64, 32, 100, Column(99), {}}, AddOp::Add);
  const auto add_plain = plain_of(add);
  rows.push_back({"add32 (32-bit ripple add, 1024 rows)", rate(seconds, [&] { array.execute(add); }),
                  rate(seconds, [&] { plain_run(plain, add_plain); }), double(array.rows()), "additions/s"});

  // The timed work must be the right work: fresh operands, one more add on
  // both, then every row against host integers and the two arrays word by word.
  for (std::uint32_t r = 0; r < array.rows(); ++r) {
    array.poke_field(r, 0, 32, rng() & 0xffffffffu);
    array.poke_field(r, 32, 32, rng() & 0xffffffffu);
  }
  std::memcpy(plain.bits.data(), array.column_words(0), plain.bits.size() * 8);
  array.execute(add);
  plain_run(plain, add_plain);
  std::uint32_t wrong = 0;
  for (std::uint32_t r = 0; r < array.rows(); ++r) {
    const std::uint64_t sum = array.peek_field(r, 0, 32) + array.peek_field(r, 32, 32);
    if (array.peek_field(r, 64, 32) != (sum & 0xffffffffu) || array.peek(r, 99) != bool(sum >> 32)) ++wrong;
  }
  const bool same = std::memcmp(plain.bits.data(), array.column_words(0), plain.bits.size() * 8) == 0;
  std::cout << "bench_subarray: " << tech.name << ", " << array.rows() << " x " << array.cols() << ", "
            << seconds << " s per measurement\n";
  std::cout << std::left << std::setw(40) << "case" << std::right << std::setw(16) << "model" << std::setw(16)
            << "host limit" << std::setw(8) << "ratio" << "  unit\n";
  for (const Row& r : rows) {
    std::cout << std::left << std::setw(40) << r.name << std::right << std::scientific << std::setprecision(3)
              << std::setw(16) << r.model * r.unit << std::setw(16) << r.limit * r.unit << std::fixed
              << std::setprecision(2) << std::setw(8) << r.model / r.limit << "  " << r.what << '\n';
  }
  std::cout << "add32: " << add.steps().size() << " steps, " << add.ops().size() << " writes; check: "
            << (array.rows() - wrong) << "/" << array.rows() << " rows right, model and host-limit arrays "
            << (same ? "identical" : "DIFFER") << '\n'
            << "(ledger after the run: " << acc.total().compute_steps << " steps)\n";
  return wrong == 0 && same ? 0 : 1;
}
