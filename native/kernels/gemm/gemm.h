// GEMM entry points and the kernel dispatch table.
//
// All variants compute C (m,n) = alpha * op(A) * op(B) + beta * C, row-major, where op(A) is (m,k):
// A is stored (m,k), or (k,m) when trans_a; op(B) is (k,n): B is stored (k,n), or (n,k) when
// trans_b. beta == 0 overwrites C (NaNs already in C do not propagate). m, n or k may be 0.
#pragma once

namespace nntrain {

using GemmFn = void (*)(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                        bool trans_b, float alpha, float beta);

// Naive triple loop with float64 accumulation: the oracle (native/kernels/ref/gemm_ref.cc).
void gemm_ref(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
              bool trans_b, float alpha, float beta);

// Cache-friendly loops in float32, one loop order per transpose case (native/kernels/gemm/gemm.cc).
void gemm_simple(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                 bool trans_b, float alpha, float beta);

// The kernels in use, chosen once per process (native/kernels/dispatch.cc). Every slot holds a
// working kernel; faster ISA-specific variants override slots when the CPU has the features.
struct KernelTable {
  const char* name;  // reported by info().kernel: "ref", "simple", ...
  GemmFn gemm;
};

// Selects the table on first call: NNTRAIN_KERNEL=<name> forces a variant, otherwise the best one
// for this CPU. Throws std::invalid_argument for an unknown NNTRAIN_KERNEL value.
const KernelTable& kernel_table();

// Names accepted by NNTRAIN_KERNEL, comma separated (for error messages).
const char* kernel_names();

inline void gemm(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                 bool trans_b, float alpha, float beta) {
  kernel_table().gemm(c, a, b, m, n, k, trans_a, trans_b, alpha, beta);
}

}  // namespace nntrain
