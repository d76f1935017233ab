#include "controller/mac_trajectory_kernel.hpp"

#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define MRAMPIM_HAVE_AVX512_PATH 1
#endif

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
void fp32_mac_common_indices_portable(const std::uint32_t* c, const std::uint32_t* a, std::size_t a_stride,
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

#ifdef MRAMPIM_HAVE_AVX512_PATH
// GCC 12's AVX-512 shift intrinsics start from _mm512_undefined_epi32() and
// then warn that it "may be used uninitialized" where they are inlined: a
// false positive inside the compiler's own header, silenced for these
// functions only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
namespace {

// The same steps in AVX-512F intrinsics: GCC's generic 16-lane vectors lower
// some of the masks above lane by lane (about 5 ns a lane); these stay in
// mask registers.
// Exponent fields 1..254.
__attribute__((target("avx512f"), always_inline)) inline __mmask16 normal512(__m512i e) {
  return _mm512_cmplt_epu32_mask(_mm512_sub_epi32(e, _mm512_set1_epi32(1)), _mm512_set1_epi32(254));
}

__attribute__((target("avx512f"))) void indices_avx512(const std::uint32_t* c, const std::uint32_t* a,
                                                       std::size_t a_stride, const std::uint32_t* b, std::size_t n,
                                                       std::uint32_t* out, std::size_t& done) {
  const __m512i kFrac = _mm512_set1_epi32(0x7fffff), kHidden = _mm512_set1_epi32(0x800000);
  const __m512i kMag = _mm512_set1_epi32(0x7fffffff), kFF = _mm512_set1_epi32(0xff), kOne = _mm512_set1_epi32(1);
  std::size_t i = 0;
  for (; i + 16 <= n && (a_stride == 0 || a_stride == 1); i += 16) {
    const __m512i vc = _mm512_loadu_si512(c + i), vb = _mm512_loadu_si512(b + i);
    const __m512i va = a_stride == 1 ? _mm512_loadu_si512(a + i) : _mm512_set1_epi32(int(a[0]));
    const __m512i p = _mm512_castps_si512(_mm512_mul_ps(_mm512_castsi512_ps(va), _mm512_castsi512_ps(vb)));
    const __m512i ea = _mm512_and_si512(_mm512_srli_epi32(va, 23), kFF), eb = _mm512_and_si512(_mm512_srli_epi32(vb, 23), kFF);
    const __m512i ec = _mm512_and_si512(_mm512_srli_epi32(vc, 23), kFF);
    const __mmask16 za = _mm512_testn_epi32_mask(va, kMag), zb = _mm512_testn_epi32_mask(vb, kMag);
    const __mmask16 zc = _mm512_testn_epi32_mask(vc, kMag);
    __mmask16 bad = __mmask16((~za & ~normal512(ea)) | (~zb & ~normal512(eb)) | (~zc & ~normal512(ec)));
    // The mantissas' product's bit 47, exactly, in 32-bit lanes.
    const __m512i ma = _mm512_maskz_mov_epi32(__mmask16(~za), _mm512_or_si512(kHidden, _mm512_and_si512(va, kFrac)));
    const __m512i mb = _mm512_maskz_mov_epi32(__mmask16(~zb), _mm512_or_si512(kHidden, _mm512_and_si512(vb, kFrac)));
    const __m512i k12 = _mm512_set1_epi32(0xfff);
    const __m512i ah = _mm512_srli_epi32(ma, 12), al = _mm512_and_si512(ma, k12);
    const __m512i bh = _mm512_srli_epi32(mb, 12), bl = _mm512_and_si512(mb, k12);
    const __m512i mid = _mm512_add_epi32(_mm512_add_epi32(_mm512_mullo_epi32(ah, bl), _mm512_mullo_epi32(al, bh)),
                                         _mm512_srli_epi32(_mm512_mullo_epi32(al, bl), 12));
    const __m512i p24 = _mm512_add_epi32(_mm512_mullo_epi32(ah, bh), _mm512_srli_epi32(mid, 12));
    const __m512i carry = _mm512_srli_epi32(p24, 23);
    const __mmask16 nz = __mmask16(~za & ~zb);
    const __m512i alt = _mm512_add_epi32(kOne, _mm512_add_epi32(_mm512_maskz_mov_epi32(za, kOne),
                                                                _mm512_maskz_mov_epi32(zb, _mm512_set1_epi32(2))));
    const __m512i mul_state = _mm512_mask_blend_epi32(nz, alt, carry);
    const __m512i other = _mm512_mask_blend_epi32(za, ea, _mm512_mask_blend_epi32(zb, eb, kOne));
    const __m512i emul = _mm512_sub_epi32(_mm512_add_epi32(_mm512_add_epi32(ea, eb), carry), _mm512_set1_epi32(127));
    bad |= __mmask16((nz & ~normal512(emul)) | (~nz & _mm512_cmpgt_epu32_mask(other, _mm512_set1_epi32(252))));
    const __m512i ep = _mm512_and_si512(_mm512_srli_epi32(p, 23), kFF);
    const __mmask16 zp = _mm512_testn_epi32_mask(p, kMag);
    bad |= __mmask16((zp ^ __mmask16(~nz)) | (~zp & ~normal512(ep)));
    // The add.
    const __m512i e1 = _mm512_mask_blend_epi32(zc, ec, kOne), e2 = _mm512_mask_blend_epi32(zp, ep, kOne);
    const __mmask16 ge = _mm512_cmpge_epu32_mask(e1, e2);
    const __m512i diff = _mm512_mask_blend_epi32(ge, _mm512_sub_epi32(e2, e1), _mm512_sub_epi32(e1, e2));
    const __m512i m1 = _mm512_maskz_mov_epi32(__mmask16(~zc), _mm512_or_si512(kHidden, _mm512_and_si512(vc, kFrac)));
    const __m512i m2 = _mm512_maskz_mov_epi32(__mmask16(~zp), _mm512_or_si512(kHidden, _mm512_and_si512(p, kFrac)));
    const __m512i big = _mm512_mask_blend_epi32(ge, m2, m1), small = _mm512_mask_blend_epi32(ge, m1, m2);
    const __mmask16 far = _mm512_cmpgt_epu32_mask(diff, _mm512_set1_epi32(26));
    const __m512i shift = _mm512_maskz_mov_epi32(__mmask16(~far), diff);
    const __mmask16 has_sticky = __mmask16(~far & _mm512_cmpgt_epu32_mask(diff, _mm512_set1_epi32(3)));
    const __m512i sticky_bits = _mm512_maskz_mov_epi32(has_sticky, _mm512_sub_epi32(diff, _mm512_set1_epi32(3)));
    const __m512i sticky_mask = _mm512_sub_epi32(_mm512_sllv_epi32(kOne, sticky_bits), kOne);
    const __m512i near = _mm512_or_si512(_mm512_srlv_epi32(_mm512_slli_epi32(small, 3), shift),
                                         _mm512_maskz_mov_epi32(_mm512_test_epi32_mask(small, sticky_mask), kOne));
    const __m512i aligned = _mm512_mask_blend_epi32(far, near, _mm512_maskz_mov_epi32(_mm512_test_epi32_mask(small, small), kOne));
    const __m512i dclass = _mm512_mask_blend_epi32(far, diff, _mm512_set1_epi32(27));
    const __m512i mbig = _mm512_slli_epi32(big, 3);
    const __m512i dsum = _mm512_mask_blend_epi32(_mm512_cmpge_epu32_mask(mbig, aligned), _mm512_sub_epi32(aligned, mbig),
                                                 _mm512_sub_epi32(mbig, aligned));
    const __mmask16 subtract = _mm512_test_epi32_mask(_mm512_xor_si512(vc, p), _mm512_set1_epi32(int(0x80000000u)));
    const __m512i sum = _mm512_mask_blend_epi32(subtract, _mm512_add_epi32(mbig, aligned), dsum);
    const __m512i e_big = _mm512_mask_blend_epi32(ge, e2, e1);
    const __mmask16 zero_sum = _mm512_testn_epi32_mask(sum, sum);
    const __m512i top = _mm512_andnot_si512(_mm512_srli_epi32(sum, 1), sum);  // no rounding up in the conversion
    const __m512i fexp = _mm512_srli_epi32(_mm512_castps_si512(_mm512_cvtepi32_ps(top)), 23);
    const __m512i q = _mm512_maskz_mov_epi32(__mmask16(~zero_sum), _mm512_sub_epi32(fexp, _mm512_set1_epi32(126)));
    bad |= __mmask16((zero_sum & _mm512_cmpgt_epu32_mask(e_big, _mm512_set1_epi32(253))) |
                     (~zero_sum & ~normal512(_mm512_sub_epi32(_mm512_add_epi32(e_big, q), _mm512_set1_epi32(27)))));
    __m512i index = _mm512_or_si512(mul_state, _mm512_maskz_mov_epi32(zc, _mm512_set1_epi32(8)));
    index = _mm512_or_si512(index, _mm512_maskz_mov_epi32(ge, _mm512_set1_epi32(16)));
    index = _mm512_or_si512(index, _mm512_or_si512(_mm512_slli_epi32(dclass, 5), _mm512_slli_epi32(q, 10)));
    _mm512_storeu_si512(out + i, _mm512_mask_mov_epi32(index, bad, _mm512_set1_epi32(-1)));
  }
  done = i;
}

}  // namespace
#pragma GCC diagnostic pop
#endif

void fp32_mac_common_indices(const std::uint32_t* c, const std::uint32_t* a, std::size_t a_stride,
                             const std::uint32_t* b, std::size_t n, std::uint32_t* out) {
  std::size_t done = 0;
#ifdef MRAMPIM_HAVE_AVX512_PATH
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  if (avx512) indices_avx512(c, a, a_stride, b, n, out, done);
#endif
  if (done < n) {
    fp32_mac_common_indices_portable(c + done, a + done * a_stride, a_stride, b + done, n - done, out + done);
  }
}

}  // namespace mrampim::batch
