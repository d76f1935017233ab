// The analog tile's arrays and network (analog-MLP facts sec. 4, 5): line
// currents by hand (ideal and resistive lines), programming counts and
// refusals, the host's binarized training, the weight file, and the tile's
// circuit against the ideal network with the same weights.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "analog_tile/analog_mlp.hpp"
#include "analog_tile/mixed_signal_mlp.hpp"
#include "support/fnv1a.hpp"

using namespace mrampim;
using Catch::Matchers::Contains;

namespace {

SynapseParams synapse(double r_wire, std::uint32_t rows_per_subarray = 64) {
  SynapseParams s;
  s.r_low_ohm = 5000;
  s.r_high_ohm = 15000;
  s.r_wire_ohm = r_wire;
  s.c_wire_fF = 0.2;
  s.rows_per_subarray = rows_per_subarray;
  return s;
}

const DataSplit& data() {
  static const DataSplit d = load_split("mnist", default_data_dir(), 8000, 2000, 1);
  return d;
}

const BinarizedResult& trained() {
  static const BinarizedResult r = [] {
    BinarizedTraining c;
    c.epochs = 6;
    return train_binarized_mlp(data().train, c);
  }();
  return r;
}

}  // namespace

TEST_CASE("a synapse column's two line currents: the weighted sum by Ohm's law", "[analog][synapse]") {
  BinarySynapseArray a(synapse(0), VariationParams{}, 2, 1, 7);
  a.program({1, -1, 1});  // rows 0, 1 and the bias row
  const double v[] = {0.8, 0.8, 0.8};
  double ip = 0, in = 0;
  const double power = a.evaluate(v, 0.8, &ip, &in);
  // Positive line: R_low, R_high, R_low; negative: R_high, R_low, R_high.
  CHECK(ip == Approx(0.8 / 5000 + 0.8 / 15000 + 0.8 / 5000));
  CHECK(in == Approx(0.8 / 15000 + 0.8 / 5000 + 0.8 / 15000));
  CHECK(ip - in == Approx(a.unit_current_A(0.8)));  // +1 -1 +1: one unit
  CHECK(power == Approx(0.8 * (ip + in)));
  CHECK(a.devices_written() == 6);
  a.program({1, 1, 1});  // one weight changes: its two devices
  CHECK(a.devices_written() == 8);
  // Refused, and nothing changes.
  CHECK_THROWS_AS(a.program({1, 1}), std::invalid_argument);
  CHECK_THROWS_AS(a.program({1, 0, 1}), std::invalid_argument);
  CHECK(a.weights() == std::vector<std::int8_t>{1, 1, 1});
  CHECK(a.devices_written() == 8);
}

TEST_CASE("a resistive line: the ladder's current by hand, and subarrays shorten the lines", "[analog][synapse]") {
  // Two devices, one wire between them and one to the amplifier (virtual
  // ground). Node 1 (next to the amplifier) at u1, node 0 at u0:
  //   g0 (v0 - u0) = G (u0 - u1),  g1 (v1 - u1) + G (u0 - u1) = G u1.
  const double G = 1 / 100.0, g0 = 1 / 5000.0, g1 = 1 / 5000.0, v0 = 0.8, v1 = 0.8;
  // Solve the 2x2 system by Cramer's rule.
  const double a11 = g0 + G, a12 = -G, a21 = -G, a22 = g1 + 2 * G, b1 = g0 * v0, b2 = g1 * v1;
  const double det = a11 * a22 - a12 * a21;
  const double u1 = (a11 * b2 - a21 * b1) / det;
  BinarySynapseArray a(synapse(100, 64), VariationParams{}, 1, 1, 1);
  a.program({1, 1});
  double ip = 0, in = 0;
  const double v[] = {v0, v1};
  a.evaluate(v, 0.8, &ip, &in);
  CHECK(ip == Approx(u1 * G));
  CHECK(ip < 2 * 0.8 / 5000);  // the line costs current
  // The same two rows in subarrays of one row each: each device alone on a
  // one-pitch segment, g v / (1 + g r_wire).
  BinarySynapseArray b(synapse(100, 1), VariationParams{}, 1, 1, 1);
  b.program({1, 1});
  b.evaluate(v, 0.8, &ip, &in);
  CHECK(ip == Approx(2 * 0.8 / (5000 + 100)));
}

TEST_CASE("device variation is drawn once per device from the seed", "[analog][synapse]") {
  const VariationParams v{0.1, 3};
  BinarySynapseArray a(synapse(0), v, 50, 4, 9), b(synapse(0), v, 50, 4, 9), c(synapse(0), VariationParams{0.1, 4}, 50, 4, 9);
  std::vector<std::int8_t> w(51 * 4, 1);
  a.program(w);
  b.program(w);
  c.program(w);
  std::vector<double> rows(51, 0.8);
  double ia[4], na[4], ib[4], nb[4], ic[4], nc[4];
  a.evaluate(rows.data(), 0.8, ia, na);
  b.evaluate(rows.data(), 0.8, ib, nb);
  c.evaluate(rows.data(), 0.8, ic, nc);
  CHECK(ia[2] == ib[2]);
  CHECK(ia[2] != ic[2]);
  // 51 devices of 10% spread: the sum within a few percent of nominal.
  CHECK(ia[2] == Approx(51 * 0.8 / 5000).epsilon(0.05));
}

TEST_CASE("the host trains the binarized MLP well above chance, and its weight file round-trips", "[analog][training]") {
  const BinarizedResult& r = trained();
  CHECK(r.epoch_loss.back() < r.epoch_loss.front());
  const double acc = binarized_accuracy(r.net, data().test);
  CHECK(acc > 0.75);
  const std::string dir = std::filesystem::temp_directory_path().string();
  const std::string path = dir + "/mrampim_analog_mlp_weights.json", bad = dir + "/mrampim_analog_mlp_bad.json";
  write_binarized_mlp(r.net, path);
  const BinarizedMlp back = read_binarized_mlp(path);
  CHECK(back.w1 == r.net.w1);
  CHECK(back.w2 == r.net.w2);
  CHECK(back.scale1 == r.net.scale1);
  // A file of the wrong shape is refused, naming the file and the layer.
  {
    std::ofstream out(bad);
    out << R"({"format": "mrampim binarized MLP", "inputs": 784, "hidden": 16, "outputs": 10, "scale1": 0.1, "scale2": 1, "w1": [1, -1], "w2": []})";
  }
  try {
    read_binarized_mlp(bad);
    FAIL("accepted");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Contains("mrampim_analog_mlp_bad.json") && Contains("w1"));
  }
  CHECK_THROWS_AS(read_binarized_mlp("no/such/file.json"), std::runtime_error);
  // No cast turns another number into a weight or a size.
  for (const char* w2 : {"257", "1.7", "true", "0"}) {
    std::ofstream out(bad);
    out << R"({"format": "mrampim binarized MLP", "inputs": 1, "hidden": 1, "outputs": 1, "scale1": 0.1, "scale2": 1, "w1": [1, -1], "w2": [1, )"
        << w2 << "]}";
    out.close();
    CAPTURE(w2);
    try {
      read_binarized_mlp(bad);
      FAIL("accepted");
    } catch (const std::runtime_error& e) {
      CHECK_THAT(e.what(), Contains("w2"));
    }
  }
  {
    std::ofstream out(bad);
    out << R"({"format": "mrampim binarized MLP", "inputs": -1, "hidden": 1, "outputs": 1, "scale1": 0.1, "scale2": 1, "w1": [], "w2": [1, 1]})";
  }
  CHECK_THROWS_WITH(read_binarized_mlp(bad), Contains("inputs"));
  std::remove(path.c_str());
  std::remove(bad.c_str());
}

TEST_CASE("the analog tile classifies as the ideal network with the same weights", "[analog][tile]") {
  const BinarizedResult& r = trained();
  const AnalogTileParams p = load_analog_tile("zand-mlp");
  const Technology cell = load_technology(p.cell_technology);
  AnalogMlp tile(p, cell);
  CHECK_THROWS_AS(tile.infer(data().test.image(0)), std::logic_error);
  tile.program(r.net);
  std::size_t right = 0, ideal = 0;
  const std::size_t n = 1000;
  for (std::size_t s = 0; s < n; ++s) {
    const AnalogInference a = tile.infer(data().test.image(s));
    right += a.predicted == data().test.labels[s];
    ideal += binarized_class(r.net, data().test.image(s)) == data().test.labels[s];
    for (double v : a.output_V) CHECK(std::abs(v) <= 0.8);
  }
  CAPTURE(right, ideal);
  CHECK(std::abs(double(right) - double(ideal)) <= 0.01 * n);  // within 1 point
  // Costs: each from its circuit.
  CHECK(tile.devices_written() == 2 * (785 * 16 + 17 * 10));
  CHECK(tile.latency_ns() > 2 * p.amplifier.settle_ns);
  CHECK(tile.neuron_power_W() > 0);
  CHECK(tile.area_um2() > tile.synapse_area_um2());
  // A network of another shape is refused and the tile keeps its weights.
  BinarizedMlp other = r.net;
  other.hidden = 8;
  other.w1.resize(785 * 8);
  other.w2.resize(9 * 10);
  CHECK_THROWS_AS(tile.program(other), std::invalid_argument);
  CHECK(tile.network().hidden == 16);
  CHECK(tile.infer(data().test.image(0)).predicted == tile.infer(data().test.image(0)).predicted);
  CHECK_THROWS_AS(AnalogMlp(p, load_technology("reram-floatpim")), std::invalid_argument);
}

TEST_CASE("the mixed-signal baseline: a conversion per layer, per bit-plane when the hidden words go bit-serial",
          "[analog][mixed]") {
  const BinarizedResult& r = trained();
  AnalogTileParams p = load_analog_tile("zand-mlp");
  const Technology cell = load_technology(p.cell_technology);
  REQUIRE(p.mixed_signal.bit_serial == 1);  // the design as given has no DAC (docs/analog-mlp.md)
  AnalogMlp tile(p, cell);
  tile.program(r.net);
  const BinarySynapseArray l1(p.synapse, p.variation, 784, 16, 1), l2(p.synapse, p.variation, 16, 10, 2);
  const MixedSignalParams& m = p.mixed_signal;
  const double conversion = p.amplifier.settle_ns + m.adc_conversion_ns;

  MixedSignalMlp serial(p, cell);
  serial.program(r.net, tile.volts_per_unit(0), tile.volts_per_unit(1));
  CHECK(serial.layer_latency_ns(0) == Approx(l1.line_settle_ns() + conversion + m.sigmoid_ns));
  CHECK(serial.layer_latency_ns(1) ==
        Approx(m.activation_bits * (l2.line_settle_ns() + conversion) + m.sigmoid_ns));

  p.mixed_signal.bit_serial = 0;
  MixedSignalMlp dac(p, cell);
  dac.program(r.net, tile.volts_per_unit(0), tile.volts_per_unit(1));
  // The ideal DAC's analog row drivers settle after the hidden layer, as the tile's.
  CHECK(dac.layer_latency_ns(0) == Approx(serial.layer_latency_ns(0) + p.amplifier.settle_ns));
  CHECK(dac.layer_latency_ns(1) == Approx(l2.line_settle_ns() + conversion + m.sigmoid_ns));
  CHECK(dac.area_um2() - serial.area_um2() == Approx(16 * p.amplifier.area_um2));

  // Shift and add recover the second layer's sums: on ideal lines both
  // classify as the ideal network does but where the converters'
  // quantisation decides a near tie.
  p.synapse.r_wire_ohm = 0;
  AnalogMlp ideal_lines(p, cell);
  ideal_lines.program(r.net);
  p.mixed_signal.bit_serial = 1;
  MixedSignalMlp serial0(p, cell);
  serial0.program(r.net, ideal_lines.volts_per_unit(0), ideal_lines.volts_per_unit(1));
  p.mixed_signal.bit_serial = 0;
  MixedSignalMlp dac0(p, cell);
  dac0.program(r.net, ideal_lines.volts_per_unit(0), ideal_lines.volts_per_unit(1));
  std::size_t agree_serial = 0, agree_dac = 0;
  double serial_pJ = 0, dac_pJ = 0;
  const std::size_t n = 1000;
  for (std::size_t s = 0; s < n; ++s) {
    const std::uint32_t ideal = binarized_class(r.net, data().test.image(s));
    const MixedSignalInference a = serial.infer(data().test.image(s)), b = dac.infer(data().test.image(s));
    agree_serial += serial0.infer(data().test.image(s)).predicted == ideal;
    agree_dac += dac0.infer(data().test.image(s)).predicted == ideal;
    serial_pJ += a.energy_pJ;
    dac_pJ += b.energy_pJ;
  }
  CAPTURE(agree_serial, agree_dac);
  CHECK(agree_serial >= 970);
  CHECK(agree_dac >= 970);
  // Bit-serial: (bits - 1) more conversions per output column, and the
  // second layer's arrays and amplifiers on for every plane.
  CHECK((serial_pJ - dac_pJ) / double(n) > 10 * (m.activation_bits - 1) * m.adc_energy_pJ);
}
