// A small reader of the VCD files SystemC writes, for tests that check what a
// user would see in a waveform viewer: which signals exist and what values
// they take over time.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace mrampim::test {

struct VcdChange {
  std::uint64_t time;
  std::string value;  // "0"/"1" for scalars, binary digits for vectors, decimal text for reals
};

struct VcdSignal {
  std::string name;   // hierarchical: scope.scope.name
  std::string type;   // wire, real, ...
  int width = 0;
  std::vector<VcdChange> changes;

  std::vector<double> reals() const {
    std::vector<double> v;
    for (const auto& c : changes) v.push_back(std::stod(c.value));
    return v;
  }
  bool takes(const std::string& value) const {
    for (const auto& c : changes) if (c.value == value) return true;
    return false;
  }
};

class Vcd {
 public:
  explicit Vcd(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open VCD " + path);
    std::string tok;
    std::vector<std::string> scope;
    std::map<std::string, std::vector<std::size_t>> by_id;
    std::uint64_t now = 0;
    bool defs = true;
    while (in >> tok) {
      if (defs) {
        if (tok == "$scope") {
          std::string kind, name;
          in >> kind >> name;
          scope.push_back(name);
        } else if (tok == "$upscope") {
          scope.pop_back();
        } else if (tok == "$var") {
          VcdSignal s;
          std::string id, name;
          in >> s.type >> s.width >> id >> name;
          for (auto it = scope.rbegin(); it != scope.rend(); ++it) name = *it + "." + name;
          s.name = name;
          by_id[id].push_back(signals_.size());
          signals_.push_back(s);
        } else if (tok == "$enddefinitions") {
          defs = false;
        }
        continue;
      }
      if (tok[0] == '#') {
        now = std::stoull(tok.substr(1));
      } else if (tok[0] == 'b' || tok[0] == 'r') {
        std::string id;
        in >> id;
        for (auto i : by_id[id]) signals_[i].changes.push_back({now, tok.substr(1)});
      } else if (tok[0] == '0' || tok[0] == '1' || tok[0] == 'x' || tok[0] == 'z') {
        for (auto i : by_id[tok.substr(1)]) signals_[i].changes.push_back({now, tok.substr(0, 1)});
      }
      // $dumpvars / $end and other keywords carry no values of their own.
    }
  }

  // The signal whose hierarchical name ends with `suffix`.
  const VcdSignal& signal(const std::string& suffix) const {
    for (const auto& s : signals_) {
      if (s.name.size() >= suffix.size() && s.name.compare(s.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return s;
      }
    }
    throw std::runtime_error("VCD has no signal named *" + suffix);
  }
  const std::vector<VcdSignal>& signals() const { return signals_; }

 private:
  std::vector<VcdSignal> signals_;
};

}  // namespace mrampim::test
