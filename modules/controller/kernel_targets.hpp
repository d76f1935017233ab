// How fast mode's kernels are built: for x86-64-v4 (AVX-512), v3 (AVX2) and
// the baseline, the loader picking the widest the machine has. The same
// source gives the same bits on each (IEEE operations and integer lane
// logic do not depend on the vector width); a wider machine is just faster.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MRAMPIM_KERNEL __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MRAMPIM_KERNEL
#endif
