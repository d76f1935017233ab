// fp32_mac_common_index (fp_trajectory.hpp) for many MACs at once, 16 lanes
// per vector: what fast mode's exact charges spend most of their time on.
// Built for x86-64-v4, v3 and the baseline like the layer kernels; every
// index equals the scalar function's (tested on random, zero and boundary
// operands).
#pragma once

#include <cstddef>
#include <cstdint>

namespace mrampim::batch {

// out[i] = fp32_mac_common_index(c[i], a[i * a_stride], b[i], product), the
// product the rounded fp32 a x b (native float multiplication: in the
// common case no NaN is involved, and any NaN makes the row uncommon).
// AVX-512F intrinsics where the machine has them, else the generic 16-lane
// build (fp32_mac_common_indices_portable): the same indices.
void fp32_mac_common_indices(const std::uint32_t* c, const std::uint32_t* a, std::size_t a_stride,
                             const std::uint32_t* b, std::size_t n, std::uint32_t* out);
void fp32_mac_common_indices_portable(const std::uint32_t* c, const std::uint32_t* a, std::size_t a_stride,
                                      const std::uint32_t* b, std::size_t n, std::uint32_t* out);

}  // namespace mrampim::batch
