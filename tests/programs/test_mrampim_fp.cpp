// mrampim-fp as a user runs it: operand files in, one result line per
// operation out, the JSON report, the technology comparison, and bad input
// rejected with status 2 before anything is written.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "compute/fp_format.hpp"
#include "compute/fp_value.hpp"
#include "support/fp_reference.hpp"
#include "support/host_bits.hpp"
#include "support/run_program.hpp"
#include "support/work_dir.hpp"

using namespace mrampim;
using namespace mrampim::test;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;

namespace {

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = work(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool exists(const std::string& path) { return std::filesystem::exists(path); }

ProgramResult fp(const std::string& args) { return run_program(std::string(MRAMPIM_FP) + " " + args); }

// One line of results: line, the operands (2, or 3 for a MAC), result_hex,
// result, other_hex, other, same|differs.
struct ResultLine {
  std::size_t line = 0;
  std::vector<std::uint64_t> operands;
  std::uint64_t bits = 0;
  std::string value;
  std::uint64_t other_bits = 0;
  std::string other_value;
  std::string verdict;
};

std::vector<ResultLine> parse_results(const std::string& text) {
  std::vector<ResultLine> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l.empty() || l[0] == '#') continue;
    std::vector<std::string> cols;
    std::istringstream cs(l);
    for (std::string c; std::getline(cs, c, '\t');) cols.push_back(c);
    INFO("result line: " << l);
    REQUIRE((cols.size() == 8 || cols.size() == 9));
    const std::size_t n = cols.size() - 6;
    ResultLine r;
    r.line = std::stoul(cols[0]);
    for (std::size_t k = 1; k <= n; ++k) {
      r.operands.push_back(std::stoull(cols[k], nullptr, 16));
      REQUIRE(cols[k] == hex(r.operands.back()));
    }
    r.bits = std::stoull(cols[n + 1], nullptr, 16);
    r.value = cols[n + 2];
    r.other_bits = std::stoull(cols[n + 3], nullptr, 16);
    r.other_value = cols[n + 4];
    r.verdict = cols[n + 5];
    REQUIRE(cols[n + 1] == hex(r.bits));
    REQUIRE(cols[n + 3] == hex(r.other_bits));
    out.push_back(r);
  }
  return out;
}

// The result columns agree with each other: each decimal reads back to its
// hex pattern, and 'differs' marks exactly the lines whose patterns differ.
void check_columns(const FpFormat& f, const std::vector<ResultLine>& results) {
  for (const ResultLine& r : results) {
    CAPTURE(r.line, hex(r.bits), r.value, hex(r.other_bits), r.other_value);
    REQUIRE((r.bits & ~f.bits_mask()) == 0);
    REQUIRE((r.other_bits & ~f.bits_mask()) == 0);
    for (const auto& [b, text] : {std::pair{r.bits, r.value}, std::pair{r.other_bits, r.other_value}}) {
      if (f.is_nan(b)) {
        REQUIRE(text == (f.sign(b) ? "-nan" : "nan"));
      } else {
        REQUIRE(parse_fp_operand(f, text) == b);
      }
    }
    REQUIRE(r.verdict == (r.bits == r.other_bits ? "same" : "differs"));
  }
}

// An fp32 MAC operand file with comments and blank lines between the
// operations, operands written in hex or in decimal, and what it holds.
struct MacFile {
  std::string text;
  std::vector<std::size_t> lines;                   // line number of each operation
  std::vector<std::array<std::uint32_t, 3>> abc;    // operands as the program reads them
};

MacFile mac_file(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  MacFile m;
  std::size_t number = 0;
  auto emit = [&](const std::string& l) {
    m.text += l + (rng() % 5 == 0 ? "\r\n" : "\n");
    ++number;
  };
  emit("# fp32 MAC: a b c gives c + a x b");
  emit("");
  for (std::size_t i = 0; i < n; ++i) {
    if (rng() % 4 == 0) emit(rng() % 2 ? "" : "   # a comment line");
    std::array<std::uint32_t, 3> ops{};
    std::string l;
    for (std::size_t k = 0; k < 3; ++k) {
      std::uint32_t b = 0;
      switch (rng() % 8) {
        case 0:  // any bit pattern: NaNs, infinities, subnormals
          b = static_cast<std::uint32_t>(rng());
          break;
        case 1: {  // a special value or an edge of the range
          const std::uint32_t edges[] = {0, 0x80000000u, 1, 0x807fffffu, 0x00800000u, 0x7f7fffffu,
                                         0x7f800000u, 0xff800000u, 0x7fc00000u, 0x3f800000u};
          b = edges[rng() % std::size(edges)];
          break;
        }
        default: {  // an ordinary number, where rounding decides the result
          const float mag = std::ldexp(1.0f + float(rng() % (1u << 23)) / float(1u << 23), int(rng() % 41) - 20);
          b = float_bits(rng() % 2 ? -mag : mag);
        }
      }
      std::string token;
      const float v = float_from_bits(b);
      if (rng() % 2 || (std::isnan(v) && b != 0x7fc00000u)) {
        token = hex(b);
      } else if (std::isnan(v)) {
        token = "nan";
      } else if (std::isinf(v)) {
        token = v < 0 ? "-inf" : "inf";
      } else {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.9g", double(v));  // reads back to the same float
        token = buf;
      }
      ops[k] = b;
      const char* seps[] = {" ", "\t", ", ", ","};
      l += (k == 0 ? std::string(rng() % 2 ? "" : "  ") : std::string(seps[rng() % 4])) + token;
    }
    if (rng() % 6 == 0) l += "   # this one";
    emit(l);
    m.lines.push_back(number);
    m.abc.push_back(ops);
  }
  return m;
}

// c + a x b on the host in float, the product rounded first (not an fma).
std::uint32_t native_mac(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
  volatile float product = float_from_bits(a) * float_from_bits(b);
  const float sum = product + float_from_bits(c);
  return float_bits(sum);
}

}  // namespace

TEST_CASE("mrampim-fp --help explains the operand file and exits 0", "[mrampim_fp][help]") {
  const ProgramResult r = fp("--help");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK_THAT(r.output, Contains("one operation per line"));
  CHECK_THAT(r.output, Contains("mac:  a b c"));
  CHECK_THAT(r.output, Contains("c + a x b"));
  CHECK_THAT(r.output, Contains("hex bit pattern"));
  CHECK_THAT(r.output, Contains("decimal number"));
  CHECK_THAT(r.output, Contains("spaces, tabs or commas"));
  CHECK_THAT(r.output, Contains("'#' starts a comment"));
  CHECK_THAT(r.output, Contains("--random"));
  CHECK_THAT(r.output, Contains("--report"));
  CHECK_THAT(r.output, Contains("--compare"));
}

TEST_CASE("mrampim-fp runs an fp32 MAC file: one result per operation, as the host computes it",
          "[mrampim_fp][mac]") {
  const FpFormat f = FpFormat::fp32();
  const MacFile m = mac_file(1500, 21);  // more operations than a subarray has rows
  const std::string ops = write_file("fp_mac_good.txt", m.text);
  const std::string out = work("fp_mac_good.out");
  std::remove(out.c_str());
  const ProgramResult r = fp("--op mac --format fp32 -o " + out + " " + ops);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("1500 operation(s)"));
  const std::string text = read_file(out);
  CHECK_THAT(text, Contains("# mrampim-fp: mac"));
  const auto results = parse_results(text);
  REQUIRE(results.size() == m.lines.size());
  std::size_t native_checked = 0, differ = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& [a, b, c] = m.abc[i];
    CAPTURE(i, m.lines[i], hex(a), hex(b), hex(c));
    REQUIRE(results[i].line == m.lines[i]);
    REQUIRE(results[i].operands == std::vector<std::uint64_t>{a, b, c});
    const std::uint64_t want = fp_mac(f, c, a, b);
    if (results[i].bits != want) FAIL("want " << hex(want) << " got " << hex(results[i].bits));
    // A second reference: the host's own float multiply, then add.
    const std::uint32_t native = native_mac(a, b, c);
    if (f.is_nan(native)) {
      REQUIRE(f.is_nan(results[i].bits));
    } else {
      REQUIRE(results[i].bits == native);
      ++native_checked;
    }
    if (results[i].verdict == "differs") ++differ;
  }
  check_columns(f, results);
  CHECK(native_checked > 1000);
  CHECK(differ > 0);  // truncation and round-to-nearest disagree on some of these
}

TEST_CASE("mrampim-fp reads standard input for '-'", "[mrampim_fp][mac]") {
  const std::string ops = write_file("fp_stdin.txt", "# two adds\n1.5 2.25\n\n0x3f800000 -0.5\n");
  const ProgramResult r = fp("--op add -q - < " + ops);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("operands from <stdin>"));
  const auto results = parse_results(r.output);
  REQUIRE(results.size() == 2);
  CHECK(results[0].line == 2);
  CHECK(results[0].bits == float_bits(1.5f + 2.25f));
  CHECK(results[1].line == 4);
  CHECK(results[1].bits == float_bits(1.0f - 0.5f));
  const std::string bad = write_file("fp_stdin_bad.txt", "1 2\n1 2 3\n");
  const ProgramResult e = fp("--op add -q - < " + bad);
  CHECK(e.status == 2);
  CHECK_THAT(e.output, Contains("<stdin>:2: "));
}

TEST_CASE("mrampim-fp --report writes the costs and the results as JSON", "[mrampim_fp][report]") {
  const MacFile m = mac_file(1200, 22);
  const std::string ops = write_file("fp_report.txt", m.text);
  const std::string out = work("fp_report.out");
  const std::string report = work("fp_report.json");
  std::remove(report.c_str());
  const ProgramResult r = fp("--op mac --format fp32 -q -o " + out + " --report " + report + " " + ops);
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto results = parse_results(read_file(out));
  REQUIRE(results.size() == m.lines.size());
  const nlohmann::json j = nlohmann::json::parse(read_file(report));
  INFO(j.dump(2).substr(0, 4000));

  CHECK(j.at("operations").get<std::size_t>() == m.lines.size());
  const auto& cost = j.at("cost");
  CHECK(cost.at("operation") == "mac");
  CHECK(cost.at("format") == "fp32");
  CHECK(cost.at("operations").get<std::size_t>() == m.lines.size());
  const auto rows = cost.at("rows_per_run").get<std::size_t>();
  REQUIRE(rows > 0);
  CHECK(cost.at("program_runs").get<std::size_t>() == (m.lines.size() + rows - 1) / rows);
  const double latency = cost.at("counted").at("latency_ns").get<double>();
  CHECK(latency > 0);
  CHECK(cost.at("counted").at("energy_pJ").get<double>() > 0);
  CHECK(cost.at("published").at("latency_ns").get<double>() > 0);
  CHECK_THAT(cost.at("published").at("source").get<std::string>(), Contains("Eq."));

  // The Figure 5 phases, which add up to the counted total.
  std::vector<std::string> phases;
  double phase_latency = 0, phase_steps = 0;
  for (const auto& p : cost.at("breakdown")) {
    phases.push_back(p.at("phase").get<std::string>());
    phase_latency += p.at("latency_ns").get<double>();
    phase_steps += p.at("total_steps").get<double>();
  }
  for (const char* want : {"exponent", "alignment", "mantissa", "normalise"}) {
    CAPTURE(want);
    CHECK(std::count(phases.begin(), phases.end(), want) == 1);
  }
  CHECK(phase_latency == Approx(latency).epsilon(1e-9));
  CHECK(phase_steps == Approx(cost.at("counted").at("total_steps").get<double>()).epsilon(1e-12));

  // The results, as in the text output.
  const auto& jr = j.at("results");
  REQUIRE(jr.size() == results.size());
  std::vector<std::size_t> differing;
  for (std::size_t i = 0; i < results.size(); ++i) {
    CAPTURE(i);
    CHECK(jr[i].at("line").get<std::size_t>() == results[i].line);
    CHECK(jr[i].at("hex").get<std::string>() == hex(results[i].bits));
    CHECK(jr[i].at("value").get<std::string>() == results[i].value);
    CHECK(jr[i].at("paper_hex").get<std::string>() == hex(results[i].other_bits));
    if (results[i].verdict == "differs") differing.push_back(results[i].line);
  }
  const auto& rd = j.at("rounding_differences");
  CHECK(rd.at("other_rounding") == "paper");
  CHECK(rd.at("count").get<std::size_t>() == differing.size());
  CHECK(rd.at("lines").get<std::vector<std::size_t>>() == differing);
  CHECK_FALSE(differing.empty());
  CHECK_FALSE(j.contains("compare"));
}

TEST_CASE("mrampim-fp --compare reram-floatpim: identical results, the paper's cost ratios",
          "[mrampim_fp][compare]") {
  const MacFile m = mac_file(600, 23);
  const std::string ops = write_file("fp_compare.txt", m.text);
  const std::string report = work("fp_compare.json");
  std::remove(report.c_str());
  const ProgramResult r =
      fp("--op mac --format fp32 --compare reram-floatpim -o " + work("fp_compare.out") + " --report " + report +
         " " + ops);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("results on both technologies: identical"));
  const nlohmann::json j = nlohmann::json::parse(read_file(report));
  const auto& c = j.at("compare");
  INFO(c.dump(2).substr(0, 3000));
  CHECK(c.at("results_identical").get<bool>());
  CHECK(c.at("mismatches").get<std::size_t>() == 0);
  CHECK(c.at("cost").at("technology") == "reram-floatpim");
  CHECK(j.at("cost").at("technology") == "sot-mram-1t1r");
  // The paper: FloatPIM takes about 1.8x the time and 3.3x the energy.
  const auto& ratio = c.at("ratio_over_main");
  CHECK(ratio.at("published_latency").get<double>() == Approx(1.8).epsilon(0.10));
  CHECK(ratio.at("published_energy").get<double>() == Approx(3.3).epsilon(0.10));
  // The ratios are those of the two cost reports.
  CHECK(ratio.at("published_latency").get<double>() ==
        Approx(c.at("cost").at("published").at("latency_ns").get<double>() /
               j.at("cost").at("published").at("latency_ns").get<double>()));
  CHECK(ratio.at("counted_energy").get<double>() ==
        Approx(c.at("cost").at("counted").at("energy_pJ").get<double>() /
               j.at("cost").at("counted").at("energy_pJ").get<double>()));
}

TEST_CASE("mrampim-fp --random 2000 --op add --format fp16 --rounding paper", "[mrampim_fp][random]") {
  const FpFormat f = FpFormat::fp16();
  const std::string out1 = work("fp_random1.out"), out2 = work("fp_random2.out"), out3 = work("fp_random3.out");
  const std::string args = "--random 2000 --op add --format fp16 --rounding paper -q ";
  const ProgramResult r = fp(args + "-o " + out1);
  INFO(r.output);
  REQUIRE(r.status == 0);
  const std::string text = read_file(out1);
  CHECK_THAT(text, Contains("fp16, paper rounding"));
  const auto results = parse_results(text);
  REQUIRE(results.size() == 2000);
  for (std::size_t i = 0; i < results.size(); ++i) REQUIRE(results[i].line == i + 1);
  check_columns(f, results);
  // The operand columns replay the run: as an operand file they give the
  // same results.
  std::string replay;
  for (const auto& l : results) replay += hex(l.operands[0]) + " " + hex(l.operands[1]) + "\n";
  const ProgramResult again =
      fp("--op add --format fp16 --rounding paper -q " + write_file("fp_random_replay.txt", replay));
  REQUIRE(again.status == 0);
  const auto replayed = parse_results(again.output);
  REQUIRE(replayed.size() == results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    REQUIRE(replayed[i].bits == results[i].bits);
    REQUIRE(replayed[i].other_bits == results[i].other_bits);
  }
  // The same seed gives the same run; another seed another one.
  REQUIRE(fp(args + "-o " + out2).status == 0);
  CHECK(read_file(out2) == text);
  REQUIRE(fp(args + "--seed 2 -o " + out3).status == 0);
  CHECK(read_file(out3) != text);
  // Printed to standard output too, one line per operation.
  const ProgramResult s = fp(args);
  REQUIRE(s.status == 0);
  CHECK(parse_results(s.output).size() == 2000);
}

TEST_CASE("mrampim-fp rejects bad input with status 2 and a message, writing nothing", "[mrampim_fp][errors]") {
  const std::string good = write_file("fp_err_good.txt", "1 2 3\n");
  const std::string bad = write_file("fp_err_bad.txt", "# header\n1 2 3\n1 2 nope\n4 5 6\n");
  const std::string empty = write_file("fp_err_empty.txt", "# nothing here\n\n");
  const std::string out = work("fp_err.out");
  const std::string report = work("fp_err.json");
  struct Case {
    std::string args;
    std::string message;
  };
  const Case cases[] = {
      {bad, bad + ":3: error: operand 3"},
      {bad, "1 bad line(s); nothing was run"},
      {"--op add " + good, good + ":1: error: add takes 2 operands"},
      {"--op div " + good, "--op 'div'"},
      {"--format fp8 " + good, "unknown format 'fp8'"},
      {"--rounding up " + good, "unknown rounding 'up'"},
      {"--tech no-such-tech " + good, "unknown technology 'no-such-tech'"},
      {"--compare no-such-tech " + good, "unknown technology 'no-such-tech'"},
      {"--compare-set step.t_read_ns=2 " + good, "--compare-set needs --compare"},
      {"", "no operands"},
      {"/no/such/ops.txt", "cannot open operand file '/no/such/ops.txt'"},
      {"--random 5 " + good, "not both"},
      {"--random 0", "--random 0 is outside 1..1000000"},
      {"--random -1", "--random -1 is outside 1..1000000"},
      {"--random 99999999999", "is outside 1..1000000"},
      {"--op add " + write_file("fp_err_comma.txt", "1,,2\n"), ":1: error: empty operand"},
      {"--op add " + write_file("fp_err_payload.txt", "nan(12) 1\n"), "'nan(12)'"},
      {"--seed 5 " + good, "--seed needs --random"},
      {empty, "holds no operation"},
      {"--no-such-option " + good, "unrecognised option"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args);
    std::remove(out.c_str());
    std::remove(report.c_str());
    const ProgramResult r = fp(c.args + " -o " + out + " --report " + report);
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK_THAT(r.output, Contains(c.message));
    CHECK_FALSE(exists(out));
    CHECK_FALSE(exists(report));
  }
  // The good file itself runs.
  const ProgramResult ok = fp(good + " -q -o " + out + " --report " + report);
  CHECK(ok.status == 0);
  CHECK(exists(out));
  CHECK(exists(report));
}

TEST_CASE("mrampim-fp leaves existing files alone when an output path is bad", "[mrampim_fp][errors]") {
  const std::string good = write_file("fp_keep_good.txt", "1 2 3\n");
  const std::string out = write_file("fp_keep.out", "precious results\n");
  const ProgramResult r = fp(good + " -q -o " + out + " --report /no/such/dir/r.json");
  INFO(r.output);
  CHECK(r.status == 2);
  CHECK_THAT(r.output, Contains("cannot write '/no/such/dir/r.json'"));
  CHECK(read_file(out) == "precious results\n");
  const ProgramResult same = fp(good + " -q -o " + out + " --report " + out);
  CHECK(same.status == 2);
  CHECK_THAT(same.output, Contains("the same file"));
  const ProgramResult same2 = fp(good + " -q -o " + out + " --report " + work("../work/fp_keep.out"));
  CHECK(same2.status == 2);
  CHECK_THAT(same2.output, Contains("the same file"));
  CHECK(read_file(out) == "precious results\n");
  // '-' is standard output, not a file named '-'.
  const ProgramResult dash = fp(good + " -q -o -");
  CHECK(dash.status == 0);
  CHECK(parse_results(dash.output).size() == 1);
}

TEST_CASE("mrampim-fp rounds decimal operands as written, in every format", "[mrampim_fp][decimal]") {
  // Just above a tie: the nearest value, not the tie's even neighbour that a
  // detour through double would give.
  const std::string ops = write_file("fp_decimal.txt",
                                     "2049.0000000000000001 1\n"
                                     "2049 1\n"
                                     "-2049.0000000000000001 1\n");
  const ProgramResult r = fp("--op mul --format fp16 -q " + ops);
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto results = parse_results(r.output);
  REQUIRE(results.size() == 3);
  CHECK(results[0].operands[0] == 0x6801);  // 2050
  CHECK(results[1].operands[0] == 0x6800);  // 2048, the even neighbour of the tie
  CHECK(results[2].operands[0] == 0xe801);
  CHECK(results[0].value == "2050");
  const ProgramResult b = fp("--op add --format bf16 -q " + write_file("fp_decimal_bf16.txt", "257.00000000000000001 0\n"));
  REQUIRE(b.status == 0);
  CHECK(parse_results(b.output).at(0).value == "258");
}

TEST_CASE("mrampim-fp --cost-table: every operation and format, counted against published, both technologies",
          "[mrampim_fp][report]") {
  const std::string report = work("fp_cost_table.json");
  std::remove(report.c_str());
  const ProgramResult r = fp("--cost-table --compare reram-floatpim --report " + report);
  INFO(r.output);
  REQUIRE(r.status == 0);
  for (const char* line : {"  add  fp32", "  add  fp16", "  add  bf16", "  mul  fp32", "  mul  fp16", "  mul  bf16",
                           "  mac  fp32", "  mac  fp16", "  mac  bf16"}) {
    CHECK_THAT(r.output, Contains(line));
  }
  // The paper's fp32 MAC comparison, in the published column (parenthesised).
  const auto at = r.output.find("  mac  fp32");
  REQUIRE(at != std::string::npos);
  const std::string mac_line = r.output.substr(at, r.output.find('\n', at) - at);
  CHECK_THAT(mac_line, Contains("( 1.80x)  energy"));
  CHECK_THAT(mac_line, EndsWith("( 3.30x)"));
  CHECK_THAT(r.output, Contains("by phase (counted)"));
  const nlohmann::json j = nlohmann::json::parse(read_file(report));
  REQUIRE(j["rows"].size() == 9);
  for (const auto& row : j["rows"]) {
    CHECK(row["compare"]["results_identical"] == true);
    CHECK(row["breakdown"].size() >= 3);
    CHECK(double(row["counted"]["latency_ns"]) > 0);
    // The energy's terms add up to it.
    double terms = 0;
    for (const auto& [name, e] : row["energy_terms_pJ"].items()) terms += double(e);
    CHECK(terms == Approx(double(row["counted"]["energy_pJ"])).epsilon(1e-9));
  }
  // The counted fp32 MAC in the paper's procedure is within 10% of Eq. 2 +
  // Eq. 3's latency (the propagate adder gives Eq. 3's 2 Nm^2); correct
  // rounding's overhead on top of it is reported.
  const auto& mac = j["correct_rounding_latency_fp32"]["mac"];
  CHECK(double(mac["paper_over_published"]) <= 1.10);
  CHECK(double(mac["paper_over_published_same_prices"]) <= 1.10);  // the procedure, priced alike
  CHECK(double(mac["ieee_over_paper"]) > 1.0);
  CHECK_THAT(r.output, Contains("correct rounding: counted latency of fp32 in ieee rounding"));
  const ProgramResult bad = fp("--cost-table --op add");
  CHECK(bad.status == 2);
  CHECK_THAT(bad.output, Contains("--cost-table covers every operation and format"));
  CHECK(fp("--cost-table -q").status == 2);
  // Rows too narrow for some program: refused before anything is printed or written.
  std::remove(report.c_str());
  const ProgramResult narrow = fp("--cost-table --compare reram-floatpim --compare-set array.cols=800 --report " + report);
  CHECK(narrow.status == 2);
  CHECK_THAT(narrow.output, Contains("reram-floatpim: fp mac fp32 on reram needs 870 columns per row"));
  CHECK_THAT(narrow.output, !Contains("by phase"));
  CHECK_FALSE(exists(report));
}

TEST_CASE("mrampim-fp --search-margins reports the fp32 programs' widest searches at each spread",
          "[mrampim_fp][search]") {
  const std::string report = work("fp_margins.json");
  std::remove(report.c_str());
  const ProgramResult r = fp("--search-margins --compare reram-floatpim --report " + report);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("search margins on sot-mram-1t1r, fp32 ieee programs"));
  CHECK_THAT(r.output, Contains("search margins on reram-floatpim"));
  CHECK_THAT(r.output, Contains("below the offset at the worst corner"));
  const nlohmann::json j = nlohmann::json::parse(read_file(report));
  REQUIRE(j.at("technologies").size() == 2);
  for (const auto& t : j.at("technologies")) {
    CAPTURE(t.at("tech").get<std::string>());
    // Each program's widest search, and a margin row for it at 0, 5 and 10%.
    const auto widest = t.at("programs").at("mac").at("widest").get<std::uint32_t>();
    CHECK(widest >= t.at("programs").at("add").at("widest").get<std::uint32_t>());
    std::vector<double> p;
    for (const auto& m : t.at("margins")) {
      if (m.at("width").get<std::uint32_t>() != widest) continue;
      p.push_back(m.at("error_probability").get<double>());
      // The nominal margin is one cell's step, half the two states' current difference.
      CHECK(m.at("nominal_margin_uA").get<double>() ==
            Approx((m.at("one_mismatch_uA").get<double>() - m.at("all_match_uA").get<double>()) / 2));
    }
    REQUIRE(p.size() == 3);
    CHECK(p[0] == 0.0);
    CHECK(p[1] > 0.0);
    CHECK(p[2] > p[1]);
  }
  // Bad input: a spread outside [0, 1), a spread without the report, operands beside it.
  CHECK(fp("--search-margins --spread 1.5").status == 2);
  CHECK(fp("--spread 0.1 --random 4").status == 2);
  CHECK(fp("--search-margins --random 4").status == 2);
  CHECK(fp("--search-margins --spread 0.02").status == 0);
}

TEST_CASE("mrampim-fp with device variation draws search errors, seeded, and counts the results they spoil",
          "[mrampim_fp][search]") {
  const std::string report = work("fp_variation.json");
  std::remove(report.c_str());
  const ProgramResult r = fp("--random 1024 --set sense.spread=0.1 -o /dev/null --report " + report);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("search errors at 0.1 resistance spread (sense.spread):"));
  CHECK_THAT(r.output, Contains("differ from the same program on ideal cells"));
  const nlohmann::json j = nlohmann::json::parse(read_file(report));
  const auto flipped = j.at("cost").at("search_errors").at("flipped").get<std::uint64_t>();
  const auto decisions = j.at("cost").at("search_errors").at("decisions").get<std::uint64_t>();
  const auto spoiled = j.at("search_errors").at("results_spoiled").get<std::uint64_t>();
  CHECK(flipped > 0);
  CHECK(flipped < decisions);
  CHECK(spoiled > 0);
  CHECK(spoiled <= flipped);  // a result goes wrong only through a flipped decision
  // The same seed repeats the run; ideal cells draw nothing.
  const std::string again = work("fp_variation_again.json");
  REQUIRE(fp("--random 1024 --set sense.spread=0.1 -o /dev/null --report " + again).status == 0);
  CHECK(nlohmann::json::parse(read_file(again)).at("cost").at("search_errors").at("flipped") == flipped);
  const std::string ideal = work("fp_variation_ideal.json");
  REQUIRE(fp("--random 1024 -o /dev/null --report " + ideal).status == 0);
  CHECK(nlohmann::json::parse(read_file(ideal)).at("cost").at("search_errors").at("decisions") == 0);
}

TEST_CASE("mrampim-fp --write-errors: a short write pulse spoils results, counted and seeded", "[mrampim_fp][write-errors]") {
  const std::string report = work("fp_write_errors.json");
  std::remove(report.c_str());
  const ProgramResult r = fp("--random 256 --write-errors --set device.t_switch_ns=1 -o /dev/null --report " + report);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Contains("switching writes failed (pulse 1 ns at 65 uA"));
  const nlohmann::json j = nlohmann::json::parse(read_file(report));
  const auto& w = j.at("write_errors");
  CHECK(w.at("failed").get<std::uint64_t>() > 0);
  CHECK(w.at("failed").get<std::uint64_t>() < w.at("attempted").get<std::uint64_t>());
  CHECK(w.at("results_spoiled").get<std::uint64_t>() > 0);
  // Table 1's own pulse: no error in a run this size.
  const std::string table1 = work("fp_write_errors_table1.json");
  REQUIRE(fp("--random 256 --write-errors -o /dev/null --report " + table1).status == 0);
  CHECK(nlohmann::json::parse(read_file(table1)).at("write_errors").at("failed") == 0);
  // Bad input.
  CHECK(fp("--cost-table --write-errors").status == 2);
  CHECK(fp("--random 4 --write-error-seed 3").status == 2);
  CHECK(fp("--random 4 --write-errors --tech reram-floatpim").status == 2);
}
