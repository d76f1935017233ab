// Command-line plumbing the testbenches share: --help, the technology
// options, and the rule that bad input exits with status 2 before anything runs.
#pragma once

#include <boost/program_options.hpp>
#include <systemc>
#include <iostream>
#include <string>

#include "tech/tech_options.hpp"

namespace mrampim::bench {

namespace po = boost::program_options;

// Parses argv into `desc`'s variables. Returns -1 to go on, or the exit status
// (0 after --help or --list-params, 2 on bad input).
inline int parse_command_line(int argc, char** argv, po::options_description& desc, const TechOptions& tech,
                              const std::string& usage) {
  // SystemC's informational reports (trace time unit, "stopped by user")
  // would bury the bench's own output; warnings and errors still print.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  // The SystemC banner is printed before sc_main runs; the scripts set
  // SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 to silence it.
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "error: " << e.what() << "\n(run with --help for the options)\n";
    return kExitBadInput;
  }
  if (vm.count("help")) {
    std::cout << usage << "\n" << desc << "\n";
    return 0;
  }
  if (tech.list_params) {
    print_technology_schema(std::cout);
    return 0;
  }
  return -1;
}

}  // namespace mrampim::bench
