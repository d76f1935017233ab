// The analog-MLP workload's host (docs/analog-mlp.md): a TLM-2.0 initiator
// that writes a binarized MLP's weights into the data window as fp32 +/-1
// words and programs the analog tile with one command, then, batch by
// batch, writes test images, issues an analog inference command, waits for
// it and reads the classes and output voltages back. Everything goes over
// the socket; the host knows the tile only by its registers and commands.
//
// With job.digital it runs the same network on the digital FP PIM instead
// (two fc-forward layer commands per batch), the baseline the tile is
// compared with.
//
// Owns: the job and what came back. Exposes: the outcome. Costs: none (its
// transactions are the accelerator's to cost).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "accelerator/accelerator.hpp"
#include "controller/layer_command.hpp"
#include "host/host_bus.hpp"
#include "training/binarized_mlp.hpp"
#include "training/dataset.hpp"

namespace mrampim {

struct AnalogMlpJob {
  BinarizedMlp net;
  const Dataset* images = nullptr;  // the first `count` are classified
  std::size_t count = 0;
  std::uint32_t batch = 100;        // images per inference command
  // The digital baseline instead: the same network on the digital FP PIM,
  // two fc-forward layer commands per batch (fp32, the binary weights as
  // +/-1.0, the inputs as the tile's rows see them: 1.0 for a pixel above 0),
  // tensors from row 0, lanes in `pool`; the hidden activation
  // -tanh(scale1 z / 2) and the class (the smallest scale2 z: the largest
  // 1 / (1 + e^z)) on the host, between and after the commands.
  bool digital = false;
  LanePool pool = {};
};

struct AnalogMlpOutcome {
  std::vector<std::uint32_t> predicted;
  std::vector<std::vector<float>> output_V;
  double program_ns = 0;            // the program command, issue to completion
  double infer_ns = 0;              // the inference commands, first issue to last completion
  std::uint64_t batches = 0;
  std::uint64_t commands = 0;
};

class AnalogMlpHostCore : public HostBusCore {
 public:
  AnalogMlpHostCore(sc_core::sc_module_name name, AnalogMlpJob job, bool poll = false);
  const AnalogMlpOutcome& outcome() const { return outcome_; }
  const std::string& failure() const { return failure_; }

 private:
  void run();  // SC_THREAD
  void classify();
  void classify_digital();
  void write_tensor(std::uint32_t row, const std::vector<std::uint32_t>& words) { HostBusCore::write_tensor(g_, row, words); }
  std::vector<std::uint32_t> read_tensor(std::uint32_t row, std::size_t n) { return HostBusCore::read_tensor(g_, row, n); }

  AnalogMlpJob job_;
  AnalogMlpOutcome outcome_;
  std::string failure_;
  TensorGeometry g_;
  std::uint32_t tag_ = 0;
};

template <unsigned int BUSWIDTH>
class AnalogMlpHost : public AnalogMlpHostCore {
 public:
  tlm_utils::simple_initiator_socket<AnalogMlpHost, BUSWIDTH> socket{"socket"};
  AnalogMlpHost(sc_core::sc_module_name name, AnalogMlpJob job, bool poll = false)
      : AnalogMlpHostCore(name, std::move(job), poll) {}
  void bind_to(AcceleratorCore& a) override { socket.bind(dynamic_cast<Accelerator<BUSWIDTH>&>(a).socket); }

 protected:
  void transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override {
    socket->b_transport(trans, delay);
  }
};

}  // namespace mrampim
