// Batch and layer normalization kernels (norm.h). Work is split over whole column ranges (the
// per-feature statistics and sums of batch norm, the gamma/beta gradients) or whole rows (layer
// norm's statistics and input gradient), so each number comes from one thread in one order.
#include "norm.h"

#include <algorithm>
#include <cmath>

#include "../threads/pool.h"

namespace nntrain {
namespace {

// Each thread of a pass gets at least this many elements (threads_for: below twice this, one
// thread; waking the pool costs more).
constexpr double kElementsPerThread = 8192;
// Column ranges are multiples of this many floats (whole cache lines per row).
constexpr long kColumnAlign = 16;
// Per-column sums are kept on the stack for this many columns at a time.
constexpr int kBlock = 64;

int norm_threads(ThreadPool* pool, long elements) {
  return pool != nullptr
             ? threads_for(static_cast<double>(elements), kElementsPerThread, pool->threads())
             : 1;
}

// Calls fn(begin, end) over [0, n) cut into `tasks` ranges aligned to `align`, on the pool.
template <class F>
void split(ThreadPool* pool, int tasks, long n, long align, F&& fn) {
  if (tasks <= 1) {
    fn(0L, n);
    return;
  }
  pool->parallel_for(tasks, tasks, [&](int task) {
    long begin = 0, end = 0;
    split_range(n, tasks, task, align, &begin, &end);
    if (end > begin) fn(begin, end);
  });
}

// Welford over the rows of columns [c0, c1): mean[c] and m2[c] (sum of squared deviations).
void column_moments(double* mean, double* m2, const float* inp, int B, int C, long c0, long c1) {
  std::fill(mean + c0, mean + c1, 0.0);
  std::fill(m2 + c0, m2 + c1, 0.0);
  for (int r = 0; r < B; r++) {
    const float* x = inp + static_cast<long>(r) * C;
    const double inv_k = 1.0 / (r + 1);
    for (long c = c0; c < c1; c++) {
      const double d = x[c] - mean[c];
      mean[c] += d * inv_k;
      m2[c] += d * (x[c] - mean[c]);
    }
  }
}

// dgamma/dbeta over columns [c0, c1) from per-column sums of dout * xhat and dout
void store_param_grads(float* dgamma, float* dbeta, const double* sdyx, const double* sdy, long c0,
                       long c1, bool accumulate) {
  for (long c = c0; c < c1; c++) {
    const long k = c - c0;
    dgamma[c] = static_cast<float>(accumulate ? dgamma[c] + sdyx[k] : sdyx[k]);
    dbeta[c] = static_cast<float>(accumulate ? dbeta[c] + sdy[k] : sdy[k]);
  }
}

// Σ dout and Σ dout·x̂ over the rows, for the columns [c0, c1), x̂ normalized with the statistics of
// its column (batch norm) or of its row (layer norm: kPerRow).
template <bool kPerRow>
void column_sums(double* sdy, double* sdyx, const float* dout, const float* inp, const double* mean,
                 const double* inv_std, int B, long C, long c0, long c1) {
  for (int r = 0; r < B; r++) {
    const long o = static_cast<long>(r) * C;
    for (long c = c0; c < c1; c++) {
      const long s = kPerRow ? r : c;
      const double dy = dout[o + c];
      sdy[c - c0] += dy;
      sdyx[c - c0] += dy * ((inp[o + c] - mean[s]) * inv_std[s]);
    }
  }
}

}  // namespace

void batch_norm_forward(float* out, double* mean, double* inv_std, float* running_mean,
                        float* running_var, const float* inp, const float* gamma, const float* beta,
                        int B, int C, double eps, double momentum, bool training,
                        ThreadPool* pool) {
  const int tasks = std::min<long>(norm_threads(pool, static_cast<long>(B) * C),
                                   (C + kColumnAlign - 1) / kColumnAlign);
  split(pool, tasks, C, kColumnAlign, [&](long c0, long c1) {
    if (training) {
      column_moments(mean, inv_std, inp, B, C, c0, c1);  // inv_std holds m2 for now
      for (long c = c0; c < c1; c++) {
        const double m2 = inv_std[c];
        inv_std[c] = 1.0 / std::sqrt(m2 / B + eps);
        if (running_mean != nullptr) {
          running_mean[c] =
              static_cast<float>((1.0 - momentum) * running_mean[c] + momentum * mean[c]);
          running_var[c] =
              static_cast<float>((1.0 - momentum) * running_var[c] + momentum * (m2 / (B - 1)));
        }
      }
    } else {
      for (long c = c0; c < c1; c++) {
        mean[c] = running_mean[c];
        inv_std[c] = 1.0 / std::sqrt(static_cast<double>(running_var[c]) + eps);
      }
    }
    for (int r = 0; r < B; r++) {
      const long o = static_cast<long>(r) * C;
      for (long c = c0; c < c1; c++) {
        out[o + c] = static_cast<float>((inp[o + c] - mean[c]) * (gamma[c] * inv_std[c]) + beta[c]);
      }
    }
  });
}

void batch_norm_backward(float* dinp, float* dgamma, float* dbeta, const float* dout,
                         const float* inp, const float* gamma, const double* mean,
                         const double* inv_std, int B, int C, bool training, bool accumulate,
                         ThreadPool* pool) {
  const int tasks = std::min<long>(norm_threads(pool, static_cast<long>(B) * C),
                                   (C + kColumnAlign - 1) / kColumnAlign);
  split(pool, tasks, C, kColumnAlign, [&](long t0, long t1) {
    for (long c0 = t0; c0 < t1; c0 += kBlock) {
      const long c1 = std::min<long>(t1, c0 + kBlock);
      double sdy[kBlock] = {}, sdyx[kBlock] = {};
      column_sums<false>(sdy, sdyx, dout, inp, mean, inv_std, B, C, c0, c1);
      store_param_grads(dgamma, dbeta, sdyx, sdy, c0, c1, accumulate);
      if (dinp == nullptr) continue;
      for (int r = 0; r < B; r++) {
        const long o = static_cast<long>(r) * C;
        for (long c = c0; c < c1; c++) {
          const double k = gamma[c] * inv_std[c];
          const double dy = dout[o + c];
          if (training) {
            const double xhat = (inp[o + c] - mean[c]) * inv_std[c];
            dinp[o + c] =
                static_cast<float>(k * (dy - sdy[c - c0] / B - xhat * (sdyx[c - c0] / B)));
          } else {
            dinp[o + c] = static_cast<float>(k * dy);
          }
        }
      }
    }
  });
}

void layer_norm_forward(float* out, double* mean, double* inv_std, const float* inp,
                        const float* gamma, const float* beta, int B, int C, double eps,
                        ThreadPool* pool) {
  const int tasks = std::min(norm_threads(pool, static_cast<long>(B) * C), B);
  split(pool, tasks, B, 1, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* x = inp + r * C;
      double m = 0.0, m2 = 0.0;
      for (int c = 0; c < C; c++) {
        const double d = x[c] - m;
        m += d * (1.0 / (c + 1));
        m2 += d * (x[c] - m);
      }
      const double inv = 1.0 / std::sqrt(m2 / C + eps);
      mean[r] = m;
      inv_std[r] = inv;
      float* y = out + r * C;
      for (int c = 0; c < C; c++) {
        y[c] = static_cast<float>(gamma[c] * ((x[c] - m) * inv) + beta[c]);
      }
    }
  });
}

void layer_norm_backward(float* dinp, float* dgamma, float* dbeta, const float* dout,
                         const float* inp, const float* gamma, const double* mean,
                         const double* inv_std, int B, int C, bool accumulate, ThreadPool* pool) {
  const long elements = static_cast<long>(B) * C;
  const int column_tasks =
      std::min<long>(norm_threads(pool, elements), (C + kColumnAlign - 1) / kColumnAlign);
  split(pool, column_tasks, C, kColumnAlign, [&](long t0, long t1) {
    for (long c0 = t0; c0 < t1; c0 += kBlock) {
      const long c1 = std::min<long>(t1, c0 + kBlock);
      double sdy[kBlock] = {}, sdyx[kBlock] = {};
      column_sums<true>(sdy, sdyx, dout, inp, mean, inv_std, B, C, c0, c1);
      store_param_grads(dgamma, dbeta, sdyx, sdy, c0, c1, accumulate);
    }
  });
  if (dinp == nullptr) return;
  const int row_tasks = std::min(norm_threads(pool, elements), B);
  split(pool, row_tasks, B, 1, [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const long o = r * C;
      double s1 = 0.0, s2 = 0.0;
      for (int c = 0; c < C; c++) {
        const double g = static_cast<double>(dout[o + c]) * gamma[c];
        s1 += g;
        s2 += g * ((inp[o + c] - mean[r]) * inv_std[r]);
      }
      const double m1 = s1 / C, m2 = s2 / C;
      for (int c = 0; c < C; c++) {
        const double g = static_cast<double>(dout[o + c]) * gamma[c];
        const double xhat = (inp[o + c] - mean[r]) * inv_std[r];
        dinp[o + c] = static_cast<float>(inv_std[r] * (g - m1 - xhat * m2));
      }
    }
  });
}

}  // namespace nntrain
