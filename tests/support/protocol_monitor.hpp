// A TLM-2.0 base-protocol monitor for tests: placed between an initiator and
// a target, it forwards every call unchanged and records each rule broken:
//   - phases in order: BEGIN_REQ, END_REQ (or BEGIN_RESP in its place),
//     BEGIN_RESP, END_RESP; nothing after the transaction completed;
//   - at most one request outstanding (BEGIN_REQ without END_REQ) at a time;
//   - time never goes backwards: a b_transport delay only grows, and each
//     phase of a transaction happens no earlier than the one before;
//   - the response status is set (not INCOMPLETE) before the response;
//   - the target changes nothing but the data, the response status and the
//     DMI hint: command, address, data pointer and length, byte enables and
//     streaming width come back as they went.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <map>
#include <string>
#include <vector>

namespace mrampim::test {

template <unsigned int BUSWIDTH>
class ProtocolMonitor : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<ProtocolMonitor, BUSWIDTH> target{"target"};        // the initiator binds here
  tlm_utils::simple_initiator_socket<ProtocolMonitor, BUSWIDTH> initiator{"initiator"};  // bound to the target

  std::vector<std::string> violations;
  std::uint64_t transactions = 0, phases = 0;

  explicit ProtocolMonitor(sc_core::sc_module_name n) : sc_module(n) {
    target.register_b_transport(this, &ProtocolMonitor::b_transport);
    target.register_nb_transport_fw(this, &ProtocolMonitor::nb_transport_fw);
    target.register_get_direct_mem_ptr(this, &ProtocolMonitor::get_direct_mem_ptr);
    target.register_transport_dbg(this, &ProtocolMonitor::transport_dbg);
    initiator.register_nb_transport_bw(this, &ProtocolMonitor::nb_transport_bw);
    initiator.register_invalidate_direct_mem_ptr(this, &ProtocolMonitor::invalidate);
  }

 private:
  struct Attributes {
    tlm::tlm_command command;
    sc_dt::uint64 address;
    unsigned char* data;
    unsigned length;
    unsigned char* byte_enables;
    unsigned byte_enable_length;
    unsigned streaming_width;

    static Attributes of(const tlm::tlm_generic_payload& t) {
      return {t.get_command(),         t.get_address(),     t.get_data_ptr(),       t.get_data_length(),
              t.get_byte_enable_ptr(), t.get_byte_enable_length(), t.get_streaming_width()};
    }
    bool operator==(const Attributes& o) const {
      return command == o.command && address == o.address && data == o.data && length == o.length &&
             byte_enables == o.byte_enables && byte_enable_length == o.byte_enable_length &&
             streaming_width == o.streaming_width;
    }
  };
  enum class State { Request, RequestEnded, Response, Done };
  struct Open {
    State state = State::Request;
    sc_core::sc_time last;  // absolute time of the last phase
    Attributes attributes;
  };

  void fail(const std::string& what) {
    violations.push_back(sc_core::sc_time_stamp().to_string() + ": " + what);
  }

  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    ++transactions;
    const Attributes before = Attributes::of(t);
    const sc_core::sc_time d0 = delay;
    initiator->b_transport(t, delay);
    if (delay < d0) fail("b_transport: the timing annotation went backwards");
    if (t.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE) fail("b_transport: no response status");
    if (!(Attributes::of(t) == before)) fail("b_transport: the target changed a payload attribute");
  }

  void phase_at(tlm::tlm_generic_payload& t, const tlm::tlm_phase& p, const sc_core::sc_time& delay) {
    ++phases;
    const sc_core::sc_time at = sc_core::sc_time_stamp() + delay;
    auto it = open_.find(&t);
    if (p == tlm::BEGIN_REQ) {
      if (it != open_.end() && it->second.state != State::Done) fail("BEGIN_REQ for a transaction still open");
      if (outstanding_ != nullptr) fail("BEGIN_REQ while another request is outstanding");
      outstanding_ = &t;
      ++transactions;
      open_[&t] = Open{State::Request, at, Attributes::of(t)};
      return;
    }
    if (it == open_.end() || it->second.state == State::Done) {
      fail(std::string(p.get_name()) + " for a transaction that is not open");
      return;
    }
    Open& o = it->second;
    if (at < o.last) fail(std::string(p.get_name()) + ": earlier than the phase before it");
    o.last = at;
    if (!(Attributes::of(t) == o.attributes)) fail(std::string(p.get_name()) + ": a payload attribute changed");
    if (p == tlm::END_REQ) {
      if (o.state != State::Request) fail("END_REQ out of order");
      o.state = State::RequestEnded;
      if (outstanding_ == &t) outstanding_ = nullptr;
    } else if (p == tlm::BEGIN_RESP) {
      if (o.state != State::Request && o.state != State::RequestEnded) fail("BEGIN_RESP out of order");
      if (t.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE) fail("BEGIN_RESP without a response status");
      if (outstanding_ == &t) outstanding_ = nullptr;  // BEGIN_RESP ends the request too
      o.state = State::Response;
    } else if (p == tlm::END_RESP) {
      if (o.state != State::Response) fail("END_RESP out of order");
      o.state = State::Done;
    } else {
      fail("a phase the base protocol does not have");
    }
  }

  // TLM_COMPLETED ends the transaction wherever it stands.
  void completed(tlm::tlm_generic_payload& t) {
    auto it = open_.find(&t);
    if (it == open_.end()) return;
    if (it->second.state == State::Request || it->second.state == State::RequestEnded) {
      if (t.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE) fail("completed without a response status");
    }
    if (outstanding_ == &t) outstanding_ = nullptr;
    it->second.state = State::Done;
  }

  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& t, tlm::tlm_phase& p, sc_core::sc_time& delay) {
    phase_at(t, p, delay);
    const tlm::tlm_phase sent = p;
    const tlm::tlm_sync_enum r = initiator->nb_transport_fw(t, p, delay);
    if (r == tlm::TLM_UPDATED && p != sent) phase_at(t, p, delay);
    if (r == tlm::TLM_COMPLETED) completed(t);
    return r;
  }

  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& t, tlm::tlm_phase& p, sc_core::sc_time& delay) {
    phase_at(t, p, delay);
    const tlm::tlm_phase sent = p;
    const tlm::tlm_sync_enum r = target->nb_transport_bw(t, p, delay);
    if (r == tlm::TLM_UPDATED && p != sent) phase_at(t, p, delay);
    if (r == tlm::TLM_COMPLETED) completed(t);
    return r;
  }

  bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
    return initiator->get_direct_mem_ptr(t, dmi);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& t) { return initiator->transport_dbg(t); }
  void invalidate(sc_dt::uint64 start, sc_dt::uint64 end) { target->invalidate_direct_mem_ptr(start, end); }

  std::map<const tlm::tlm_generic_payload*, Open> open_;
  const tlm::tlm_generic_payload* outstanding_ = nullptr;
};

}  // namespace mrampim::test
