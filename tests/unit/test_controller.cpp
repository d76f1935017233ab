// The controller: commands to micro-programs and transfers, timed from the
// ledger; different subarrays overlap, a shared one serialises.
#include <catch2/catch.hpp>

#include <deque>
#include <random>

#include "controller/controller.hpp"
#include "support/fp_reference.hpp"

using namespace mrampim;
using namespace mrampim::test;

namespace {

struct Platform {
  explicit Platform(const std::string& tech_name, std::uint32_t banks = 2, std::uint32_t subarrays = 3,
                    std::vector<std::string> overrides = {})
      : tech(load_technology(tech_name, overrides)) {
    for (std::uint32_t b = 0; b < banks; ++b) bank_list.emplace_back("bank" + std::to_string(b), tech, subarrays, ledger);
    controller = std::make_unique<Controller>(bank_list, ledger);
  }
  Technology tech;
  CostLedger ledger;
  std::deque<Bank> bank_list;
  std::unique_ptr<Controller> controller;
};

Command fp(Opcode op, std::uint16_t bank, std::uint16_t sub, std::uint32_t first, std::uint32_t count) {
  Command c;
  c.opcode = op;
  c.format = FpFormat::fp32();
  c.bank = bank;
  c.subarray = sub;
  c.first_row = first;
  c.row_count = count;
  return c;
}

std::vector<std::uint64_t> cells(const Subarray& s) {
  std::vector<std::uint64_t> v;
  for (std::uint32_t c = 0; c < s.cols(); ++c) v.insert(v.end(), s.column_words(Column(c)), s.column_words(Column(c)) + s.words_per_column());
  return v;
}

}  // namespace

TEST_CASE("An FP command computes its row range, in the time its program's steps take", "[controller]") {
  for (const char* tech : {"sot-mram-1t1r", "reram-floatpim"}) {
    CAPTURE(tech);
    Platform p(tech);
    const FpFormat f = FpFormat::fp32();
    Subarray& s = p.bank_list[1].subarray(2);
    std::mt19937_64 rng(6);
    s.fill_debug(rng);
    const FpLayout& l = p.controller->fp_program(FpOp::Mac, f, Rounding::Ieee).layout;
    const std::vector<std::uint64_t> before = cells(s);
    const CommandOutcome o = p.controller->execute(fp(Opcode::FpMac, 1, 2, 100, 300), 50.0);
    REQUIRE(o.error == CommandError::None);
    for (std::uint32_t r = 0; r < s.rows(); ++r) {
      const std::uint64_t a = s.peek_field(r, l.a.first, 32), b = s.peek_field(r, l.b.first, 32),
                          c = s.peek_field(r, l.c.first, 32);
      if (r >= 100 && r < 400) {
        if (s.peek_field(r, l.result.first, 32) != fp_mac(f, c, a, b)) FAIL("row " << r);
      }
    }
    // Rows outside the range keep every cell.
    const std::vector<std::uint64_t> after = cells(s);
    const std::size_t words = s.words_per_column();
    for (std::size_t w = 0; w < after.size(); ++w) {
      const std::size_t row0 = (w % words) * 64;
      std::uint64_t outside = 0;
      for (std::size_t bit = 0; bit < 64; ++bit) {
        if (row0 + bit < 100 || row0 + bit >= 400) outside |= std::uint64_t{1} << bit;
      }
      REQUIRE(((before[w] ^ after[w]) & outside) == 0);
    }
    // Time: from `now`, for the program's (data-independent) latency.
    const double latency = p.controller->fp_program(FpOp::Mac, f, Rounding::Ieee)
                               .program.cost(1)
                               .latency_ns(StepPrices::from(p.tech));
    CHECK(o.start_ns == 50.0);
    CHECK(o.end_ns == Approx(50.0 + latency));
    CHECK(p.controller->busy_until_ns(1, 2) == o.end_ns);
    CHECK(p.controller->busy_until_ns(0, 0) == 0.0);
    CHECK(s.account().latency_ns() == Approx(latency));  // the ledger is where the time came from
  }
}

TEST_CASE("Commands on different subarrays overlap, on the same one they queue", "[controller]") {
  Platform p("sot-mram-1t1r");
  const CommandOutcome a = p.controller->execute(fp(Opcode::FpAdd, 0, 0, 0, 1024), 0);
  const CommandOutcome b = p.controller->execute(fp(Opcode::FpAdd, 0, 1, 0, 1024), 0);
  const CommandOutcome c = p.controller->execute(fp(Opcode::FpMul, 1, 0, 0, 512), 10);
  const CommandOutcome d = p.controller->execute(fp(Opcode::FpAdd, 0, 0, 0, 16), 0);
  CHECK(a.start_ns == 0);
  CHECK(b.start_ns == 0);  // another subarray of the same bank: in parallel
  CHECK(b.end_ns == a.end_ns);
  CHECK(c.start_ns == 10);
  CHECK(d.start_ns == a.end_ns);  // waits for subarray 0 of bank 0
  CHECK(d.end_ns == Approx(2 * a.end_ns));
  CHECK(p.controller->all_done_ns() == std::max(c.end_ns, d.end_ns));
  CHECK(c.end_ns > d.end_ns);  // the multiply is the longest
}

TEST_CASE("Moves go over the bank's path or the path between banks, 2b cycles each", "[controller]") {
  Platform p("sot-mram-1t1r", 2, 2, {"array.rows=128", "array.cols=256"});
  Subarray& src = p.bank_list[0].subarray(0);
  for (std::uint32_t r = 0; r < 128; ++r) src.poke_field(r, 0, 32, 0x9e3779b9u * (r + 1));
  Command m;
  m.opcode = Opcode::Move;
  m.first_row = 8;
  m.row_count = 64;
  m.dst_subarray = 1;
  m.src_col = 0;
  m.dst_col = 40;
  m.width = 32;
  const CommandOutcome in_bank = p.controller->execute(m, 0);
  REQUIRE(in_bank.error == CommandError::None);
  m.dst_bank = 1;
  m.dst_subarray = 0;
  const CommandOutcome across = p.controller->execute(m, 0);
  REQUIRE(across.error == CommandError::None);
  const StepPrices prices = StepPrices::from(p.tech);
  // Per bit a read step and a write step, each decoded once.
  const double per_move = 32 * (prices.latency_ns[std::size_t(StepKind::Read)] +
                                prices.latency_ns[std::size_t(StepKind::Write)] + 2 * prices.step_ns);
  CHECK(in_bank.end_ns == Approx(per_move));
  CHECK(across.start_ns == in_bank.end_ns);  // the source subarray was busy
  CHECK(across.end_ns == Approx(2 * per_move));
  for (const Subarray* d : {&p.bank_list[0].subarray(1), &p.bank_list[1].subarray(0)}) {
    for (std::uint32_t r = 8; r < 72; ++r) REQUIRE(d->peek_field(r, 40, 32) == ((0x9e3779b9u * (r + 1)) & 0xffffffffu));
  }
  CHECK(p.bank_list[0].transfer_account().latency_ns() == Approx(per_move));
  CHECK(p.controller->interconnect_account().latency_ns() == Approx(per_move));
}

TEST_CASE("A refused command changes no row, takes no time and charges nothing", "[controller]") {
  Platform p("sot-mram-1t1r", 1, 2, {"array.cols=128"});
  Subarray& s = p.bank_list[0].subarray(0);
  std::mt19937_64 rng(2);
  s.fill_debug(rng);
  const auto before = cells(s);
  Command overlap;
  overlap.opcode = Opcode::Move;
  overlap.row_count = 10;
  overlap.width = 16;
  overlap.dst_col = 8;
  Command too_wide = fp(Opcode::FpMac, 0, 0, 0, 64);  // fp32 MAC needs more than 128 columns
  for (const auto& [cmd, err] : {std::pair{fp(Opcode::FpAdd, 0, 2, 0, 1), CommandError::NoSuchSubarray},
                                 std::pair{fp(Opcode::FpAdd, 0, 0, 1000, 100), CommandError::RowsOutOfRange},
                                 std::pair{overlap, CommandError::Overlap},
                                 std::pair{too_wide, CommandError::FormatUnsupported}}) {
    CAPTURE(describe(cmd));
    const CommandOutcome o = p.controller->execute(cmd, 5);
    CHECK(o.error == err);
    CHECK(o.end_ns == 5);
  }
  CHECK(cells(s) == before);
  CHECK(p.ledger.energy_pJ() == 0);
  CHECK(p.controller->all_done_ns() == 0);
}

TEST_CASE("A dot product over a row range: the pairwise sum of rounded products, in the first row", "[controller][dot]") {
  for (const char* tech : {"sot-mram-1t1r", "reram-floatpim"}) {
    for (const char* fmt : {"fp32", "bf16"}) {
      for (std::uint32_t n : {1u, 2u, 3u, 7u, 64u, 1000u}) {
        CAPTURE(tech, fmt, n);
        Platform p(tech, 1, 2);
        const FpFormat f = FpFormat::parse(fmt);
        Subarray& s = p.bank_list[0].subarray(1);
        std::mt19937_64 rng(n);
        s.fill_debug(rng);
        std::vector<std::uint64_t> a(n), b(n);
        const std::uint32_t first = 20;
        for (std::uint32_t i = 0; i < n; ++i) {
          a[i] = fp_from_double(f, std::uniform_real_distribution<double>(-2, 2)(rng));
          b[i] = fp_from_double(f, std::uniform_real_distribution<double>(-2, 2)(rng));
          s.poke_field(first + i, 0, std::uint16_t(f.width()), a[i]);
          s.poke_field(first + i, Column(f.width()), std::uint16_t(f.width()), b[i]);
        }
        Command c = fp(Opcode::Dot, 0, 1, first, n);
        c.format = f;
        const CommandOutcome o = p.controller->execute(c, 0);
        REQUIRE(o.error == CommandError::None);
        CHECK(s.peek_field(first, Column(2 * f.width()), std::uint16_t(f.width())) == fp_host_dot(f, a, b));
        // Its time is the multiply, then per round an add and the two moves.
        const StepPrices prices = StepPrices::from(p.tech);
        const double mul = p.controller->fp_program(FpOp::Mul, f, Rounding::Ieee).program.cost(1).latency_ns(prices);
        const double add = p.controller->fp_program(FpOp::Add, f, Rounding::Ieee).program.cost(1).latency_ns(prices);
        const double rw = prices.latency_ns[std::size_t(StepKind::Read)] +
                          prices.latency_ns[std::size_t(StepKind::Write)] + 2 * prices.step_ns;
        const double move = f.width() * rw;
        double want = mul;
        for (std::uint32_t k = n; k > 1; k = (k + 1) / 2) want += add + move + (k - (k + 1) / 2) * rw;
        CHECK(o.end_ns == Approx(want));
      }
    }
  }
}
