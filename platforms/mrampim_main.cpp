// mrampim: the accelerator platform driven by a host through TLM-2.0, on a
// workload (MAC, dot products, GEMM, or a trace file), with its report,
// waveforms and power trace. With no --workload it runs the default: the fp32
// MAC and a small GEMM on sot-mram-1t1r and reram-floatpim side by side.
//
// Exit status: 0 every result checked equal to the host reference, 1 a
// result differed or a command was refused, 2 bad input (nothing ran).
#include <boost/program_options.hpp>
#include <systemc>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <iostream>
#include <memory>
#include <vector>

#include "analog_mlp_run.hpp"
#include "approx_study.hpp"
#include "platform.hpp"
#include "tech/tech_options.hpp"
#include "train_run.hpp"
#include "training/dataset.hpp"

#include <unistd.h>

using namespace mrampim;
namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "Usage: mrampim [options]\n"
    "\n"
    "Runs a workload on the SOT-MRAM processing-in-memory accelerator model: a host\n"
    "writes operands through the accelerator's TLM-2.0 data window, issues commands,\n"
    "waits for the interrupt and checks every result against host IEEE arithmetic.\n"
    "Reports latency, energy (by component and phase) and area from the cost ledger.\n"
    "\n"
    "With no --workload: the default run, the fp32 MAC (--macs) and a small GEMM\n"
    "(--m x --n x --k) on --tech and on --compare (sot-mram-1t1r and reram-floatpim),\n"
    "side by side, writing mrampim.vcd, report.json and power CSVs into --out.\n"
    "\n"
    "--workload approx-study: the approximate-writes study (docs/approximate-writes.md)\n"
    "on --tech's MTJ switching (stt-mram-seed unless --tech is given): error rate\n"
    "against pulse duration and against write energy with cell variation, closed\n"
    "forms against a Monte Carlo; --report F writes JSON and F's CSV tables beside it,\n"
    "which scripts/plot_approx_study.py draws. --quick: fewer points and writes.\n"
    "\n"
    "--workload analog-mlp: the analog SOT-MRAM MLP tile (docs/analog-mlp.md): a\n"
    "784-16-10 binarized MLP trained on the host (or --analog-weights F), programmed\n"
    "into the tile through the accelerator, the MNIST test images classified there at\n"
    "each --analog-variation; beside it the ideal network, the mixed-signal baseline\n"
    "and the host CPU (PyTorch, batch 1). scripts/plot_analog_mlp.py draws the report.\n"
    "\n"
    "Trace files: one item per line (docs/accelerator.md):\n"
    "  <add|mul|mac> <format> <ieee|paper> <bank> <subarray> <row> <a> <b> [<c>]\n"
    "  move <bank> <subarray> <first_row> <count> <src_col> <dst_bank> <dst_subarray> <dst_col> <width>\n"
    "  wait\n"
    "Exit status: 0 all results right, 1 a result differed or a command was refused,\n"
    "2 bad input.\n";

struct Options {
  std::string workload, trace_file, format = "fp32", rounding = "ieee", compare, config;
  std::uint64_t macs = 1024, seed = 1;
  std::uint32_t dot_length = 16, dots = 64, m = 16, n = 16, k = 16;
  std::uint32_t banks = 1, subarrays = 4, rows = 0, cols = 0, queue_depth = 16, bus_width = 64;
  double bus_cycle_ns = 1.0, power_window_ns = 100;
  bool poll = false, quick = false;
  std::string vcd, power_csv, report, out = "mrampim-out";
  TechOptions tech;
  TrainOptions train;
  std::string mode = "fast", energy = "exact";
  double until_accuracy = 0;  // percent
  std::string weight_write_class;
  AnalogMlpRunOptions analog;
  std::string analog_variation = "0,0.05,0.1";
  bool analog_no_cpu = false;
};

// A default shown in --help as written (0.1, not 0.10000000000000001).
std::string shortest(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

int bad_input(const std::string& message) {
  std::cerr << "error: " << message << "\n(run with --help for the options)\n";
  return kExitBadInput;
}

struct RunSpec {
  std::string name, workload;
  Technology tech;
  HostProgram program;
};

// The platform's shape for workload generators and trace checks.
PlatformShape shape_of(const Technology& t, const Options& o) {
  return PlatformShape{o.banks, o.subarrays, t.array.rows, t.array.cols, t.family};
}

HostProgram make_program(const std::string& workload, const Technology& t, const Options& o, const FpFormat& f,
                         Rounding r) {
  const PlatformShape s = shape_of(t, o);
  if (workload == "mac") return mac_workload(o.macs, f, r, s, o.seed);
  if (workload == "dot") return dot_workload(o.dots, o.dot_length, f, r, s, o.seed);
  if (workload == "gemm") return gemm_workload(o.m, o.n, o.k, f, r, s, o.seed);
  std::ifstream in(o.trace_file);
  if (!in) throw TraceError("cannot open trace file '" + o.trace_file + "'");
  return read_trace(in, o.trace_file, s);
}

std::string with_suffix(const std::string& path, const std::string& suffix) {
  const std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + "_" + suffix + p.extension().string())).string();
}

void print_table(const std::vector<PlatformResult>& results) {
  std::printf("\n%-22s %-16s %10s %12s %14s %10s %9s  %s\n", "run", "tech", "ops", "latency_us", "energy_nJ",
              "area_mm2", "checked", "result");
  for (const PlatformResult& r : results) {
    std::printf("%-22s %-16s %10llu %12.3f %14.3f %10.4f %9llu  %s\n", r.name.c_str(), r.technology.c_str(),
                static_cast<unsigned long long>(r.fp_operations), r.latency_ns * 1e-3, r.energy_pJ * 1e-3, r.area_mm2,
                static_cast<unsigned long long>(r.host.checks),
                r.host.ok() ? "ok" : (std::to_string(r.host.mismatches) + " wrong, " + std::to_string(r.host.refused) +
                                      " refused").c_str());
    for (const auto& p : r.host.problems) std::printf("    %s\n", p.c_str());
  }
}

// Pairs of runs of the same workload on two technologies: second / first.
void print_comparison(const std::vector<PlatformResult>& results) {
  bool header = false;
  for (std::size_t i = 0; i < results.size(); ++i) {
    for (std::size_t j = i + 1; j < results.size(); ++j) {
      const PlatformResult &a = results[i], &b = results[j];
      if (a.workload != b.workload || a.technology == b.technology) continue;
      if (!header) {
        std::printf("\n%-10s %-34s %10s %10s %10s\n", "workload", "ratio", "latency", "energy", "area");
        header = true;
      }
      const std::string ratio = b.technology + " / " + a.technology;
      std::printf("%-10s %-34s %9.2fx %9.2fx %9.2fx\n", a.workload.c_str(), ratio.c_str(), b.latency_ns / a.latency_ns,
                  b.energy_pJ / a.energy_pJ, b.area_mm2 / a.area_mm2);
    }
  }
}

// --workload approx-study: the device parts of the approximate-writes study.
int run_approx_study(const Options& o, const Technology& t) {
  if (t.family != LogicFamily::SotStateful) return bad_input(t.name + " has no MTJ switching ([switching]): use an MTJ --tech");
  std::ofstream report_file;
  if (!o.report.empty()) {
    // The report's folder is made if missing: the study writes its tables
    // and figures beside the report.
    const std::filesystem::path dir = std::filesystem::path(o.report).parent_path();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    report_file.open(o.report);
    if (!report_file) return bad_input("cannot write '" + o.report + "'" + (ec ? ": " + ec.message() : ""));
  }
  ApproxStudyOptions so;
  so.quick = o.quick;
  so.seed = o.seed;
  so.data_dir = o.train.data_dir.empty() ? default_data_dir() : o.train.data_dir;
  nlohmann::json study = approx_device_study(t, so, std::cout);
  try {
    study["training"]["mlp"] = approx_mlp_study(t, so, std::cout);
  } catch (const DatasetError& e) {
    return bad_input(std::string(e.what()) + " (scripts/setup.sh fetches the datasets)");
  }
  std::cout.flush();
  try {
    // This very program, by the process's own link: it stays valid even if
    // the file is rebuilt while the study runs.
    study["training"]["lenet"] = approx_lenet_study(so, std::cout, "/proc/" + std::to_string(::getpid()) + "/exe");
  } catch (const std::runtime_error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  if (report_file.is_open()) {
    const std::filesystem::path base = std::filesystem::path(o.report).replace_extension();
    for (const auto& [name, text] : study["csv"].items()) {
      const std::string path = base.string() + "." + name + ".csv";
      std::ofstream csv(path);
      if (!(csv << text.get<std::string>())) return bad_input("cannot write '" + path + "'");
      study["csv_files"][name] = path;
      std::cout << "table: " << path << '\n';
    }
    study.erase("csv");
    study["technology"] = t.name;
    study["seed"] = o.seed;
    study["quick"] = o.quick;
    report_file << study.dump(2) << '\n';
    std::cout << "report: " << o.report << "\nplots: /usr/bin/python3 scripts/plot_approx_study.py " << o.report
              << '\n';
  }
  return 0;
}

// --workload analog-mlp.
int run_analog_workload(Options& o, const po::variables_map& vm) {
  AnalogMlpRunOptions& a = o.analog;
  a.variations.clear();
  std::stringstream list(o.analog_variation);
  for (std::string item; std::getline(list, item, ',');) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !(v >= 0 && v <= 0.3)) {
      return bad_input("--analog-variation: '" + item + "' is not a spread in 0..0.3");
    }
    a.variations.push_back(v);
  }
  a.data_dir = o.train.data_dir.empty() ? default_data_dir() : o.train.data_dir;
  a.train_samples = o.train.train_samples;
  a.test_samples = o.train.test_samples;
  a.seed = o.seed;
  a.vcd = o.vcd;
  if (!a.vcd.empty() && (a.vcd.size() < 5 || a.vcd.substr(a.vcd.size() - 4) != ".vcd")) {
    return bad_input("--vcd '" + a.vcd + "' must end in .vcd");
  }
  a.cpu_script = o.analog_no_cpu ? std::string() : std::string(MRAMPIM_SCRIPTS_DIR) + "/analog_mlp_cpu.py";
  if (vm.count("analog-weights") && vm.count("analog-epochs") && !vm["analog-epochs"].defaulted()) {
    return bad_input("--analog-epochs trains the network; --analog-weights loads one: give one of them");
  }
  std::ofstream report_file;
  if (!o.report.empty()) {
    report_file.open(o.report);
    if (!report_file) return bad_input("cannot write '" + o.report + "'");
  }
  nlohmann::json report;
  try {
    report = run_analog_mlp(a, std::cout);
  } catch (const ConfigError& e) {
    return bad_input(e.what());
  } catch (const DatasetError& e) {
    return bad_input(std::string(e.what()) + " (scripts/setup.sh fetches the datasets)");
  } catch (const std::invalid_argument& e) {
    return bad_input(e.what());
  } catch (const std::runtime_error& e) {
    return bad_input(e.what());
  }
  if (report_file.is_open()) {
    report_file << report.dump(2) << '\n';
    std::cout << "report: " << o.report << "\nplots: /usr/bin/python3 scripts/plot_analog_mlp.py " << o.report << '\n';
  }
  if (!a.vcd.empty()) std::cout << "VCD: " << a.vcd << '\n';
  return 0;
}

int run_train(Options& o, const po::variables_map& vm, const std::vector<Technology>& techs, const FpFormat& format,
              Rounding rounding) {
  try {
    o.train.mode = parse_exec_mode(o.mode);
  } catch (const std::invalid_argument& e) {
    return bad_input(std::string("--mode: ") + e.what());
  }
  try {
    o.train.energy = parse_cost_basis(o.energy);
  } catch (const std::invalid_argument& e) {
    return bad_input(std::string("--energy: ") + e.what());
  }
  for (const Technology& t : techs) {
    if (o.train.mode == ExecMode::Fast && t.sense.spread > 0) {
      return bad_input(t.name + ": 'sense.spread' above 0 draws search errors row by row on the bit-level "
                       "subarrays, which fast mode does not run: use --mode bit-accurate");
    }
  }
  if (o.train.compute_write_errors) {
    for (const Technology& t : techs) {
      if (t.family != LogicFamily::SotStateful) return bad_input(t.name + ": --write-errors needs MTJ cells ([switching])");
    }
    if (!vm.count("write-error-seed")) o.train.compute_write_error_seed = o.seed;
  } else if (vm.count("write-error-seed")) {
    return bad_input("--write-error-seed needs --write-errors");
  }
  WeightWrites& ww = o.train.weight_writes;
  if (!o.weight_write_class.empty()) {
    if (vm.count("weight-write-bits")) return bad_input("--weight-write-class and --weight-write-bits name the same bits: give one");
    if (o.weight_write_class == "mantissa") ww.approximate_bits = format.nm;
    else if (o.weight_write_class == "mantissa-low") ww.approximate_bits = format.nm / 2;
    else if (o.weight_write_class == "all") ww.approximate_bits = format.width();
    else return bad_input("--weight-write-class '" + o.weight_write_class + "': use mantissa, mantissa-low or all");
  }
  if (!ww.enabled()) {
    for (const char* opt : {"weight-write-pulse-ns", "weight-write-current-uA", "weight-write-seed", "weight-write-safe-ber",
                            "weight-write-sigmas"}) {
      if (vm.count(opt) && !vm[opt].defaulted()) {
        return bad_input(std::string("--") + opt + " needs --weight-write-bits, --weight-write-class or --weight-write-safe");
      }
    }
  }
  if (ww.all_safe && (vm.count("weight-write-pulse-ns") || vm.count("weight-write-current-uA"))) {
    return bad_input("--weight-write-safe writes every bit at the safe pulse: --weight-write-pulse-ns and "
                     "--weight-write-current-uA set the approximate one");
  }
  if (vm.count("weight-write-current-uA") && !(ww.approximate_current_uA > 0 && std::isfinite(ww.approximate_current_uA))) {
    return bad_input("--weight-write-current-uA " + shortest(ww.approximate_current_uA) + ": a write current must be positive");
  }
  if (vm.count("weight-write-pulse-ns")) {
    if (!(ww.approximate_pulse_ns > 0 && std::isfinite(ww.approximate_pulse_ns))) {
      return bad_input("--weight-write-pulse-ns " + shortest(ww.approximate_pulse_ns) + ": a pulse is a finite duration above 0");
    }
    if (vm.count("weight-write-ber")) return bad_input("--weight-write-pulse-ns and --weight-write-ber both set the pulse: give one");
  }
  if (ww.all_safe && (ww.approximate_bits > 0 || vm.count("weight-write-ber"))) {
    return bad_input("--weight-write-safe writes every bit at the safe pulse: drop --weight-write-bits and -ber");
  }
  if (ww.enabled() || vm.count("weight-write-ber")) {
    if (!ww.enabled()) return bad_input("--weight-write-ber needs --weight-write-bits");
    if (ww.approximate_bits > format.width()) {
      return bad_input("--weight-write-bits " + std::to_string(ww.approximate_bits) + ": a " + format.name() +
                       " word has " + std::to_string(format.width()) + " bits");
    }
    const bool by_pulse = vm.count("weight-write-pulse-ns") > 0;
    if (!ww.all_safe && !by_pulse && !vm.count("weight-write-ber")) {
      return bad_input("--weight-write-bits needs --weight-write-ber or --weight-write-pulse-ns");
    }
    for (const auto& [name, v] : {std::pair<const char*, double>{"--weight-write-ber", ww.all_safe || by_pulse ? 0.5 : ww.approximate_ber},
                                  {"--weight-write-safe-ber", ww.safe_ber}}) {
      if (!(v > 0 && v < 1)) return bad_input(std::string(name) + " " + shortest(v) + ": an error rate lies in (0, 1)");
    }
    if (!(ww.safe_sigmas >= 0)) return bad_input("--weight-write-sigmas must not be negative");
    for (const Technology& t : techs) {
      if (t.family != LogicFamily::SotStateful) {
        return bad_input(t.name + ": approximate weight writes need MTJ cells ([switching]); drop --compare or use an MTJ --tech");
      }
      // The pulses must exist before anything is written or simulated.
      const MtjSwitching m(t.switching);
      const double i = ww.approximate_current_uA > 0 ? ww.approximate_current_uA : t.device.i_write_uA;
      try {
        (void)ApproximateWrites::safe_pulse(m, t.device.i_write_uA, ww.safe_ber, ww.safe_sigmas);
      } catch (const std::invalid_argument& e) {
        return bad_input(t.name + ": --weight-write-safe-ber " + shortest(ww.safe_ber) + " with --weight-write-sigmas " +
                         shortest(ww.safe_sigmas) + " at " + shortest(t.device.i_write_uA) + " uA: " + e.what());
      }
      try {
        if (!ww.all_safe && !by_pulse) (void)m.pulse_for(i, ww.approximate_ber);
      } catch (const std::invalid_argument& e) {
        return bad_input(t.name + ": --weight-write-ber " + shortest(ww.approximate_ber) + " at " + shortest(i) +
                         " uA: " + e.what());
      }
    }
    if (!vm.count("weight-write-seed")) ww.seed = o.seed;
  }
  o.train.seed = o.seed;
  o.train.subarrays_per_bank = o.subarrays;
  o.train.banks = vm.count("banks") && !vm["banks"].defaulted() ? o.banks : 0;
  o.train.queue_depth = o.queue_depth;
  o.train.bus_width_bits = o.bus_width;
  o.train.bus_cycle_ns = o.bus_cycle_ns;
  if (!vm["power-window-ns"].defaulted()) o.train.power_window_ns = o.power_window_ns;
  o.train.poll = o.poll;
  o.train.vcd = o.vcd;
  o.train.power_csv = o.power_csv;
  o.train.target_accuracy = o.until_accuracy / 100;
  o.train.progress_bar = isatty(STDERR_FILENO) != 0;
  std::ofstream report_file;
  if (!o.report.empty()) {
    report_file.open(o.report);
    if (!report_file) return bad_input("cannot write '" + o.report + "'");
  }
  std::vector<TrainResult> results;
  try {
    for (const Technology& t : techs) {
      std::cerr << "training on " << t.name << " (" << to_string(o.train.mode) << ", " << format.name() << " "
                << to_string(rounding) << ")\n";
    }
    results = run_training(o.train, techs, format, rounding);
  } catch (const DatasetError& e) {
    return bad_input(e.what());
  } catch (const std::invalid_argument& e) {
    return bad_input(e.what());
  }
  bool ok = true;
  std::printf("\n%-16s %7s %9s %8s\n", "tech", "epochs", "accuracy", "wall_s");
  for (const TrainResult& r : results) {
    if (!r.ok()) {
      ok = false;
      std::printf("%-16s FAILED: %s\n", r.technology.c_str(),
                  !r.failure.empty() ? r.failure.c_str()
                                     : (std::to_string(r.host.refused) + " command(s) refused").c_str());
      for (const auto& p : r.host.problems) std::printf("    %s\n", p.c_str());
      if (r.epoch_loss.empty()) continue;
    }
    std::printf("%-16s %7zu %8.2f%% %8.1f", r.technology.c_str(), r.epoch_loss.size(), 100 * r.test_accuracy.back(),
                r.seconds);
    if (o.train.target_accuracy > 0) {
      if (r.epochs_to_target > 0) {
        std::printf("   reached %.2f%% after %u epoch(s)", o.until_accuracy, r.epochs_to_target);
      } else {
        std::printf("   did not reach %.2f%% in %u epoch(s)", o.until_accuracy, o.train.epochs);
      }
    }
    std::printf("\n");
    for (std::size_t e = 0; e < r.epoch_loss.size(); ++e) {
      std::printf("  epoch %zu: loss %.5f, test accuracy %.2f%%\n", e + 1, r.epoch_loss[e], 100 * r.test_accuracy[e]);
    }
  }
  std::printf("\nplatform            banks  pool  commands  transactions  MB moved  simulated_ms  lane use\n");
  for (const TrainResult& r : results) {
    const auto& p = r.json["platform"];
    std::printf("%-16s %8u %5u %9llu %13llu %9.2f %13.3f %8.0f%%\n", r.technology.c_str(), unsigned(p["banks"]),
                unsigned(p["lane_pool"]["count"]), static_cast<unsigned long long>(r.host.commands),
                static_cast<unsigned long long>(r.host.transactions),
                double(r.host.bytes_written + r.host.bytes_read) * 1e-6, double(p["simulated_time_ns"]) * 1e-6,
                100 * double(p["utilisation"]["lane_pool_mean"]));
  }
  std::printf("\ncost of the training (evaluation excluded)  latency_ms  energy_mJ  subarrays  area_mm2  cells(M)\n");
  for (const TrainResult& r : results) {
    const LaneMapping& m = r.counted.mapping;
    std::printf("%-16s counted                  %11.3f %10.4f %10llu %9.3f %9.2f\n", r.technology.c_str(),
                r.counted.latency_ns * 1e-6, r.counted.energy_pJ * 1e-9, static_cast<unsigned long long>(m.subarrays),
                m.area_um2 * 1e-6, double(m.cells) * 1e-6);
    std::printf("%-16s published formulas       %11.3f %10.4f", r.technology.c_str(), r.published.latency_ns * 1e-6,
                r.published.energy_pJ * 1e-9);
    if (r.published.has_mapping) {
      std::printf(" %10s %9s %9.2f\n", "-", "-", double(r.published.mapping.cells) * 1e-6);
    } else {
      std::printf("   (no published cell count for %s)\n", format.name().c_str());
    }
  }
  std::printf("(counted: prices derived from the device and circuits; published formulas: the [step] prices, "
              "calibrated to the paper)\n");
  nlohmann::json report = {{"runs", nlohmann::json::array()}};
  for (const TrainResult& r : results) report["runs"].push_back(r.json);
  if (results.size() == 2) {
    const TrainComparison c = compare_training(results[1], results[0]);
    std::printf("\n%s / %s:\n           published   paper  within 10%%   counted\n", results[1].technology.c_str(),
                results[0].technology.c_str());
    for (const TrainRatio& x : c.ratios) {
      std::printf("  %-8s %9.2fx %6.1fx %10s %9.2fx\n", x.name.c_str(), x.published, x.paper,
                  x.within_10_percent() ? "yes" : "no", x.counted);
    }
    std::printf("  area: published = cells the lanes occupy (the paper's measure); counted = subarray area (um^2)\n");
    std::printf("  the counted lanes' cells at each layout's cell area (the paper's measure, our cells): %.2fx\n",
                c.occupied_cells_area);
    if (o.train.mode == ExecMode::Fast && o.train.energy == CostBasis::Declared) {
      std::printf("  counted energy with --energy declared is an upper bound (every row charged for every\n"
                  "  search-masked step); --energy exact (the default) counts it row by row (docs/training.md)\n");
    }
    report["comparison"] = c.json;
  }
  if (report_file.is_open()) {
    report_file << report.dump(2) << '\n';
    std::cout << "report: " << o.report << '\n';
  }
  if (!o.vcd.empty()) std::cout << "VCD: " << o.vcd << '\n';
  for (const TrainResult& r : results) {
    if (r.json.contains("power_csv")) std::cout << "power: " << std::string(r.json["power_csv"]) << '\n';
  }
  return ok ? 0 : 1;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  Options o;
  po::options_description workload("Workload");
  workload.add_options()
      ("workload", po::value<std::string>(&o.workload), "mac, dot, gemm, trace, train, approx-study or analog-mlp (none: the default comparison)")
      ("quick", po::bool_switch(&o.quick), "approx-study: fewer points and Monte Carlo writes")
      ("trace", po::value<std::string>(&o.trace_file), "the trace file of --workload trace")
      ("macs", po::value<std::uint64_t>(&o.macs)->default_value(o.macs), "mac: multiply-accumulates, one per row")
      ("dot-length", po::value<std::uint32_t>(&o.dot_length)->default_value(o.dot_length), "dot: length of each product")
      ("dots", po::value<std::uint32_t>(&o.dots)->default_value(o.dots), "dot: products computed at once")
      ("m", po::value<std::uint32_t>(&o.m)->default_value(o.m), "gemm: rows of A and C")
      ("n", po::value<std::uint32_t>(&o.n)->default_value(o.n), "gemm: columns of B and C")
      ("k", po::value<std::uint32_t>(&o.k)->default_value(o.k), "gemm: columns of A, rows of B")
      ("format", po::value<std::string>(&o.format)->default_value(o.format), "fp32, fp16, bf16 or eNmM")
      ("rounding", po::value<std::string>(&o.rounding)->default_value(o.rounding),
       "ieee (results checked against host IEEE arithmetic) or paper (the paper's procedure; not checked)")
      ("seed", po::value<std::uint64_t>(&o.seed)->default_value(o.seed), "seed of the generated operands");
  po::options_description training("Training (--workload train: the LeNet of docs/training.md)");
  training.add_options()
      ("dataset", po::value<std::string>(&o.train.dataset)->default_value(o.train.dataset), "mnist or fashion-mnist")
      ("data-dir", po::value<std::string>(&o.train.data_dir), "where scripts/setup.sh put the datasets (default: $MRAMPIM_DATA_DIR, else ~/.cache/mrampim)")
      ("epochs", po::value<std::uint32_t>(&o.train.epochs)->default_value(o.train.epochs), "passes over the training samples")
      ("until-accuracy", po::value<double>(&o.until_accuracy), "stop after the first epoch whose test accuracy reaches this percentage (--epochs is then the most)")
      ("batch", po::value<std::uint32_t>(&o.train.batch)->default_value(o.train.batch), "images per SGD step")
      ("lr", po::value<double>(&o.train.learning_rate)->default_value(o.train.learning_rate, shortest(o.train.learning_rate)), "SGD learning rate (plain SGD, no momentum)")
      ("train-samples", po::value<std::size_t>(&o.train.train_samples)->default_value(o.train.train_samples), "training images")
      ("test-samples", po::value<std::size_t>(&o.train.test_samples)->default_value(o.train.test_samples), "test images")
      ("mode", po::value<std::string>(&o.mode)->default_value(o.mode), "fast (host arithmetic, same bits) or bit-accurate (every operation on the bit-level subarrays)")
      ("weight-write-bits", po::value<std::uint32_t>(&o.train.weight_writes.approximate_bits), "approximate weight writes (docs/approximate-writes.md): this many low bits of each weight word written with the approximate pulse (1..format width; 0 or absent: exact writes)")
      ("weight-write-class", po::value<std::string>(&o.weight_write_class), "instead of --weight-write-bits, a bit class of the weight word: mantissa (every fraction bit), mantissa-low (the low half of them) or all")
      ("weight-write-ber", po::value<double>(&o.train.weight_writes.approximate_ber), "the approximate pulse: the one whose error rate on the nominal cell is this, in (0, 1)")
      ("weight-write-pulse-ns", po::value<double>(&o.train.weight_writes.approximate_pulse_ns), "instead of --weight-write-ber, the approximate pulse's duration, ns (> 0)")
      ("weight-write-current-uA", po::value<double>(&o.train.weight_writes.approximate_current_uA), "the approximate pulse's current, uA (> 0; default the technology's write current: lower for a weaker pulse)")
      ("weight-write-safe-ber", po::value<double>(&o.train.weight_writes.safe_ber)->default_value(o.train.weight_writes.safe_ber, "1e-9"), "the other bits' safe pulse: this error rate ...")
      ("weight-write-sigmas", po::value<double>(&o.train.weight_writes.safe_sigmas)->default_value(o.train.weight_writes.safe_sigmas, "3"), "... for a cell this many sigmas harder to switch")
      ("weight-write-seed", po::value<std::uint64_t>(&o.train.weight_writes.seed), "seed of the weight writes' outcomes (default: --seed)")
      ("weight-write-safe", po::bool_switch(&o.train.weight_writes.all_safe), "every weight bit at the safe pulse: the reference approximate writes are measured against")
      ("write-errors", po::bool_switch(&o.train.compute_write_errors), "write errors in every computation step: each cell a subarray's write must switch fails with the probability the technology's write pulse gives on it, its [switching] spread included (MTJ technologies). Fast mode draws the same failures by sampling each lane row and replaying on the bit level the rows that can fail: it slows as the error rate grows, and reports its attempted writes as an estimate (docs/approximate-writes.md)")
      ("write-error-seed", po::value<std::uint64_t>(&o.train.compute_write_error_seed), "seed of --write-errors (default: --seed)")
      ("energy", po::value<std::string>(&o.energy)->default_value(o.energy), "fast mode's charges for searched steps: exact (what the bit-level run counts, row by row) or declared (every row for every step: an upper bound, faster)")
      ("export-setup", po::value<std::string>(&o.train.export_setup), "write the initial weights, samples and their order per epoch to this JSON file (for scripts/reference_lenet.py)")
      ("compute-subarrays", po::value<std::uint32_t>(&o.train.compute_subarrays), "subarrays of the lane pool, where the layer commands compute (default: 64, and banks enough for them and the tensors; with --banks: every subarray the tensors leave)")
      ("vcd-batches", po::value<std::uint32_t>(&o.train.vcd_batches), "the VCD ends after this many training batches (default: the whole run)");
  po::options_description analog("Analog MLP tile (--workload analog-mlp: docs/analog-mlp.md)");
  analog.add_options()
      ("analog-tile", po::value<std::string>(&o.analog.tile)->default_value(o.analog.tile), "the tile's description: an embedded name (zand-mlp) or a .cfg file")
      ("analog-set", po::value<std::vector<std::string>>(&o.analog.tile_overrides)->composing(), "override a key of the tile's description (key=value; repeatable)")
      ("analog-weights", po::value<std::string>(&o.analog.weights_in), "load the binarized MLP from this weight file instead of training it")
      ("save-analog-weights", po::value<std::string>(&o.analog.weights_out), "write the weights used to this file")
      ("analog-epochs", po::value<std::uint32_t>(&o.analog.epochs)->default_value(o.analog.epochs), "epochs of the host's binarized training")
      ("analog-variation", po::value<std::string>(&o.analog_variation)->default_value(o.analog_variation), "relative spread of every MTJ's resistance, one run per value (comma-separated, 0..0.3; the first is the headline)")
      ("analog-batch", po::value<std::uint32_t>(&o.analog.batch)->default_value(o.analog.batch), "images per inference command")
      ("no-cpu-baseline", po::bool_switch(&o.analog_no_cpu), "skip the PyTorch stand-in for the GPU");
  po::options_description platform("Platform");
  platform.add_options()
      ("compare", po::value<std::string>(&o.compare), "also run on this technology, side by side (default run: reram-floatpim)")
      ("banks", po::value<std::uint32_t>(&o.banks)->default_value(o.banks), "banks")
      ("subarrays", po::value<std::uint32_t>(&o.subarrays)->default_value(o.subarrays), "subarrays per bank")
      ("rows", po::value<std::uint32_t>(&o.rows), "rows per subarray (sets array.rows; a multiple of 64)")
      ("cols", po::value<std::uint32_t>(&o.cols), "columns per subarray (sets array.cols)")
      ("queue-depth", po::value<std::uint32_t>(&o.queue_depth)->default_value(o.queue_depth), "command queue entries, 1..255")
      ("bus-width", po::value<std::uint32_t>(&o.bus_width)->default_value(o.bus_width), "target socket width: 32 or 64 bits")
      ("bus-cycle-ns", po::value<double>(&o.bus_cycle_ns)->default_value(o.bus_cycle_ns), "one bus beat, ns")
      ("power-window-ns", po::value<double>(&o.power_window_ns)->default_value(o.power_window_ns), "power averaging window, ns (--workload train: 100000 unless given, so an epoch's VCD stays small)")
      ("poll", po::bool_switch(&o.poll), "the host polls STATUS instead of waiting on the interrupt")
      ("config", po::value<std::string>(&o.config), "read options from this file too ('name = value' lines)");
  o.tech.add_to(platform, "sot-mram-1t1r");
  po::options_description output("Output");
  output.add_options()
      ("help,h", "show this help")
      ("vcd", po::value<std::string>(&o.vcd), "VCD of the controller state, busy flag, interrupt and power signals (.vcd); training adds the host's phase and the last command")
      ("power-csv", po::value<std::string>(&o.power_csv), "power time series (with --compare: one file per run, suffixed)")
      ("report", po::value<std::string>(&o.report), "JSON report of every run")
      ("out", po::value<std::string>(&o.out)->default_value(o.out), "directory of the default run's files");
  po::options_description all;
  all.add(workload).add(training).add(analog).add(platform).add(output);

  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, all), vm);
    if (vm.count("config")) {
      std::ifstream cfg(vm["config"].as<std::string>());
      if (!cfg) return bad_input("cannot open config file '" + vm["config"].as<std::string>() + "'");
      po::store(po::parse_config_file(cfg, all), vm);
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return bad_input(e.what());
  }
  if (vm.count("help")) {
    std::cout << kUsage << '\n' << all << '\n';
    return 0;
  }
  if (o.tech.list_params) {
    print_technology_schema(std::cout);
    return 0;
  }

  // ---- Everything is checked before anything runs.
  const bool default_run = o.workload.empty();
  if (!default_run && o.workload != "mac" && o.workload != "dot" && o.workload != "gemm" && o.workload != "trace" &&
      o.workload != "train" && o.workload != "approx-study" && o.workload != "analog-mlp") {
    return bad_input("--workload '" + o.workload + "': use mac, dot, gemm, trace, train, approx-study or analog-mlp");
  }
  for (const char* opt : {"analog-tile", "analog-set", "analog-weights", "save-analog-weights", "analog-epochs",
                          "analog-variation", "analog-batch", "no-cpu-baseline"}) {
    const bool given = vm.count(opt) && !vm[opt].defaulted();
    if (given && o.workload != "analog-mlp") return bad_input(std::string("--") + opt + " belongs to --workload analog-mlp");
  }
  if (o.workload == "analog-mlp") return run_analog_workload(o, vm);
  if (o.quick && o.workload != "approx-study") return bad_input("--quick belongs to --workload approx-study");
  for (const char* opt : {"write-errors", "write-error-seed", "weight-write-bits", "weight-write-class", "weight-write-ber",
                          "weight-write-pulse-ns", "weight-write-current-uA", "weight-write-safe", "weight-write-seed",
                          "weight-write-safe-ber", "weight-write-sigmas"}) {
    const bool given = vm.count(opt) && !vm[opt].defaulted();
    if (given && o.workload != "train") return bad_input(std::string("--") + opt + " belongs to --workload train");
  }
  if (o.workload == "approx-study" && vm["tech"].defaulted()) o.tech.tech = "stt-mram-seed";
  if ((o.workload == "trace") != !o.trace_file.empty()) return bad_input("--workload trace and --trace FILE go together");
  if (o.bus_width != 32 && o.bus_width != 64) return bad_input("--bus-width " + std::to_string(o.bus_width) + ": use 32 or 64");
  if (!(o.bus_cycle_ns > 0) || !(o.power_window_ns > 0)) return bad_input("--bus-cycle-ns and --power-window-ns must be positive");
  if (o.queue_depth == 0 || o.queue_depth > 255) return bad_input("--queue-depth must be 1..255");
  if (o.banks == 0 || o.subarrays == 0 || o.banks > 65535 || o.subarrays > 65535) {
    return bad_input("--banks and --subarrays must be 1..65535");
  }
  if (!o.vcd.empty() && (o.vcd.size() < 5 || o.vcd.substr(o.vcd.size() - 4) != ".vcd")) {
    return bad_input("--vcd '" + o.vcd + "' must end in .vcd");
  }
  FpFormat format;
  Rounding rounding = Rounding::Ieee;
  std::vector<Technology> techs;
  try {
    format = FpFormat::parse(o.format);
    rounding = parse_rounding(o.rounding);
    std::vector<std::string> overrides = o.tech.overrides;
    if (vm.count("rows")) overrides.push_back("array.rows=" + std::to_string(o.rows));
    if (vm.count("cols")) overrides.push_back("array.cols=" + std::to_string(o.cols));
    techs.push_back(load_technology(o.tech.tech, overrides));
    const std::string other = default_run && o.compare.empty() ? "reram-floatpim" : o.compare;
    if (!other.empty()) techs.push_back(load_technology(other, overrides));
  } catch (const ConfigError& e) {
    return bad_input(e.what());
  } catch (const std::invalid_argument& e) {
    return bad_input(e.what());
  }
  if (o.workload == "train") return run_train(o, vm, techs, format, rounding);
  if (o.workload == "approx-study") return run_approx_study(o, techs.front());
  for (const Technology& t : techs) {
    const double bytes = accelerator_bytes(t, o.banks, o.subarrays) * (default_run ? 2 : 1);
    if (bytes > kMaxPlatformBytes) {
      return bad_input("--banks " + std::to_string(o.banks) + " x --subarrays " + std::to_string(o.subarrays) +
                       ": the platform would take " + std::to_string(std::uint64_t(bytes / double(1 << 30))) +
                       " GiB of memory (at most 16)");
    }
  }
  if (default_run) {
    std::error_code ec;
    std::filesystem::create_directories(o.out, ec);
    if (ec) return bad_input("cannot create --out directory '" + o.out + "': " + ec.message());
    if (o.vcd.empty()) o.vcd = (std::filesystem::path(o.out) / "mrampim.vcd").string();
    if (o.report.empty()) o.report = (std::filesystem::path(o.out) / "report.json").string();
    if (o.power_csv.empty()) o.power_csv = (std::filesystem::path(o.out) / "power.csv").string();
  }
  std::vector<RunSpec> specs;
  try {
    const std::vector<std::string> workloads =
        default_run ? std::vector<std::string>{"mac", "gemm"} : std::vector<std::string>{o.workload};
    for (const std::string& w : workloads) {
      for (const Technology& t : techs) {
        specs.push_back({w + "_" + t.name, w, t, make_program(w, t, o, format, rounding)});
        for (char& ch : specs.back().name) {
          if (ch == '-') ch = '_';  // module and VCD names
        }
      }
    }
    // Every floating-point program must fit a row of every technology.
    for (const Technology& t : techs) build_fp_program(FpOp::Mac, format, rounding, ArrayShape::of(t));
  } catch (const TraceError& e) {
    std::cerr << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::invalid_argument& e) {
    return bad_input(e.what());
  }
  std::ofstream report_file;
  if (!o.report.empty()) {
    report_file.open(o.report);
    if (!report_file) return bad_input("cannot write '" + o.report + "'");
  }

  // ---- One elaboration holds every platform; they run side by side.
  std::vector<std::unique_ptr<Platform>> platforms;
  for (RunSpec& s : specs) {
    PlatformOptions po_;
    po_.tech = s.tech;
    po_.accelerator = AcceleratorConfig{o.banks, o.subarrays, o.queue_depth, o.bus_cycle_ns};
    po_.bus_width_bits = o.bus_width;
    po_.power_window_ns = o.power_window_ns;
    po_.poll = o.poll;
    platforms.push_back(std::make_unique<Platform>(s.name, po_, std::move(s.program), s.workload, format.name(),
                                                   to_string(rounding)));
  }
  sc_core::sc_trace_file* tf = nullptr;
  if (!o.vcd.empty()) {
    tf = sc_core::sc_create_vcd_trace_file(o.vcd.substr(0, o.vcd.size() - 4).c_str());
    tf->set_time_unit(1, sc_core::SC_PS);
    for (const auto& p : platforms) p->trace(tf);
  }
  std::cout << "mrampim: " << platforms.size() << " run(s), " << o.banks << " bank(s) x " << o.subarrays
            << " subarray(s), " << format.name() << " " << to_string(rounding) << "\n";
  // Run until every host is done (the power monitors tick for ever).
  while (true) {
    sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_US));
    bool all_done = true;
    for (const auto& p : platforms) all_done = all_done && p->done();
    if (all_done) break;
  }
  if (tf) sc_core::sc_close_vcd_trace_file(tf);

  std::vector<PlatformResult> results;
  for (const auto& p : platforms) results.push_back(p->result());
  print_table(results);
  print_comparison(results);
  nlohmann::json report = nlohmann::json::array();
  for (const PlatformResult& r : results) report.push_back(r.json);
  if (report_file.is_open()) report_file << report.dump(2) << '\n';
  std::vector<std::string> csvs;
  if (!o.power_csv.empty()) {
    for (std::size_t i = 0; i < platforms.size(); ++i) {
      const std::string path = platforms.size() == 1 ? o.power_csv : with_suffix(o.power_csv, results[i].name);
      std::ofstream csv(path);
      if (!csv) {
        std::cerr << "error: cannot write '" << path << "'\n";
        return kExitBadInput;
      }
      platforms[i]->power().write_csv(csv);
      csvs.push_back(path);
    }
  }
  std::cout << '\n';
  if (!o.vcd.empty()) std::cout << "VCD: " << o.vcd << '\n';
  if (!o.report.empty()) std::cout << "report: " << o.report << '\n';
  for (const auto& c : csvs) std::cout << "power: " << c << '\n';
  bool ok = true;
  for (const PlatformResult& r : results) ok = ok && r.host.ok();
  return ok ? 0 : 1;
}
