#include "tech/tech_options.hpp"

#include <iomanip>
#include <ostream>

namespace mrampim {

namespace po = boost::program_options;

void TechOptions::add_to(po::options_description& desc, const std::string& default_tech) {
  desc.add_options()
      ("tech", po::value<std::string>(&tech)->default_value(default_tech),
       ("technology: an embedded name (" + embedded_technology_list() + ") or the path of a .cfg file").c_str())
      ("set", po::value<std::vector<std::string>>(&overrides)->composing(),
       "override one technology key, e.g. --set step.t_write_ns=2.5 (repeatable)")
      ("list-params", po::bool_switch(&list_params), "print every technology key with its unit and meaning, then exit");
}

void print_technology_schema(std::ostream& out) {
  out << "Technology keys (INI sections become the part before the dot):\n";
  for (const auto& p : technology_schema()) {
    out << "  " << std::left << std::setw(22) << p.key << std::setw(16) << p.unit << std::setw(10) << p.families
        << p.meaning << '\n';
  }
}

}  // namespace mrampim
