// Where a layer command's data moves and how long it takes
// (controller.hpp): the tensors broadcast over the path between banks, the
// operands into the lanes over each bank's path, the results gathered back;
// the counts against the transfer formula (2 steps per bit or column, facts
// sec. 4) and the latency against the stages' ledger times.
#include <catch2/catch.hpp>

#include <cstring>
#include <deque>
#include <random>

#include "controller/controller.hpp"
#include "controller/resource_calendar.hpp"
#include "support/lenet_bench.hpp"

using namespace mrampim;
using mrampim::test::VectorPort;

namespace {

constexpr std::uint32_t kIn = 3, kOut = 16, kBatch = 128;  // 2,048 lanes: two subarrays' batches
constexpr std::uint32_t kX = 0, kW = 100, kBias = 200, kY = 300;  // first rows of the tensors

// A platform of `banks` banks of four subarrays, the tensors in the first
// rows, an fc forward of kBatch samples with the lanes in `pool`.
struct FcPlatform {
  FcPlatform(const Technology& t, std::uint32_t bank_count, LanePool lanes) : pool(lanes) {
    for (std::uint32_t b = 0; b < bank_count; ++b) banks.emplace_back("bank" + std::to_string(b), t, 4, ledger);
    ctl = std::make_unique<Controller>(banks, ledger, "ctl", ExecMode::Fast, CostBasis::Exact);
    port = std::make_unique<VectorPort>(4096, 32);
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    auto fill = [&](std::uint32_t row, std::size_t n) {
      std::vector<std::uint32_t> v(n);
      for (auto& w : v) {
        const float f = u(rng);
        std::memcpy(&w, &f, 4);
      }
      port->write(row, n, v.data());
    };
    fill(kX, kIn * kBatch);
    fill(kW, kIn * kOut);
    fill(kBias, kOut);
    command = fc_forward_command(kX, kW, kBias, kY, kIn, kOut, kBatch);
    command.format = FpFormat::fp32();
  }
  std::vector<std::uint32_t> y() {
    std::vector<std::uint32_t> v(kOut * kBatch);
    port->read(kY, v.size(), v.data());
    return v;
  }
  const CostAccount& account(const std::string& name) const { return *ledger.find(name); }

  CostLedger ledger;
  std::deque<Bank> banks;
  std::unique_ptr<Controller> ctl;
  std::unique_ptr<VectorPort> port;
  LanePool pool;
  Command command;
};

// The transfer formula: `cols` bit columns of `rows` rows, row-parallel,
// written into `receivers` places.
ActivityCounts moved(std::uint64_t cols, std::uint64_t rows, std::uint64_t receivers) {
  ActivityCounts t;
  t.compute_steps = 2 * cols;
  t.steps[std::size_t(StepKind::Read)] = t.steps[std::size_t(StepKind::Write)] = cols;
  t.cells[std::size_t(StepKind::Read)] = cols * rows;
  t.cells[std::size_t(StepKind::Write)] = cols * rows * receivers;
  t.column_lines[std::size_t(StepKind::Read)] = cols;  // per column a read step, a write step per receiver
  t.column_lines[std::size_t(StepKind::Write)] = cols * receivers;
  t.row_lines = rows * (1 + receivers);  // raised once at the source and in each receiver
  return t;
}

}  // namespace

TEST_CASE("a layer command's operands come over its banks' paths, its tensors over the path between banks",
          "[layer][schedule]") {
  const Technology t = load_technology("sot-mram-1t1r");
  // Both lane subarrays in bank 1, sharing its path; or one in bank 0 and
  // one in bank 1, a path each.
  FcPlatform shared(t, 2, LanePool{4, 2}), split(t, 2, LanePool{3, 2});
  const CommandOutcome a = shared.ctl->execute(shared.command, 0, shared.pool, *shared.port);
  const CommandOutcome b = split.ctl->execute(split.command, 0, split.pool, *split.port);
  REQUIRE(a.error == CommandError::None);
  REQUIRE(b.error == CommandError::None);
  CHECK(shared.y() == split.y());  // where the lanes are changes no bit

  // Lanes: kIn MACs per lane, each moving its two fp32 operands in: 64 bit
  // columns of the batch's 1,024 rows, on the path of the lane's bank.
  // (The two fields each raise the batch's rows at both ends: 2 x 2 x 1,024 word lines.)
  ActivityCounts one_mac = moved(2 * 32, 1024, 1);
  one_mac.row_lines = 2 * 2 * 1024;
  const ActivityCounts per_batch = one_mac * kIn;
  CHECK(shared.account("bank1.transfer").phase(Phase::Transfer) == per_batch * 2);
  CHECK(shared.account("bank0.transfer").phase(Phase::Transfer) == ActivityCounts{});
  CHECK(split.account("bank0.transfer").phase(Phase::Transfer) == per_batch);
  CHECK(split.account("bank1.transfer").phase(Phase::Transfer) == per_batch);
  for (std::uint32_t s = 0; s < 4; ++s) {  // the subarrays compute, the paths move
    CHECK(shared.banks[1].subarray(s).account().phase(Phase::Transfer) == ActivityCounts{});
  }
  CHECK(shared.banks[1].subarray(0).account().phase(Phase::Mantissa).compute_steps > 0);

  // The path between banks: x (384 words: 12 rows of 32), W (48: 2 rows) and
  // the bias (16 words: 512 columns of one row) broadcast to every bank it
  // computes in; y (2,048 words: 64 rows) gathered once.
  auto staging = [](std::uint64_t receivers) {
    ActivityCounts all = moved(1024, 12, receivers);
    all += moved(1024, 2, receivers);
    all += moved(512, 1, receivers);
    all += moved(1024, 64, 1);
    return all;
  };
  CHECK(shared.account("ctl.interconnect").phase(Phase::Transfer) == staging(1));
  CHECK(split.account("ctl.interconnect").phase(Phase::Transfer) == staging(2));

  // Time: the broadcast, then the slowest of the lane subarrays (programs and
  // the moves into them) and the bank paths, then the gather.
  for (FcPlatform* p : {&shared, &split}) {
    const CommandOutcome& o = p == &shared ? a : b;
    const StepPrices prices = StepPrices::from(t);
    const double broadcast = (staging(p == &shared ? 1 : 2) - moved(1024, 64, 1)).latency_ns(prices);  // x, W, bias
    const double gather = moved(1024, 64, 1).latency_ns(prices);
    double lanes = 0;
    for (std::uint32_t g : p->ctl->last_layer_subarrays()) {
      const double compute = p->banks[g / 4].subarray(g % 4).account().latency_ns();
      lanes = std::max(lanes, compute + per_batch.latency_ns(prices));
    }
    for (const Bank& bank : p->banks) lanes = std::max(lanes, bank.transfer_account().latency_ns());
    CHECK(o.start_ns == 0);
    CHECK(o.end_ns == Approx(broadcast + lanes + gather).epsilon(1e-12));
  }
  CHECK(shared.ctl->path_busy_time_ns()[1] == Approx(2 * per_batch.latency_ns(StepPrices::from(t))));
  CHECK(split.ctl->path_busy_time_ns()[0] == Approx(per_batch.latency_ns(StepPrices::from(t))));
  CHECK(shared.ctl->interconnect_busy_time_ns() ==
        Approx(staging(1).latency_ns(StepPrices::from(t))).epsilon(1e-12));
}

TEST_CASE("independent layer commands overlap their lanes, and their transfers take turns on the path between banks",
          "[layer][schedule]") {
  const Technology t = load_technology("sot-mram-1t1r");
  FcPlatform p(t, 2, LanePool{4, 4});
  // Two commands on disjoint tensors, issued at once: the second takes the
  // two pool subarrays the first left free.
  Command second = fc_forward_command(kX, kW, kBias, kY + 100, kIn, kOut, kBatch);
  second.format = FpFormat::fp32();
  const CommandOutcome a = p.ctl->execute(p.command, 0, p.pool, *p.port);
  const std::vector<std::uint32_t> first_lanes = p.ctl->last_layer_subarrays();
  const CommandOutcome b = p.ctl->execute(second, 0, p.pool, *p.port);
  REQUIRE(a.error == CommandError::None);
  REQUIRE(b.error == CommandError::None);
  CHECK(p.ctl->last_layer_subarrays() != first_lanes);
  // The path between banks carries one transfer at a time and a bank's path
  // one command's moves: the second command's broadcast waits for the
  // first's (its bank's path is free again by then), and its lanes then
  // compute beside the first's: it ends one broadcast later.
  const StepPrices prices = StepPrices::from(t);
  const double broadcast = (moved(1024, 12, 1).latency_ns(prices) + moved(1024, 2, 1).latency_ns(prices) +
                            moved(512, 1, 1).latency_ns(prices));
  const double path_moves = (moved(2 * 32, 1024, 1) * kIn * 2).latency_ns(prices);  // two batches each
  REQUIRE(path_moves < broadcast);
  CHECK(b.start_ns == Approx(a.start_ns + broadcast).epsilon(1e-12));  // it begins with its broadcast
  CHECK(b.end_ns == Approx(a.end_ns + broadcast).epsilon(1e-12));
  CHECK(b.end_ns < 2 * a.end_ns);  // overlapped, not one after the other
  CHECK(p.ctl->path_busy_time_ns()[1] == Approx(2 * path_moves).epsilon(1e-12));
  // Broadcasts and gathers never overlap.
  CHECK(p.ctl->interconnect_busy_time_ns() == Approx(2 * (broadcast + moved(1024, 64, 1).latency_ns(prices))));
}

TEST_CASE("the path between banks books each transfer in the first gap long enough", "[layer][schedule]") {
  ResourceCalendar c;
  c.book(10, 20);
  c.book(30, 40);
  CHECK(c.earliest_fit(0, 10) == 0);    // before the first
  CHECK(c.earliest_fit(0, 11) == 40);   // no gap holds it
  CHECK(c.earliest_fit(15, 10) == 20);  // the gap between
  CHECK(c.earliest_fit(25, 5) == 25);
  CHECK(c.earliest_fit(25, 6) == 40);
  CHECK(c.busy_ns() == 20);
  c.prune(20);  // forgets [10, 20)
  CHECK(c.earliest_fit(0, 30) == 0);
  CHECK(c.earliest_fit(5, 26) == 40);
  CHECK(c.busy_ns() == 20);  // what was booked stays counted
}
