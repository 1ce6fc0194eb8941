// The kernel dispatch table (BLIS bli_cntx_init style): every slot starts with a working portable
// kernel, ISA-specific variants override slots when the CPU has the features, and the choice is
// made once per process. A variant names its GEMM and how it fills the elementwise slots.
// NNTRAIN_KERNEL=<name> forces a variant (tests and benchmarks use it); a variant this CPU cannot
// run is an error, never a silent fallback.
#include "dispatch.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "gemm/bf16.h"

namespace nntrain {
namespace {

struct Variant {
  const char* name;
  GemmFn gemm;
  bool fuses_epilogue;
  void (*init_elementwise)(ElementwiseKernels* k);
  const char* needs;  // CPU features, for the error message
  bool (*supported)();
  bool (*default_candidate)();  // false: only when forced with NNTRAIN_KERNEL
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

// The portable elementwise kernels in every slot
void init_elementwise_portable(ElementwiseKernels* k) {
  fill_activation_portable(k);
  fill_optim_portable(k);
  fill_adam_variants_portable(k);
  fill_clip_portable(k);
  fill_loss_portable(k);
  fill_fused_portable(k);
}

#if defined(__x86_64__)
// The portable ones overridden by the AVX2 (+FMA for the exp-based) twins
void init_elementwise_avx2(ElementwiseKernels* k) {
  init_elementwise_portable(k);
  fill_activation_avx2(k);
  fill_optim_avx2(k);
  fill_adam_variants_avx2(k);
  fill_clip_avx2(k);
  fill_loss_avx2(k);
  fill_fused_avx2(k);
}

// __builtin_cpu_supports also checks that the OS saves the wider registers (XCR0)
bool has_avx2_fma() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
bool has_avx512() {
  return __builtin_cpu_supports("avx512f") && has_avx2_fma();
}
// the bf16 packing also uses AVX-512BW/VL (word permutes, masked 256-bit stores)
bool has_avx512bf16() {
  return has_avx512() && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512bf16");
}

// The vendor string of CPUID leaf 0 is "GenuineIntel"
bool is_intel() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0, &eax, &ebx, &ecx, &edx) == 0) return false;
  return ebx == 0x756e6547u && edx == 0x49656e69u && ecx == 0x6c65746eu;  // "Genu" "ineI" "ntel"
}
bool avx512_by_default() {
  return has_avx512() && is_intel();
}

#if defined(__linux__)
// AMX-TILE (CPUID.7.0:EDX[24]) and AMX-BF16 (EDX[22]), the OS saving tile state (XCR0 bits 17 and
// 18), and the process's permission to use it
bool has_amx_bf16() {
  if (!has_avx512bf16()) return false;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  if ((edx & (1u << 24)) == 0 || (edx & (1u << 22)) == 0) return false;
  unsigned xcr0_lo = 0, xcr0_hi = 0;
  __asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  if ((xcr0_lo & (3u << 17)) != (3u << 17)) return false;
  return amx_permitted();
}
#endif
#endif

// Best first: the default is the first supported entry whose default_candidate() holds. The
// AVX-512 GEMM is the default on Intel CPUs only: on AMD Zen 4, which executes a 512-bit FMA as two
// 256-bit halves, it is slower than the AVX2 kernel; on an Intel Xeon with AMX it trains 1.5-1.6x
// faster (gemm/TUNING.md). The rule looks at the vendor, not a timing probe, so every process on a
// machine picks the same kernel and a resumed run stays bit-exact. Its CPUs have AVX2 and FMA too,
// so it takes the AVX2 elementwise kernels.
const Variant kVariants[] = {
#if defined(__x86_64__)
    {"avx512", gemm_avx512, true, init_elementwise_avx2, "avx512f, avx2 and fma", has_avx512,
     avx512_by_default},
    {"avx2", gemm_avx2, true, init_elementwise_avx2, "avx2 and fma", has_avx2_fma, always},
#endif
    {"packed", gemm_packed_portable, true, init_elementwise_portable, "", always, always},
    {"simple", gemm_simple_fn, false, init_elementwise_portable, "", always, always},
    {"ref", gemm_ref_fn, false, init_elementwise_portable, "", always, always},
};

// The bf16 GEMM variants, best first; the default is the first supported one.
struct Bf16Variant {
  const char* name;
  GemmFn gemm;
  bool native;
  const char* needs;
  bool (*supported)();
};

// Rounds the operands, then runs the table's fp32 GEMM (chosen by then: this runs only after
// kernel_table() has returned)
void gemm_bf16_emulated(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                        bool trans_b, float alpha, float beta, const GemmEpilogue* ep,
                        ThreadPool* pool) {
  gemm_bf16_emulated_with(kernel_table().gemm, c, a, b, m, n, k, trans_a, trans_b, alpha, beta, ep,
                          pool);
}

const Bf16Variant kBf16Variants[] = {
#if defined(__x86_64__) && defined(__linux__)
    {"amx", gemm_bf16_amx, true,
     "amx_tile, amx_bf16 and the avx512bf16 set, and Linux's permission", has_amx_bf16},
#endif
#if defined(__x86_64__)
    {"avx512bf16", gemm_bf16_avx512, true, "avx512f, avx512bw, avx512vl and avx512_bf16",
     has_avx512bf16},
#endif
    {"emulated", gemm_bf16_emulated, false, "", always},
};

const Bf16Variant& select_bf16() {
  const char* forced = std::getenv("NNTRAIN_KERNEL_BF16");
  if (forced == nullptr || forced[0] == '\0') {
    for (const Bf16Variant& v : kBf16Variants) {
      if (v.supported()) return v;
    }
  }
  for (const Bf16Variant& v : kBf16Variants) {
    if (std::strcmp(forced, v.name) != 0) continue;
    if (!v.supported()) {
      throw std::invalid_argument(std::string("NNTRAIN_KERNEL_BF16 '") + forced +
                                  "' is not supported by this CPU (it needs " + v.needs +
                                  "). Expected one of: " + kernel_bf16_names());
    }
    return v;
  }
  throw std::invalid_argument(std::string("Unknown NNTRAIN_KERNEL_BF16 '") + forced +
                              "'. Expected one of: " + kernel_bf16_names());
}

KernelTable make_table(const Variant& v) {
  const Bf16Variant& bf16 = select_bf16();
  KernelTable t{v.name, v.gemm, v.fuses_epilogue, {}, bf16.gemm, bf16.name, bf16.native};
  v.init_elementwise(&t.elementwise);
  return t;
}

KernelTable select_table() {
  const char* forced = std::getenv("NNTRAIN_KERNEL");
  if (forced == nullptr || forced[0] == '\0') {
    for (const Variant& v : kVariants) {
      if (v.supported() && v.default_candidate()) return make_table(v);
    }
  }
  for (const Variant& v : kVariants) {
    if (std::strcmp(forced, v.name) != 0) continue;
    if (!v.supported()) {
      throw std::invalid_argument(std::string("NNTRAIN_KERNEL '") + forced +
                                  "' is not supported by this CPU (it needs " + v.needs +
                                  "). Expected one of: " + kernel_names());
    }
    return make_table(v);
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

const char* kernel_bf16_names() {
#if defined(__x86_64__) && defined(__linux__)
  return "amx, avx512bf16, emulated";
#elif defined(__x86_64__)
  return "avx512bf16, emulated";
#else
  return "emulated";
#endif
}

// A function-local static is initialized once, thread-safely, and is immutable afterwards, so addon
// instances in several worker threads share it without synchronization.
const KernelTable& kernel_table() {
  static const KernelTable table = select_table();
  return table;
}

}  // namespace nntrain
