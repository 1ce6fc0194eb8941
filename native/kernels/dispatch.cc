// The kernel dispatch table (BLIS bli_cntx_init style): every slot starts with a working portable
// kernel, ISA-specific variants override slots when the CPU has the features, and the choice is
// made once per process. NNTRAIN_KERNEL=<name> forces a variant (tests and benchmarks use it); a
// variant this CPU cannot run is an error, never a silent fallback.
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "gemm/gemm.h"

namespace nntrain {
namespace {

struct Variant {
  KernelTable table;
  const char* needs;  // CPU features, for the error message
  bool (*supported)();
  bool default_candidate;  // false: only when forced with NNTRAIN_KERNEL
};

bool always() {
  return true;
}

// The unblocked variants as GemmFn: single-threaded, no fused epilogue (dense.cc applies bias and
// activation around them)
void gemm_ref_fn(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                 bool trans_b, float alpha, float beta, const GemmEpilogue*, ThreadPool*) {
  gemm_ref(c, a, b, m, n, k, trans_a, trans_b, alpha, beta);
}
void gemm_simple_fn(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                    bool trans_b, float alpha, float beta, const GemmEpilogue*, ThreadPool*) {
  gemm_simple(c, a, b, m, n, k, trans_a, trans_b, alpha, beta);
}

#if defined(__x86_64__)
// __builtin_cpu_supports also checks that the OS saves the wider registers (XCR0)
bool has_avx2_fma() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
bool has_avx512f() {
  return __builtin_cpu_supports("avx512f");
}
#endif

// Best first: the default is the first supported entry marked as a default candidate. The AVX-512
// kernel is opt-in (NNTRAIN_KERNEL=avx512): on the one AVX-512 CPU it has run on (AMD Zen 4, which
// executes a 512-bit FMA as two 256-bit halves, so its FMA peak equals AVX2's) it passes every
// conformance test, but runs 18 of the bench's 19 GEMM shapes 7-60% slower than the AVX2 kernel
// (its 12-row tiles waste more of m = 32..128, and it has no direct or partial-row kernels, so it
// packs A and B on every call).
const Variant kVariants[] = {
#if defined(__x86_64__)
    {{"avx512", gemm_avx512, true}, "avx512f", has_avx512f, /*default_candidate=*/false},
    {{"avx2", gemm_avx2, true}, "avx2 and fma", has_avx2_fma, true},
#endif
    {{"packed", gemm_packed_portable, true}, "", always, true},
    {{"simple", gemm_simple_fn, false}, "", always, true},
    {{"ref", gemm_ref_fn, false}, "", always, true},
};

KernelTable select_table() {
  const char* forced = std::getenv("NNTRAIN_KERNEL");
  if (forced == nullptr || forced[0] == '\0') {
    for (const Variant& v : kVariants) {
      if (v.default_candidate && v.supported()) return v.table;
    }
  }
  for (const Variant& v : kVariants) {
    if (std::strcmp(forced, v.table.name) != 0) continue;
    if (!v.supported()) {
      throw std::invalid_argument(std::string("NNTRAIN_KERNEL '") + forced +
                                  "' is not supported by this CPU (it needs " + v.needs +
                                  "). Expected one of: " + kernel_names());
    }
    return v.table;
  }
  throw std::invalid_argument(std::string("Unknown NNTRAIN_KERNEL '") + forced +
                              "'. Expected one of: " + kernel_names());
}

}  // namespace

const char* kernel_names() {
#if defined(__x86_64__)
  return "ref, simple, packed, avx2, avx512";
#else
  return "ref, simple, packed";
#endif
}

// A function-local static is initialized once, thread-safely, and is immutable afterwards, so addon
// instances in several worker threads share it without synchronization.
const KernelTable& kernel_table() {
  static const KernelTable table = select_table();
  return table;
}

}  // namespace nntrain
