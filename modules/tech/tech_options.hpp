// The command-line face of a technology, shared by every program:
//   --tech NAME|FILE   an embedded technology or a .cfg file
//   --set key=value    override any key (repeatable)
//   --list-params      print the schema and exit
// Problems come back as ConfigError; programs print them and exit with 2.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "tech/technology.hpp"

namespace mrampim {

struct TechOptions {
  std::string tech;
  std::vector<std::string> overrides;
  bool list_params = false;

  void add_to(boost::program_options::options_description& desc, const std::string& default_tech);
  Technology load() const { return load_technology(tech, overrides); }
};

// Prints the schema: key, unit, families, meaning.
void print_technology_schema(std::ostream& out);

// Exit status for bad input on the command line or in a config file.
inline constexpr int kExitBadInput = 2;

}  // namespace mrampim
