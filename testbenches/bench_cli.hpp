// Command-line plumbing the testbenches share: --help, --vcd, the technology
// options, and the rule that bad input exits with status 2 before anything
// runs (no VCD is created for a run that never starts).
#pragma once

#include <boost/program_options.hpp>
#include <systemc>
#include <iostream>
#include <string>

#include "tech/tech_options.hpp"

namespace mrampim::bench {

namespace po = boost::program_options;

class BenchCommandLine {
 public:
  BenchCommandLine(std::string usage, const std::string& default_vcd, const std::string& default_tech)
      : usage_(std::move(usage)), vcd_(default_vcd) {
    desc_.add_options()("help,h", "show this help")(
        "vcd", po::value<std::string>(&vcd_)->default_value(default_vcd),
        "VCD file to write (must end in .vcd)");
    tech_.add_to(desc_, default_tech);
  }

  // The options point into this object: it cannot be copied or moved.
  BenchCommandLine(const BenchCommandLine&) = delete;
  BenchCommandLine& operator=(const BenchCommandLine&) = delete;

  // The bench adds its own options here before parse().
  po::options_description& options() { return desc_; }

  // Returns -1 to go on, with technology() loaded; otherwise the exit status
  // (0 after --help or --list-params, 2 on bad input, reported on stderr).
  int parse(int argc, char** argv) {
    // SystemC's informational reports (trace time unit, "stopped by user")
    // would bury the bench's own output; warnings and errors still print.
    // The banner comes before sc_main: the scripts set
    // SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 to silence it.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    po::variables_map vm;
    try {
      po::store(po::parse_command_line(argc, argv, desc_), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      return bad_input(std::string(e.what()) + "\n(run with --help for the options)");
    }
    if (vm.count("help")) {
      std::cout << usage_ << "\n" << desc_ << "\n";
      return 0;
    }
    if (tech_.list_params) {
      print_technology_schema(std::cout);
      return 0;
    }
    if (vcd_.size() < 5 || vcd_.compare(vcd_.size() - 4, 4, ".vcd") != 0) {
      return bad_input("--vcd '" + vcd_ + "' must end in .vcd");
    }
    try {
      technology_ = tech_.load();
    } catch (const ConfigError& e) {
      return bad_input(e.what());
    }
    return -1;
  }

  static int bad_input(const std::string& message) {
    std::cerr << "error: " << message << '\n';
    return kExitBadInput;
  }

  const Technology& technology() const { return technology_; }
  const std::string& vcd_path() const { return vcd_; }

  // Opens the VCD (SystemC appends the suffix itself) at 10 ps resolution,
  // fine enough for the 0.18 ns switching pulse of sot-mram-fast.
  sc_core::sc_trace_file* open_vcd() const {
    sc_core::sc_trace_file* tf = sc_core::sc_create_vcd_trace_file(vcd_.substr(0, vcd_.size() - 4).c_str());
    tf->set_time_unit(10, sc_core::SC_PS);
    return tf;
  }

 private:
  std::string usage_;
  std::string vcd_;
  po::options_description desc_{"Options"};
  TechOptions tech_;
  Technology technology_;
};

}  // namespace mrampim::bench
