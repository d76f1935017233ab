#include "approx_study.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "device/approximate_writes.hpp"
#include "device/mtj_switching.hpp"
#include "training/approximate_mlp.hpp"

namespace mrampim {

namespace {

double uniform01(std::mt19937_64& g) { return (double(g() >> 11) + 0.5) * 0x1.0p-53; }

std::vector<double> log_grid(double lo, double hi, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(lo * std::pow(hi / lo, double(i) / double(n - 1)));
  return v;
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

// A Monte Carlo of `writes` switching events: each picks a cell (one of
// `cells`, or the nominal one) and draws its switching process.
struct MonteCarlo {
  double rate, standard_error, z;
  std::uint64_t writes;
};

MonteCarlo monte_carlo(const MtjSwitching& m, double i_uA, double t_ns, const std::vector<CellSpread>& cells,
                       double expected, std::uint64_t writes, std::mt19937_64& g) {
  std::uint64_t failed = 0;
  for (std::uint64_t w = 0; w < writes; ++w) {
    const CellSpread c = cells.empty() ? CellSpread{} : cells[g() % cells.size()];
    failed += m.switches(i_uA, t_ns, uniform01(g), c) ? 0 : 1;
  }
  const double rate = double(failed) / double(writes);
  const double se = std::sqrt(expected * (1 - expected) / double(writes));
  return {rate, se, se > 0 ? (rate - expected) / se : 0.0, writes};
}

nlohmann::json mc_json(const MonteCarlo& mc) {
  return {{"ber", mc.rate}, {"standard_error", mc.standard_error}, {"z", mc.z}, {"writes", mc.writes}};
}

// Mean error rate over a set of cells (the expected rate of a write to a
// random one of them).
double mean_rate(const MtjSwitching& m, double i_uA, double t_ns, const std::vector<CellSpread>& cells) {
  double s = 0;
  for (const CellSpread& c : cells) s += m.error_rate(i_uA, t_ns, c);
  return s / double(cells.size());
}

// The pulse at which the cells' mean rate falls to `ber` (it falls with t).
double mean_pulse_for(const MtjSwitching& m, double i_uA, double ber, const std::vector<CellSpread>& cells) {
  double lo = 1e-3, hi = 1e6;
  for (int i = 0; i < 100; ++i) {
    const double mid = std::sqrt(lo * hi);
    (mean_rate(m, i_uA, mid, cells) > ber ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace

nlohmann::json approx_device_study(const Technology& t, const ApproxStudyOptions& o, std::ostream& log) {
  if (t.family != LogicFamily::SotStateful) {
    throw std::invalid_argument(t.name + " has no MTJ switching: the study needs a technology with [switching]");
  }
  const MtjSwitching nominal(t.switching);
  const double ic0 = t.switching.i_c0_uA;
  // A switching write leaves P or AP as often (random data): the mean of the
  // two states' resistances.
  const double r_mean = (t.device.r_on_ohm + t.device.r_off_ohm) / 2;
  const int points = o.quick ? 10 : 24;
  const std::uint64_t writes = o.quick ? 100'000 : 1'000'000;
  const std::size_t n_cells = o.quick ? 2000 : 10000;
  std::mt19937_64 g(o.seed);
  nlohmann::json report;
  std::ostringstream csv_pulse, csv_energy;
  csv_pulse << "current_over_critical,pulse_ns,ber,ber_monte_carlo,standard_error,writes\n";
  csv_energy << "variation_sigma,modulation,current_over_critical,pulse_ns,energy_fJ,energy_over_reference,ber,"
                "ber_monte_carlo,standard_error,writes\n";
  double worst_z = 0;
  std::uint64_t mc_points = 0;

  // ---- 1. Error rate against pulse duration.
  log << "1. error rate against pulse duration (" << t.name << ": I_c0 " << ic0 << " uA, Delta "
      << t.switching.delta << "; Monte Carlo of " << writes << " writes where the rate is at least 1e-4)\n"
      << "   I/I_c0   pulse for 1e-9   pulse for 1e-3   pulse for 1e-1   Monte Carlo points   largest |z|\n";
  nlohmann::json part1 = nlohmann::json::array();
  for (const double x : {1.2, 1.5, 2.0, 3.0}) {
    const double i = x * ic0;
    nlohmann::json curve{{"current_over_critical", x}, {"current_uA", i}, {"points", nlohmann::json::array()}};
    double z_max = 0;
    int mcs = 0;
    for (const double tp : log_grid(nominal.pulse_for(i, 0.5), nominal.pulse_for(i, 1e-9), points)) {
      const double ber = nominal.error_rate(i, tp);
      nlohmann::json p{{"pulse_ns", tp}, {"ber", ber}};
      csv_pulse << num(x) << ',' << num(tp) << ',' << num(ber);
      if (ber >= 1e-4) {
        const MonteCarlo mc = monte_carlo(nominal, i, tp, {}, ber, writes, g);
        p["monte_carlo"] = mc_json(mc);
        z_max = std::max(z_max, std::abs(mc.z));
        ++mcs;
        csv_pulse << ',' << num(mc.rate) << ',' << num(mc.standard_error) << ',' << mc.writes << '\n';
      } else {
        csv_pulse << ",,,\n";
      }
      curve["points"].push_back(p);
    }
    curve["pulse_ns_for_ber"] = {{"1e-9", nominal.pulse_for(i, 1e-9)},
                                 {"1e-3", nominal.pulse_for(i, 1e-3)},
                                 {"1e-1", nominal.pulse_for(i, 1e-1)}};
    char line[160];
    std::snprintf(line, sizeof line, "   %5.2f   %11.2f ns   %11.2f ns   %11.2f ns   %18d   %11.2f\n", x,
                  nominal.pulse_for(i, 1e-9), nominal.pulse_for(i, 1e-3), nominal.pulse_for(i, 1e-1), mcs, z_max);
    log << line;
    worst_z = std::max(worst_z, z_max);
    mc_points += std::uint64_t(mcs);
    part1.push_back(curve);
  }
  report["ber_vs_pulse"] = part1;

  // ---- 2. Error rate against write energy, with variation.
  const double i_ref = 2 * ic0;  // the precessional energy optimum (below)
  log << "\n2. error rate against write energy per bit (" << n_cells << " cells drawn per spread; reference: the "
      << "pulse at " << i_ref << " uA giving " << o.reference_ber << " for a cell " << o.reference_sigmas
      << " sigmas harder)\n"
      << "   sigma   reference pulse   reference energy   saving at 1e-3   saving at 1e-2   (duration modulation)\n";
  nlohmann::json part2 = nlohmann::json::array();
  for (const double sigma : {0.0, 0.05, 0.10}) {
    SwitchingParams sp = t.switching;
    sp.sigma_i_c0 = sp.sigma_delta = sp.sigma_r = sigma;
    const MtjSwitching m(sp);
    std::vector<CellSpread> cells;
    double r_factor = 0;
    for (std::size_t c = 0; c < n_cells; ++c) {
      cells.push_back(m.draw_cell(o.seed, c));
      r_factor += cells.back().resistance;
    }
    r_factor /= double(n_cells);
    const WritePulse safe = ApproximateWrites::safe_pulse(m, i_ref, o.reference_ber, o.reference_sigmas);
    const double e_ref = MtjSwitching::write_energy_fJ(safe.i_uA, safe.t_ns, r_mean * r_factor);
    nlohmann::json entry{{"variation_sigma", sigma},
                         {"reference",
                          {{"current_uA", safe.i_uA},
                           {"current_over_critical", safe.i_uA / ic0},
                           {"pulse_ns", safe.t_ns},
                           {"energy_fJ", e_ref},
                           {"ber_of_the_hard_cell", o.reference_ber},
                           {"sigmas", o.reference_sigmas},
                           {"ber_mean_over_cells", mean_rate(m, safe.i_uA, safe.t_ns, cells)}}}};
    auto point = [&](const char* modulation, double i, double tp) {
      const double ber = mean_rate(m, i, tp, cells);
      const double e = MtjSwitching::write_energy_fJ(i, tp, r_mean * r_factor);
      nlohmann::json p{{"current_over_critical", i / ic0}, {"pulse_ns", tp}, {"energy_fJ", e},
                       {"energy_over_reference", e / e_ref}, {"ber", ber}};
      csv_energy << num(sigma) << ',' << modulation << ',' << num(i / ic0) << ',' << num(tp) << ',' << num(e) << ','
                 << num(e / e_ref) << ',' << num(ber);
      if (ber >= 1e-4) {
        const MonteCarlo mc = monte_carlo(m, i, tp, cells, ber, writes / 4, g);
        p["monte_carlo"] = mc_json(mc);
        worst_z = std::max(worst_z, std::abs(mc.z));
        ++mc_points;
        csv_energy << ',' << num(mc.rate) << ',' << num(mc.standard_error) << ',' << mc.writes << '\n';
      } else {
        csv_energy << ",,,\n";
      }
      return p;
    };
    nlohmann::json duration = nlohmann::json::array(), amplitude = nlohmann::json::array();
    for (const double tp : log_grid(mean_pulse_for(m, i_ref, 0.3, cells), safe.t_ns, points)) {
      duration.push_back(point("duration", i_ref, tp));
    }
    for (const double x : log_grid(1.3, 2.0, points)) amplitude.push_back(point("amplitude", x * ic0, safe.t_ns));
    entry["duration"] = duration;
    entry["amplitude"] = amplitude;
    nlohmann::json savings;
    for (const double ber : {1e-3, 1e-2}) {
      const double tp = mean_pulse_for(m, i_ref, ber, cells);
      savings[num(ber)] = {{"pulse_ns", tp}, {"saving", 1 - tp / safe.t_ns}};
    }
    entry["duration_saving_at_ber"] = savings;
    part2.push_back(entry);
    char line[160];
    std::snprintf(line, sizeof line, "   %5.2f   %12.2f ns   %13.1f fJ   %13.1f%%   %13.1f%%\n", sigma, safe.t_ns, e_ref,
                  100 * savings[num(1e-3)]["saving"].get<double>(), 100 * savings[num(1e-2)]["saving"].get<double>());
    log << line;
  }
  report["ber_vs_energy"] = part2;

  // The energy-optimal current: E(I) = I^2 R t(I) at a fixed error rate.
  nlohmann::json optimal = nlohmann::json::array();
  log << "\n   energy-optimal current (nominal cell): ";
  for (const double ber : {1e-9, 1e-3}) {
    double best_x = 0, best_e = 1e300, best_t = 0;
    for (double x = 1.12; x <= 5.0; x += 0.01) {
      const double tp = nominal.pulse_for(x * ic0, ber);
      const double e = MtjSwitching::write_energy_fJ(x * ic0, tp, r_mean);
      if (e < best_e) {
        best_e = e;
        best_x = x;
        best_t = tp;
      }
    }
    optimal.push_back({{"ber", ber}, {"current_over_critical", best_x}, {"pulse_ns", best_t}, {"energy_fJ", best_e}});
    log << "at " << num(ber) << ": " << num(best_x) << " I_c0 (" << num(best_t) << " ns, " << num(best_e) << " fJ)  ";
  }
  log << '\n';
  report["optimal_current"] = optimal;
  report["monte_carlo_agreement"] = {{"points", mc_points}, {"largest_abs_z", worst_z}};
  log << "   Monte Carlo against the closed forms: " << mc_points << " points, largest |z| " << num(worst_z) << '\n';
  report["csv"] = {{"ber_vs_pulse", csv_pulse.str()}, {"ber_vs_energy", csv_energy.str()}};
  return report;
}

}  // namespace mrampim

namespace mrampim {

nlohmann::json approx_mlp_study(const Technology& t, const ApproxStudyOptions& o, std::ostream& log) {
  const MtjSwitching m(t.switching);
  const double i = 2 * t.switching.i_c0_uA;  // the energy-optimal current (part 2)
  const WritePulse safe = ApproximateWrites::safe_pulse(m, i, o.reference_ber, o.reference_sigmas);
  const DataSplit data = load_split("mnist", o.data_dir, o.quick ? 2000 : 8000, o.quick ? 500 : 2000, 1);
  ApproxMlpConfig cfg;
  cfg.epochs = o.quick ? 2 : 3;
  const std::vector<unsigned> approx_bits = o.quick ? std::vector<unsigned>{8, 6} : std::vector<unsigned>{8, 7, 6, 5, 4};
  const std::vector<double> bers =
      o.quick ? std::vector<double>{1e-3, 1e-2, 0.1} : std::vector<double>{1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3};
  const unsigned seeds = o.training_seeds;
  const std::string inputs = std::to_string(data.train.pixels_per_image());
  log << "\n3. training under approximate weight writes: a " << inputs << "-" << cfg.hidden << "-10 perceptron, "
      << cfg.weight_bits << "-bit fixed-point weights, MNIST " << data.train.size() << " + " << data.test.size()
      << " images, " << cfg.epochs << " epochs, " << seeds << " seeds; pulses at " << i << " uA (2 I_c0), the "
      << cfg.weight_bits << "-bit words' low bits approximate, the rest at the safe pulse (" << safe.t_ns
      << " ns); pulses priced through the MTJ (R_P, R_AP: an STT weight memory, the seed's); BER: the nominal "
      << "cell's at the approximate pulse, measured: failed over attempted switches of every bit (the safe ones "
      << "included), on the cells with their spread\n";

  auto memory_for = [&](unsigned low, double pulse_ns, std::uint64_t seed) {
    std::vector<WritePulse> p(cfg.weight_bits, safe);
    for (unsigned b = 0; b < low; ++b) p[b] = WritePulse{i, pulse_ns};
    return ApproximateWrites(m, t.device.r_on_ohm, t.device.r_off_ohm, p, seed, true);
  };
  std::vector<double> base_acc, ref_energy;
  for (unsigned s = 1; s <= seeds; ++s) {
    cfg.seed = s;
    base_acc.push_back(train_approximate_mlp(data, cfg, nullptr).test_accuracy);
    ApproximateWrites ref = memory_for(0, safe.t_ns, s);
    ref_energy.push_back(train_approximate_mlp(data, cfg, &ref).writes.energy_fJ);
  }
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / double(v.size());
  };
  auto spread = [&](const std::vector<double>& v) {
    const double mu = mean(v);
    double s = 0;
    for (double x : v) s += (x - mu) * (x - mu);
    return v.size() > 1 ? std::sqrt(s / double(v.size() - 1)) : 0.0;
  };
  const double a0 = mean(base_acc), e_ref = mean(ref_energy);
  log << "   error-free accuracy " << num(100 * a0) << "% (seeds' spread " << num(100 * spread(base_acc))
      << " points); safe writes' programming energy " << num(e_ref * 1e-6) << " nJ\n"
      << "   approximate bits   BER      measured   pulse ns   accuracy   loss (points)   energy saving\n";
  nlohmann::json grid = nlohmann::json::array();
  nlohmann::json best;
  for (const unsigned low : approx_bits) {
    for (const double ber : bers) {
      const double pulse = m.pulse_for(i, ber);
      std::vector<double> acc, energy, saving;
      nlohmann::json per_seed = nlohmann::json::array();
      std::uint64_t failed = 0, attempted = 0;
      for (unsigned s = 1; s <= seeds; ++s) {
        cfg.seed = s;
        ApproximateWrites mem = memory_for(low, pulse, s);
        const ApproxMlpResult r = train_approximate_mlp(data, cfg, &mem);
        acc.push_back(r.test_accuracy);
        energy.push_back(r.writes.energy_fJ);
        saving.push_back(1 - r.writes.energy_fJ / ref_energy[s - 1]);
        failed += r.writes.failed;
        attempted += r.writes.attempted;
        per_seed.push_back({{"seed", s}, {"accuracy", r.test_accuracy}, {"baseline_accuracy", base_acc[s - 1]},
                            {"programming_energy_fJ", r.writes.energy_fJ}, {"saving", saving.back()}});
      }
      const double loss = 100 * (a0 - mean(acc)), sv = 1 - mean(energy) / e_ref;
      const double measured = attempted ? double(failed) / double(attempted) : 0.0;
      nlohmann::json point{{"approximate_bits", low},
                           {"ber", ber},
                           {"ber_measured", measured},
                           {"pulse_ns", pulse},
                           {"current_over_critical", i / t.switching.i_c0_uA},
                           {"accuracy", mean(acc)},
                           {"accuracy_spread_points", 100 * spread(acc)},
                           {"accuracy_loss_points", loss},
                           {"programming_energy_saving", sv},
                           {"saving_spread", spread(saving)},
                           {"failed_writes", failed},
                           {"attempted_writes", attempted},
                           {"seeds", per_seed}};
      char line[160];
      std::snprintf(line, sizeof line, "   %16u   %-7s  %-9s  %8.2f   %7.2f%%   %13.2f   %12.1f%%\n", low,
                    num(ber).c_str(), num(measured).c_str(), pulse, 100 * mean(acc), loss, 100 * sv);
      log << line;
      if (loss <= 1.0 && (best.is_null() || sv > best["programming_energy_saving"].get<double>())) best = point;
      grid.push_back(point);
    }
  }
  nlohmann::json out{{"network", inputs + "-" + std::to_string(cfg.hidden) + "-10 perceptron, " +
                                     std::to_string(cfg.weight_bits) + "-bit fixed-point weights"},
                     {"dataset", "mnist"},
                     {"train_samples", data.train.size()},
                     {"test_samples", data.test.size()},
                     {"epochs", cfg.epochs},
                     {"seeds", seeds},
                     {"baseline_accuracy", a0},
                     {"baseline_accuracy_per_seed", base_acc},
                     {"reference",
                      {{"current_uA", safe.i_uA},
                       {"pulse_ns", safe.t_ns},
                       {"definition", "every bit at the shortest pulse whose error rate is at most " + num(o.reference_ber) +
                                          " for a cell " + num(o.reference_sigmas) +
                                          " sigmas harder to switch (I_c0 and Delta)"},
                       {"programming_energy_fJ", e_ref}}},
                     {"variation_sigma", t.switching.sigma_i_c0},
                     {"grid", grid}};
  // The limits: every bit of the word approximate, half of the switches
  // failing, then nearly all. A failed write keeps its bit, so at 0.5 half
  // the intended flips still land (docs/approximate-writes.md).
  nlohmann::json limits = nlohmann::json::array();
  for (const double ber : {0.5, 0.999}) {
    std::vector<double> acc;
    for (unsigned s = 1; s <= seeds; ++s) {
      cfg.seed = s;
      ApproximateWrites mem = memory_for(cfg.weight_bits, m.pulse_for(i, ber), s);
      acc.push_back(train_approximate_mlp(data, cfg, &mem).test_accuracy);
    }
    limits.push_back({{"approximate_bits", cfg.weight_bits}, {"ber", ber}, {"accuracy", mean(acc)},
                      {"accuracy_per_seed", acc}});
    log << "   limit: all " << cfg.weight_bits << " bits at BER " << num(ber) << ": accuracy " << num(100 * mean(acc))
        << "% (chance 10%)\n";
  }
  out["limits"] = limits;
  if (!best.is_null()) {
    out["operating_point"] = best;
    out["operating_point"]["baseline_accuracy"] = a0;
    out["operating_point"]["variation_sigma"] = t.switching.sigma_i_c0;
    log << "   operating point (largest saving at <= 1 point lost): low " << best["approximate_bits"].get<unsigned>()
        << " bits at BER " << num(best["ber"].get<double>()) << " (measured "
        << num(best["ber_measured"].get<double>()) << "; " << num(best["pulse_ns"].get<double>())
        << " ns at 2 I_c0): accuracy " << num(100 * best["accuracy"].get<double>()) << "% against "
        << num(100 * a0) << "%, programming energy saved " << num(100 * best["programming_energy_saving"].get<double>())
        << "% (seed's headline: 74%)\n";
  } else {
    log << "   no grid point keeps accuracy within 1 point\n";
  }
  return out;
}

}  // namespace mrampim

namespace mrampim {

namespace {

// A word for the shell, in single quotes (a quote inside closed and escaped).
std::string shell_quoted(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// One training run of `exe` with `args`; its report's first run. A stale
// report is removed first, and one that does not parse is a failed run.
nlohmann::json train_run_report(const std::string& exe, const std::string& args, const std::string& report) {
  std::remove(report.c_str());
  const std::string cmd = shell_quoted(exe) + " --workload train --tech sot-mram-1t1r " + args + " --report " +
                          shell_quoted(report) + " > /dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  std::ifstream in(report);
  if (status != 0 || !in) throw std::runtime_error("approx-study: a LeNet training run failed: " + cmd);
  try {
    nlohmann::json run = nlohmann::json::parse(in).at("runs").at(0);
    std::remove(report.c_str());
    return run;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("approx-study: the report of " + cmd + " does not read: " + e.what());
  }
}

double accuracy_of(const nlohmann::json& run) { return run["test_accuracy"].back().get<double>(); }

}  // namespace

nlohmann::json approx_lenet_study(const ApproxStudyOptions& o, std::ostream& log, const std::string& exe) {
  const Technology sot = load_technology("sot-mram-1t1r");
  const std::size_t train = o.quick ? 4000 : 8000, test = o.quick ? 500 : 2000;
  const std::uint32_t epochs = o.quick ? 1 : 3;
  const std::vector<unsigned> bits = o.quick ? std::vector<unsigned>{20, 12} : std::vector<unsigned>{23, 20, 16, 12};
  const std::vector<double> bers = o.quick ? std::vector<double>{1e-2, 0.3} : std::vector<double>{1e-3, 1e-2, 0.1, 0.3};
  const unsigned seeds = o.training_seeds;
  // Fast mode's declared energy basis: the fast kernels; the training's
  // counted energy is then its upper bound (docs/training.md), which only the
  // whole-training share below uses.
  const std::string base = "--energy declared --epochs " + std::to_string(epochs) + " --train-samples " + std::to_string(train) +
                           " --test-samples " + std::to_string(test) + " --data-dir " + shell_quoted(o.data_dir) + " ";
  const std::string report = (std::filesystem::temp_directory_path() /
                              ("mrampim-approx-lenet-" + std::to_string(::getpid()) + ".json")).string();
  log << "\n3b. training under approximate weight writes: the fp32 LeNet on sot-mram-1t1r (fast mode, declared "
      << "energy basis), MNIST "
      << train << " + " << test << " images, " << epochs << " epoch(s), " << seeds << " seeds; each SGD update's "
      << "weight words through the weight memory at " << sot.device.i_write_uA
      << " uA, the low mantissa bits approximate, sign, exponent and "
      << "top mantissa bits at the safe pulse; measured: failed over attempted switches of every weight bit\n";
  std::vector<double> base_acc, ref_prog, ref_total;
  double safe_ns = 0;
  for (unsigned s = 1; s <= seeds; ++s) {
    const std::string seed = "--seed " + std::to_string(s) + " ";
    base_acc.push_back(accuracy_of(train_run_report(exe, base + seed, report)));
    const nlohmann::json ref = train_run_report(exe, base + seed + "--weight-write-safe", report);
    ref_prog.push_back(ref["weight_writes"]["programming_energy_pJ"].get<double>());
    ref_total.push_back(ref["counted"]["energy_pJ"].get<double>() + ref_prog.back());
    safe_ns = ref["weight_writes"]["safe_pulse_ns"].get<double>();
  }
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / double(v.size());
  };
  const double a0 = mean(base_acc), e_ref = mean(ref_prog), whole_ref = mean(ref_total);
  log << "   error-free accuracy " << num(100 * a0) << "%; safe weight writes (" << num(safe_ns) << " ns): "
      << num(e_ref * 1e-3) << " nJ of programming, " << num(100 * e_ref / whole_ref)
      << "% of the training's energy with them\n"
      << "   approximate bits   BER      measured   pulse ns   accuracy   loss (points)   programming saved   whole training saved\n";
  nlohmann::json grid = nlohmann::json::array(), best;
  for (const unsigned k : bits) {
    for (const double ber : bers) {
      std::vector<double> acc, prog, whole;
      std::uint64_t failed = 0, attempted = 0;
      double pulse = 0;
      for (unsigned s = 1; s <= seeds; ++s) {
        const nlohmann::json r = train_run_report(
            exe, base + "--seed " + std::to_string(s) + " --weight-write-bits " + std::to_string(k) +
                     " --weight-write-ber " + num(ber), report);
        acc.push_back(accuracy_of(r));
        prog.push_back(r["weight_writes"]["programming_energy_pJ"].get<double>());
        whole.push_back(r["counted"]["energy_pJ"].get<double>() + prog.back());
        failed += r["weight_writes"]["failed"].get<std::uint64_t>();
        attempted += r["weight_writes"]["attempted"].get<std::uint64_t>();
        pulse = r["weight_writes"]["approximate_pulse_ns"].get<double>();
      }
      const double loss = 100 * (a0 - mean(acc)), saved = 1 - mean(prog) / e_ref, whole_saved = 1 - mean(whole) / whole_ref;
      const double measured = attempted ? double(failed) / double(attempted) : 0.0;
      nlohmann::json p{{"approximate_bits", k},          {"ber", ber},
                       {"ber_measured", measured},       {"pulse_ns", pulse},
                       {"current_over_critical", sot.device.i_write_uA / sot.switching.i_c0_uA},
                       {"accuracy", mean(acc)},          {"accuracy_loss_points", loss},
                       {"programming_energy_saving", saved},
                       {"training_energy_saving", whole_saved},
                       {"accuracy_per_seed", acc}};
      char line[200];
      std::snprintf(line, sizeof line, "   %16u   %-7s  %-9s  %8.3f   %7.2f%%   %13.2f   %16.1f%%   %18.5f%%\n", k,
                    num(ber).c_str(), num(measured).c_str(), pulse, 100 * mean(acc), loss, 100 * saved,
                    100 * whole_saved);
      log << line;
      if (loss <= 1.0 && (best.is_null() || saved > best["programming_energy_saving"].get<double>())) best = p;
      grid.push_back(p);
    }
  }
  // The limit: every bit of the fp32 words (sign and exponent too) failing
  // half of its switches. One seed: the weights turn NaN within the first
  // updates, and fast mode computes NaN lanes one by one (by the reference,
  // for the model's NaN payloads), some 50x slower than a sane run.
  std::vector<double> limit_acc;
  limit_acc.push_back(
      accuracy_of(train_run_report(exe, base + "--seed 1 --weight-write-class all --weight-write-ber 0.5", report)));
  log << "   limit: all 32 bits at BER 0.5 (seed 1): accuracy " << num(100 * mean(limit_acc)) << "% (chance 10%)\n";
  std::remove(report.c_str());
  nlohmann::json out{{"network", "the fp32 LeNet of docs/training.md on sot-mram-1t1r"},
                     {"limits", nlohmann::json::array({{{"approximate_bits", 32}, {"ber", 0.5},
                                                        {"accuracy", mean(limit_acc)},
                                                        {"accuracy_per_seed", limit_acc}}})},
                     {"train_samples", train},
                     {"test_samples", test},
                     {"epochs", epochs},
                     {"seeds", seeds},
                     {"baseline_accuracy", a0},
                     {"baseline_accuracy_per_seed", base_acc},
                     {"reference", {{"pulse_ns", safe_ns}, {"programming_energy_pJ", e_ref},
                                    {"training_energy_pJ", whole_ref}}},
                     {"grid", grid}};
  if (!best.is_null()) {
    out["operating_point"] = best;
    out["operating_point"]["baseline_accuracy"] = a0;
    out["operating_point"]["variation_sigma"] = sot.switching.sigma_i_c0;
    log << "   operating point (largest programming saving at <= 1 point lost): low "
        << best["approximate_bits"].get<unsigned>() << " bits at BER " << num(best["ber"].get<double>()) << ": "
        << num(100 * best["programming_energy_saving"].get<double>()) << "% of the weight programming saved, "
        << num(100 * best["training_energy_saving"].get<double>()) << "% of the whole training's energy\n";
  } else {
    log << "   no grid point keeps accuracy within 1 point\n";
  }
  return out;
}

}  // namespace mrampim
