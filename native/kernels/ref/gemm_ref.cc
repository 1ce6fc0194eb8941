// The reference GEMM: one dot product per output element, accumulated in float64. Slow and
// obviously right; tests and the fast kernels' edge cases compare against it.
#include <cstddef>

#include "../gemm/gemm.h"

namespace nntrain {

// c is (m,n); a is (m,k) or (k,m) when trans_a; b is (k,n) or (n,k) when trans_b
void gemm_ref(float* c, const float* a, const float* b, int m, int n, int k, bool trans_a,
              bool trans_b, float alpha, float beta) {
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < n; j++) {
      double sum = 0.0;
      for (int p = 0; p < k; p++) {
        const float av =
            trans_a ? a[static_cast<size_t>(p) * m + i] : a[static_cast<size_t>(i) * k + p];
        const float bv =
            trans_b ? b[static_cast<size_t>(j) * k + p] : b[static_cast<size_t>(p) * n + j];
        sum += static_cast<double>(av) * static_cast<double>(bv);
      }
      float& out = c[static_cast<size_t>(i) * n + j];
      const double scaled = static_cast<double>(alpha) * sum;
      out = beta == 0.0f ? static_cast<float>(scaled)
                         : static_cast<float>(scaled + static_cast<double>(beta) * out);
    }
  }
}

}  // namespace nntrain
