// The project's description-file grammar, shared by every kind of
// description (technologies, tech/technology.hpp; the analog tile,
// analog_tile/analog_params.hpp): Boost.Program_options' config-file syntax,
// INI sections read as "section.key", '#' starts a comment, one value per
// key; numbers are checked with their key and the file that gave them named.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace mrampim {

// Every config problem: bad key, missing key, bad value. The message names
// the key and the file; programs exit with status 2 on it and run nothing.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace config {

struct Entry {
  std::string value;
  std::string origin;  // file (or "--set") that gave it, for messages
};
using Entries = std::map<std::string, Entry>;

std::string trim(const std::string& s);
// The key/value pairs of `text`; `origin` names it in messages. Throws
// ConfigError for a syntax error or a key given twice.
Entries read_entries(const std::string& text, const std::string& origin);
// "key=value" overrides (--set) on top of `entries`, each recorded as coming
// from the command line. Throws ConfigError for text that is not key=value.
void apply_overrides(Entries& entries, const std::vector<std::string>& overrides, const std::string& origin);
// A decimal that must be positive (or, with zero_allowed, zero or positive).
double parse_real(const Entry& e, const std::string& key, bool zero_allowed);
// A whole number in 1 .. 1,000,000.
std::uint32_t parse_count(const Entry& e, const std::string& key);

}  // namespace config
}  // namespace mrampim
