// A subarray with its own ledger, for unit tests.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "ledger/cost_ledger.hpp"
#include "subarray/subarray.hpp"
#include "tech/technology.hpp"

namespace mrampim::test {

struct ArrayFixture {
  explicit ArrayFixture(const std::string& tech_name, std::vector<std::string> overrides = {})
      : tech(load_technology(tech_name, overrides)),
        account(ledger.open_account("subarray", StepPrices::from(tech))),
        array(tech, account) {}

  void randomise(std::mt19937_64& rng) { array.fill_debug(rng); }
  std::vector<std::uint64_t> snapshot() const {
    std::vector<std::uint64_t> s;
    for (std::uint32_t c = 0; c < array.cols(); ++c) {
      const std::uint64_t* w = array.column_words(Column(c));
      s.insert(s.end(), w, w + array.words_per_column());
    }
    return s;
  }

  Technology tech;
  CostLedger ledger;
  CostAccount& account;
  Subarray array;
};

inline RowMask random_mask(std::uint32_t rows, std::mt19937_64& rng) {
  RowMask m(rows);
  for (std::size_t w = 0; w < m.words(); ++w) m.data()[w] = rng();
  return m;
}

}  // namespace mrampim::test
