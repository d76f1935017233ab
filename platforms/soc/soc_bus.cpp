#include "soc/soc_bus.hpp"

#include <algorithm>
#include <stdexcept>

namespace mrampim::soc {

using sc_core::SC_NS;
using sc_core::sc_time;

SocBus::SocBus(sc_core::sc_module_name name, std::vector<BusRange> map, double cycle_ns)
    : sc_module(name), map_(std::move(map)), cycle_ns_(cycle_ns) {
  for (std::size_t i = 0; i < map_.size(); ++i) {
    if (map_[i].size == 0 || map_[i].base + map_[i].size - 1 < map_[i].base) {
      throw std::invalid_argument("bus: " + map_[i].name + " is empty or runs past the end of the address space");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (map_[i].base < map_[j].base + map_[j].size && map_[j].base < map_[i].base + map_[i].size) {
        throw std::invalid_argument("bus: " + map_[i].name + " overlaps " + map_[j].name);
      }
    }
  }
  targets_side.register_b_transport(this, &SocBus::b_transport);
  targets_side.register_transport_dbg(this, &SocBus::transport_dbg);
  targets_side.register_get_direct_mem_ptr(this, &SocBus::get_direct_mem_ptr);
  initiators_side.register_invalidate_direct_mem_ptr(this, &SocBus::invalidate_direct_mem_ptr);
}

int SocBus::decode(std::uint64_t address, std::uint64_t length, std::uint64_t& offset) const {
  for (std::size_t i = 0; i < map_.size(); ++i) {
    const BusRange& r = map_[i];
    if (address >= r.base && address - r.base < r.size && length <= r.size - (address - r.base)) {
      offset = address - r.base;
      return int(i);
    }
  }
  return -1;
}

void SocBus::b_transport(int from, tlm::tlm_generic_payload& t, sc_time& delay) {
  if (std::size_t(from) >= transactions_.size()) transactions_.resize(std::size_t(from) + 1, 0);
  ++transactions_[std::size_t(from)];
  const std::uint64_t address = t.get_address();
  std::uint64_t offset = 0;
  const int target = decode(address, std::max<std::uint64_t>(t.get_data_length(), 1), offset);
  if (target < 0) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  // Arbitration: the transfer takes the bus for its beats in the first gap
  // at or after the initiator's local time. Initiators run ahead of the
  // kernel by different amounts (temporal decoupling), so the bus books
  // intervals rather than one "free from" time: a transfer at an earlier
  // local time fits before a later one already booked.
  const double now = sc_core::sc_time_stamp().to_seconds() * 1e9;
  const double local = now + delay.to_seconds() * 1e9;
  const double beats_ns = double((t.get_data_length() + 7) / 8) * cycle_ns_;
  calendar_.prune(now);
  const double start = calendar_.earliest_fit(local, beats_ns);
  calendar_.book(start, start + beats_ns);
  if (start > local) {
    contention_ns_ += start - local;
    delay += sc_time(start - local, SC_NS);
  }
  t.set_address(offset);
  initiators_side[target]->b_transport(t, delay);
  t.set_address(address);
}

unsigned SocBus::transport_dbg(int, tlm::tlm_generic_payload& t) {
  const std::uint64_t address = t.get_address();
  std::uint64_t offset = 0;
  const int target = decode(address, std::max<std::uint64_t>(t.get_data_length(), 1), offset);
  if (target < 0) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  t.set_address(offset);
  const unsigned n = initiators_side[target]->transport_dbg(t);
  t.set_address(address);
  return n;
}

bool SocBus::get_direct_mem_ptr(int, tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
  const std::uint64_t address = t.get_address();
  std::uint64_t offset = 0;
  const int target = decode(address, 1, offset);
  if (target < 0) {
    // Refused over the unmapped gap around the address, so the initiator
    // does not ask again inside it.
    std::uint64_t lo = 0, hi = ~std::uint64_t{0};
    for (const BusRange& r : map_) {
      if (r.base + r.size <= address) lo = std::max(lo, r.base + r.size);
      if (r.base > address) hi = std::min(hi, r.base - 1);
    }
    dmi.allow_none();
    dmi.set_start_address(lo);
    dmi.set_end_address(hi);
    return false;
  }
  t.set_address(offset);
  const bool granted = initiators_side[target]->get_direct_mem_ptr(t, dmi);
  t.set_address(address);
  // The target's range, in bus addresses and clipped to its window.
  const BusRange& r = map_[std::size_t(target)];
  dmi.set_start_address(r.base + dmi.get_start_address());
  dmi.set_end_address(r.base + std::min<std::uint64_t>(dmi.get_end_address(), r.size - 1));
  return granted;
}

void SocBus::invalidate_direct_mem_ptr(int target, sc_dt::uint64 start, sc_dt::uint64 end) {
  const BusRange& r = map_.at(std::size_t(target));
  const std::uint64_t last = std::min<std::uint64_t>(end, r.size - 1);
  for (int i = 0; i < int(targets_side.size()); ++i) {
    targets_side[i]->invalidate_direct_mem_ptr(r.base + start, r.base + last);
  }
}

}  // namespace mrampim::soc
