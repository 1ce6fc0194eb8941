// The portable blocking loops of the packed GEMM (BLIS's five loops around the micro-kernel):
//   jc over NC columns of C  ->  pc over KC of the k dimension (pack a KC x NC block of op(B))
//   ->  ic over MC rows (pack an MC x KC block of op(A))  ->  jr over NR  ->  ir over MR  ->  ukr.
// Only the micro-kernel and the block sizes differ between variants (PackedGemmConfig).
#include <cstddef>
#include <cstdlib>
#include <new>

#include "gemm_packed.h"

namespace nntrain {
namespace {

// One 64-byte aligned float buffer that only grows: in steady state (same config, one variant per
// process) it is allocated once per thread and never again.
class PackBuffer {
 public:
  PackBuffer() = default;
  PackBuffer(const PackBuffer&) = delete;
  PackBuffer& operator=(const PackBuffer&) = delete;
  ~PackBuffer() { std::free(data_); }

  float* get(size_t floats) {
    if (floats > capacity_) {
      const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
      void* p = std::aligned_alloc(64, bytes);
      if (p == nullptr) throw std::bad_alloc();
      std::free(data_);
      data_ = static_cast<float*>(p);
      capacity_ = bytes / sizeof(float);
    }
    return data_;
  }

 private:
  float* data_ = nullptr;
  size_t capacity_ = 0;
};

thread_local PackBuffer t_pack_a;  // MC x KC, for L2
thread_local PackBuffer t_pack_b;  // KC x NC, for L3

// C = beta * C, for the cases with nothing to accumulate (beta == 0 overwrites NaNs)
void scale_c(float* c, size_t count, float beta) {
  if (beta == 0.0f) {
    for (size_t i = 0; i < count; i++) c[i] = 0.0f;
  } else if (beta != 1.0f) {
    for (size_t i = 0; i < count; i++) c[i] *= beta;
  }
}

int round_up(int x, int step) {
  return (x + step - 1) / step * step;
}

}  // namespace

// c is (m,n); a is (m,k) or (k,m) when trans_a; b is (k,n) or (n,k) when trans_b
void gemm_packed(const PackedGemmConfig& cfg, float* c, const float* a, const float* b, int m,
                 int n, int k, bool trans_a, bool trans_b, float alpha, float beta) {
  if (m == 0 || n == 0) return;
  if (k == 0 || alpha == 0.0f) {
    scale_c(c, static_cast<size_t>(m) * n, beta);
    return;
  }
  const int mr = cfg.mr, nr = cfg.nr;
  const int lda = trans_a ? m : k;
  const int ldb = trans_b ? k : n;
  const ptrdiff_t ldc = n;
  // Sized for the block this call can use, at most MC x KC and KC x NC (rounded to whole panels)
  const int kc_max = k < cfg.kc ? k : cfg.kc;
  float* pa = t_pack_a.get(static_cast<size_t>(round_up(m < cfg.mc ? m : cfg.mc, mr)) * kc_max);
  float* pb = t_pack_b.get(static_cast<size_t>(round_up(n < cfg.nc ? n : cfg.nc, nr)) * kc_max);

  for (int jc = 0; jc < n; jc += cfg.nc) {
    const int nc = n - jc < cfg.nc ? n - jc : cfg.nc;
    for (int pc = 0; pc < k; pc += cfg.kc) {
      const int kc = k - pc < cfg.kc ? k - pc : cfg.kc;
      pack_b(pb, b, ldb, trans_b, pc, jc, kc, nc, nr);
      // the first k block applies the caller's beta, later ones accumulate
      const float beta_pc = pc == 0 ? beta : 1.0f;
      for (int ic = 0; ic < m; ic += cfg.mc) {
        const int mc = m - ic < cfg.mc ? m - ic : cfg.mc;
        pack_a(pa, a, lda, trans_a, ic, pc, mc, kc, mr);
        for (int jr = 0; jr < nc; jr += nr) {
          const int n_valid = nc - jr < nr ? nc - jr : nr;
          const float* bp = pb + static_cast<size_t>(jr) * kc;
          for (int ir = 0; ir < mc; ir += mr) {
            const int m_valid = mc - ir < mr ? mc - ir : mr;
            const float* ap = pa + static_cast<size_t>(ir) * kc;
            float* cp = c + static_cast<size_t>(ic + ir) * ldc + jc + jr;
            if (m_valid == mr && n_valid == nr) {
              cfg.ukr(kc, ap, bp, alpha, beta_pc, cp, ldc);
            } else {
              ukr_edge_tile(cfg, kc, ap, bp, alpha, beta_pc, cp, ldc, m_valid, n_valid);
            }
          }
        }
      }
    }
  }
}

}  // namespace nntrain
