#include "analog_tile/analog_params.hpp"

#include <fstream>
#include <sstream>

#include "tech/embedded_technologies.hpp"

namespace mrampim {

namespace {

using config::Entries;
using config::Entry;

enum class Kind { Positive, NonNegative, Count };

// The schema: key, unit, kind, where the value lands, meaning. Parsing,
// validation and analog_tile_schema() follow from it.
struct Param {
  const char* key;
  const char* unit;
  Kind kind;
  double& (*real)(AnalogTileParams&);
  std::uint32_t& (*count)(AnalogTileParams&);
  const char* meaning;
};

#define MRAMPIM_REAL(path) [](AnalogTileParams& t) -> double& { return t.path; }, nullptr
#define MRAMPIM_COUNT(path) nullptr, [](AnalogTileParams& t) -> std::uint32_t& { return t.path; }

const Param kParams[] = {
    {"tile.inputs", "inputs", Kind::Count, MRAMPIM_COUNT(inputs), "inputs of the first layer (image pixels)"},
    {"tile.hidden", "neurons", Kind::Count, MRAMPIM_COUNT(hidden), "hidden neurons"},
    {"tile.outputs", "neurons", Kind::Count, MRAMPIM_COUNT(outputs), "output neurons (classes)"},
    {"inverter.vdd_V", "V", Kind::Positive, MRAMPIM_REAL(inverter.vdd_V), "the neuron's rails are +vdd and -vdd"},
    {"inverter.vth_V", "V", Kind::Positive, MRAMPIM_REAL(inverter.vth_V), "threshold voltage magnitude"},
    {"inverter.i_on_uA_per_fin", "uA", Kind::Positive, MRAMPIM_REAL(inverter.i_on_uA_per_fin),
     "saturation current per fin at |V_gs| = |V_ds| = vdd"},
    {"inverter.alpha", "-", Kind::Positive, MRAMPIM_REAL(inverter.alpha), "alpha-power-law index"},
    {"inverter.lambda_per_V", "1/V", Kind::Positive, MRAMPIM_REAL(inverter.lambda_per_V),
     "channel-length modulation (the inverter's finite gain)"},
    {"inverter.vdsat_over_vov", "-", Kind::Positive, MRAMPIM_REAL(inverter.vdsat_over_vov),
     "saturation voltage over overdrive (below 1: velocity saturation)"},
    {"inverter.subthreshold_mV_per_decade", "mV/dec", Kind::Positive,
     MRAMPIM_REAL(inverter.subthreshold_mV_per_decade), "subthreshold swing"},
    {"inverter.fins", "fins", Kind::Count, MRAMPIM_COUNT(inverter.fins), "fins per transistor"},
    {"inverter.c_gate_fF_per_fin", "fF", Kind::Positive, MRAMPIM_REAL(inverter.c_gate_fF_per_fin),
     "gate capacitance per fin"},
    {"inverter.fin_pitch_nm", "nm", Kind::Positive, MRAMPIM_REAL(inverter.fin_pitch_nm), "fin pitch"},
    {"inverter.gate_pitch_nm", "nm", Kind::Positive, MRAMPIM_REAL(inverter.gate_pitch_nm), "contacted gate pitch"},
    {"neuron.r_in_ohm", "ohm", Kind::Positive, MRAMPIM_REAL(neuron.r_in_ohm),
     "input MTJ (parallel state), amplifier to inverter input"},
    {"neuron.r_feedback_ohm", "ohm", Kind::Positive, MRAMPIM_REAL(neuron.r_feedback_ohm),
     "feedback MTJ (antiparallel state), inverter output to input"},
    {"synapse.r_low_ohm", "ohm", Kind::Positive, MRAMPIM_REAL(synapse.r_low_ohm), "synapse MTJ, parallel state"},
    {"synapse.r_high_ohm", "ohm", Kind::Positive, MRAMPIM_REAL(synapse.r_high_ohm), "synapse MTJ, antiparallel state"},
    {"synapse.r_wire_ohm", "ohm", Kind::NonNegative, MRAMPIM_REAL(synapse.r_wire_ohm),
     "column line resistance per cell pitch (0: ideal lines)"},
    {"synapse.c_wire_fF", "fF", Kind::Positive, MRAMPIM_REAL(synapse.c_wire_fF), "column line capacitance per cell"},
    {"synapse.rows_per_subarray", "rows", Kind::Count, MRAMPIM_COUNT(synapse.rows_per_subarray),
     "rows of a synapse subarray: a column line's length"},
    {"amplifier.settle_ns", "ns", Kind::Positive, MRAMPIM_REAL(amplifier.settle_ns), "amplifier settling time"},
    {"amplifier.power_uW", "uW", Kind::NonNegative, MRAMPIM_REAL(amplifier.power_uW), "amplifier static power"},
    {"amplifier.area_um2", "um2", Kind::NonNegative, MRAMPIM_REAL(amplifier.area_um2), "amplifier area"},
    {"variation.sigma_r", "fraction", Kind::NonNegative, MRAMPIM_REAL(variation.sigma_r),
     "relative spread of every MTJ's resistance"},
    {"variation.seed", "seed", Kind::Count, MRAMPIM_COUNT(variation.seed), "seed of the devices' draws"},
    {"mixed_signal.bit_serial", "0/1", Kind::Count, MRAMPIM_COUNT(mixed_signal.bit_serial),
     "1: hidden activations drive the second array a bit-plane at a time; 0: through an ideal, unpriced DAC"},
    {"mixed_signal.activation_bits", "bits", Kind::Count, MRAMPIM_COUNT(mixed_signal.activation_bits),
     "the digital sigmoid's output word (two's complement)"},
    {"mixed_signal.adc_bits", "bits", Kind::Count, MRAMPIM_COUNT(mixed_signal.adc_bits), "column converter resolution"},
    {"mixed_signal.adc_conversion_ns", "ns", Kind::Positive, MRAMPIM_REAL(mixed_signal.adc_conversion_ns),
     "one conversion"},
    {"mixed_signal.adc_energy_pJ", "pJ", Kind::Positive, MRAMPIM_REAL(mixed_signal.adc_energy_pJ), "per conversion"},
    {"mixed_signal.adc_area_um2", "um2", Kind::Positive, MRAMPIM_REAL(mixed_signal.adc_area_um2), "one converter"},
    {"mixed_signal.sigmoid_ns", "ns", Kind::Positive, MRAMPIM_REAL(mixed_signal.sigmoid_ns),
     "digital sigmoid per layer"},
    {"mixed_signal.sigmoid_energy_pJ", "pJ", Kind::Positive, MRAMPIM_REAL(mixed_signal.sigmoid_energy_pJ),
     "digital sigmoid per neuron"},
};

#undef MRAMPIM_REAL
#undef MRAMPIM_COUNT

constexpr const char* kNameKey = "tile.name";
constexpr const char* kCellTechKey = "tile.cell_technology";

std::string embedded_list() {
  std::string out;
  for (const auto& n : embedded_analog_tile_names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

AnalogTileParams build(Entries entries, const std::string& origin, const std::vector<std::string>& overrides) {
  config::apply_overrides(entries, overrides, origin);
  AnalogTileParams t;
  t.source = origin;
  auto take_text = [&](const char* key) {
    const auto it = entries.find(key);
    if (it == entries.end()) throw ConfigError("missing key '" + std::string(key) + "' in " + origin);
    Entry e = it->second;
    entries.erase(it);
    if (e.value.empty()) throw ConfigError("key '" + std::string(key) + "' is empty in " + e.origin);
    return e;
  };
  t.name = take_text(kNameKey).value;
  t.cell_technology = take_text(kCellTechKey).value;
  std::string ratio_origin, neuron_origin;
  for (const Param& p : kParams) {
    const auto it = entries.find(p.key);
    if (it == entries.end()) throw ConfigError("missing key '" + std::string(p.key) + "' in " + origin);
    if (p.kind == Kind::Count) {
      p.count(t) = config::parse_count(it->second, p.key);
    } else {
      p.real(t) = config::parse_real(it->second, p.key, p.kind == Kind::NonNegative);
    }
    if (std::string(p.key) == "synapse.r_high_ohm") ratio_origin = it->second.origin;
    if (std::string(p.key) == "neuron.r_feedback_ohm") neuron_origin = it->second.origin;
    entries.erase(it);
  }
  if (!entries.empty()) {
    const auto& [k, e] = *entries.begin();
    throw ConfigError("unknown key '" + k + "' in " + e.origin + " (docs/analog-mlp.md and platforms/analog/zand-mlp.cfg list the keys)");
  }
  // A binarized synapse is told apart by its two states, and the neuron's
  // gain is the ratio of its two MTJs: both must exceed 1.
  if (t.synapse.r_high_ohm <= t.synapse.r_low_ohm) {
    throw ConfigError("keys 'synapse.r_high_ohm' and 'synapse.r_low_ohm' (" + ratio_origin +
                      "): the resistance ratio must exceed 1 (the antiparallel state is the higher)");
  }
  if (t.neuron.r_feedback_ohm <= t.neuron.r_in_ohm) {
    throw ConfigError("keys 'neuron.r_feedback_ohm' and 'neuron.r_in_ohm' (" + neuron_origin +
                      "): the resistance ratio must exceed 1 (it is the neuron's gain)");
  }
  if (t.inverter.vth_V >= t.inverter.vdd_V) {
    throw ConfigError("keys 'inverter.vth_V' and 'inverter.vdd_V' in " + origin + ": the threshold must be below vdd");
  }
  if (t.variation.sigma_r > 0.3) {
    throw ConfigError("key 'variation.sigma_r' in " + origin + ": at most 0.3 (a spread of 30% in every MTJ)");
  }
  // Every weight is two MTJs the model keeps: bounded so a description
  // cannot ask for more memory than a machine has.
  const double weights = (double(t.inputs) + 1) * t.hidden + (double(t.hidden) + 1) * t.outputs;
  if (weights > double(1 << 24)) {
    throw ConfigError("keys 'tile.inputs', 'tile.hidden' and 'tile.outputs' in " + origin + ": " +
                      std::to_string(std::uint64_t(weights)) + " weights, at most 16777216");
  }
  if (t.mixed_signal.bit_serial > 1) {
    throw ConfigError("key 'mixed_signal.bit_serial' in " + origin + ": 0 or 1");
  }
  if (t.mixed_signal.activation_bits < 2 || t.mixed_signal.activation_bits > 16) {
    throw ConfigError("key 'mixed_signal.activation_bits' in " + origin + ": 2 to 16 (a sign and a magnitude bit at least)");
  }
  if (t.mixed_signal.adc_bits > 16) {
    throw ConfigError("key 'mixed_signal.adc_bits' in " + origin + ": at most 16");
  }
  return t;
}

}  // namespace

std::vector<AnalogParamInfo> analog_tile_schema() {
  std::vector<AnalogParamInfo> out{{kNameKey, "text", "name used in reports"},
                                   {kCellTechKey, "technology", "digital technology whose SOT write path programs the MTJs"}};
  for (const Param& p : kParams) out.push_back({p.key, p.unit, p.meaning});
  return out;
}

std::vector<std::string> embedded_analog_tile_names() {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < detail::kEmbeddedAnalogTileCount; ++i) out.emplace_back(detail::kEmbeddedAnalogTiles[i].name);
  return out;
}

AnalogTileParams load_analog_tile(const std::string& name_or_path, const std::vector<std::string>& overrides) {
  const bool path = name_or_path.find('/') != std::string::npos ||
                    (name_or_path.size() > 4 && name_or_path.compare(name_or_path.size() - 4, 4, ".cfg") == 0);
  if (!path) {
    for (std::size_t i = 0; i < detail::kEmbeddedAnalogTileCount; ++i) {
      const auto& e = detail::kEmbeddedAnalogTiles[i];
      if (name_or_path == e.name) return parse_analog_tile(e.text, std::string(e.path) + " (embedded)", overrides);
    }
    throw ConfigError("unknown analog tile '" + name_or_path + "': not a file and not one of " + embedded_list());
  }
  std::ifstream in(name_or_path);
  if (!in) throw ConfigError("cannot open analog tile file '" + name_or_path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_analog_tile(ss.str(), name_or_path, overrides);
}

AnalogTileParams parse_analog_tile(const std::string& text, const std::string& origin,
                                   const std::vector<std::string>& overrides) {
  return build(config::read_entries(text, origin), origin, overrides);
}

}  // namespace mrampim
