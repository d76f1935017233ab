// A loosely-timed system bus for the firmware-in-the-loop SoC: several
// initiators, targets at base addresses, one transfer at a time.
//
// Owns: the address map. Exposes: a multi-initiator target socket, a
// multi-target initiator socket (bind targets in map order), blocking,
// debug and DMI transport with address translation, and DMI invalidations
// passed back to every initiator in bus addresses. Costs: one arbitration
// by transfer: a transaction waits while another holds the bus (its beats
// at `cycle_ns` per 8 bytes), so a second initiator slows the first.
//
// A template for a VP's own interconnect, not a model of a particular one.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "controller/resource_calendar.hpp"

namespace mrampim::soc {

struct BusRange {
  std::string name;
  std::uint64_t base = 0, size = 0;
};

class SocBus : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<SocBus, 64> targets_side{"from_initiators"};
  tlm_utils::multi_passthrough_initiator_socket<SocBus, 64> initiators_side{"to_targets"};

  // `map`: one range per target, in the order targets are bound.
  SocBus(sc_core::sc_module_name name, std::vector<BusRange> map, double cycle_ns);

  // Transactions per initiator (by the order they were bound), and the time
  // transactions waited for the bus.
  const std::vector<std::uint64_t>& transactions() const { return transactions_; }
  double contention_ns() const { return contention_ns_; }

 private:
  // The target of an address, or -1; `offset` is the address in its range.
  int decode(std::uint64_t address, std::uint64_t length, std::uint64_t& offset) const;
  void b_transport(int from, tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  unsigned transport_dbg(int from, tlm::tlm_generic_payload& t);
  bool get_direct_mem_ptr(int from, tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int target, sc_dt::uint64 start, sc_dt::uint64 end);

  std::vector<BusRange> map_;
  double cycle_ns_;
  ResourceCalendar calendar_;  // the transfers' bookings, ns
  std::vector<std::uint64_t> transactions_;
  double contention_ns_ = 0;
};

}  // namespace mrampim::soc
