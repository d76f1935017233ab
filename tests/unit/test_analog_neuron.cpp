// The analog tile's description and its neuron (analog-MLP facts sec. 3):
// the inverter's currents by hand, the neuron's operating point satisfying
// Kirchhoff's law, a sigmoidal decreasing transfer curve whose centre slope
// is the circuit's small-signal equation, moved by the MTJs' resistances.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "analog_tile/analog_params.hpp"
#include "neuron/sot_sigmoid_neuron.hpp"

using namespace mrampim;
using Catch::Matchers::Contains;

namespace {

// R^2 of the best logistic V = p + q / (1 + exp((x - c) / s)) through the
// points: for each (c, s) on a grid the amplitude and offset are a linear
// least-squares fit; the best R^2 over the grid.
double logistic_r2(const std::vector<double>& x, const std::vector<double>& y) {
  double mean = 0;
  for (double v : y) mean += v;
  mean /= double(y.size());
  double tss = 0;
  for (double v : y) tss += (v - mean) * (v - mean);
  double best = -1;
  for (double c = -0.1; c <= 0.1; c += 0.005) {
    for (double s = 0.02; s <= 0.6; s *= 1.02) {
      double sf = 0, sff = 0, sy = 0, sfy = 0;
      const double n = double(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double f = 1 / (1 + std::exp((x[i] - c) / s));
        sf += f, sff += f * f, sy += y[i], sfy += f * y[i];
      }
      const double q = (n * sfy - sf * sy) / (n * sff - sf * sf), p = (sy - q * sf) / n;
      double rss = 0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double e = y[i] - (p + q / (1 + std::exp((x[i] - c) / s)));
        rss += e * e;
      }
      best = std::max(best, 1 - rss / tss);
    }
  }
  return best;
}

}  // namespace

TEST_CASE("the analog tile's description loads, and bad values are refused naming their keys", "[analog][neuron]") {
  const AnalogTileParams t = load_analog_tile("zand-mlp");
  CHECK(t.name == "zand-mlp");
  CHECK(t.inputs == 784);
  CHECK(t.hidden == 16);
  CHECK(t.outputs == 10);
  CHECK(t.neuron.r_feedback_ohm / t.neuron.r_in_ohm == Approx(3.0).epsilon(1e-6));  // [SIM]: TMR 200%
  CHECK(t.synapse.r_high_ohm / t.synapse.r_low_ohm == Approx(3.0));
  auto refused = [](const std::vector<std::string>& set, const char* needle) {
    CAPTURE(set.front());
    try {
      load_analog_tile("zand-mlp", set);
      FAIL("accepted");
    } catch (const ConfigError& e) {
      CHECK_THAT(e.what(), Contains(needle));
    }
  };
  refused({"synapse.r_high_ohm=5000"}, "synapse.r_high_ohm");
  refused({"neuron.r_feedback_ohm=8000"}, "neuron.r_feedback_ohm");
  refused({"neuron.r_in_ohm=-1"}, "neuron.r_in_ohm");
  refused({"tile.hidden=0"}, "tile.hidden");
  refused({"synapse.bogus=1"}, "synapse.bogus");
  refused({"variation.sigma_r=0.5"}, "variation.sigma_r");
  refused({"tile.inputs=1000000", "tile.hidden=1000"}, "tile.hidden");
  refused({"mixed_signal.bit_serial=2"}, "mixed_signal.bit_serial");
  refused({"mixed_signal.activation_bits=1"}, "mixed_signal.activation_bits");
  CHECK_THROWS_AS(load_analog_tile("no-such-tile"), ConfigError);
  for (const auto& p : analog_tile_schema()) CHECK_FALSE(p.meaning.empty());
}

TEST_CASE("the inverter: one fin carries i_on at full drive, matched transistors switch at 0", "[analog][neuron]") {
  const AnalogTileParams t = load_analog_tile("zand-mlp");
  const CmosInverter inv(t.inverter);
  // Input and output at 0: each transistor sees |V_gs| = |V_ds| = vdd.
  CHECK(inv.pull_down_A(0, 0) == Approx(t.inverter.fins * t.inverter.i_on_uA_per_fin * 1e-6));
  CHECK(inv.pull_up_A(0, 0) == Approx(inv.pull_down_A(0, 0)));
  CHECK(inv.switching_voltage_V() == Approx(0).margin(1e-9));
  // Off below threshold: a decade per subthreshold swing.
  const double i1 = inv.pull_down_A(-0.8 + 0.05, 0), i2 = inv.pull_down_A(-0.8 + 0.05 + 0.07, 0);
  CHECK(i2 / i1 == Approx(10).epsilon(0.1));
  // Gain: the transistors' g_m over their g_ds; in saturation g_m = alpha I / V_ov, g_ds = lambda I / (1 + lambda V_ds).
  CHECK(inv.gain() > 20);
  CHECK(inv.area_um2() == Approx(2 * 10 * 0.042 * 2 * 0.070));
}

TEST_CASE("the neuron's operating point satisfies Kirchhoff's law at both nodes", "[analog][neuron]") {
  const AnalogTileParams t = load_analog_tile("zand-mlp");
  const CmosInverter inv(t.inverter);
  const SotSigmoidNeuron n(inv, t.neuron.r_in_ohm, t.neuron.r_feedback_ohm);
  for (double v = -0.8; v <= 0.8; v += 0.05) {
    const NeuronPoint p = n.solve(v);
    CAPTURE(v);
    // Input node: no gate current.
    CHECK((v - p.v_node_V) / t.neuron.r_in_ohm + (p.v_out_V - p.v_node_V) / t.neuron.r_feedback_ohm ==
          Approx(0).margin(1e-9));
    // Output node: pull-up less pull-down is the feedback MTJ's current.
    const double residual = inv.pull_up_A(p.v_node_V, p.v_out_V) - inv.pull_down_A(p.v_node_V, p.v_out_V) -
                            (p.v_out_V - p.v_node_V) / t.neuron.r_feedback_ohm;
    CHECK(residual == Approx(0).margin(1e-9));
    CHECK(p.power_W > 0);
  }
  CHECK_THROWS_AS(n.solve(0.9), std::invalid_argument);
  CHECK_THROWS_AS(SotSigmoidNeuron(inv, 10e3, 5e3), std::invalid_argument);
}

TEST_CASE("the neuron's transfer curve is a decreasing sigmoid whose slope the MTJs' ratio sets", "[analog][neuron]") {
  for (const double r_f : {16976.52, 25464.79, 33953.04}) {  // ratios 2, 3, 4 over r_in = 8488.26
    CAPTURE(r_f);
    const AnalogTileParams t = load_analog_tile("zand-mlp", {"neuron.r_feedback_ohm=" + std::to_string(r_f)});
    const CmosInverter inv(t.inverter);
    const SotSigmoidNeuron n(inv, t.neuron.r_in_ohm, t.neuron.r_feedback_ohm);
    std::vector<double> x, y;
    for (int i = 0; i <= 160; ++i) {
      x.push_back(-0.8 + 0.01 * i);
      y.push_back(n.output_V(x.back()));
    }
    for (std::size_t i = 1; i < y.size(); ++i) CHECK(y[i] < y[i - 1]);
    CHECK(logistic_r2(x, y) >= 0.99);
    // The centre slope is the circuit's small-signal equation, and tends to
    // the ratio as the inverter's gain grows.
    CHECK(n.centre_slope() == Approx(n.centre_slope_formula()).epsilon(0.01));
    CHECK(-n.centre_slope() < n.ratio());
    CHECK(-n.centre_slope() > 0.75 * n.ratio());
    CHECK(n.logistic_scale_V() == Approx(0.8 / (2 * std::abs(n.centre_slope()))));
  }
  // More gain in the inverter, closer to the ratio: within the facts' 10%
  // (sec. 7.1) once the transistors' g_ds is small; what remains is the
  // feedback MTJ loading the output (the 1/r_f terms).
  const AnalogTileParams t = load_analog_tile("zand-mlp");
  const AnalogTileParams hi = load_analog_tile("zand-mlp", {"inverter.lambda_per_V=0.005"});
  const CmosInverter inv(t.inverter), inv_hi(hi.inverter);
  const SotSigmoidNeuron n(inv, t.neuron.r_in_ohm, t.neuron.r_feedback_ohm);
  const SotSigmoidNeuron n_hi(inv_hi, t.neuron.r_in_ohm, t.neuron.r_feedback_ohm);
  CHECK(-n_hi.centre_slope() > -n.centre_slope());
  CHECK(-n_hi.centre_slope() == Approx(3.0).epsilon(0.1));
}
