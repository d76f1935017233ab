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
//   mac     a bit-accurate fp32 MAC (ieee rounding) on every row, on SOT-MRAM
//           and on FloatPIM's ReRAM: stateful writes, NORs, masked shifts and
//           searches; host limit: the same micro-ops as plain word loops.
// The ratio model/limit is what docs/performance.md reports; target >= 0.5.
// Before it reports, the bench checks that the timed work is right: every
// row's sum or MAC against host arithmetic, and the model's array against the
// plain loops' (exit status 1 if either differs).
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "compute/fp_program.hpp"
#include "compute/integer_adder.hpp"
#include "subarray/subarray.hpp"
#include "support/fp_reference.hpp"

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

// The host limit: the same micro-operations as plain loops of 64-bit word
// operations on a bare array, with no model around them (no ledger, no
// checks, no dispatch beyond one switch per op).
struct PlainArray {
  std::size_t words;
  std::vector<std::uint64_t> bits;
  std::vector<std::uint64_t> masks[kRowEnableRegisters];
  bool full[kRowEnableRegisters] = {true, true, true, true};
  PlainArray(std::size_t cols, std::size_t w) : words(w), bits(cols * w) {
    for (auto& m : masks) m.assign(w, ~0ull);
  }
  std::uint64_t* col(std::size_t c) { return &bits[c * words]; }
};

// y = (y & ~m) | (g(x, y) & m); without the mask when every row is enabled.
template <class G>
void plain_gate(PlainArray& a, const MicroOp& o, G g) {
  std::uint64_t* __restrict d = a.col(o.dst);
  const std::uint64_t* s = a.col(o.src[0]);
  const std::uint64_t* m = a.masks[o.mask].data();
  const std::size_t n = a.words;  // a local: stores through d could alias a.words
  if (a.full[o.mask]) {
    for (std::size_t w = 0; w < n; ++w) d[w] = g(s[w], d[w]);
  } else {
    for (std::size_t w = 0; w < n; ++w) d[w] = (d[w] & ~m[w]) | (g(s[w], d[w]) & m[w]);
  }
}

void plain_run(PlainArray& a, const std::vector<MicroOp>& ops) {
  const std::size_t n = a.words;
  for (const MicroOp& o : ops) {
    const std::uint64_t* m = a.masks[o.mask].data();
    switch (o.kind) {
      case OpKind::Stateful:
        switch (o.gate) {
          case StatefulGate::Copy: plain_gate(a, o, [](std::uint64_t x, std::uint64_t) { return x; }); break;
          case StatefulGate::CopyNot: plain_gate(a, o, [](std::uint64_t x, std::uint64_t) { return ~x; }); break;
          case StatefulGate::Set0: plain_gate(a, o, [](std::uint64_t, std::uint64_t) { return 0ull; }); break;
          case StatefulGate::Set1: plain_gate(a, o, [](std::uint64_t, std::uint64_t) { return ~0ull; }); break;
          case StatefulGate::And: plain_gate(a, o, [](std::uint64_t x, std::uint64_t y) { return x & y; }); break;
          case StatefulGate::Or: plain_gate(a, o, [](std::uint64_t x, std::uint64_t y) { return x | y; }); break;
          case StatefulGate::Xor: plain_gate(a, o, [](std::uint64_t x, std::uint64_t y) { return x ^ y; }); break;
        }
        break;
      case OpKind::Nor: {
        std::uint64_t* d = a.col(o.dst);
        const std::uint64_t* x = a.col(o.src[0]);
        const std::uint64_t* y = a.col(o.n_src > 1 ? o.src[1] : o.src[0]);
        const std::uint64_t* z = a.col(o.n_src > 2 ? o.src[2] : o.src[0]);
        for (std::size_t w = 0; w < n; ++w) d[w] &= ~((x[w] | y[w] | z[w]) & m[w]);
        break;
      }
      case OpKind::Shift: {
        const int width = o.width, k = o.amount;
        for (int j = 0; j < width; ++j) {
          const int i = k >= 0 ? j : width - 1 - j;  // away from the source side, as in place
          std::uint64_t* d = a.col(std::size_t(o.dst + i));
          if (i + k < 0 || i + k >= width) {
            for (std::size_t w = 0; w < n; ++w) d[w] &= ~m[w];
          } else {
            const std::uint64_t* src = a.col(std::size_t(o.src[0] + i + k));
            for (std::size_t w = 0; w < n; ++w) d[w] = (d[w] & ~m[w]) | (src[w] & m[w]);
          }
        }
        break;
      }
      case OpKind::Search: {
        std::uint64_t* out = a.masks[o.out_mask].data();
        std::uint64_t all = ~0ull;
        for (std::size_t w = 0; w < n; ++w) out[w] = m[w];
        for (int i = 0; i < o.width; ++i) {
          const std::uint64_t* c = a.col(std::size_t(o.src[0] + i));
          const std::uint64_t flip = ((o.key >> i) & 1u) ? 0ull : ~0ull;  // a row matches where c ^ flip is 1
          for (std::size_t w = 0; w < n; ++w) out[w] &= c[w] ^ flip;
        }
        for (std::size_t w = 0; w < n; ++w) all &= out[w];
        a.full[o.out_mask] = all == ~0ull;
        break;
      }
    }
  }
}

struct Row {
  std::string name;
  double model, limit;
  double unit;  // operations counted per call (ops or additions)
  const char* what;
};

// Copies the model's cells and row-enable registers into the plain array.
void mirror(const Subarray& array, PlainArray& plain) {
  std::memcpy(plain.bits.data(), array.column_words(0), plain.bits.size() * 8);
  for (std::size_t r = 0; r < kRowEnableRegisters; ++r) {
    std::memcpy(plain.masks[r].data(), array.mask(r).data(), plain.words * 8);
    plain.full[r] = array.mask(r).count() == array.rows();
  }
}

// fp32 MAC (ieee) on every row of a 1024 x 1024 subarray of `tech_name`,
// then the check: fresh operands, one more run on both arrays, every row
// against the host reference and the arrays word for word.
struct MacCase {
  Row row;
  std::size_t steps = 0, ops = 0;
  std::uint32_t wrong = 0;
  bool same = false;
};

MacCase bench_mac(const std::string& tech_name, double seconds, std::mt19937_64& rng) {
  const Technology tech = load_technology(tech_name);
  CostLedger ledger;
  CostAccount& acc = ledger.open_account("bench", StepPrices::from(tech));
  Subarray array(tech, acc);
  const FpFormat f = FpFormat::fp32();
  const FpProgram fp = build_fp_program(FpOp::Mac, f, Rounding::Ieee, ArrayShape::of(tech));
  const FpLayout& l = fp.layout;
  std::vector<std::array<std::uint64_t, 3>> in(array.rows());
  auto load = [&] {
    for (std::uint32_t r = 0; r < array.rows(); ++r) {
      in[r] = {rng() & 0xffffffffu, rng() & 0xffffffffu, rng() & 0xffffffffu};
      array.poke_field(r, l.a.first, l.a.width, in[r][0]);
      array.poke_field(r, l.b.first, l.b.width, in[r][1]);
      array.poke_field(r, l.c.first, l.c.width, in[r][2]);
    }
  };
  array.fill_debug(rng);
  load();
  PlainArray plain(array.cols(), array.words_per_column());
  mirror(array, plain);
  MacCase m;
  m.row = {"mac fp32 on " + tech_name, rate(seconds, [&] { array.execute(fp.program); }),
           rate(seconds, [&] { plain_run(plain, fp.program.ops()); }), double(array.rows()), "MACs/s"};
  m.steps = fp.program.steps().size();
  m.ops = fp.program.ops().size();
  load();
  mirror(array, plain);
  array.execute(fp.program);
  plain_run(plain, fp.program.ops());
  for (std::uint32_t r = 0; r < array.rows(); ++r) {
    if (array.peek_field(r, l.result.first, l.result.width) != test::fp_mac(f, in[r][2], in[r][0], in[r][1])) {
      ++m.wrong;
    }
  }
  m.same = std::memcmp(plain.bits.data(), array.column_words(0), plain.bits.size() * 8) == 0;
  return m;
}

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
  CostAccount& acc = ledger.open_account("bench", StepPrices::from(tech));
  Subarray array(tech, acc);
  std::mt19937_64 rng(5);
  array.fill_debug(rng);
  PlainArray plain(array.cols(), array.words_per_column());
  std::memcpy(plain.bits.data(), array.column_words(0), plain.bits.size() * 8);

  std::vector<Row> rows;

  // 64 independent logic writes in one step each.
  ProgramBuilder lb("logic64", ArrayShape::of(tech));
  for (int i = 0; i < 64; ++i) {
    lb.step(Phase::Logic);
    if (i % 2) lb.xor_(Column(500 + i), Column(i)); else lb.and_(Column(500 + i), Column(i));
  }
  const MicroProgram logic = lb.finish();
  rows.push_back({"logic (64 AND/XOR over 1024 rows)", rate(seconds, [&] { array.execute(logic); }),
                  rate(seconds, [&] { plain_run(plain, logic.ops()); }), 64.0, "column ops/s"});

  const MicroProgram add = build_ripple_adder(ArrayShape::of(tech),
                                              AdderColumns{0, 32, 64, 32, 100, Column(99), {}}, AddOp::Add);
  rows.push_back({"add32 (32-bit ripple add, 1024 rows)", rate(seconds, [&] { array.execute(add); }),
                  rate(seconds, [&] { plain_run(plain, add.ops()); }), double(array.rows()), "additions/s"});

  // The timed work must be the right work: fresh operands, one more add on
  // both, then every row against host integers and the two arrays word by word.
  for (std::uint32_t r = 0; r < array.rows(); ++r) {
    array.poke_field(r, 0, 32, rng() & 0xffffffffu);
    array.poke_field(r, 32, 32, rng() & 0xffffffffu);
  }
  std::memcpy(plain.bits.data(), array.column_words(0), plain.bits.size() * 8);
  array.execute(add);
  plain_run(plain, add.ops());
  std::uint32_t wrong = 0;
  for (std::uint32_t r = 0; r < array.rows(); ++r) {
    const std::uint64_t sum = array.peek_field(r, 0, 32) + array.peek_field(r, 32, 32);
    if (array.peek_field(r, 64, 32) != (sum & 0xffffffffu) || array.peek(r, 99) != bool(sum >> 32)) ++wrong;
  }
  const bool same = std::memcmp(plain.bits.data(), array.column_words(0), plain.bits.size() * 8) == 0;
  std::vector<MacCase> macs;
  for (const char* t : {"sot-mram-1t1r", "reram-floatpim"}) {
    macs.push_back(bench_mac(t, seconds, rng));
    rows.push_back(macs.back().row);
  }

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
  bool macs_ok = true;
  for (const MacCase& m : macs) {
    std::cout << m.row.name << ": " << m.steps << " steps, " << m.ops << " micro-ops; check: "
              << (array.rows() - m.wrong) << "/" << array.rows()
              << " rows equal to the host reference, model and host-limit arrays "
              << (m.same ? "identical" : "DIFFER") << '\n';
    macs_ok = macs_ok && m.wrong == 0 && m.same;
  }
  return wrong == 0 && same && macs_ok ? 0 : 1;
}
