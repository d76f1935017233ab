// tb_full_adder: the in-memory full adder and an N-bit ripple add on a full
// subarray, stepped in simulated time (each step lasts its ledger latency).
//
// Part 1 runs one full adder on every row, rows holding the 8 input
// combinations in turn and random bits elsewhere; part 2 adds N-bit numbers
// on every row. Both are checked against host arithmetic. The VCD shows the
// step counter, the step kinds, the cumulative latency and energy from the
// ledger, and the adder's cells in rows 0-7 (one input combination each).
// Exit status: 0 all checks pass, 1 a check failed, 2 bad input.
#include <systemc>

#include <iomanip>
#include <iostream>
#include <random>

#include "bench_cli.hpp"
#include "compute/integer_adder.hpp"
#include "subarray/subarray.hpp"

using namespace mrampim;
namespace po = boost::program_options;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

// Columns of the demonstration: the adder's operands and results sit apart,
// as the paper allows ("operands and results may sit in different columns").
constexpr Column kX = 0, kY = 1, kZ = 2, kSum = 3, kCarry = 4, kScratch = 8;

struct ProgramReport {
  std::string name;
  ActivityCounts counts;
  double latency_ns = 0, energy_pJ = 0;
  std::uint32_t cells_occupied = 0;
  std::uint32_t rows = 0;
};

class FullAdderBench : public sc_core::sc_module {
 public:
  sc_core::sc_signal<int> step{"step"};                 // index within the running program
  sc_core::sc_signal<int> program{"program"};           // 1 full adder, 2 N-bit add
  sc_core::sc_signal<bool> reading{"reading"}, writing{"writing"}, searching{"searching"}, noring{"noring"};
  sc_core::sc_signal<double> latency_ns{"ledger_latency_ns"}, energy_pJ{"ledger_energy_pJ"};
  // Bit r of each vector is the cell in row r (rows 0-7 hold inputs XYZ = r).
  sc_core::sc_signal<sc_dt::sc_uint<8>> x{"x_rows0_7"}, y{"y_rows0_7"}, z{"z_rows0_7"};
  sc_core::sc_signal<sc_dt::sc_uint<8>> sum{"sum_rows0_7"}, carry{"carry_rows0_7"};
  sc_core::sc_signal<sc_dt::sc_uint<64>> add_x{"add_x_row0"}, add_y{"add_y_row0"}, add_sum{"add_sum_row0"};

  int failures = 0;
  std::vector<ProgramReport> reports;

  FullAdderBench(sc_core::sc_module_name n, const Technology& tech, unsigned bits, unsigned seed)
      : sc_module(n), tech_(tech), bits_(bits), rng_(seed),
        account_(ledger_.open_account("subarray0", StepPrices::from(tech))), array_(tech, account_) {
    SC_HAS_PROCESS(FullAdderBench);
    SC_THREAD(run);
  }

  void trace(sc_core::sc_trace_file* tf) const {
    for (const auto* s : {&step, &program}) sc_core::sc_trace(tf, *s, s->basename());
    for (const auto* s : {&reading, &writing, &searching, &noring}) sc_core::sc_trace(tf, *s, s->basename());
    for (const auto* s : {&latency_ns, &energy_pJ}) sc_core::sc_trace(tf, *s, s->basename());
    for (const auto* s : {&x, &y, &z, &sum, &carry}) sc_core::sc_trace(tf, *s, s->basename());
    for (const auto* s : {&add_x, &add_y, &add_sum}) sc_core::sc_trace(tf, *s, s->basename());
  }

  const CostAccount& account() const { return account_; }

 private:
  sc_dt::sc_uint<8> rows0_7(Column c) const { return array_.column_words(c)[0] & 0xff; }

  void show() {
    x.write(rows0_7(kX));
    y.write(rows0_7(kY));
    z.write(rows0_7(kZ));
    sum.write(rows0_7(kSum));
    carry.write(rows0_7(kCarry));
    latency_ns.write(account_.latency_ns());
    energy_pJ.write(account_.energy_pJ());
  }

  // Runs a program one step at a time; each step takes its priced latency.
  ProgramReport run_program(const MicroProgram& p, int id) {
    const ActivityCounts before = account_.total();
    account_.clear_occupancy();
    program.write(id);
    const StepPrices& prices = account_.prices();
    for (std::size_t s = 0; s < p.steps().size(); ++s) {
      const MicroStep& st = p.steps()[s];
      step.write(int(s));
      reading.write(st.has(StepKind::Read));
      writing.write(st.has(StepKind::Write));
      searching.write(st.has(StepKind::Search));
      noring.write(st.has(StepKind::Nor));
      array_.execute_step(p, s);
      wait(sc_time(p.step_latency_ns(s, prices), SC_NS));
      show();
    }
    program.write(0);
    reading.write(false);
    writing.write(false);
    noring.write(false);
    wait(sc_time(1, SC_NS));
    ProgramReport r;
    r.name = p.name();
    r.counts = account_.total() - before;
    r.latency_ns = r.counts.latency_ns(prices);
    r.energy_pJ = r.counts.energy_pJ(prices);
    r.cells_occupied = account_.cells_occupied_per_row();
    r.rows = array_.rows();
    return r;
  }

  void full_adder_part() {
    array_.fill_debug(rng_);
    for (std::uint32_t r = 0; r < array_.rows(); ++r) array_.poke_field(r, kX, 3, r & 7);  // X, Y, Z = r mod 8
    show();
    const MicroProgram p = build_full_adder(ArrayShape::of(tech_), kX, kY, kZ, kSum, kCarry, kScratch);
    reports.push_back(run_program(p, 1));
    int bad = 0;
    for (std::uint32_t r = 0; r < array_.rows(); ++r) {
      const unsigned v = r & 7, ones = (v & 1) + ((v >> 1) & 1) + ((v >> 2) & 1);
      if (array_.peek(r, kSum) != bool(ones & 1) || array_.peek(r, kCarry) != (ones >= 2) ||
          array_.peek_field(r, kX, 3) != v) {
        ++bad;
      }
    }
    std::cout << "full adder on " << array_.rows() << " rows: " << (bad ? "FAIL" : "ok") << " (" << bad
              << " rows wrong)\n";
    failures += bad;
  }

  void ripple_part() {
    array_.fill_debug(rng_);
    const Column ax = 16, ay = Column(ax + bits_), asum = Column(ay + bits_), acarry = Column(asum + bits_);
    const Column ascratch = Column(acarry + 1);
    AdderColumns cols{ax, ay, asum, std::uint16_t(bits_), ascratch, acarry, {}};
    const MicroProgram p = build_ripple_adder(ArrayShape::of(tech_), cols, AddOp::Add);
    const std::uint64_t lim = bits_ == 64 ? ~0ull : ((1ull << bits_) - 1);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> in(array_.rows());
    for (std::uint32_t r = 0; r < array_.rows(); ++r) {
      in[r] = {rng_() & lim, rng_() & lim};
      array_.poke_field(r, ax, std::uint16_t(bits_), in[r].first);
      array_.poke_field(r, ay, std::uint16_t(bits_), in[r].second);
    }
    add_x.write(in[0].first);
    add_y.write(in[0].second);
    reports.push_back(run_program(p, 2));
    add_sum.write(array_.peek_field(0, asum, std::uint16_t(bits_)));
    int bad = 0;
    for (std::uint32_t r = 0; r < array_.rows(); ++r) {
      const std::uint64_t s = in[r].first + in[r].second;  // operands are below 2^bits
      const bool c = bits_ == 64 ? s < in[r].first : ((s >> bits_) & 1u);
      if (array_.peek_field(r, asum, std::uint16_t(bits_)) != (s & lim) || array_.peek(r, acarry) != c) {
        ++bad;
      }
    }
    std::cout << bits_ << "-bit ripple add on " << array_.rows() << " rows: " << (bad ? "FAIL" : "ok") << " ("
              << bad << " rows wrong)\n";
    failures += bad;
  }

  void run() {
    wait(sc_time(1, SC_NS));
    full_adder_part();
    ripple_part();
    sc_core::sc_stop();
  }

  const Technology& tech_;
  unsigned bits_;
  std::mt19937_64 rng_;
  CostLedger ledger_;
  CostAccount& account_;
  Subarray array_;
};

void print_report(const ProgramReport& r) {
  const auto& c = r.counts;
  std::cout << "  " << std::left << std::setw(12) << r.name << std::right << std::setw(6) << c.compute_steps
            << std::setw(7) << c.steps_of(StepKind::Read) << std::setw(7) << c.steps_of(StepKind::Write)
            << std::setw(7) << c.steps_of(StepKind::Search) << std::setw(6) << c.steps_of(StepKind::Nor)
            << std::fixed << std::setprecision(1) << std::setw(9) << double(c.cells_of(StepKind::Read)) / r.rows
            << std::setw(9) << double(c.cells_of(StepKind::Write) + c.cells_of(StepKind::Nor)) / r.rows
            << std::setw(7) << r.cells_occupied << std::setw(11) << std::setprecision(2) << r.latency_ns << std::setw(12)
            << std::setprecision(3) << r.energy_pJ / r.rows << std::setw(11) << std::setprecision(2)
            << r.energy_pJ << '\n'
            << std::defaultfloat;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  bench::BenchCommandLine cli(
      "tb_full_adder: the in-memory full adder and an N-bit ripple add on a whole subarray.\n"
      "Usage: tb_full_adder [options]",
      "tb_full_adder.vcd", "sot-mram-1t1r");
  unsigned bits = 32, seed = 1;
  cli.options().add_options()("bits", po::value<unsigned>(&bits)->default_value(bits), "width of the ripple add, 1..64")(
      "seed", po::value<unsigned>(&seed)->default_value(seed), "seed of the random array contents and operands");
  const int parsed = cli.parse(argc, argv);
  if (parsed >= 0) return parsed;
  const Technology& tech = cli.technology();
  if (bits < 1 || bits > 64) return bench::BenchCommandLine::bad_input("--bits " + std::to_string(bits) + " is outside 1..64");
  const std::uint32_t needed = 16 + 3 * bits + 1 + adder_scratch_columns(tech.family, AddOp::Add, std::uint16_t(bits));
  if (needed > tech.array.cols) {
    return bench::BenchCommandLine::bad_input("a " + std::to_string(bits) + "-bit add needs " + std::to_string(needed) +
                                              " columns; array.cols is " + std::to_string(tech.array.cols));
  }

  FullAdderBench bench("tb", tech, bits, seed);
  sc_core::sc_trace_file* tf = cli.open_vcd();
  bench.trace(tf);
  std::cout << "tb_full_adder on " << tech.name << " (" << tech.source << "), " << tech.array.rows << " x "
            << tech.array.cols << " subarray\n";
  sc_core::sc_start();
  sc_core::sc_close_vcd_trace_file(tf);

  std::cout << "\ncounted costs (ledger; cells per row; energy per row and for all rows):\n"
            << "  program      steps  reads writes search  nor  rd/row  wr/row  cells  latency_ns  pJ/row  "
               "pJ_total\n"
            << "  (steps: parallel steps, then step phases by kind; rd/row, wr/row: cells read and written\n"
            << "   (NOR outputs count as written) per row; cells: distinct cells per row the program wrote)\n";
  for (const auto& r : bench.reports) print_report(r);
  std::cout << "simulated time " << sc_core::sc_time_stamp().to_string() << "\n"
            << "VCD: " << cli.vcd_path() << '\n';
  return bench.failures == 0 ? 0 : 1;
}
