// When a shared resource (the path between banks) is busy: the intervals
// booked on it, so that a command's transfers take the first gap long
// enough, before or after another command's, instead of queueing behind
// every booking made so far (commands book out of time order: a command's
// gather is booked when it is issued, after its computation).
//
// Owns: the booked intervals, pruned as time passes.
// Exposes: earliest_fit() and book().
// Costs: nothing; it only orders.
#pragma once

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

namespace mrampim {

class ResourceCalendar {
 public:
  // The earliest start >= t of an interval of `duration` that meets no booking.
  double earliest_fit(double t, double duration) const {
    if (duration <= 0) return t;  // nothing to fit: no booking moves it
    for (const auto& [from, to] : busy_) {  // sorted, disjoint
      if (t + duration <= from) break;
      if (to > t) t = to;
    }
    return t;
  }
  // Books [start, end); it must not meet a booking (earliest_fit gave start).
  void book(double start, double end) {
    if (end <= start) return;
    const auto at = std::lower_bound(busy_.begin(), busy_.end(), std::make_pair(start, end));
    busy_.insert(at, {start, end});
    busy_ns_ += end - start;
  }
  // Forgets the intervals that end by `now` (no later command starts before it).
  void prune(double now) {
    const auto past = std::find_if(busy_.begin(), busy_.end(), [&](const auto& b) { return b.second > now; });
    busy_.erase(busy_.begin(), past);
  }
  // Time booked over the calendar's life.
  double busy_ns() const { return busy_ns_; }

 private:
  std::vector<std::pair<double, double>> busy_;
  double busy_ns_ = 0;
};

}  // namespace mrampim
