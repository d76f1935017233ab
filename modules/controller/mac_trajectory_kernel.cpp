#include "controller/mac_trajectory_kernel.hpp"

#include <cstring>

#include "compute/fp_trajectory.hpp"
#include "controller/kernel_targets.hpp"


namespace mrampim::batch {

namespace {

constexpr std::size_t kW = 16;
typedef std::uint32_t Vu __attribute__((vector_size(kW * 4)));
typedef std::int32_t Vi __attribute__((vector_size(kW * 4)));
typedef float Vf __attribute__((vector_size(kW * 4)));

#define MRAMPIM_LANES_INLINE inline __attribute__((always_inline))

// Vector comparisons give -1 (all ones) or 0 per lane; as 0/1:
MRAMPIM_LANES_INLINE Vu bit(Vi m) { return Vu(m) & 1u; }

// The position of the leading one + 1 (x > 0, x < 2^30): the exponent of x
// as a float, with the bit below the leading one cleared so that rounding
// cannot carry into the next power of two.
MRAMPIM_LANES_INLINE Vu bit_length(Vu x) {
  const Vu y = x & ~(x >> 1);
  const Vf f = __builtin_convertvector(Vi(y), Vf);
  Vu e;
  std::memcpy(&e, &f, sizeof e);
  return (e >> 23) - 126u;
}

// Exponent fields 1..254, as 0/1. (A free always-inline function, not a
// lambda: a lambda is compiled for the baseline target, where GCC lowers the
// 16-lane comparison lane by lane before it is inlined.)
MRAMPIM_LANES_INLINE Vu normal(Vu e) { return Vu((e - 1u) < 254u) & 1u; }

// The scalar function's steps, lane by lane (see fp_trajectory.hpp).
MRAMPIM_LANES_INLINE Vu indices(Vu c, Vu a, Vu b, Vu product) {
  const Vu kFrac = Vu{} + 0x7fffffu, kHidden = Vu{} + 0x800000u, kMag = Vu{} + 0x7fffffffu;
  const Vu ea = (a >> 23) & 0xffu, eb = (b >> 23) & 0xffu, ec = (c >> 23) & 0xffu;
  const Vu za = bit((a & kMag) == 0), zb = bit((b & kMag) == 0), zc = bit((c & kMag) == 0);
  Vu bad = ((1u - za) & (1u - normal(ea))) | ((1u - zb) & (1u - normal(eb))) | ((1u - zc) & (1u - normal(ec)));
  // The mantissas' product's bit 47, exactly, in 32-bit lanes: with
  // m = h 2^12 + l, P >> 24 = hh + (mid + (ll >> 12)) >> 12.
  const Vu ma = (kHidden | (a & kFrac)) & (za - 1u), mb = (kHidden | (b & kFrac)) & (zb - 1u);
  const Vu ah = ma >> 12, al = ma & 0xfffu, bh = mb >> 12, bl = mb & 0xfffu;
  const Vu p24 = ah * bh + ((ah * bl + al * bh + ((al * bl) >> 12)) >> 12);
  const Vu carry = p24 >> 23;
  const Vu nz = (1u - za) & (1u - zb);
  const Vu mul_state = nz * carry + (1u - nz) * (1u + za + 2u * zb);
  const Vu other = za * (zb * 1u + (1u - zb) * eb) + (1u - za) * ea;
  bad |= nz * (1u - normal(ea + eb + carry - 127u)) + (1u - nz) * bit(other > 252u);
  const Vu ep = (product >> 23) & 0xffu, zp = bit((product & kMag) == 0);
  bad |= bit(zp != (1u - nz)) | ((1u - zp) & (1u - normal(ep)));
  // The add: effective exponents, the larger leads, alignment with guard,
  // round and sticky bits, add or subtract.
  const Vu e1 = zc + (1u - zc) * ec, e2 = zp + (1u - zp) * ep;
  const Vi ge_m = Vi(e1 >= e2);
  const Vu ge = bit(ge_m);
  const Vu diff = ge_m ? e1 - e2 : e2 - e1;
  const Vu m1 = (kHidden | (c & kFrac)) & (zc - 1u), m2 = (kHidden | (product & kFrac)) & (zp - 1u);
  const Vu big = ge_m ? m1 : m2, small = ge_m ? m2 : m1;
  // (Comparisons straight into ?: and never combined as masks: GCC lowers
  // a combined mask lane by lane.)
  const Vu shift = (diff > 26u) ? Vu{} : diff;
  const Vu sticky_bits = (diff > 26u) ? Vu{} : (diff > 3u) ? diff - 3u : Vu{};
  const Vu near = ((small << 3) >> shift) | bit((small & (((Vu{} + 1u) << sticky_bits) - 1u)) != 0);
  const Vu aligned = (diff > 26u) ? bit(small != 0) : near;
  const Vu dclass = (diff > 26u) ? Vu{} + 27u : diff;
  const Vu mbig = big << 3;
  const Vu diff_sum = Vi(mbig >= aligned) ? mbig - aligned : aligned - mbig;
  const Vu sum = Vi(((c ^ product) >> 31) != 0) ? diff_sum : mbig + aligned;
  const Vu e_big = ge_m ? e1 : e2;
  const Vi zero_sum = Vi(sum == 0);
  const Vu q = zero_sum ? Vu{} : bit_length(sum | 1u);
  bad |= zero_sum ? bit(e_big > 253u) : 1u - normal(e_big + q - 27u);
  const Vu index = mul_state | zc << 3 | ge << 4 | dclass << 5 | q << 10;
  return Vi(bad != 0) ? Vu{} + kFp32MacUncommon : index;
}

}  // namespace

MRAMPIM_KERNEL
void fp32_mac_common_indices(const std::uint32_t* c, const std::uint32_t* a, std::size_t a_stride,
                             const std::uint32_t* b, std::size_t n, std::uint32_t* out) {
  std::size_t i = 0;
  for (; i + kW <= n; i += kW) {
    Vu vc, va, vb;
    std::memcpy(&vc, c + i, sizeof vc);
    std::memcpy(&vb, b + i, sizeof vb);
    if (a_stride == 1) {
      std::memcpy(&va, a + i, sizeof va);
    } else {
      va = Vu{} + a[i * a_stride];
      for (std::size_t j = 1; j < kW && a_stride != 0; ++j) va[j] = a[(i + j) * a_stride];
    }
    Vf fa, fb;
    std::memcpy(&fa, &va, sizeof fa);
    std::memcpy(&fb, &vb, sizeof fb);
    const Vf fp = fa * fb;
    Vu p;
    std::memcpy(&p, &fp, sizeof p);
    const Vu idx = indices(vc, va, vb, p);
    std::memcpy(out + i, &idx, sizeof idx);
  }
  for (; i < n; ++i) {
    const std::uint32_t x = a[i * a_stride], y = b[i];
    float fx, fy;
    std::memcpy(&fx, &x, 4);
    std::memcpy(&fy, &y, 4);
    const float fp = fx * fy;
    std::uint32_t p;
    std::memcpy(&p, &fp, 4);
    out[i] = fp32_mac_common_index(c[i], x, y, p);
  }
}

}  // namespace mrampim::batch
