// The analog tile's commands (controller/command.hpp, opcodes 0x30, 0x31):
// a 32-byte descriptor whose word 0 holds the opcode and the fp32 format
// (Ne 8, Nm 23: the tensors' words), words 1-4 as below, words 5 and 6
// zero, word 7 the tag. Tensors are fp32 words in the data window, laid out
// as layer commands' (layer_command.hpp: tensor_pack), from a global row.
//
//   analog program (0x30)  word 1  first row of W1: (inputs + 1) x hidden
//                                  words, row-major, the bias row last,
//                                  each +1.0 or -1.0
//                          word 2  first row of W2: (hidden + 1) x outputs
//                          word 3  scale1, fp32 bits (> 0)
//                          word 4  scale2, fp32 bits (> 0)
//   analog infer (0x31)    word 1  first row of the images: count x inputs
//                                  words; the row drivers apply vdd to an
//                                  input above 0, 0 V otherwise
//                          word 2  count (images, one analog cycle each)
//                          word 3  first row of the results: count x
//                                  (outputs + 1) words, per image its class
//                                  (an unsigned integer word) and each output
//                                  neuron's voltage (fp32 bits, volts)
// A refused command changes nothing: no tile (NoAnalogTile), a weight not
// +/-1 or a scale not positive (AnalogWeights), an inference before a
// program (AnalogNotProgrammed), a count of 0 (ShapeInvalid), a tensor past
// the data window (TensorOutOfRange), another format (FormatUnsupported).
#pragma once

#include <cstdint>
#include <cstring>

#include "controller/command.hpp"

namespace mrampim {

struct AnalogProgramArgs {
  std::uint32_t w1_row = 0, w2_row = 0;
  float scale1 = 0, scale2 = 0;
};
struct AnalogInferArgs {
  std::uint32_t images_row = 0, count = 0, results_row = 0;
};

inline std::uint32_t float_word(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float word_float(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

inline Command analog_program_command(const AnalogProgramArgs& a, std::uint32_t tag = 0) {
  Command c;
  c.opcode = Opcode::AnalogProgram;
  c.raw_opcode = std::uint8_t(Opcode::AnalogProgram);
  c.format = FpFormat::fp32();
  c.args = {a.w1_row, a.w2_row, float_word(a.scale1), float_word(a.scale2), 0, 0};
  c.tag = tag;
  return c;
}
inline Command analog_infer_command(const AnalogInferArgs& a, std::uint32_t tag = 0) {
  Command c;
  c.opcode = Opcode::AnalogInfer;
  c.raw_opcode = std::uint8_t(Opcode::AnalogInfer);
  c.format = FpFormat::fp32();
  c.args = {a.images_row, a.count, a.results_row, 0, 0, 0};
  c.tag = tag;
  return c;
}
inline AnalogProgramArgs analog_program_args(const Command& c) {
  return {c.args[0], c.args[1], word_float(c.args[2]), word_float(c.args[3])};
}
inline AnalogInferArgs analog_infer_args(const Command& c) { return {c.args[0], c.args[1], c.args[2]}; }

}  // namespace mrampim
