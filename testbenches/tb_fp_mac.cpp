// tb_fp_mac: one floating-point MAC, c + a x b, on every row of a subarray,
// stepped in simulated time (each micro-operation step lasts its ledger
// latency), then the same MAC on the FloatPIM baseline and on the
// fast-switching SOT cell, untraced.
//
// Row 0 holds the operands given on the command line, the other rows random
// bit patterns (every class of value). Every row's result is checked against
// the host reference (decode to double, round once, the documented NaN
// policy), and the technologies must agree bit for bit. It prints the cost
// report of each technology (counted against published, the Figure 5
// breakdown) and the paper's comparison: FloatPIM / SOT-MRAM energy and
// latency, and the latency cut of the fast cell, counted and published.
//
// The VCD shows the step counter, the phase (1 exponent, 2 alignment,
// 3 mantissa, 4 normalise), the step kinds, the rows the step enables, the
// ledger's latency and energy so far, and row 0's operands and result.
// Exit status: 0 all checks pass, 1 a check failed, 2 bad input.
#include <systemc>

#include <iomanip>
#include <iostream>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_cli.hpp"
#include "compute/fp_cost_report.hpp"
#include "compute/fp_engine.hpp"
#include "compute/fp_value.hpp"
#include "support/fp_reference.hpp"

using namespace mrampim;
namespace po = boost::program_options;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

int phase_code(Phase p) {
  switch (p) {
    case Phase::Exponent: return 1;
    case Phase::Alignment: return 2;
    case Phase::Mantissa: return 3;
    case Phase::Normalise: return 4;
    default: return 0;
  }
}

class FpMacBench : public sc_core::sc_module {
 public:
  sc_core::sc_signal<int> step{"step"};    // index of the step just executed
  sc_core::sc_signal<int> phase{"phase"};  // 1 exponent, 2 alignment, 3 mantissa, 4 normalise
  sc_core::sc_signal<bool> reading{"reading"}, writing{"writing"}, searching{"searching"}, noring{"noring"};
  sc_core::sc_signal<int> rows_enabled{"rows_enabled"};  // rows the step's first op enables
  sc_core::sc_signal<double> latency_ns{"ledger_latency_ns"}, energy_pJ{"ledger_energy_pJ"};
  sc_core::sc_signal<sc_dt::sc_uint<64>> a{"a_row0"}, b{"b_row0"}, c{"c_row0"}, result{"result_row0"};

  FpMacBench(sc_core::sc_module_name n, FpSubarray& m, std::vector<FpOperands> operands)
      : sc_module(n), m_(m), operands_(std::move(operands)) {
    SC_HAS_PROCESS(FpMacBench);
    SC_THREAD(run);
  }

  void trace(sc_core::sc_trace_file* tf) const {
    for (const auto* s : {&step, &phase, &rows_enabled}) sc_core::sc_trace(tf, *s, s->basename());
    for (const auto* s : {&reading, &writing, &searching, &noring}) sc_core::sc_trace(tf, *s, s->basename());
    for (const auto* s : {&latency_ns, &energy_pJ}) sc_core::sc_trace(tf, *s, s->basename());
    for (const auto* s : {&a, &b, &c, &result}) sc_core::sc_trace(tf, *s, s->basename());
  }

  std::vector<std::uint64_t> results;

 private:
  void run() {
    const FpLayout& l = m_.engine.layout();
    const MicroProgram& p = m_.engine.program().program;
    const StepPrices& prices = m_.account.prices();
    a.write(operands_[0].a);
    b.write(operands_[0].b);
    c.write(operands_[0].c);
    wait(sc_time(1, SC_NS));
    results = m_.engine.run(operands_, [&](std::size_t s) {
      const MicroStep& st = p.steps()[s];
      const MicroOp& first = p.ops()[st.first_op];
      step.write(int(s));
      phase.write(phase_code(st.phase));
      reading.write(st.has(StepKind::Read));
      writing.write(st.has(StepKind::Write));
      searching.write(st.has(StepKind::Search));
      noring.write(st.has(StepKind::Nor));
      rows_enabled.write(int(m_.array.mask(first.mask).count()));
      wait(sc_time(p.step_latency_ns(s, prices), SC_NS));
      latency_ns.write(m_.account.latency_ns());
      energy_pJ.write(m_.account.energy_pJ());
      result.write(m_.array.peek_field(0, l.result.first, l.result.width));
    });
    for (auto* s : {&reading, &writing, &searching, &noring}) s->write(false);
    phase.write(0);
    wait(sc_time(1, SC_NS));
    sc_core::sc_stop();
  }

  FpSubarray& m_;
  std::vector<FpOperands> operands_;
};

int check_results(const char* what, const FpFormat& f, const std::vector<FpOperands>& ops,
                  const std::vector<std::uint64_t>& got, const std::vector<std::uint64_t>* reference) {
  int bad = 0;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const std::uint64_t want = reference ? (*reference)[i] : test::fp_mac(f, ops[i].c, ops[i].a, ops[i].b);
    if (got[i] != want) {
      if (++bad <= 5) {
        std::cout << "  row " << i << ": c + a x b with a " << to_hex(ops[i].a) << " b "
                  << to_hex(ops[i].b) << " c " << to_hex(ops[i].c) << " gave " << to_hex(got[i])
                  << ", expected " << to_hex(want) << '\n';
      }
    }
  }
  std::cout << what << ": " << (bad ? "FAIL" : "ok") << " (" << bad << " of " << ops.size() << " rows wrong)\n";
  return bad;
}

double percent_cut(double before, double after) { return 100.0 * (before - after) / before; }

}  // namespace

int sc_main(int argc, char* argv[]) {
  bench::BenchCommandLine cli(
      "tb_fp_mac: one floating-point MAC (c + a x b) on every row of a subarray, traced step by step,\n"
      "then on the FloatPIM baseline and the fast-switching SOT cell; prints the costs, counted and\n"
      "published, and the paper's comparison.\n"
      "Usage: tb_fp_mac [options]",
      "tb_fp_mac.vcd", "sot-mram-1t1r");
  std::string format_name = "fp32", rounding_name = "ieee", baseline_name = "reram-floatpim",
              fast_name = "sot-mram-fast";
  std::string a_text = "1.5", b_text = "-2.25", c_text = "10";
  unsigned seed = 1;
  std::vector<std::string> baseline_set, fast_set;
  cli.options().add_options()
      ("format", po::value<std::string>(&format_name)->default_value(format_name), "fp32, fp16, bf16 or eNmM")
      ("rounding", po::value<std::string>(&rounding_name)->default_value(rounding_name),
       "ieee (checked against the host reference) or paper (checked only across technologies)")
      ("baseline", po::value<std::string>(&baseline_name)->default_value(baseline_name),
       "the technology compared against --tech (FloatPIM); --set applies to --tech only")
      ("baseline-set", po::value<std::vector<std::string>>(&baseline_set)->composing(),
       "override a key of --baseline, e.g. array.rows=256 (repeatable)")
      ("fast", po::value<std::string>(&fast_name)->default_value(fast_name),
       "the fast-switching variant of --tech whose latency cut is reported")
      ("fast-set", po::value<std::vector<std::string>>(&fast_set)->composing(),
       "override a key of --fast (repeatable): give it what you --set on --tech, except the switching")
      ("a", po::value<std::string>(&a_text)->default_value(a_text), "row 0's a (decimal or 0x bit pattern)")
      ("b", po::value<std::string>(&b_text)->default_value(b_text), "row 0's b")
      ("c", po::value<std::string>(&c_text)->default_value(c_text), "row 0's c")
      ("seed", po::value<unsigned>(&seed)->default_value(seed), "seed of the other rows' operands");
  const int parsed = cli.parse(argc, argv);
  if (parsed >= 0) return parsed;

  FpFormat format;
  Rounding rounding = Rounding::Ieee;
  Technology baseline, fast;
  std::vector<FpOperands> operands;
  std::unique_ptr<FpSubarray> traced, base_m, fast_m;
  try {
    format = FpFormat::parse(format_name);
    rounding = parse_rounding(rounding_name);
    baseline = load_technology(baseline_name, baseline_set);
    fast = load_technology(fast_name, fast_set);
    const Technology& tech = cli.technology();
    operands.resize(tech.array.rows);
    operands[0] = {parse_fp_operand(format, a_text), parse_fp_operand(format, b_text), parse_fp_operand(format, c_text)};
    std::mt19937_64 rng(seed);
    for (std::size_t i = 1; i < operands.size(); ++i) {
      operands[i] = {rng() & format.bits_mask(), rng() & format.bits_mask(), rng() & format.bits_mask()};
    }
    traced = std::make_unique<FpSubarray>(tech, FpOp::Mac, format, rounding);
    base_m = std::make_unique<FpSubarray>(baseline, FpOp::Mac, format, rounding);
    fast_m = std::make_unique<FpSubarray>(fast, FpOp::Mac, format, rounding);
  } catch (const ConfigError& e) {
    return bench::BenchCommandLine::bad_input(e.what());
  } catch (const std::invalid_argument& e) {
    return bench::BenchCommandLine::bad_input(e.what());
  }

  FpMacBench bench("tb", *traced, operands);
  sc_core::sc_trace_file* tf = cli.open_vcd();
  bench.trace(tf);
  std::cout << "tb_fp_mac: " << format.name() << " c + a x b, " << to_string(rounding) << " rounding, on "
            << traced->tech.name << " (" << traced->tech.source << "), " << traced->tech.array.rows << " x "
            << traced->tech.array.cols << " subarray, " << traced->engine.program().program.steps().size()
            << " steps\n";
  sc_core::sc_start();
  sc_core::sc_close_vcd_trace_file(tf);

  const auto base_results = base_m->engine.run(operands);
  const auto fast_results = fast_m->engine.run(operands);
  int failures = 0;
  std::cout << "row 0: " << fp_to_decimal(format, operands[0].c) << " + " << fp_to_decimal(format, operands[0].a)
            << " x " << fp_to_decimal(format, operands[0].b) << " = " << fp_to_decimal(format, bench.results[0])
            << " (" << to_hex(bench.results[0]) << ")\n";
  if (rounding == Rounding::Ieee) {
    failures += check_results((traced->tech.name + " against the host reference").c_str(), format, operands,
                              bench.results, nullptr);
  }
  failures += check_results((baseline.name + " against " + traced->tech.name).c_str(), format, operands, base_results,
                            &bench.results);
  failures += check_results((fast.name + " against " + traced->tech.name).c_str(), format, operands, fast_results,
                            &bench.results);

  const FpCostReport ours = fp_cost_report(traced->engine);
  const FpCostReport base = fp_cost_report(base_m->engine);
  const FpCostReport quick = fp_cost_report(fast_m->engine);
  for (const FpCostReport* r : {&ours, &base, &quick}) {
    std::cout << '\n';
    print_cost_table(std::cout, *r);
    print_breakdown(std::cout, *r);
  }
  std::cout << '\n';
  print_comparison(std::cout, base, ours);
  std::cout << "  (the paper: 1.8x latency, 3.3x energy for the fp32 MAC)\n";
  std::cout << std::fixed << std::setprecision(1) << "latency cut of " << fast.name << " against " << ours.technology << ": counted "
            << percent_cut(ours.latency_ns(), quick.latency_ns()) << "%, published "
            << percent_cut(ours.published_latency_ns(), quick.published_latency_ns()) << "% (the paper: 56.7%)\n" << std::defaultfloat;
  std::cout << "simulated time " << sc_core::sc_time_stamp().to_string() << "\n"
            << "VCD: " << cli.vcd_path() << '\n';
  return failures == 0 ? 0 : 1;
}
