// Simple cache-friendly GEMM in float32: the innermost loop always walks contiguous memory so the
// compiler vectorizes it without -ffast-math. The 'simple' dispatch variant, a baseline next to
// the packed BLIS-style GEMM (gemm_packed.h, blocking.cc) that the faster variants use.
#include "gemm.h"

#include <cstddef>

namespace nntrain {
namespace {

constexpr int kLanes = 8;  // independent accumulators so a float dot product vectorizes in order

// C row-block prologue: C = beta * C (beta == 0 overwrites, so NaNs in C do not survive)
void scale_c(float* c, size_t count, float beta) {
  if (beta == 0.0f) {
    for (size_t i = 0; i < count; i++) c[i] = 0.0f;
  } else if (beta != 1.0f) {
    for (size_t i = 0; i < count; i++) c[i] *= beta;
  }
}

// dot of two contiguous vectors of length k with kLanes partial sums
float dot(const float* x, const float* y, int k) {
  float acc[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
  int p = 0;
  for (; p + kLanes <= k; p += kLanes) {
    for (int l = 0; l < kLanes; l++) acc[l] += x[p + l] * y[p + l];
  }
  float sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; p < k; p++) sum += x[p] * y[p];
  return sum;
}

// A (m,k), B (k,n): C row i += alpha * A[i,p] * B row p  (i-p-j order)
void gemm_nn(float* c, const float* a, const float* b, int m, int n, int k, float alpha) {
  for (int i = 0; i < m; i++) {
    float* crow = c + static_cast<size_t>(i) * n;
    const float* arow = a + static_cast<size_t>(i) * k;
    for (int p = 0; p < k; p++) {
      const float av = alpha * arow[p];
      const float* brow = b + static_cast<size_t>(p) * n;
      for (int j = 0; j < n; j++) crow[j] += av * brow[j];
    }
  }
}

// A stored (k,m), B (k,n): rank-1 updates C += alpha * A row p^T * B row p, blocked over i so a
// block of C rows stays in cache while p runs.
void gemm_tn(float* c, const float* a, const float* b, int m, int n, int k, float alpha) {
  constexpr int kRowBlock = 32;
  for (int i0 = 0; i0 < m; i0 += kRowBlock) {
    const int i1 = i0 + kRowBlock < m ? i0 + kRowBlock : m;
    for (int p = 0; p < k; p++) {
      const float* arow = a + static_cast<size_t>(p) * m;
      const float* brow = b + static_cast<size_t>(p) * n;
      for (int i = i0; i < i1; i++) {
        const float av = alpha * arow[i];
        float* crow = c + static_cast<size_t>(i) * n;
        for (int j = 0; j < n; j++) crow[j] += av * brow[j];
      }
    }
  }
}

// A (m,k), B stored (n,k): every C element is a dot of two contiguous rows
void gemm_nt(float* c, const float* a, const float* b, int m, int n, int k, float alpha) {
  for (int i = 0; i < m; i++) {
    const float* arow = a + static_cast<size_t>(i) * k;
    float* crow = c + static_cast<size_t>(i) * n;
    for (int j = 0; j < n; j++) crow[j] += alpha * dot(arow, b + static_cast<size_t>(j) * k, k);
  }
}

// A stored (k,m), B stored (n,k): C[i,j] = sum_p A[p,i] B[j,p]; walk A rows contiguously and
// scatter into C columns (rare in training, kept simple)
void gemm_tt(float* c, const float* a, const float* b, int m, int n, int k, float alpha) {
  for (int j = 0; j < n; j++) {
    const float* brow = b + static_cast<size_t>(j) * k;
    for (int p = 0; p < k; p++) {
      const float bv = alpha * brow[p];
      const float* arow = a + static_cast<size_t>(p) * m;
      for (int i = 0; i < m; i++) c[static_cast<size_t>(i) * n + j] += bv * arow[i];
    }
  }
}

}  // namespace

// c is (m,n); a is (m,k) or (k,m) when trans_a; b is (k,n) or (n,k) when trans_b
void gemm_simple(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
                 bool trans_b, float alpha, float beta) {
  scale_c(c, static_cast<size_t>(m) * n, beta);
  if (k == 0 || alpha == 0.0f) return;
  if (!trans_a && !trans_b) {
    gemm_nn(c, a, b, m, n, k, alpha);
  } else if (trans_a && !trans_b) {
    gemm_tn(c, a, b, m, n, k, alpha);
  } else if (!trans_a && trans_b) {
    gemm_nt(c, a, b, m, n, k, alpha);
  } else {
    gemm_tt(c, a, b, m, n, k, alpha);
  }
}

}  // namespace nntrain
