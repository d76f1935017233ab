#include "training/training_host.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "accelerator/register_map.hpp"
#include "compute/fp_value.hpp"

namespace mrampim {

TrainingHostCore::TrainingHostCore(sc_core::sc_module_name name, TrainingJob job, bool poll)
    : HostBusCore(name, poll), job_(std::move(job)) {
  if (job_.data == nullptr) throw std::invalid_argument("training host: no data");
  if (job_.batch == 0 || job_.batch > job_.tensors.batch) {
    throw std::invalid_argument("training host: a batch larger than the tensors hold");
  }
  pixel_.resize(256);
  for (std::size_t p = 0; p < pixel_.size(); ++p) pixel_[p] = std::uint32_t(fp_from_double(job_.format, double(p) / 255.0));
  neg_lr_ = std::uint32_t(fp_from_double(job_.format, -job_.learning_rate));
  SC_HAS_PROCESS(TrainingHostCore);
  SC_THREAD(run);
}

void TrainingHostCore::set_phase(const std::string& name) {
  const auto& names = training_phase_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw std::logic_error("training host: no phase '" + name + "'");
  phase.write(int(it - names.begin()));
}


void TrainingHostCore::write_images(const Dataset& d, const std::vector<std::size_t>& indices) {
  const std::size_t px = d.pixels_per_image();
  std::vector<std::uint32_t> x(indices.size() * px);
  for (std::size_t b = 0; b < indices.size(); ++b) {
    const std::uint8_t* img = d.image(indices[b]);
    for (std::size_t i = 0; i < px; ++i) x[b * px + i] = pixel_[img[i]];
  }
  write_tensor(job_.tensors.x0, x);
}

void TrainingHostCore::issue_all(const std::vector<PhasedCommand>& commands) {
  for (const PhasedCommand& pc : commands) {
    set_phase(pc.phase);
    Command c = pc.command;
    c.tag = ++tag_;
    issue(c);
  }
}

BatchResult TrainingHostCore::step(const Dataset& d, const std::vector<std::size_t>& indices, bool train) {
  const LeNetSpec& s = job_.spec;
  const auto B = std::uint32_t(indices.size());
  set_phase(train ? "write images" : "evaluate");
  write_images(d, indices);
  issue_all(lenet_forward(s, job_.tensors, B, job_.format, job_.rounding));
  wait_idle();
  set_phase(train ? "loss" : "evaluate");
  const std::size_t C = s.fc.back();
  const std::vector<std::uint32_t> logits = read_tensor(job_.tensors.fc.back(), B * C);
  std::vector<std::uint8_t> labels;
  for (std::size_t i : indices) labels.push_back(d.labels[i]);
  std::vector<std::uint32_t> dlogits;
  const BatchResult r = softmax_cross_entropy(job_.format, logits, C, labels, train ? &dlogits : nullptr);
  if (train) {
    write_tensor(job_.tensors.d.back(), dlogits);
    issue_all(lenet_backward(s, job_.tensors, B, job_.format, job_.rounding));
    issue_all(lenet_update(s, job_.tensors, neg_lr_, job_.format, job_.rounding));
    wait_idle();
  }
  return r;
}

void TrainingHostCore::train() {
  open_device();
  g_.width = job_.format.width();
  g_.words_per_row = read_register(regs::kCols) / g_.width;
  write_register(regs::kLaneFirst, job_.pool.first);
  write_register(regs::kLaneCount, job_.pool.count);
  set_phase("load weights");
  const LeNetParams init = init_lenet(job_.spec, job_.format, job_.seed);
  for (std::size_t t = 0; t < init.tensors.size(); ++t) write_tensor(job_.tensors.params[t], init.tensors[t]);

  const DataSplit& data = *job_.data;
  const std::size_t n = data.train.size();
  for (std::uint32_t epoch = 0; epoch < job_.epochs; ++epoch) {
    const auto order = epoch_order(n, job_.seed, epoch);
    const auto wall0 = std::chrono::steady_clock::now();
    const double t0 = sc_core::sc_time_stamp().to_seconds() * 1e9;
    if (on_training) on_training(true);
    double loss_sum = 0;
    for (std::size_t base = 0; base < n; base += job_.batch) {
      const std::size_t m = std::min<std::size_t>(job_.batch, n - base);
      const std::vector<std::size_t> idx(order.begin() + std::ptrdiff_t(base), order.begin() + std::ptrdiff_t(base + m));
      loss_sum += step(data.train, idx, true).loss * double(m);
      ++outcome_.train_batches;
      if (job_.progress) job_.progress(epoch, base + m, n, loss_sum / double(base + m));
    }
    if (on_training) on_training(false);
    outcome_.training_ns += sc_core::sc_time_stamp().to_seconds() * 1e9 - t0;
    outcome_.epoch_seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count());
    outcome_.epoch_loss.push_back(loss_sum / double(n));
    // Test accuracy after the epoch, batch by batch through the same commands.
    std::size_t correct = 0;
    std::vector<std::size_t> all(data.test.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    for (std::size_t base = 0; base < all.size(); base += job_.tensors.batch) {
      const std::size_t m = std::min<std::size_t>(job_.tensors.batch, all.size() - base);
      correct += step(data.test,
                      std::vector<std::size_t>(all.begin() + std::ptrdiff_t(base), all.begin() + std::ptrdiff_t(base + m)),
                      false)
                     .correct;
      ++outcome_.eval_batches;
    }
    outcome_.test_accuracy.push_back(double(correct) / double(data.test.size()));
    if (job_.target_accuracy > 0 && outcome_.test_accuracy.back() >= job_.target_accuracy) {
      outcome_.epochs_to_target = epoch + 1;
      break;
    }
  }
  set_phase("read weights");
  outcome_.final_params = init;
  for (std::size_t t = 0; t < init.tensors.size(); ++t) {
    outcome_.final_params.tensors[t] = read_tensor(job_.tensors.params[t], init.tensors[t].size());
  }
  set_phase("idle");
}

void TrainingHostCore::run() {
  try {
    train();
  } catch (const std::exception& e) {
    failure_ = e.what();
  }
  finish();
}

}  // namespace mrampim
