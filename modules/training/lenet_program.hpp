// The LeNet (lenet.hpp) as a host program of layer commands
// (controller/layer_command.hpp): where its tensors live in the data window,
// and the commands of a forward pass, a backward pass and the SGD update.
// The host writes the images into `x0` and the loss gradient into `d.back()`,
// reads the logits from `fc.back()`, and reads the weights back at the end.
//
// Layout: every tensor starts at a row boundary, one after another from
// `first_row` (global rows of the data window): the parameters (layer order,
// each weight then its bias), their gradients, then the batch's tensors
// sized for `batch` samples: x0, c1 (conv1's output, ReLU in place), p1,
// c2, p2, each fully connected output (ReLU in place but the last), the
// gradients coming back into each fully connected output (d; the last is the
// loss gradient), dp2, dc2, dp1, dc1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "controller/layer_command.hpp"
#include "training/lenet.hpp"

namespace mrampim {

struct LeNetTensors {
  std::uint32_t batch = 0;            // samples the batch tensors hold
  std::vector<std::uint32_t> params;  // rows of each parameter tensor (LeNetParams order)
  std::vector<std::uint32_t> grads;   // rows of each gradient, same order
  std::vector<std::uint64_t> param_words;
  std::uint32_t x0 = 0, c1 = 0, p1 = 0, c2 = 0, p2 = 0;
  std::vector<std::uint32_t> fc;      // outputs of each fully connected layer
  std::vector<std::uint32_t> d;       // gradients of each fully connected output
  std::uint32_t dp2 = 0, dc2 = 0, dp1 = 0, dc1 = 0;
  std::uint64_t first_row = 0, end_row = 0;  // the rows the layout takes, [first, end)
};

// Throws std::invalid_argument when a size does not fit a command's fields.
LeNetTensors lenet_tensors(const LeNetSpec& spec, std::uint32_t batch, const TensorGeometry& g,
                           std::uint64_t first_row);

// Commands of one batch of `batch` samples (at most the layout's batch), each
// with the format and rounding; tags are left 0. The phase names the part of
// the step each command belongs to, for waveforms.
struct PhasedCommand {
  Command command;
  const char* phase = "";
};
// The phases of a training step, as the training host's `phase` signal
// numbers them (phase p is names[p]); every PhasedCommand's phase is one.
const std::vector<std::string>& training_phase_names();

std::vector<PhasedCommand> lenet_forward(const LeNetSpec& s, const LeNetTensors& t, std::uint32_t batch,
                                         const FpFormat& f, Rounding r);
std::vector<PhasedCommand> lenet_backward(const LeNetSpec& s, const LeNetTensors& t, std::uint32_t batch,
                                          const FpFormat& f, Rounding r);
std::vector<PhasedCommand> lenet_update(const LeNetSpec& s, const LeNetTensors& t, std::uint32_t neg_lr_word,
                                        const FpFormat& f, Rounding r);

}  // namespace mrampim
