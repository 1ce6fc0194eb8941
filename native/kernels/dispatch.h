// The kernel table: the GEMM variant and the elementwise slots in use, chosen once per process
// (dispatch.cc). Every slot holds a working kernel; ISA-specific kernels override slots when the
// CPU has the features.
#pragma once

#include "elementwise.h"
#include "gemm/gemm.h"

namespace nntrain {

struct KernelTable {
  const char* name;  // reported by info().kernel: "ref", "simple", "packed", "avx2", "avx512"
  GemmFn gemm;
  bool fuses_epilogue;  // gemm takes a GemmEpilogue (the packed variants); else pass nullptr
  ElementwiseKernels elementwise;
  // The bf16 GEMM (gemm/bf16.h): gemm's signature and epilogue rule (fuses_epilogue), operands
  // rounded to bf16, fp32 accumulation. Never null: without a native kernel it is the emulated one.
  GemmFn gemm_bf16;
  const char* bf16_name;  // reported by info().kernelBf16: "avx512bf16" or "emulated"
  bool bf16_native;       // false: gemm_bf16 is the slow emulation (the CPU lacks the instructions)
};

// Selects the table on first call: NNTRAIN_KERNEL=<name> forces a variant, otherwise the best one
// for this CPU; NNTRAIN_KERNEL_BF16=<name> likewise for gemm_bf16. Throws std::invalid_argument
// for an unknown value, or one this CPU cannot run (e.g. avx512 without AVX-512F).
const KernelTable& kernel_table();

// Names accepted by NNTRAIN_KERNEL, comma separated (for error messages).
const char* kernel_names();
// Names accepted by NNTRAIN_KERNEL_BF16, comma separated.
const char* kernel_bf16_names();

inline const ElementwiseKernels& elementwise_kernels() {
  return kernel_table().elementwise;
}

inline void gemm(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                 bool trans_b, float alpha, float beta, ThreadPool* pool = nullptr) {
  kernel_table().gemm(c, a, b, m, n, k, trans_a, trans_b, alpha, beta, nullptr, pool);
}

}  // namespace nntrain
