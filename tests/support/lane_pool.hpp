// Compute subarrays of their own, with a ledger, for a LaneEngine outside a
// controller (LaneEngine::bind).
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "ledger/cost_ledger.hpp"
#include "subarray/subarray.hpp"

namespace mrampim::test {

struct LanePoolFixture {
  LanePoolFixture(const Technology& tech, std::uint32_t n) {
    for (std::uint32_t i = 0; i < n; ++i) {
      CostAccount& a = ledger.open_account("pool.subarray" + std::to_string(i), StepPrices::from(tech));
      subarrays.push_back(&arrays.emplace_back(tech, a));
    }
    // One transfer path feeds them all, as a bank's path feeds its subarrays.
    paths.assign(n, &ledger.open_account("pool.path", StepPrices::from(tech)));
  }
  CostLedger ledger;
  std::deque<Subarray> arrays;
  std::vector<Subarray*> subarrays;
  std::vector<CostAccount*> paths;
};

}  // namespace mrampim::test
