// The training host: trains the LeNet (lenet.hpp) on the accelerator through
// its TLM-2.0 socket, as a host program of layer commands
// (lenet_program.hpp). It writes the initial weights into the data window
// once; per batch it writes the images, issues the forward commands, waits
// for completion (interrupt or polling), reads the logits, computes softmax
// and the loss on the host, writes the loss gradient back, issues the
// backward and update commands and waits; after each epoch it evaluates the
// test split the same way (forward only); at the end it reads the weights
// back. Weights, activations and gradients stay in the data window between
// commands. Bulk data moves in one burst transaction per tensor.
//
// Owns: the job (network, data, order, learning rate) and what it measured.
// Exposes: an initiator socket (TrainingHost<BUSWIDTH>), the interrupt input,
// `phase` (the part of the training step the host is in, for waveforms:
// training_phase_names()), `finished`, and a hook called when training
// batches begin and end (evaluation is not training).
// Costs: none; its transactions are costed by the accelerator.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "accelerator/accelerator.hpp"
#include "host/host_bus.hpp"
#include "training/dataset.hpp"
#include "training/lenet.hpp"
#include "training/lenet_program.hpp"

namespace mrampim {

struct TrainingJob {
  LeNetSpec spec;
  const DataSplit* data = nullptr;  // lives as long as the host
  FpFormat format = FpFormat::fp32();
  Rounding rounding = Rounding::Ieee;
  std::uint32_t batch = 16, epochs = 1;
  double learning_rate = 0.1;
  double target_accuracy = 0;  // > 0: stop after the first epoch that reaches it (a fraction)
  std::uint64_t seed = 1;
  LeNetTensors tensors;        // where the tensors live (lenet_tensors for the platform's rows)
  LanePool pool;               // the subarrays the layer commands compute in
  // Progress: epoch (0-based), images done, images in the epoch, mean loss so far.
  std::function<void(std::uint32_t, std::size_t, std::size_t, double)> progress;
};

struct TrainingOutcome {
  std::vector<double> epoch_loss, test_accuracy, epoch_seconds;
  std::uint32_t epochs_to_target = 0;
  LeNetParams final_params;     // read back from the accelerator
  double training_ns = 0;       // simulated time of the training batches (evaluation excluded)
  std::uint64_t train_batches = 0, eval_batches = 0;
};

class TrainingHostCore : public HostBusCore {
 public:
  sc_core::sc_signal<int> phase{"phase"};
  // Called with true when a run of training batches begins, false when it ends.
  std::function<void(bool)> on_training;

  TrainingHostCore(sc_core::sc_module_name name, TrainingJob job, bool poll = false);

  const TrainingJob& job() const { return job_; }
  const TrainingOutcome& outcome() const { return outcome_; }
  // Set when the run ended on an error (a transaction refused); empty otherwise.
  const std::string& failure() const { return failure_; }

 private:
  void run();  // SC_THREAD
  void train();
  void set_phase(const std::string& name);
  void write_tensor(std::uint32_t row, const std::vector<std::uint32_t>& words) { HostBusCore::write_tensor(g_, row, words); }
  std::vector<std::uint32_t> read_tensor(std::uint32_t row, std::size_t n) { return HostBusCore::read_tensor(g_, row, n); }
  void write_images(const Dataset& d, const std::vector<std::size_t>& indices);
  void issue_all(const std::vector<PhasedCommand>& commands);
  // Forward pass of the images at `indices`; the loss and correct answers,
  // and with `train` the backward pass and the update.
  BatchResult step(const Dataset& d, const std::vector<std::size_t>& indices, bool train);

  TrainingJob job_;
  TrainingOutcome outcome_;
  std::string failure_;
  TensorGeometry g_;
  std::vector<std::uint32_t> pixel_;  // p / 255 in the format
  std::uint32_t neg_lr_ = 0, tag_ = 0;
};

template <unsigned int BUSWIDTH>
class TrainingHost : public TrainingHostCore {
 public:
  tlm_utils::simple_initiator_socket<TrainingHost, BUSWIDTH> socket{"socket"};
  TrainingHost(sc_core::sc_module_name name, TrainingJob job, bool poll = false)
      : TrainingHostCore(name, std::move(job), poll) {}
  void bind_to(AcceleratorCore& a) override { socket.bind(dynamic_cast<Accelerator<BUSWIDTH>&>(a).socket); }

 protected:
  void transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override {
    socket->b_transport(trans, delay);
  }
};

}  // namespace mrampim
