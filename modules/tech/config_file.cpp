#include "tech/config_file.hpp"

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/parsers.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace mrampim::config {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Reads key/value pairs with Boost.Program_options' config-file grammar
// (INI sections become "section.key"; '#' starts a comment).
Entries read_entries(const std::string& text, const std::string& origin) {
  namespace po = boost::program_options;
  std::istringstream in(text);
  po::options_description none;
  po::parsed_options parsed(&none);
  try {
    parsed = po::parse_config_file(in, none, /*allow_unregistered=*/true);
  } catch (const po::error& e) {
    throw ConfigError(origin + ": " + e.what());
  }
  Entries out;
  for (const auto& opt : parsed.options) {
    const std::string value = opt.value.empty() ? std::string() : trim(opt.value.front());
    if (!out.emplace(opt.string_key, Entry{value, origin}).second) {
      throw ConfigError("key '" + opt.string_key + "' is given twice in " + origin);
    }
  }
  return out;
}

void apply_overrides(Entries& entries, const std::vector<std::string>& overrides, const std::string& origin) {
  for (const auto& kv : overrides) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ConfigError("--set '" + kv + "' is not key=value (overriding " + origin + ")");
    }
    entries[trim(kv.substr(0, eq))] = Entry{trim(kv.substr(eq + 1)), "--set (command line, overriding " + origin + ")"};
  }
}

double parse_real(const Entry& e, const std::string& key, bool zero_allowed) {
  const char* begin = e.value.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(begin, &end);
  // strtod also reads hexadecimal floats, "inf" and "nan": none is a
  // physical quantity a config file should spell.
  const bool hex = e.value.find_first_of("xX") != std::string::npos;
  const bool out_of_range = errno == ERANGE;
  if (e.value.empty() || end == begin || *end != '\0' || hex || (!out_of_range && !std::isfinite(v))) {
    throw ConfigError("key '" + key + "' in " + e.origin + ": '" + e.value +
                      "' is not a number (write a decimal such as 1.5 or 2e-3)");
  }
  if (zero_allowed && v == 0 && !out_of_range) return 0.0;  // "not modelled"; -0 too
  if (v <= 0 && !(out_of_range && v == 0 && !std::signbit(v))) {
    throw ConfigError("key '" + key + "' in " + e.origin + ": " + e.value +
                      (zero_allowed ? " must be zero or positive (0 leaves it out of the costs)"
                                    : " must be positive (a physical quantity cannot be zero or negative)"));
  }
  // ERANGE also flags subnormal results, which are stored fine; only a value
  // that became 0 or infinity is lost.
  if (out_of_range && (v == 0 || !std::isfinite(v))) {
    throw ConfigError("key '" + key + "' in " + e.origin + ": " + e.value + " is " +
                      (v == 0 ? "too small" : "too large") + " for a double");
  }
  return v;
}

std::uint32_t parse_count(const Entry& e, const std::string& key) {
  const char* begin = e.value.c_str();
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(begin, &end, 10);
  if (e.value.empty() || end == begin || *end != '\0' || errno == ERANGE) {
    throw ConfigError("key '" + key + "' in " + e.origin + ": '" + e.value +
                      "' is not a whole number");
  }
  if (v <= 0 || v > 1'000'000) {
    throw ConfigError("key '" + key + "' in " + e.origin + ": " + e.value +
                      " must be between 1 and 1000000");
  }
  return static_cast<std::uint32_t>(v);
}

}  // namespace mrampim::config
