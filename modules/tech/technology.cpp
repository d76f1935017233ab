#include "tech/technology.hpp"


#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "circuit/array_circuit.hpp"
#include "sense_amp/sense_amp.hpp"
#include "tech/embedded_technologies.hpp"

namespace mrampim {

const char* to_string(LogicFamily f) {
  switch (f) {
    case LogicFamily::SotStateful: return "sot-mram";
    case LogicFamily::ReramNor: return "reram";
  }
  return "?";
}

ArrayShape ArrayShape::of(const Technology& t) { return ArrayShape{t.family, t.array.cols, t.circuit.partition_cols}; }

namespace {

using config::Entries;
using config::Entry;
using config::apply_overrides;
using config::parse_count;
using config::parse_real;
using config::read_entries;
using config::trim;

enum class Applies { All, Sot, Reram };
// What a value may be: most are physical quantities that cannot be zero; a
// cost the paper's model leaves out may be 0 ("not modelled").
enum class Value { Positive, NonNegative, Count };

// One row of the schema: the key, its meaning and where the value lands.
// Declared once here; parsing, validation, --list-params and the docs table
// all follow from it.
struct Param {
  const char* key;
  const char* unit;
  Applies applies;
  Value value;
  double& (*real)(Technology&);
  std::uint32_t& (*count)(Technology&);
  const char* meaning;
};

#define MRAMPIM_REAL(path) [](Technology& t) -> double& { return t.path; }, nullptr
#define MRAMPIM_COUNT(path) nullptr, [](Technology& t) -> std::uint32_t& { return t.path; }

const Param kParams[] = {
    {"device.r_on_ohm", "ohm", Applies::All, Value::Positive, MRAMPIM_REAL(device.r_on_ohm),
     "low-resistance state"},
    {"device.r_off_ohm", "ohm", Applies::All, Value::Positive, MRAMPIM_REAL(device.r_off_ohm),
     "high-resistance state"},
    {"device.v_write_V", "V", Applies::Sot, Value::Positive, MRAMPIM_REAL(device.v_write_V),
     "gating voltage Vb put on RBL (the write's input A)"},
    {"device.i_write_uA", "uA", Applies::Sot, Value::Positive, MRAMPIM_REAL(device.i_write_uA),
     "spin-Hall channel current that switches a gated cell"},
    {"device.t_switch_ns", "ns", Applies::All, Value::Positive, MRAMPIM_REAL(device.t_switch_ns),
     "switching time of one write pulse"},
    {"device.r_channel_ohm", "ohm", Applies::Sot, Value::Positive, MRAMPIM_REAL(device.r_channel_ohm),
     "spin-Hall channel the write current flows through (switching energy I^2 R t)"},
    {"device.v_set_V", "V", Applies::Reram, Value::Positive, MRAMPIM_REAL(device.v_set_V),
     "voltage that sets a cell to the low-resistance state (MAGIC's output initialisation)"},
    {"device.v_nor_V", "V", Applies::Reram, Value::Positive, MRAMPIM_REAL(device.v_nor_V),
     "MAGIC NOR's V0, across the inputs in parallel and the output in series"},
    {"switching.delta", "-", Applies::Sot, Value::Positive, MRAMPIM_REAL(switching.delta),
     "thermal stability factor E_b / (k_B T) of the free layer"},
    {"switching.i_c0_uA", "uA", Applies::Sot, Value::Positive, MRAMPIM_REAL(switching.i_c0_uA),
     "critical switching current"},
    {"switching.alpha", "-", Applies::Sot, Value::Positive, MRAMPIM_REAL(switching.alpha), "Gilbert damping"},
    {"switching.mu0_hk_T", "T", Applies::Sot, Value::Positive, MRAMPIM_REAL(switching.mu0_hk_T),
     "anisotropy field mu0 H_k (sets the precession time)"},
    {"switching.tau0_ns", "ns", Applies::Sot, Value::Positive, MRAMPIM_REAL(switching.tau0_ns),
     "thermal attempt time"},
    {"switching.thermal_exponent", "-", Applies::Sot, Value::Positive, MRAMPIM_REAL(switching.thermal_exponent),
     "n in the thermal regime's tau = tau0 exp(Delta (1 - I / I_c0)^n)"},
    {"switching.near_band", "fraction", Applies::Sot, Value::NonNegative, MRAMPIM_REAL(switching.near_band),
     "half-width of the band around I_c0 where ln(error rate) is interpolated between the regimes"},
    {"switching.sigma_i_c0", "fraction", Applies::Sot, Value::NonNegative, MRAMPIM_REAL(switching.sigma_i_c0),
     "cell-to-cell relative spread (one sigma) of the critical current"},
    {"switching.sigma_delta", "fraction", Applies::Sot, Value::NonNegative, MRAMPIM_REAL(switching.sigma_delta),
     "cell-to-cell relative spread (one sigma) of the stability factor"},
    {"switching.sigma_r", "fraction", Applies::Sot, Value::NonNegative, MRAMPIM_REAL(switching.sigma_r),
     "cell-to-cell relative spread (one sigma) of the write path's resistance"},
    {"switching.cell_seed", "seed", Applies::Sot, Value::Count, MRAMPIM_COUNT(switching.cell_seed),
     "seed of the cells' drawn spreads"},
    {"cell.v_wordline_V", "V", Applies::Sot, Value::Positive, MRAMPIM_REAL(cell.v_wordline_V),
     "word-line (access transistor gate) voltage"},
    {"cell.v_read_V", "V", Applies::All, Value::Positive, MRAMPIM_REAL(cell.v_read_V),
     "read bias magnitude (applied negative on RBL for SOT)"},
    {"cell.r_access_ohm", "ohm", Applies::Sot, Value::Positive, MRAMPIM_REAL(cell.r_access_ohm),
     "access transistor on-resistance in the write current's path"},
    {"cell.i_drive_uA_per_um", "uA/um", Applies::Sot, Value::Positive, MRAMPIM_REAL(cell.i_drive_uA_per_um),
     "access transistor on-current per um of width at the word-line voltage"},
    {"cell.column_lines", "lines", Applies::All, Value::Count, MRAMPIM_COUNT(cell.column_lines),
     "lines each cell has along its column (SOT: SL, RBL, WBL; crossbar: 1)"},
    {"cell.row_lines", "lines", Applies::All, Value::Count, MRAMPIM_COUNT(cell.row_lines),
     "lines each cell has along its row (the word line)"},
    {"circuit.v_dd_V", "V", Applies::All, Value::Positive, MRAMPIM_REAL(circuit.v_dd_V),
     "periphery supply: line drivers, decoders, sense amplifiers"},
    {"circuit.c_wire_fF", "fF", Applies::All, Value::Positive, MRAMPIM_REAL(circuit.c_wire_fF),
     "line capacitance per cell a line crosses (wire and the cell's junction)"},
    {"circuit.r_wire_ohm", "ohm", Applies::All, Value::Positive, MRAMPIM_REAL(circuit.r_wire_ohm),
     "line resistance per cell pitch"},
    {"circuit.r_driver_ohm", "ohm", Applies::All, Value::Positive, MRAMPIM_REAL(circuit.r_driver_ohm),
     "output resistance of a line driver"},
    {"circuit.t_decode_ns", "ns", Applies::All, Value::Positive, MRAMPIM_REAL(circuit.t_decode_ns),
     "decoders and row-enable registers: delay before a step's lines move"},
    {"circuit.e_decode_pJ", "pJ", Applies::All, Value::Positive, MRAMPIM_REAL(circuit.e_decode_pJ),
     "decoders and row-enable registers: energy per step"},
    {"circuit.t_sense_ns", "ns", Applies::All, Value::Positive, MRAMPIM_REAL(circuit.t_sense_ns),
     "sense amplifier resolution time"},
    {"circuit.i_sense_uA", "uA", Applies::All, Value::Positive, MRAMPIM_REAL(circuit.i_sense_uA),
     "sense amplifier bias current while it senses"},
    {"circuit.i_line_max_uA", "uA", Applies::All, Value::Positive, MRAMPIM_REAL(circuit.i_line_max_uA),
     "current one column line and its driver carry in a step (more: the step is split into row groups)"},
    {"circuit.partition_cols", "columns", Applies::All, Value::Count, MRAMPIM_COUNT(circuit.partition_cols),
     "columns per partition of a row's line, one sense amplifier each: per phase a partition senses one column and evaluates one NOR"},
    {"step.t_read_ns", "ns", Applies::All, Value::Positive, MRAMPIM_REAL(step.t_read_ns),
     "latency of one column-parallel read step"},
    {"step.t_write_ns", "ns", Applies::All, Value::Positive, MRAMPIM_REAL(step.t_write_ns),
     "latency of one column-parallel write step (SOT: also a logic write)"},
    {"step.t_search_ns", "ns", Applies::All, Value::Positive, MRAMPIM_REAL(step.t_search_ns),
     "latency of one search step"},
    {"step.t_nor_ns", "ns", Applies::Reram, Value::Positive, MRAMPIM_REAL(step.t_nor_ns),
     "latency of one MAGIC NOR step"},
    {"step.e_read_fJ", "fJ", Applies::All, Value::Positive, MRAMPIM_REAL(step.e_read_fJ),
     "energy per bit-cell read"},
    {"step.e_write_fJ", "fJ", Applies::All, Value::Positive, MRAMPIM_REAL(step.e_write_fJ),
     "energy per bit-cell written"},
    {"step.e_search_fJ", "fJ", Applies::All, Value::Positive, MRAMPIM_REAL(step.e_search_fJ),
     "energy per bit-cell searched"},
    {"step.e_nor_fJ", "fJ", Applies::Reram, Value::Positive, MRAMPIM_REAL(step.e_nor_fJ),
     "energy per NOR output cell evaluated"},
    {"step.e_periphery_pJ", "pJ", Applies::All, Value::NonNegative, MRAMPIM_REAL(step.e_periphery_pJ),
     "row/column decoders and drivers, per step of a subarray (any width)"},
    {"sense.offset_uA", "uA", Applies::All, Value::Positive, MRAMPIM_REAL(sense.offset_uA),
     "sense amplifier input offset the margin must exceed"},
    {"sense.spread", "fraction", Applies::All, Value::NonNegative, MRAMPIM_REAL(sense.spread),
     "relative spread (one sigma) of the cells' resistance as searches see it; above 0 search decisions may flip"},
    {"sense.seed", "seed", Applies::All, Value::Count, MRAMPIM_COUNT(sense.seed),
     "seed of the drawn search errors (with sense.spread above 0)"},
    {"area.feature_nm", "nm", Applies::All, Value::Positive, MRAMPIM_REAL(area.feature_nm),
     "feature size F"},
    {"area.line_pitch_F", "F", Applies::All, Value::Positive, MRAMPIM_REAL(area.line_pitch_F),
     "metal line pitch, in F"},
    {"area.driver_um2", "um^2", Applies::All, Value::Positive, MRAMPIM_REAL(area.driver_um2),
     "one line driver (one per row and per column)"},
    {"area.sense_amp_um2", "um^2", Applies::All, Value::Positive, MRAMPIM_REAL(area.sense_amp_um2),
     "one sense amplifier (one per row)"},
    {"area.decoder_um2", "um^2", Applies::All, Value::Positive, MRAMPIM_REAL(area.decoder_um2),
     "a subarray's decoders and row-enable registers"},
    {"controller.e_command_pJ", "pJ", Applies::All, Value::NonNegative, MRAMPIM_REAL(controller.e_command_pJ),
     "decoding and issuing one command"},
    {"array.rows", "rows", Applies::All, Value::Count, MRAMPIM_COUNT(array.rows),
     "subarray rows (multiple of 64)"},
    {"array.cols", "columns", Applies::All, Value::Count, MRAMPIM_COUNT(array.cols),
     "subarray columns (at most 65535)"},
};

#undef MRAMPIM_REAL
#undef MRAMPIM_COUNT

// Text keys handled outside the numeric table.
constexpr const char* kNameKey = "technology.name";
constexpr const char* kFamilyKey = "technology.family";
constexpr const char* kBaseKey = "technology.base";

bool applies_to(Applies a, LogicFamily f) {
  return a == Applies::All || (a == Applies::Sot && f == LogicFamily::SotStateful) ||
         (a == Applies::Reram && f == LogicFamily::ReramNor);
}

const char* applies_name(Applies a) {
  switch (a) {
    case Applies::All: return "all";
    case Applies::Sot: return "sot-mram";
    case Applies::Reram: return "reram";
  }
  return "?";
}

const detail::EmbeddedTechnology* find_embedded(const std::string& name) {
  for (std::size_t i = 0; i < detail::kEmbeddedTechnologyCount; ++i) {
    if (name == detail::kEmbeddedTechnologies[i].name) return &detail::kEmbeddedTechnologies[i];
  }
  return nullptr;
}

struct Source {
  std::string text;
  std::string origin;  // shown in messages
  std::string dir;     // where a base file is looked for ("" for embedded)
};

bool looks_like_path(const std::string& s) {
  return s.find('/') != std::string::npos ||
         (s.size() > 4 && s.compare(s.size() - 4, 4, ".cfg") == 0);
}

Source open_source(const std::string& name_or_path, const std::string& dir_hint) {
  if (!looks_like_path(name_or_path)) {
    if (!dir_hint.empty()) {
      std::ifstream in(dir_hint + "/" + name_or_path + ".cfg");
      if (in) {
        std::stringstream ss;
        ss << in.rdbuf();
        return {ss.str(), dir_hint + "/" + name_or_path + ".cfg", dir_hint};
      }
    }
    if (const auto* e = find_embedded(name_or_path)) {
      return {e->text, std::string(e->path) + " (embedded)", ""};
    }
    throw ConfigError("unknown technology '" + name_or_path + "': not a file and not one of " +
                      embedded_technology_list());
  }
  std::ifstream in(name_or_path);
  if (!in) throw ConfigError("cannot open technology file '" + name_or_path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  const auto slash = name_or_path.find_last_of('/');
  return {ss.str(), name_or_path, slash == std::string::npos ? "." : name_or_path.substr(0, slash)};
}

// Resolves technology.base chains: the base's entries first, this file's on top.
Entries read_with_bases(const Source& src, std::set<std::string>& seen) {
  if (!seen.insert(src.origin).second) {
    throw ConfigError("technology.base forms a cycle through " + src.origin);
  }
  Entries own = read_entries(src.text, src.origin);
  auto base = own.find(kBaseKey);
  if (base == own.end()) return own;
  const std::string base_name = base->second.value;
  if (base_name.empty()) throw ConfigError("key 'technology.base' is empty in " + src.origin);
  own.erase(base);
  Entries merged = read_with_bases(open_source(base_name, src.dir), seen);
  for (auto& [k, e] : own) merged[k] = e;
  return merged;
}

// Cross-parameter physics, checked once here so no model has to; `where`
// names the keys involved and the files (or --set) that gave them.
template <class Where>
void check_consistency(const Technology& t, Where where) {
  if (t.array.rows % 64 != 0) {
    throw ConfigError(where({"array.rows"}) + ": " + std::to_string(t.array.rows) +
                      " is not a multiple of 64 (64 rows share one storage word)");
  }
  if (t.array.cols > 65535) {
    throw ConfigError(where({"array.cols"}) + ": " + std::to_string(t.array.cols) +
                      " is more than 65535 (columns are 16-bit addresses)");
  }
  if (t.device.r_off_ohm <= t.device.r_on_ohm) {
    throw ConfigError(where({"device.r_off_ohm", "device.r_on_ohm"}) +
                      ": the high-resistance state must exceed the low one");
  }
  if (t.step.t_write_ns < t.device.t_switch_ns) {
    throw ConfigError(where({"step.t_write_ns", "device.t_switch_ns"}) +
                      ": a write step cannot be shorter than the cell's switching time");
  }
  if (t.family == LogicFamily::SotStateful && t.step.e_write_fJ < t.device.switch_energy_fJ()) {
    throw ConfigError(where({"step.e_write_fJ", "device.i_write_uA", "device.r_channel_ohm", "device.t_switch_ns"}) +
                      ": a written bit's energy includes its cell's switching energy I^2 R t (" +
                      std::to_string(t.device.switch_energy_fJ()) + " fJ), so it cannot be smaller");
  }
  // A column line must carry at least one row's cell current, or no step
  // of that kind could run at all (larger steps run in row groups).
  const ArrayCircuit circuit(t);
  for (std::size_t k = 0; k < kStepKinds; ++k) {
    const double i = circuit.cell_current_uA(StepKind(k));
    if (i > t.circuit.i_line_max_uA) {
      throw ConfigError(where({"circuit.i_line_max_uA"}) + ": a column line must carry at least one row's " +
                        to_string(StepKind(k)) + " current, " + std::to_string(i) + " uA");
    }
  }
  if (t.family == LogicFamily::SotStateful && t.switching.near_band >= 1.0) {
    throw ConfigError(where({"switching.near_band"}) + ": the band around I_c0 must be narrower than I_c0 itself");
  }
  if (t.sense.spread >= 1.0) {
    throw ConfigError(where({"sense.spread"}) + ": a relative spread of " + std::to_string(t.sense.spread) +
                      " is not below 1 (a resistance cannot vary by all of itself)");
  }
  const SenseAmp sense = SenseAmp::for_technology(t);
  if (!sense.senses_reliably(0.0)) {
    throw ConfigError(where({"device.r_on_ohm", "device.r_off_ohm", "cell.v_read_V", "sense.offset_uA"}) +
                      ": the sense amplifier's margin (" + std::to_string(sense.margin_uA(0.0)) +
                      " uA) does not exceed its offset (" + std::to_string(t.sense.offset_uA) + " uA)");
  }
}

Technology build(Entries entries, const std::string& origin,
                 const std::vector<std::string>& overrides) {
  for (const auto& kv : overrides) {
    if (trim(kv.substr(0, kv.find('='))) == kBaseKey) {
      throw ConfigError("--set technology.base: the base is resolved when the file is read and cannot be "
                        "overridden; choose the technology with --tech instead");
    }
  }
  apply_overrides(entries, overrides, origin);

  Technology t;
  t.source = origin;
  auto take_text = [&](const char* key) -> Entry {
    auto it = entries.find(key);
    if (it == entries.end()) throw ConfigError("missing key '" + std::string(key) + "' in " + origin);
    Entry e = it->second;
    entries.erase(it);
    if (e.value.empty()) throw ConfigError("key '" + std::string(key) + "' is empty in " + e.origin);
    return e;
  };
  t.name = take_text(kNameKey).value;
  const Entry fam = take_text(kFamilyKey);
  if (fam.value == "sot-mram") {
    t.family = LogicFamily::SotStateful;
  } else if (fam.value == "reram") {
    t.family = LogicFamily::ReramNor;
  } else {
    throw ConfigError("key 'technology.family' in " + fam.origin + ": '" + fam.value +
                      "' is not one of sot-mram, reram");
  }

  std::map<std::string, std::string> origin_of;  // key -> where its value came from
  for (const Param& p : kParams) {
    auto it = entries.find(p.key);
    if (!applies_to(p.applies, t.family)) {
      if (it != entries.end()) {
        throw ConfigError("key '" + std::string(p.key) + "' in " + it->second.origin +
                          " applies only to family " + applies_name(p.applies) + ", not " +
                          to_string(t.family));
      }
      continue;
    }
    if (it == entries.end()) throw ConfigError("missing key '" + std::string(p.key) + "' in " + origin);
    if (p.value == Value::Count) {
      p.count(t) = parse_count(it->second, p.key);
    } else {
      p.real(t) = parse_real(it->second, p.key, p.value == Value::NonNegative);
    }
    origin_of[p.key] = it->second.origin;
    entries.erase(it);
  }
  if (!entries.empty()) {
    const auto& [k, e] = *entries.begin();
    throw ConfigError("unknown key '" + k + "' in " + e.origin +
                      " (run with --list-params for the schema)");
  }

  check_consistency(t, [&](std::initializer_list<const char*> keys) {
    std::string where, sep;
    for (const char* k : keys) {
      where += sep + "'" + k + "' (" + origin_of.at(k) + ")";
      sep = " and ";
    }
    return (keys.size() > 1 ? "keys " : "key ") + where;
  });
  return t;
}

}  // namespace

std::vector<ParamInfo> technology_schema() {
  std::vector<ParamInfo> out;
  out.push_back({kNameKey, "text", "name used in reports", "all"});
  out.push_back({kFamilyKey, "sot-mram|reram", "logic the write path computes", "all"});
  out.push_back({kBaseKey, "text", "optional: technology whose values this file inherits", "all"});
  for (const Param& p : kParams) out.push_back({p.key, p.unit, p.meaning, applies_name(p.applies)});
  return out;
}

std::vector<std::string> embedded_technology_names() {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < detail::kEmbeddedTechnologyCount; ++i) {
    out.emplace_back(detail::kEmbeddedTechnologies[i].name);
  }
  return out;
}

std::string embedded_technology_list() {
  std::string out;
  for (const auto& n : embedded_technology_names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

Technology load_technology(const std::string& name_or_path,
                           const std::vector<std::string>& overrides) {
  const Source src = open_source(name_or_path, "");
  std::set<std::string> seen;
  return build(read_with_bases(src, seen), src.origin, overrides);
}

Technology parse_technology(const std::string& text, const std::string& origin,
                            const std::vector<std::string>& overrides) {
  std::set<std::string> seen;
  return build(read_with_bases(Source{text, origin, "."}, seen), origin, overrides);
}

}  // namespace mrampim
