// A technology description: the cell, its array-level step costs and the
// subarray geometry, read from a config file (platforms/tech/*.cfg).
//
// The file is parsed once into this typed, validated object, which model
// constructors take by const reference. There are no globals: two
// technologies can live side by side in one run (SOT-MRAM against FloatPIM).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "tech/config_file.hpp"

namespace mrampim {

// Which logic the array's write path computes.
enum class LogicFamily : std::uint8_t {
  SotStateful,  // voltage-gated spin-Hall write: AND, OR, XOR, copy (paper sec. 3.1)
  ReramNor,     // MAGIC-style NOR in a ReRAM crossbar (FloatPIM)
};

const char* to_string(LogicFamily f);

struct DeviceParams {
  double r_on_ohm = 0;      // low-resistance state
  double r_off_ohm = 0;     // high-resistance state
  double v_write_V = 0;     // SOT only: gating voltage Vb on RBL
  double i_write_uA = 0;    // SOT only: channel current that switches a gated cell
  double t_switch_ns = 0;   // switching time of one write pulse
  double r_channel_ohm = 0; // SOT only: spin-Hall channel the write current flows through (I^2 R t: the switching energy)
  double v_set_V = 0;       // ReRAM only: voltage that sets a cell to the low-resistance state (MAGIC's initialisation)
  double v_nor_V = 0;       // ReRAM only: MAGIC NOR's V0, across the inputs in parallel and the output in series
  // The energy of one switching event in the device (SOT: I^2 R_channel t).
  double switch_energy_fJ() const { return i_write_uA * i_write_uA * 1e-12 * r_channel_ohm * t_switch_ns * 1e-9 * 1e15; }
};

// Stochastic switching of an MTJ free layer (device/mtj_switching.hpp;
// approximate-writes facts sec. 2, 3). MTJ technologies only.
struct SwitchingParams {
  double delta = 0;             // thermal stability factor E_b / (k_B T)
  double i_c0_uA = 0;           // critical switching current
  double alpha = 0;             // Gilbert damping
  double mu0_hk_T = 0;          // anisotropy field mu0 H_k
  double tau0_ns = 0;           // thermal attempt time
  double thermal_exponent = 0;  // n in tau = tau0 exp(Delta (1 - I / I_c0)^n)
  double near_band = 0;         // half-width, as a fraction of I_c0, of the band where the two regimes are interpolated
  double sigma_i_c0 = 0;        // cell-to-cell relative spreads (one sigma), drawn once per cell
  double sigma_delta = 0;
  double sigma_r = 0;
  std::uint32_t cell_seed = 0;  // of the cells' draws
};

struct CellParams {
  double v_wordline_V = 0;  // SOT only: access transistor gate voltage
  double v_read_V = 0;      // magnitude of the read bias (applied negative on RBL for SOT)
  double r_access_ohm = 0;  // SOT only: access transistor on-resistance in the write current's path
  double i_drive_uA_per_um = 0;  // SOT only: access transistor on-current per um of width at the word-line voltage
  std::uint32_t column_lines = 0;  // lines each cell has along its column (SOT: SL, RBL, WBL; crossbar: 1)
  std::uint32_t row_lines = 0;     // lines each cell has along its row (the word line)
};

// The subarray's circuits around the cells: what the counted step prices are
// derived from (circuit/array_circuit.hpp). Lines run along rows (word lines,
// over every column) and columns (over every row).
struct CircuitParams {
  double v_dd_V = 0;        // periphery supply: line drivers, decoders, sense amplifiers
  double c_wire_fF = 0;     // line capacitance per cell a line crosses (wire and the cell's junction)
  double r_wire_ohm = 0;    // line resistance per cell pitch
  double r_driver_ohm = 0;  // output resistance of a line driver
  double t_decode_ns = 0;   // decoders and row-enable registers: delay before a step's lines move
  double e_decode_pJ = 0;   // decoders and row-enable registers: energy per step
  double t_sense_ns = 0;    // sense amplifier resolution time
  double i_sense_uA = 0;    // sense amplifier bias current while it senses
  // The current one column line and its driver carry in a step: a step whose
  // enabled rows together draw more is split into row groups, one after
  // another (ArrayCircuit::sub_steps).
  double i_line_max_uA = 0;
  // How a step's gates share a row's lines (ArrayCircuit, "Line sharing"):
  // switches cut each row's line into partitions of this many columns (the
  // last may be shorter), each with its own sense amplifier. Per phase a
  // partition senses one column and evaluates one MAGIC NOR; a step that
  // needs more runs as that many phases. 1: every cell on its own.
  std::uint32_t partition_cols = 0;
  // Partitions of a row of `cols` columns (0 columns per partition, as in a
  // Technology built in code and not set: the whole row, one partition).
  std::uint32_t row_partitions(std::uint32_t cols) const {
    return partition_cols == 0 ? 1 : (cols + partition_cols - 1) / partition_cols;
  }
};

// Latency of one array step (however many rows take part) and energy per
// bit-cell touched by it. A step is one phase of a column-parallel operation.
struct StepParams {
  double t_read_ns = 0;
  double t_write_ns = 0;
  double t_search_ns = 0;
  double t_nor_ns = 0;      // ReRAM only (0 for SOT: no NOR step exists)
  double e_read_fJ = 0;
  double e_write_fJ = 0;
  double e_search_fJ = 0;
  double e_nor_fJ = 0;      // ReRAM only
  // Row/column decoders and line drivers, once per step of a subarray
  // whatever its width: the paper's formulas price cells only, so the
  // embedded technologies set 0 (see their comments).
  double e_periphery_pJ = 0;
};

// The controller's own cost: decoding one command and issuing its
// micro-programs, charged once per command it accepts.
struct ControllerParams {
  double e_command_pJ = 0;
};

struct SenseParams {
  double offset_uA = 0;     // input-referred offset the sensing margin must exceed
  // Device variation as searches see it: the relative spread (one standard
  // deviation) of each cell's resistance. 0: ideal cells. Above 0 every
  // search decision of every row may flip, with the probability its margin
  // gives (sense_amp/search_margin.hpp), drawn from `seed`.
  double spread = 0;
  std::uint32_t seed = 0;
};

// What a subarray's area is derived from (circuit/array_circuit.hpp): the
// cell from its lines at the metal pitch and, for a 1T-1R cell, its access
// transistor; the periphery from its circuits.
struct AreaParams {
  double feature_nm = 0;        // F, the process's feature size
  double line_pitch_F = 0;      // metal line pitch, in F
  double driver_um2 = 0;        // one line driver (one per row and per column)
  double sense_amp_um2 = 0;     // one sense amplifier (one per row partition)
  double decoder_um2 = 0;       // a subarray's decoders and row-enable registers
};

struct ArrayGeometry {
  std::uint32_t rows = 0;   // multiple of 64: 64 rows share one storage word
  std::uint32_t cols = 0;
};

struct Technology;

// What a micro-program is built for: the array's logic, its row's width and
// how gates share the row's lines. Programs built for one shape cost the
// same on every technology of that shape.
struct ArrayShape {
  LogicFamily family = LogicFamily::SotStateful;
  std::uint32_t cols = 0;
  std::uint32_t partition_cols = 0;  // CircuitParams::partition_cols

  static ArrayShape of(const Technology& t);
  bool operator==(const ArrayShape& o) const {
    return family == o.family && cols == o.cols && partition_cols == o.partition_cols;
  }
};

struct Technology {
  std::string name;
  std::string source;       // where it was read from, for messages and reports
  LogicFamily family = LogicFamily::SotStateful;
  DeviceParams device;
  SwitchingParams switching;  // MTJ technologies; unset (0) for ReRAM
  CellParams cell;
  CircuitParams circuit;
  StepParams step;
  SenseParams sense;
  AreaParams area;
  ControllerParams controller;
  ArrayGeometry array;

  // The area of one bit-cell and of a subarray: circuit/array_circuit.hpp
  // derives them (ArrayCircuit::cell_area_um2, subarray_area_um2).
};

// One documented parameter of the technology schema.
struct ParamInfo {
  std::string key;
  std::string unit;
  std::string meaning;
  std::string families;  // "all", "sot-mram" or "reram"
};

// The schema, in file order: what --list-params prints and docs/ describe.
std::vector<ParamInfo> technology_schema();

// Names of the technologies compiled into the library from platforms/tech.
std::vector<std::string> embedded_technology_names();
// The same names joined with ", ", for help texts and messages.
std::string embedded_technology_list();

// Loads a technology by embedded name (e.g. "sot-mram-1t1r") or by path to a
// .cfg file, then applies "key=value" overrides (--set). A file may name a
// base technology (technology.base) whose values it inherits and overrides.
Technology load_technology(const std::string& name_or_path,
                           const std::vector<std::string>& overrides = {});

// Parses config text directly; `origin` is the name used in messages.
Technology parse_technology(const std::string& text, const std::string& origin,
                            const std::vector<std::string>& overrides = {});

}  // namespace mrampim
