#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <tuple>

#include "circuit/array_circuit.hpp"
#include "tech/technology.hpp"

using namespace mrampim;
using Catch::Matchers::Contains;

namespace {

// A complete SOT technology text to cut keys from.
const char* kMinimal = R"(
[technology]
name = t
family = sot-mram
[device]
r_on_ohm = 50e3
r_off_ohm = 100e3
v_write_V = 0.6
i_write_uA = 65
t_switch_ns = 2
r_channel_ohm = 1420
[switching]
delta = 60
i_c0_uA = 9.166
alpha = 0.02
mu0_hk_T = 0.3
tau0_ns = 1
thermal_exponent = 1
near_band = 0.1
sigma_i_c0 = 0.05
sigma_delta = 0.05
sigma_r = 0.05
cell_seed = 1
[cell]
v_wordline_V = 0.7
v_read_V = 0.1
r_access_ohm = 2000
i_drive_uA_per_um = 500
column_lines = 3
row_lines = 1
[circuit]
v_dd_V = 0.9
c_wire_fF = 0.2
r_wire_ohm = 1.5
r_driver_ohm = 1000
t_decode_ns = 0.2
e_decode_pJ = 1
t_sense_ns = 0.5
i_sense_uA = 10
i_line_max_uA = 66560
partition_cols = 1
[step]
t_read_ns = 1
t_write_ns = 2
t_search_ns = 1
e_read_fJ = 20
e_write_fJ = 100
e_search_fJ = 20
e_periphery_pJ = 0
[sense]
offset_uA = 0.05
spread = 0
seed = 1
[area]
feature_nm = 28
line_pitch_F = 2
driver_um2 = 0.1
sense_amp_um2 = 0.5
decoder_um2 = 100
[controller]
e_command_pJ = 0
[array]
rows = 1024
cols = 1024
)";

// `text` less the line that `line_start` begins (a leading '\n' anchors it
// to the start of a line).
std::string without(const std::string& text, const std::string& line_start) {
  const auto found = text.find(line_start);
  REQUIRE(found != std::string::npos);
  const auto at = line_start[0] == '\n' ? found + 1 : found;
  return text.substr(0, at) + text.substr(text.find('\n', at) + 1);
}

}  // namespace

TEST_CASE("every embedded technology loads and names its source", "[technology]") {
  const auto names = embedded_technology_names();
  REQUIRE(names.size() == 4);
  for (const auto& n : names) {
    const Technology t = load_technology(n);
    CHECK(t.name == n);
    CHECK_THAT(t.source, Contains("platforms/tech/" + n + ".cfg"));
    CHECK(t.array.rows % 64 == 0);
  }
}

TEST_CASE("the paper's Table 1 cell is what sot-mram-1t1r holds", "[technology]") {
  const Technology t = load_technology("sot-mram-1t1r");
  CHECK(t.family == LogicFamily::SotStateful);
  CHECK(t.device.r_on_ohm == 50e3);
  CHECK(t.device.r_off_ohm == 100e3);
  CHECK(t.device.v_write_V == 0.6);
  CHECK(t.device.i_write_uA == 65);
  CHECK(t.device.t_switch_ns == 2.0);
  // Table 1's 12.0 fJ switching energy, as I^2 R t in the 1.42 kOhm channel.
  CHECK(t.device.switch_energy_fJ() == Approx(12.0).epsilon(0.01));
  CHECK(t.array.rows == 1024);
  CHECK(t.array.cols == 1024);
}

TEST_CASE("sot-mram-fast inherits the 1T-1R cell and changes only the switch", "[technology]") {
  const Technology base = load_technology("sot-mram-1t1r");
  const Technology fast = load_technology("sot-mram-fast");
  CHECK(fast.device.t_switch_ns < 0.2);
  CHECK(fast.step.t_write_ns < base.step.t_write_ns);
  CHECK(fast.step.t_read_ns == base.step.t_read_ns);
  CHECK(fast.step.e_write_fJ == base.step.e_write_fJ);
  CHECK(fast.device.r_on_ohm == base.device.r_on_ohm);
}

TEST_CASE("reram-floatpim is a NOR technology with FloatPIM's device", "[technology]") {
  const Technology t = load_technology("reram-floatpim");
  CHECK(t.family == LogicFamily::ReramNor);
  CHECK(t.device.r_on_ohm == 10e3);
  CHECK(t.device.r_off_ohm == 10e6);
  CHECK(t.step.t_nor_ns > 0);
  // A 4 F^2 crossbar cell. 32 tiles x 256 blocks of its subarrays, the area
  // derived from the cells and the periphery's circuits, land within 10% of
  // FloatPIM's published 30.64 mm^2 (facts sec. 4): a check, not a calibration.
  const ArrayCircuit c(t);
  CHECK(c.cell_area_um2() == Approx(4 * 0.028 * 0.028));
  CHECK(32 * 256 * c.subarray_area_um2() * 1e-6 == Approx(30.64).epsilon(0.10));
}

TEST_CASE("set overrides any key", "[technology]") {
  const Technology t = load_technology("sot-mram-1t1r", {"step.t_write_ns=3.5", "array.rows=128"});
  CHECK(t.step.t_write_ns == 3.5);
  CHECK(t.array.rows == 128);
}

TEST_CASE("a technology file on disk loads, with a base resolved beside it", "[technology]") {
  const std::string dir = "tech_test_dir";
  std::system(("mkdir -p " + dir).c_str());
  { std::ofstream(dir + "/mine.cfg") << kMinimal; }
  { std::ofstream(dir + "/child.cfg") << "[technology]\nname = child\nfamily = sot-mram\nbase = mine\n[device]\nt_switch_ns = 1\n"; }
  const Technology t = load_technology(dir + "/child.cfg");
  CHECK(t.name == "child");
  CHECK(t.device.t_switch_ns == 1);
  CHECK(t.device.r_on_ohm == 50e3);
}

TEST_CASE("config errors name the key and the file", "[technology][errors]") {
  SECTION("unknown key in a file") {
    CHECK_THROWS_WITH(parse_technology(std::string(kMinimal) + "[device]\nr_typo = 3\n", "my.cfg"),
                      Contains("unknown key 'device.r_typo'") && Contains("my.cfg"));
  }
  SECTION("unknown key on the command line") {
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"device.nonsense=1"}),
                      Contains("unknown key 'device.nonsense'") && Contains("--set") &&
                          Contains("sot-mram-1t1r.cfg"));
  }
  SECTION("missing key") {
    CHECK_THROWS_WITH(parse_technology(without(kMinimal, "r_on_ohm"), "my.cfg"),
                      Contains("missing key 'device.r_on_ohm'") && Contains("my.cfg"));
  }
  SECTION("not a number") {
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"device.r_on_ohm=fifty"}),
                      Contains("'device.r_on_ohm'") && Contains("'fifty' is not a number"));
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"device.r_on_ohm=50k"}), Contains("is not a number"));
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"array.rows=12.5"}), Contains("is not a whole number"));
    // strtod would read these; a config file must not.
    for (const char* v : {"0x1p3", "inf", "nan", "1e5x"}) {
      CAPTURE(v);
      CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {std::string("device.r_on_ohm=") + v}),
                        Contains("is not a number"));
    }
  }
  SECTION("too small or too large for a double") {
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"step.e_read_fJ=1e-400"}),
                      Contains("'step.e_read_fJ'") && Contains("1e-400 is too small for a double"));
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"step.e_read_fJ=1e400"}),
                      Contains("1e400 is too large for a double"));
    // Negative out-of-range values are negative first; a subnormal is a value.
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"step.e_read_fJ=-1e400"}), Contains("must be positive"));
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"step.e_read_fJ=-1e-400"}), Contains("must be positive"));
    CHECK(load_technology("sot-mram-1t1r", {"step.e_read_fJ=1e-310"}).step.e_read_fJ == 1e-310);
  }
  SECTION("negative") {
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"step.e_write_fJ=-1"}),
                      Contains("'step.e_write_fJ'") && Contains("must be positive"));
  }
  SECTION("zero") {
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"device.t_switch_ns=0"}),
                      Contains("'device.t_switch_ns'") && Contains("must be positive"));
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"array.cols=0"}), Contains("'array.cols'"));
  }
  SECTION("costs the paper leaves out may be zero, not negative") {
    const Technology t = load_technology("sot-mram-1t1r", {"step.e_periphery_pJ=0", "controller.e_command_pJ=7.5"});
    CHECK(t.step.e_periphery_pJ == 0);
    CHECK(t.controller.e_command_pJ == 7.5);
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"controller.e_command_pJ=-1"}),
                      Contains("'controller.e_command_pJ'") && Contains("must be zero or positive"));
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"step.e_periphery_pJ=1e-400"}), Contains("too small"));
  }
  SECTION("rows not a multiple of 64") {
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"array.rows=100"}),
                      Contains("'array.rows'") && Contains("multiple of 64"));
  }
  SECTION("a key of the other family") {
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"step.t_nor_ns=1"}),
                      Contains("'step.t_nor_ns'") && Contains("only to family reram"));
    CHECK_THROWS_WITH(load_technology("reram-floatpim", {"device.v_write_V=1"}),
                      Contains("'device.v_write_V'") && Contains("only to family sot-mram"));
  }
  SECTION("more columns than a 16-bit column address reaches") {
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"array.cols=70000"}),
                      Contains("'array.cols'") && Contains("--set") && Contains("more than 65535"));
    CHECK(load_technology("sot-mram-1t1r", {"array.cols=65535"}).array.cols == 65535);
  }
  SECTION("a sense amplifier that cannot tell the states apart") {
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"sense.offset_uA=1e9"}),
                      Contains("'sense.offset_uA'") && Contains("--set") && Contains("sot-mram-1t1r.cfg") &&
                          Contains("does not exceed its offset"));
  }
  SECTION("the base cannot be overridden") {
    CHECK_THROWS_WITH(load_technology("sot-mram-fast", {"technology.base=reram-floatpim"}),
                      Contains("--set technology.base") && Contains("--tech"));
  }
  SECTION("a key given twice") {
    CHECK_THROWS_WITH(parse_technology(std::string(kMinimal) + "[device]\nr_on_ohm = 1\n", "dup.cfg"),
                      Contains("'device.r_on_ohm' is given twice in dup.cfg"));
  }
  SECTION("unknown family, technology and file") {
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"technology.family=pcm"}),
                      Contains("'technology.family'") && Contains("'pcm'"));
    CHECK_THROWS_WITH(load_technology("no-such-tech"), Contains("unknown technology 'no-such-tech'"));
    CHECK_THROWS_WITH(load_technology("/no/such/file.cfg"), Contains("cannot open technology file '/no/such/file.cfg'"));
  }
  SECTION("physics that cannot be") {
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"device.r_off_ohm=1e3"}), Contains("'device.r_off_ohm'"));
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"step.t_write_ns=1"}),
                      Contains("'step.t_write_ns'") && Contains("switching time"));
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"step.e_write_fJ=5"}),
                      Contains("'step.e_write_fJ' (--set") && Contains("'device.r_channel_ohm' (platforms/tech/sot-mram-1t1r.cfg") &&
                          Contains("switching energy"));
  }
  SECTION("malformed --set") {
    CHECK_THROWS_WITH(load_technology("sot-mram-1t1r", {"device.r_on_ohm"}), Contains("is not key=value"));
  }
  SECTION("a base cycle") {
    std::system("mkdir -p tech_cycle_dir");
    { std::ofstream("tech_cycle_dir/a.cfg") << "[technology]\nbase = b\n"; }
    { std::ofstream("tech_cycle_dir/b.cfg") << "[technology]\nbase = a\n"; }
    CHECK_THROWS_WITH(load_technology("tech_cycle_dir/a.cfg"), Contains("cycle") && Contains("a.cfg"));
  }
}

TEST_CASE("every schema key of a family is required by it and refused by the other", "[technology]") {
  // The shipped files are complete: each family's file less one of its keys
  // is missing that key; a key of the other family is refused.
  const std::string sot = kMinimal;
  std::ifstream in(MRAMPIM_SOURCE_DIR "/platforms/tech/reram-floatpim.cfg");
  REQUIRE(in.good());
  const std::string reram((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& p : technology_schema()) {
    CAPTURE(p.key);
    CHECK_FALSE(p.unit.empty());
    CHECK_FALSE(p.meaning.empty());
    if (p.key == "technology.base") continue;  // the one optional key
    const std::string leaf = "\n" + p.key.substr(p.key.find('.') + 1) + " =";
    for (const auto& [family, text, tech] : {std::tuple<std::string, std::string, const char*>{"sot-mram", sot, "sot-mram-1t1r"},
                                             {"reram", reram, "reram-floatpim"}}) {
      CAPTURE(family);
      if (p.families == "all" || p.families == family) {
        CHECK_THROWS_WITH(parse_technology(without(text, leaf), "my.cfg"), Contains("missing key '" + p.key + "'"));
      } else {
        CHECK_THROWS_WITH(load_technology(tech, {p.key + "=1"}), Contains("only to family " + p.families));
      }
    }
  }
}

TEST_CASE("docs/technology.md documents every key of the schema", "[technology][docs]") {
  std::ifstream in(MRAMPIM_SOURCE_DIR "/docs/technology.md");
  REQUIRE(in.good());
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& p : technology_schema()) {
    CAPTURE(p.key);
    // The table row: | `key` | unit | family | meaning |, family as in the schema.
    const auto at = doc.find("| `" + p.key + "` |");
    REQUIRE(at != std::string::npos);
    const std::string row = doc.substr(at, doc.find('\n', at) - at);
    CHECK_THAT(row, Contains(" | " + p.families + " | "));
  }
}
