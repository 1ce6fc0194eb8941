// GEMM entry points: the variants the kernel table (dispatch.h) chooses from.
//
// All variants compute C (m,n) = alpha * op(A) * op(B) + beta * C, row-major, where op(A) is (m,k):
// A is stored (m,k), or (k,m) when trans_a; op(B) is (k,n): B is stored (k,n), or (n,k) when
// trans_b. beta == 0 overwrites C (NaNs already in C do not propagate). m, n or k may be 0.
//
// Threads: a non-null pool lets the packed variants split C's M/N tiles over the pool (only when
// the GEMM is big enough to pay); every element of C is computed by one thread in the same k
// order whatever the thread count, so results are bit-identical for 1 and N threads.
#pragma once

namespace nntrain {

class ThreadPool;

// The forward epilogue of a dense layer, applied while the C tile is hot (gemm_packed.h):
//   V = alpha * op(A) op(B) + (bias ? bias[j] : beta * C);  z (m,n) = V when z is non-null;
//   C = act(V) (softmax row-wise, after the whole product).
struct GemmEpilogue {
  const float* bias = nullptr;  // (n) or null
  float* z = nullptr;           // (m,n) pre-activation output, row stride n, or null
  int act = 0;                  // activation code (codes.h); 0 = linear
  double act_param = 0.0;       // alpha of leakyRelu / elu
};

// ep may be non-null only for variants with KernelTable::fuses_epilogue; pool may be null.
using GemmFn = void (*)(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                        bool trans_b, float alpha, float beta, const GemmEpilogue* ep,
                        ThreadPool* pool);

// Naive triple loop with float64 accumulation: the oracle (native/kernels/ref/gemm_ref.cc).
void gemm_ref(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
              bool trans_b, float alpha, float beta);

// Cache-friendly loops in float32, one loop order per transpose case (native/kernels/gemm/gemm.cc).
void gemm_simple(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                 bool trans_b, float alpha, float beta);

// Packed BLIS-style GEMM (gemm_packed.h) with the portable 4x8 micro-kernel (ukr_ref.cc).
void gemm_packed_portable(float* c, const float* a, const float* b, int m, int n, int k,
                          bool trans_a, bool trans_b, float alpha, float beta,
                          const GemmEpilogue* ep, ThreadPool* pool);

#if defined(__x86_64__)
// Packed GEMM with the AVX2+FMA 6x16 / AVX-512F 12x32 micro-kernels. Call only when the CPU has
// the features: kernel_table() (dispatch.h) checks them before it installs these.
void gemm_avx2(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
               bool trans_b, float alpha, float beta, const GemmEpilogue* ep, ThreadPool* pool);
void gemm_avx512(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                 bool trans_b, float alpha, float beta, const GemmEpilogue* ep, ThreadPool* pool);
#endif

}  // namespace nntrain
