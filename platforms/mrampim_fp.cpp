// mrampim-fp: floating-point operations from a file, run bit-accurately in a
// subarray (one operation per row, every row at once), with their costs.
//
// Results go to standard output (or --output), one line per operation; the
// cost summary (counted against published, the Figure 5 breakdown, and with
// --compare the technology ratios) goes to standard error; --report writes
// all of it, results included, as JSON. Every run also executes the other
// rounding procedure on the same operands and marks the results that differ.
// Exit status: 0 done, 1 --compare found different results, 2 bad input.
#include <boost/program_options.hpp>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compute/fp_cost_report.hpp"
#include "compute/fp_engine.hpp"
#include "compute/fp_value.hpp"
#include "host/fp_operand_file.hpp"
#include "sense_amp/search_margin.hpp"
#include "subarray/subarray.hpp"
#include "tech/tech_options.hpp"

using namespace mrampim;
namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "Usage: mrampim-fp [options] OPERANDS\n"
    "\n"
    "Runs floating-point add, multiply or MAC bit-accurately in an in-memory subarray\n"
    "(one operation per row, all rows at once, as many batches of rows as needed)\n"
    "and reports what it cost, counted step by step and by the published formulas.\n"
    "\n"
    "OPERANDS is a file ('-' for standard input) with one operation per line:\n"
    "  add, mul:  a b       mac:  a b c   (c + a x b)\n"
    "each operand a hex bit pattern (0x3fc00000, at most the format's width) or a\n"
    "decimal number (1.5, -2e-3, inf, nan), rounded to the format to nearest-even as\n"
    "written; operands are separated by spaces, tabs or commas; '#' starts a comment.\n"
    "A bad line is reported with its line number and nothing runs. --random N\n"
    "replaces the file.\n"
    "\n"
    "Output: one line per operation, tab-separated:\n"
    "  line  a  b  [c]  result_hex  result  other_hex  other  same|differs\n"
    "with the operands as hex bit patterns, and 'other' the result of the other\n"
    "rounding procedure (paper for ieee, ieee for paper). The cost summary goes to\n"
    "standard error.\n"
    "\n"
    "mrampim-fp --cost-table [--rounding R] [--tech T] [--compare T2] [--report F]\n"
    "instead prints the cost report of add, mul and mac in fp32, fp16 and bf16, each\n"
    "run on a full subarray of random operands: counted against published, by phase\n"
    "and step kind, and the technology ratios.\n"
    "\n"
    "mrampim-fp --search-margins [--rounding R] [--tech T] [--compare T2] [--spread S ...]\n"
    "           [--report F]\n"
    "instead prints the sensing margin of the fp32 add, mul and mac programs'\n"
    "searches: the widths they search and, per width, the match line's nominal and\n"
    "worst-case margin and the error probability of one row's decision at each\n"
    "resistance spread (default 0, 0.05, 0.10; docs/fp-step-counts.md). Searches\n"
    "whose worst case falls below the sense amplifier's offset are marked.\n"
    "Exit status: 0 done, 1 --compare gave different results, 2 bad input.\n";

struct Options {
  std::string operands;
  std::string op = "mac";
  std::string format = "fp32";
  std::string rounding = "ieee";
  TechOptions tech;
  std::string compare;
  std::vector<std::string> compare_overrides;
  long long random = 0;
  std::uint64_t seed = 1;
  std::string output;
  std::string report;
  bool quiet = false;
  bool cost_table = false;
  bool search_margins = false;
  std::vector<double> spreads;
  bool write_errors = false;
  std::uint64_t write_error_seed = 1;
};

// Every operation and result is held in memory (and, with --report, in
// JSON): a million is a few hundred MB at most.
constexpr long long kMaxRandom = 1'000'000;

int bad_input(const std::string& message) {
  std::cerr << "error: " << message << '\n';
  return kExitBadInput;
}

std::vector<OperandLine> random_lines(std::size_t n, std::uint64_t seed, const FpFormat& f) {
  std::mt19937_64 rng(seed);
  std::vector<OperandLine> lines(n);
  for (std::size_t i = 0; i < n; ++i) {
    lines[i].line = i + 1;
    lines[i].operands = {rng() & f.bits_mask(), rng() & f.bits_mask(), rng() & f.bits_mask()};
  }
  return lines;
}

// Whether `path` can be written, without truncating it (or leaving it
// behind when it did not exist).
bool writable(const std::string& path) {
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  const bool ok = std::ofstream(path, std::ios::app).good();
  if (ok && !existed) std::filesystem::remove(path, ec);
  return ok;
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec1, ec2;
  return std::filesystem::weakly_canonical(a, ec1) == std::filesystem::weakly_canonical(b, ec2);
}

constexpr FpOp kCostTableOps[] = {FpOp::Add, FpOp::Mul, FpOp::Mac};

// Whether every operation's program in `formats` fits each technology's
// rows: the first that does not, as a message (checked before anything is
// printed or written).
std::optional<std::string> programs_misfit(const std::vector<const Technology*>& techs,
                                           const std::vector<FpFormat>& formats, Rounding rounding) {
  for (FpOp op : kCostTableOps) {
    for (const FpFormat& format : formats) {
      for (const Technology* t : techs) {
        try {
          build_fp_program(op, format, rounding, ArrayShape::of(*t));
        } catch (const std::invalid_argument& e) {
          return t->name + ": " + e.what();
        }
      }
    }
  }
  return std::nullopt;
}

// Opens `path` for a JSON report (nothing to open when it is empty); false
// when it cannot be written.
bool open_report(const std::string& path, std::ofstream& file) {
  if (path.empty()) return true;
  if (!writable(path)) return false;
  file.open(path);
  return true;
}

// The fp32 programs' searches by width, and each width's margins at each
// spread, for every technology given.
int run_search_margins(const std::vector<const Technology*>& techs, Rounding rounding,
                       const std::vector<double>& spreads, std::ostream* json_out) {
  nlohmann::json out = nlohmann::json::array();
  for (const Technology* t : techs) {
    const SenseAmp sa = SenseAmp::for_technology(*t);
    std::printf("search margins on %s, fp32 %s programs (sense amplifier offset %.3f uA)\n", t->name.c_str(),
                to_string(rounding), sa.offset_uA());
    std::map<std::uint32_t, std::uint64_t> all_widths;
    std::set<std::uint32_t> widest_widths;
    nlohmann::json programs = nlohmann::json::object();
    for (FpOp op : kCostTableOps) {
      const FpProgram p = build_fp_program(op, FpFormat::fp32(), rounding, ArrayShape::of(*t));
      std::map<std::uint32_t, std::uint64_t> widths;
      for (const MicroOp& m : p.program.ops()) {
        if (m.kind == OpKind::Search) ++widths[m.width];
      }
      std::uint64_t total = 0;
      nlohmann::json w = nlohmann::json::object();
      for (const auto& [width, count] : widths) {
        w[std::to_string(width)] = count;
        all_widths[width] += count;
        total += count;
      }
      const std::uint32_t widest = widths.empty() ? 0u : widths.rbegin()->first;
      widest_widths.insert(widest);
      std::printf("  %-4s %llu searches over %zu widths, %u to %u bits\n", to_string(op),
                  static_cast<unsigned long long>(total), widths.size(), widths.empty() ? 0u : widths.begin()->first,
                  widest);
      programs[to_string(op)] = {{"searches", total}, {"searches_by_width", w}, {"widest", widest}};
    }
    // The table: the programs' widest searches; the JSON: every width.
    std::printf("  width  spread  match uA  1-mismatch uA  margin uA  worst-case uA  sigma uA  P(row error)\n");
    nlohmann::json margins = nlohmann::json::array();
    for (const auto& [width, count] : all_widths) {
      for (double s : spreads) {
        const SearchMargin m = search_margin(sa, width, s);
        if (widest_widths.count(width)) {
          std::printf("  %5u  %5.1f%%  %8.3f  %13.3f  %9.3f  %13.3f  %8.3f  %12.3g%s\n", width, 100 * s, m.all_match_uA,
                      m.one_mismatch_uA, m.nominal_margin_uA, m.worst_margin_uA, m.sigma_uA, m.error_probability,
                      m.worst_case_reliable() ? "" : "  below the offset at the worst corner");
        }
        margins.push_back({{"width", width},
                           {"searches", count},
                           {"spread", s},
                           {"all_match_uA", m.all_match_uA},
                           {"one_mismatch_uA", m.one_mismatch_uA},
                           {"reference_uA", m.reference_uA},
                           {"nominal_margin_uA", m.nominal_margin_uA},
                           {"worst_margin_uA", m.worst_margin_uA},
                           {"sigma_uA", m.sigma_uA},
                           {"error_probability", m.error_probability},
                           {"worst_case_reliable", m.worst_case_reliable()}});
      }
    }
    std::uint32_t narrowest_unreliable = 0;
    const double widest_spread = *std::max_element(spreads.begin(), spreads.end());
    for (const auto& [width, count] : all_widths) {
      if (!search_margin(sa, width, widest_spread).worst_case_reliable()) {
        narrowest_unreliable = width;
        break;
      }
    }
    if (narrowest_unreliable != 0) {
      std::printf("  at %.1f%% spread, searches of %u bits and more fall below the offset at the worst corner\n",
                  100 * widest_spread, narrowest_unreliable);
    }
    std::printf("\n");
    out.push_back({{"tech", t->name}, {"offset_uA", sa.offset_uA()}, {"programs", programs}, {"margins", margins}});
  }
  if (json_out) {
    *json_out << nlohmann::json{{"program", "mrampim-fp"}, {"mode", "search-margins"}, {"format", "fp32"},
                                {"rounding", to_string(rounding)}, {"technologies", out}}
                     .dump(2)
              << '\n';
  }
  return 0;
}
const FpFormat kCostTableFormats[] = {FpFormat::fp32(), FpFormat::fp16(), FpFormat::bf16()};

// Every operation in the three standard formats, on a full subarray of
// random operands each; the same operands on the --compare technology.
int run_cost_table(const Technology& tech, const Technology* compare, Rounding rounding, std::uint64_t seed,
                   std::ostream* json_out) {
  nlohmann::json rows = nlohmann::json::array();
  std::ostringstream summary;
  summary << "summary, per row: counted (published) latency ns and energy pJ";
  if (compare) summary << "; " << compare->name << " / " << tech.name << " counted (published)";
  summary << '\n';
  int mismatches = 0;
  std::map<FpOp, FpCostReport> fp32_reports;  // the table's own fp32 runs, for the rounding overhead below
  for (FpOp op : kCostTableOps) {
    for (const FpFormat& format : kCostTableFormats) {
      std::vector<FpOperands> operands;
      for (const auto& l : random_lines(tech.array.rows, seed, format)) operands.push_back(l.operands);
      FpSubarray m(tech, op, format, rounding);
      const auto results = m.engine.run(operands);
      const FpCostReport r = fp_cost_report(m.engine);
      if (format == FpFormat::fp32()) fp32_reports.emplace(op, r);
      std::cout << '\n';
      print_cost_table(std::cout, r);
      print_breakdown(std::cout, r);
      nlohmann::json row = to_json(r);
      char buf[160];
      std::snprintf(buf, sizeof buf, "  %-4s %-5s %9.1f (%7.1f) ns %8.2f (%7.2f) pJ", to_string(op),
                    format.name().c_str(), r.latency_ns(), r.published_latency_ns(), r.energy_pJ(),
                    r.published_energy_pJ());
      summary << buf;
      if (compare) {
        FpSubarray c(*compare, op, format, rounding);
        const auto other = c.engine.run(operands);
        const FpCostReport q = fp_cost_report(c.engine);
        std::cout << '\n';
        print_cost_table(std::cout, q);
        print_breakdown(std::cout, q);
        const bool same = other == results;
        if (!same) ++mismatches;
        summary << "   latency " << ratio_text(q.latency_ns(), r.latency_ns(), "%5.2fx") << " ("
                << ratio_text(q.published_latency_ns(), r.published_latency_ns(), "%5.2fx") << ")  energy "
                << ratio_text(q.energy_pJ(), r.energy_pJ(), "%5.2fx") << " ("
                << ratio_text(q.published_energy_pJ(), r.published_energy_pJ(), "%5.2fx") << ")"
                << (same ? "" : "  RESULTS DIFFER");
        row["compare"] = {{"cost", to_json(q)}, {"results_identical", same}, {"ratio_over_main", comparison_json(q, r)}};
      }
      summary << '\n';
      rows.push_back(row);
    }
  }
  std::cout << '\n' << summary.str();
  // What correct rounding costs: the fp32 programs in ieee rounding against
  // the paper's procedure (truncation, no special values), on --tech.
  nlohmann::json overhead = nlohmann::json::object();
  if (rounding == Rounding::Ieee) {
    std::printf("correct rounding: counted latency of fp32 in ieee rounding over the paper's procedure, and each over "
                "the published formula (same prices: the procedure alone, at the formula's calibrated prices), on %s\n",
                tech.name.c_str());
    for (FpOp op : kCostTableOps) {
      // The ieee side is the table's own run; the paper's procedure on the same operands.
      std::vector<FpOperands> operands;
      for (const auto& l : random_lines(tech.array.rows, seed, FpFormat::fp32())) operands.push_back(l.operands);
      FpSubarray paper(tech, op, FpFormat::fp32(), Rounding::Paper);
      paper.engine.run(operands);
      const FpCostReport& a = fp32_reports.at(op);
      const FpCostReport b = fp_cost_report(paper.engine);
      // Against the formula: counted prices over the published figure, and
      // the procedures alone, both priced at the formula's (calibrated) prices.
      const double same_a = a.counted.latency_ns(a.published_prices) / a.published_latency_ns();
      const double same_b = b.counted.latency_ns(b.published_prices) / b.published_latency_ns();
      std::printf("  %-4s ieee / paper %5.2fx   ieee / published %5.2fx (same prices %5.2fx)   paper / published %5.2fx "
                  "(same prices %5.2fx)\n",
                  to_string(op), a.latency_ns() / b.latency_ns(), a.latency_ns() / a.published_latency_ns(), same_a,
                  b.latency_ns() / b.published_latency_ns(), same_b);
      overhead[to_string(op)] = {{"ieee_over_paper", a.latency_ns() / b.latency_ns()},
                                 {"ieee_over_published", a.latency_ns() / a.published_latency_ns()},
                                 {"paper_over_published", b.latency_ns() / b.published_latency_ns()},
                                 {"ieee_over_published_same_prices", same_a},
                                 {"paper_over_published_same_prices", same_b}};
    }
  }
  if (json_out) {
    *json_out << nlohmann::json{{"program", "mrampim-fp"},
                                {"mode", "cost-table"},
                                {"seed", seed},
                                {"rows", rows},
                                {"correct_rounding_latency_fp32", overhead}}
                     .dump(2)
              << '\n';
    if (!*json_out) return bad_input("writing the report failed");
  }
  return mismatches == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  po::options_description desc("Options");
  desc.add_options()
      ("help,h", "show this help")
      ("op", po::value<std::string>(&o.op)->default_value(o.op), "operation: add, mul or mac")
      ("format", po::value<std::string>(&o.format)->default_value(o.format),
       "fp32, fp16, bf16, or eNmM for Ne exponent and Nm fraction bits (e.g. e5m10)")
      ("rounding", po::value<std::string>(&o.rounding)->default_value(o.rounding),
       "ieee (round to nearest even, IEEE 754 special values, bit-identical to host IEEE arithmetic) or "
       "paper (the paper's procedure: truncation, no special values)")
      ("compare", po::value<std::string>(&o.compare),
       "also run on this technology (e.g. reram-floatpim), check the results are identical, and print its "
       "costs over --tech's")
      ("compare-set", po::value<std::vector<std::string>>(&o.compare_overrides)->composing(),
       "override a key of the --compare technology (repeatable)")
      ("random", po::value<long long>(&o.random),
       "run N operations on uniformly random bit patterns instead of a file (1..1000000)")
      ("seed", po::value<std::uint64_t>(&o.seed)->default_value(o.seed), "seed of the --random and --cost-table operands")
      ("write-errors", po::bool_switch(&o.write_errors), "every cell a computation's write must switch fails with the probability the technology's write pulse (device.i_write_uA for device.t_switch_ns) gives on that cell, its [switching] spread included (docs/approximate-writes.md; MTJ technologies)")
      ("write-error-seed", po::value<std::uint64_t>(&o.write_error_seed)->default_value(o.write_error_seed), "seed of the drawn write errors")
      ("output,o", po::value<std::string>(&o.output), "write the results here ('-': standard output, the default)")
      ("report", po::value<std::string>(&o.report), "write the JSON cost report (and the results) here")
      ("quiet,q", po::bool_switch(&o.quiet), "no cost summary on standard error")
      ("cost-table", po::bool_switch(&o.cost_table),
       "print the cost report of every operation in fp32, fp16 and bf16 (no operand file)")
      ("search-margins", po::bool_switch(&o.search_margins),
       "print the sensing margins of the fp32 programs' searches (no operand file)")
      ("spread", po::value<std::vector<double>>(&o.spreads)->multitoken(),
       "relative resistance spreads for --search-margins (each in [0, 1); default 0 0.05 0.10)");
  o.tech.add_to(desc, "sot-mram-1t1r");
  po::options_description hidden;
  hidden.add_options()("operands", po::value<std::string>(&o.operands));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("operands", 1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return bad_input(std::string(e.what()) + "\n(run with --help for the options)");
  }
  if (vm.count("help")) {
    std::cout << kUsage << '\n' << desc << '\n';
    return 0;
  }
  if (o.tech.list_params) {
    print_technology_schema(std::cout);
    return 0;
  }

  // ---- Everything is checked before anything runs.
  FpOp op = FpOp::Mac;
  if (o.op == "add") op = FpOp::Add;
  else if (o.op == "mul") op = FpOp::Mul;
  else if (o.op != "mac") return bad_input("--op '" + o.op + "': use add, mul or mac");
  FpFormat format;
  Rounding rounding = Rounding::Ieee;
  Technology tech, compare_tech;
  try {
    format = FpFormat::parse(o.format);
    rounding = parse_rounding(o.rounding);
  } catch (const std::invalid_argument& e) {
    return bad_input(e.what());
  }
  try {
    tech = o.tech.load();
    if (!o.compare.empty()) compare_tech = load_technology(o.compare, o.compare_overrides);
  } catch (const ConfigError& e) {
    return bad_input(e.what());
  }
  if (o.compare.empty() && !o.compare_overrides.empty()) return bad_input("--compare-set needs --compare");
  if ((o.write_errors || !vm["write-error-seed"].defaulted()) && (o.search_margins || o.cost_table)) {
    return bad_input("--write-errors runs operations (an operand file or --random), not --search-margins or --cost-table");
  }
  if (!vm["write-error-seed"].defaulted() && !o.write_errors) return bad_input("--write-error-seed needs --write-errors");
  if (o.write_errors && !o.compare.empty()) {
    return bad_input("--write-errors with --compare: drawn errors would read as the technologies disagreeing; "
                     "the run counts what they spoil against the same program on ideal cells");
  }
  if (o.search_margins) {
    if (o.cost_table || !o.operands.empty() || vm.count("random") || !o.output.empty() || !vm["op"].defaulted() ||
        !vm["format"].defaulted() || o.quiet) {
      return bad_input("--search-margins covers the fp32 add, mul and mac programs and prints on standard output: "
                       "it takes no operands, --cost-table, --random, --op, --format, --output or --quiet");
    }
    if (o.spreads.empty()) o.spreads = {0.0, 0.05, 0.10};
    for (double s : o.spreads) {
      if (!(s >= 0.0 && s < 1.0)) return bad_input("--spread " + std::to_string(s) + " is outside [0, 1)");
    }
    std::vector<const Technology*> techs{&tech};
    if (!o.compare.empty()) techs.push_back(&compare_tech);
    if (const auto misfit = programs_misfit(techs, {FpFormat::fp32()}, rounding)) return bad_input(*misfit);
    std::ofstream report_file;
    if (!open_report(o.report, report_file)) return bad_input("cannot write '" + o.report + "'");
    return run_search_margins(techs, rounding, o.spreads, report_file.is_open() ? &report_file : nullptr);
  }
  if (!o.spreads.empty()) return bad_input("--spread needs --search-margins");
  if (o.cost_table) {
    if (!o.operands.empty() || vm.count("random") || !o.output.empty() || !vm["op"].defaulted() ||
        !vm["format"].defaulted() || o.quiet) {
      return bad_input("--cost-table covers every operation and format and prints its report on standard "
                       "output: it takes no operands, --random, --op, --format, --output or --quiet");
    }
    // Every program must fit the rows before anything is printed or written.
    std::vector<const Technology*> techs{&tech};
    if (!o.compare.empty()) techs.push_back(&compare_tech);
    if (const auto misfit = programs_misfit(techs, {std::begin(kCostTableFormats), std::end(kCostTableFormats)},
                                            rounding)) {
      return bad_input(*misfit);
    }
    std::ofstream report_file;
    if (!open_report(o.report, report_file)) return bad_input("cannot write '" + o.report + "'");
    return run_cost_table(tech, o.compare.empty() ? nullptr : &compare_tech, rounding, o.seed,
                          report_file.is_open() ? &report_file : nullptr);
  }
  if (vm.count("random") && !o.operands.empty()) return bad_input("give an operand file or --random, not both");
  if (vm.count("seed") && !vm["seed"].defaulted() && !vm.count("random")) return bad_input("--seed needs --random");

  std::vector<OperandLine> lines;
  std::string input_name;
  if (vm.count("random")) {
    if (o.random < 1 || o.random > kMaxRandom) {
      return bad_input("--random " + std::to_string(o.random) + " is outside 1.." + std::to_string(kMaxRandom));
    }
    lines = random_lines(std::size_t(o.random), o.seed, format);
    input_name = "random (seed " + std::to_string(o.seed) + ")";
  } else if (o.operands.empty()) {
    return bad_input("no operands: give an operand file, '-' for standard input, or --random N");
  } else {
    try {
      if (o.operands == "-") {
        input_name = "<stdin>";
        lines = read_operand_file(std::cin, input_name, op, format);
      } else {
        std::ifstream in(o.operands);
        if (!in) return bad_input("cannot open operand file '" + o.operands + "'");
        input_name = o.operands;
        lines = read_operand_file(in, input_name, op, format);
      }
    } catch (const OperandFileError& e) {
      std::cerr << e.what() << '\n';  // "file:line: error: ..." per bad line
      return kExitBadInput;
    }
    if (lines.empty()) return bad_input(input_name + " holds no operation");
  }

  std::unique_ptr<FpSubarray> main_m, other_m, compare_m;
  const Rounding other_rounding = rounding == Rounding::Ieee ? Rounding::Paper : Rounding::Ieee;
  try {
    main_m = std::make_unique<FpSubarray>(tech, op, format, rounding);
    other_m = std::make_unique<FpSubarray>(tech, op, format, other_rounding);
    if (o.write_errors) {
      main_m->array.enable_write_errors(o.write_error_seed, true);
      other_m->array.enable_write_errors(o.write_error_seed, true);
    }
    if (!o.compare.empty()) compare_m = std::make_unique<FpSubarray>(compare_tech, op, format, rounding);
  } catch (const std::invalid_argument& e) {
    return bad_input(e.what());  // the row is too narrow for the format
  }
  // Both output files must be writable before either is truncated.
  if (o.output == "-") o.output.clear();
  if (!o.output.empty() && !o.report.empty() && same_file(o.output, o.report)) {
    return bad_input("--output and --report name the same file");
  }
  for (const std::string* path : {&o.output, &o.report}) {
    if (!path->empty() && !writable(*path)) return bad_input("cannot write '" + *path + "'");
  }
  std::ofstream out_file, report_file;
  if (!o.output.empty()) out_file.open(o.output);
  if (!o.report.empty()) report_file.open(o.report);

  // ---- Run.
  std::vector<FpOperands> operands;
  operands.reserve(lines.size());
  for (const auto& l : lines) operands.push_back(l.operands);
  const auto results = main_m->engine.run(operands);
  const auto other = other_m->engine.run(operands);
  std::vector<std::uint64_t> compared;
  if (compare_m) compared = compare_m->engine.run(operands);
  // With device variation the drawn search errors may spoil results: count
  // them against the same program on ideal cells.
  std::size_t spoiled = 0;
  if (tech.sense.spread > 0 || o.write_errors) {
    Technology ideal_tech = tech;
    ideal_tech.sense.spread = 0;
    FpSubarray ideal(ideal_tech, op, format, rounding);
    const auto expected = ideal.engine.run(operands);
    for (std::size_t i = 0; i < results.size(); ++i) spoiled += results[i] != expected[i] ? 1 : 0;
  }

  std::ostream& out = o.output.empty() ? std::cout : out_file;
  out << "# mrampim-fp: " << to_string(op) << (op == FpOp::Mac ? " (c + a x b)" : "") << ", " << format.name()
      << ", " << to_string(rounding) << " rounding, on " << tech.name << ", operands from " << input_name << '\n';
  out << "# line\ta\tb\t" << (op == FpOp::Mac ? "c\t" : "") << "result_hex\tresult\t" << to_string(other_rounding)
      << "_hex\t" << to_string(other_rounding) << "\tsame|differs\n";
  std::size_t differ = 0, mismatches = 0;
  nlohmann::json json_results = nlohmann::json::array();
  std::vector<std::size_t> differing_lines;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const bool same = results[i] == other[i];
    if (!same) {
      ++differ;
      differing_lines.push_back(lines[i].line);
    }
    if (compare_m && compared[i] != results[i]) {
      ++mismatches;
      std::cerr << "error: line " << lines[i].line << ": " << tech.name << " gives " << to_hex(results[i]) << ", "
                << compare_tech.name << " gives " << to_hex(compared[i]) << '\n';
    }
    const FpOperands& in = lines[i].operands;
    out << lines[i].line << '\t' << to_hex(in.a) << '\t' << to_hex(in.b) << '\t';
    if (op == FpOp::Mac) out << to_hex(in.c) << '\t';
    out << to_hex(results[i]) << '\t' << fp_to_decimal(format, results[i]) << '\t'
        << to_hex(other[i]) << '\t' << fp_to_decimal(format, other[i]) << '\t' << (same ? "same" : "differs") << '\n';
    if (report_file.is_open()) {
      nlohmann::json operand_hex = {to_hex(in.a), to_hex(in.b)};
      if (op == FpOp::Mac) operand_hex.push_back(to_hex(in.c));
      json_results.push_back({{"line", lines[i].line},
                              {"operands", operand_hex},
                              {"hex", to_hex(results[i])},
                              {"value", fp_to_decimal(format, results[i])},
                              {std::string(to_string(other_rounding)) + "_hex", to_hex(other[i])}});
    }
  }
  out.flush();
  if (!out) return bad_input("writing the results failed");

  const FpCostReport report = fp_cost_report(main_m->engine);
  std::optional<FpCostReport> compare_report;
  if (compare_m) compare_report = fp_cost_report(compare_m->engine);
  if (!o.quiet) {
    std::cerr << '\n';
    print_cost_table(std::cerr, report);
    print_breakdown(std::cerr, report);
    if (compare_report) {
      std::cerr << '\n';
      print_cost_table(std::cerr, *compare_report);
      print_breakdown(std::cerr, *compare_report);
      std::cerr << '\n';
      print_comparison(std::cerr, *compare_report, report);
      std::cerr << "  results on both technologies: "
                << (mismatches == 0 ? "identical" : std::to_string(mismatches) + " differ") << '\n';
    }
    std::cerr << '\n'
              << lines.size() << " operation(s); " << differ << " result(s) differ between " << to_string(rounding)
              << " and " << to_string(other_rounding) << " rounding (marked 'differs')\n";
    if (o.write_errors) {
      const CellWriteErrors& w = main_m->array.write_errors();
      std::cerr << "write errors: " << w.failed() << " of " << w.attempted() << " switching writes failed (pulse "
                << w.pulse().t_ns << " ns at " << w.pulse().i_uA << " uA: " << w.nominal_rate()
                << " on the nominal cell; seed " << o.write_error_seed << ")\n";
    }
    if (tech.sense.spread > 0 || o.write_errors) {
      std::ostringstream causes;
      if (tech.sense.spread > 0) causes << "search errors at sense.spread " << tech.sense.spread;
      if (tech.sense.spread > 0 && o.write_errors) causes << ", ";
      if (o.write_errors) causes << "write errors";
      std::cerr << spoiled << " result(s) differ from the same program on ideal cells (" << causes.str() << ")\n";
    }
  }
  if (report_file.is_open()) {
    nlohmann::json j{{"program", "mrampim-fp"},
                     {"input", input_name},
                     {"operations", lines.size()},
                     {"cost", to_json(report)},
                     {"rounding_differences",
                      {{"other_rounding", to_string(other_rounding)}, {"count", differ}, {"lines", differing_lines}}},
                     {"results", json_results}};
    if (tech.sense.spread > 0) j["search_errors"] = {{"results_spoiled", spoiled}};
    if (o.write_errors) {
      const CellWriteErrors& w = main_m->array.write_errors();
      j["write_errors"] = {{"pulse_ns", w.pulse().t_ns},       {"current_uA", w.pulse().i_uA},
                           {"nominal_rate", w.nominal_rate()}, {"attempted", w.attempted()},
                           {"failed", w.failed()},             {"seed", o.write_error_seed},
                           {"results_spoiled", spoiled}};
    }
    if (compare_report) {
      j["compare"] = {{"cost", to_json(*compare_report)},
                      {"results_identical", mismatches == 0},
                      {"mismatches", mismatches},
                      {"ratio_over_main", comparison_json(*compare_report, report)}};
    }
    report_file << j.dump(2) << '\n';
    if (!report_file) return bad_input("writing the report failed");
  }
  return mismatches == 0 ? 0 : 1;
}
