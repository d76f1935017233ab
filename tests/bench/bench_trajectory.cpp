// bench_trajectory: what fast mode's exact charges cost per fp32 MAC, in
// nanoseconds of wall time per lane:
//   scalar     fp32_mac_common_index, one lane at a time
//   vector     fp32_mac_common_indices (AVX-512F intrinsics where the
//              machine has them)
//   portable   fp32_mac_common_indices_portable (the generic 16-lane build)
// over training-like operands (normal values near 1, a third of them zero),
// and checks that the three agree (exit status 1 if not).
//
//   bench_trajectory [--quick]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "compute/fp_trajectory.hpp"
#include "controller/mac_trajectory_kernel.hpp"

using namespace mrampim;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  const std::size_t n = 1 << 16, rounds = quick ? 2 : 200;
  std::vector<std::uint32_t> a(n), b(n), c(n), scalar(n), vec(n), portable(n);
  std::mt19937 rng(1);
  auto value = [&] { return std::uint32_t((rng() & 0x807fffffu) | ((120 + rng() % 16) << 23)); };
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = value();
    b[i] = i % 3 == 0 ? 0 : value();
    c[i] = value();
  }
  auto time = [&](auto&& body) {
    const auto t0 = Clock::now();
    for (std::size_t r = 0; r < rounds; ++r) body();
    return std::chrono::duration<double>(Clock::now() - t0).count() * 1e9 / double(rounds * n);
  };
  const double t_scalar = time([&] {
    for (std::size_t i = 0; i < n; ++i) {
      float fa, fb;
      std::memcpy(&fa, &a[i], 4);
      std::memcpy(&fb, &b[i], 4);
      const float p = fa * fb;
      std::uint32_t pb;
      std::memcpy(&pb, &p, 4);
      scalar[i] = fp32_mac_common_index(c[i], a[i], b[i], pb);
    }
  });
  const double t_vector = time([&] { batch::fp32_mac_common_indices(c.data(), a.data(), 1, b.data(), n, vec.data()); });
  const double t_portable =
      time([&] { batch::fp32_mac_common_indices_portable(c.data(), a.data(), 1, b.data(), n, portable.data()); });
  std::printf("fp32 MAC trajectory index, ns per lane (%zu lanes x %zu rounds)\n", n, rounds);
  std::printf("  scalar    %6.2f\n  vector    %6.2f\n  portable  %6.2f\n", t_scalar, t_vector, t_portable);
  if (vec != scalar || portable != scalar) {
    std::printf("the indices differ\n");
    return 1;
  }
  return 0;
}
