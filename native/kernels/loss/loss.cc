// Unfused loss forward/backward on the model output A (see loss.h); the fused variants on logits
// live in fused.cc. Float64 sums, float32 storage, the same formulas as src/backend/js/loss/.
// mse/mae/huber run in slots of the kernel table (elementwise.h): a portable scalar loop, and an
// AVX2 twin in float64 lanes that leaves the tail to it (pattern in act/simd.h); the probability
// losses stay scalar (std::log; they run on (rows, classes) outputs only when the loss is not
// fused).
#include "loss.h"

#include <cmath>
#include <cstddef>

#include "../act/simd.h"
#include "../codes.h"
#include "../dispatch.h"
#include "../elementwise.h"

namespace nntrain {

double fused_loss_forward(const float* logits, const float* target, int rows, int cols,
                          const LossDesc& loss);
void fused_loss_backward(float* dlogits, const float* logits, const float* target, int rows,
                         int cols, const LossDesc& loss);

namespace {

constexpr double kEps = 1e-7;  // Keras's epsilon
constexpr double kOneMinusEps = 1.0 - kEps;

inline double clip(double p) {
  return p < kEps ? kEps : (p > kOneMinusEps ? kOneMinusEps : p);
}

// Class index of sparse target row r, or -1 when it is not an integer in [0, cols)
inline int label_of(const float* target, int r, int cols) {
  const float v = target[r];
  return (v >= 0.0f && v < static_cast<float>(cols) && v == std::floor(v)) ? static_cast<int>(v)
                                                                           : -1;
}

// The sum of the mse / mae / huber (delta d) terms of elements [i, n), added to s
double regression_sum_from(const float* pred, const float* target, size_t i, size_t n, int kind,
                           double d, double s) {
  if (kind == kLossMse) {
    for (; i < n; i++) {
      const double e = static_cast<double>(pred[i]) - target[i];
      s += e * e;
    }
  } else if (kind == kLossMae) {
    for (; i < n; i++) s += std::fabs(static_cast<double>(pred[i]) - target[i]);
  } else {
    for (; i < n; i++) {
      const double a = std::fabs(static_cast<double>(pred[i]) - target[i]);
      s += a <= d ? 0.5 * a * a : d * (a - 0.5 * d);
    }
  }
  return s;
}

// dpred of elements [i, n) for the mse / mae / huber terms times 1/n
void regression_grad_from(float* dpred, const float* pred, const float* target, size_t i, size_t n,
                          int kind, double d) {
  if (kind == kLossMse) {
    const double k = 2.0 / static_cast<double>(n);
    for (; i < n; i++) {
      dpred[i] = static_cast<float>(k * (static_cast<double>(pred[i]) - target[i]));
    }
  } else if (kind == kLossMae) {
    const double inv = 1.0 / static_cast<double>(n);
    for (; i < n; i++) {
      const double e = static_cast<double>(pred[i]) - target[i];
      dpred[i] = static_cast<float>(e > 0 ? inv : e < 0 ? -inv : e == 0 ? 0.0 : NAN);
    }
  } else {
    const double inv = 1.0 / static_cast<double>(n);
    for (; i < n; i++) {
      const double e = static_cast<double>(pred[i]) - target[i];
      dpred[i] = static_cast<float>((e > d ? d : e < -d ? -d : e) * inv);
    }
  }
}

double regression_sum_portable(const float* pred, const float* target, size_t n, int kind,
                               double d) {
  return regression_sum_from(pred, target, 0, n, kind, d, 0.0);
}

void regression_grad_portable(float* dpred, const float* pred, const float* target, size_t n,
                              int kind, double d) {
  regression_grad_from(dpred, pred, target, 0, n, kind, d);
}

#if defined(__x86_64__)
// Sum over the first `*done` elements of the mse / mae / huber terms (delta d)
NNTRAIN_AVX2 double regression_sum_lanes(const float* pred, const float* target, size_t n, int kind,
                                         double d, size_t* done) {
  const __m256d abs_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
  const __m256d vd = _mm256_set1_pd(d), half = _mm256_set1_pd(0.5);
  const __m256d lin_off = _mm256_set1_pd(0.5 * d);
  __m256d s = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d e = _mm256_sub_pd(load4(pred + i), load4(target + i));
    if (kind == kLossMse) {
      s = madd(e, e, s);
    } else if (kind == kLossMae) {
      s = _mm256_add_pd(s, _mm256_and_pd(e, abs_mask));
    } else {
      const __m256d a = _mm256_and_pd(e, abs_mask);
      const __m256d quad = _mm256_mul_pd(_mm256_mul_pd(half, a), a);
      const __m256d lin = _mm256_mul_pd(vd, _mm256_sub_pd(a, lin_off));
      // a <= d false for NaN: the linear branch, NaN either way
      s = _mm256_add_pd(s, _mm256_blendv_pd(lin, quad, _mm256_cmp_pd(a, vd, _CMP_LE_OQ)));
    }
  }
  *done = i;
  return hsum(s);
}

// Gradient of the mse / mae / huber terms times 1/n for the first returned count of elements
NNTRAIN_AVX2 size_t regression_grad_lanes(float* dpred, const float* pred, const float* target,
                                          size_t n, int kind, double d) {
  const double inv = 1.0 / static_cast<double>(n);
  const __m256d vinv = _mm256_set1_pd(inv), vk = _mm256_set1_pd(2.0 * inv);
  const __m256d hi = _mm256_set1_pd(d), lo = _mm256_set1_pd(-d), zero = _mm256_setzero_pd();
  const __m256d neg_inv = _mm256_set1_pd(-inv), nan = _mm256_set1_pd(NAN);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d e = _mm256_sub_pd(load4(pred + i), load4(target + i));
    __m256d g;
    if (kind == kLossMse) {
      g = _mm256_mul_pd(vk, e);
    } else if (kind == kLossMae) {
      // e > 0 ? inv : e < 0 ? -inv : e == 0 ? 0 : NaN
      g = _mm256_or_pd(_mm256_and_pd(_mm256_cmp_pd(e, zero, _CMP_GT_OQ), vinv),
                       _mm256_and_pd(_mm256_cmp_pd(e, zero, _CMP_LT_OQ), neg_inv));
      g = _mm256_or_pd(g, _mm256_and_pd(_mm256_cmp_pd(e, e, _CMP_UNORD_Q), nan));
    } else {
      __m256d c = _mm256_blendv_pd(e, hi, _mm256_cmp_pd(e, hi, _CMP_GT_OQ));
      c = _mm256_blendv_pd(c, lo, _mm256_cmp_pd(e, lo, _CMP_LT_OQ));
      g = _mm256_mul_pd(c, vinv);
    }
    store4(dpred + i, g);
  }
  return i;
}

double regression_sum_avx2(const float* pred, const float* target, size_t n, int kind, double d) {
  size_t i = 0;
  const double s = regression_sum_lanes(pred, target, n, kind, d, &i);
  return regression_sum_from(pred, target, i, n, kind, d, s);
}

void regression_grad_avx2(float* dpred, const float* pred, const float* target, size_t n, int kind,
                          double d) {
  const size_t i = regression_grad_lanes(dpred, pred, target, n, kind, d);
  regression_grad_from(dpred, pred, target, i, n, kind, d);
}
#endif

}  // namespace

void fill_loss_portable(ElementwiseKernels* k) {
  k->regression_sum = regression_sum_portable;
  k->regression_grad = regression_grad_portable;
}

#if defined(__x86_64__)
void fill_loss_avx2(ElementwiseKernels* k) {
  k->regression_sum = regression_sum_avx2;
  k->regression_grad = regression_grad_avx2;
}
#endif

// pred is (rows,cols); target is (rows,cols), or (rows,1) for sparse labels
double loss_forward(const float* pred, const float* target, int rows, int cols,
                    const LossDesc& loss) {
  if (loss.fusion != kFusionNone) return fused_loss_forward(pred, target, rows, cols, loss);
  const size_t n = static_cast<size_t>(rows) * cols;
  double s = 0.0;
  size_t i = 0;
  switch (loss.kind) {
    case kLossMse:
    case kLossMae:
    case kLossHuber:
      return elementwise_kernels().regression_sum(pred, target, n, loss.kind, loss.param) /
             static_cast<double>(n);
    case kLossBinaryCrossentropy:
      for (; i < n; i++) {
        const double p = clip(pred[i]);
        const double t = target[i];
        s -= t * std::log(p) + (1.0 - t) * std::log(1.0 - p);
      }
      return s / static_cast<double>(n);
    case kLossCategoricalCrossentropy:
      for (; i < n; i++) {
        const double t = target[i];
        if (t != 0.0) s -= t * std::log(clip(pred[i]));
      }
      return s / rows;
    case kLossSparseCategoricalCrossentropy:
      for (int r = 0; r < rows; r++) {
        const int label = label_of(target, r, cols);
        s -= label < 0 ? NAN : std::log(clip(pred[static_cast<size_t>(r) * cols + label]));
      }
      return s / rows;
    default:
      return NAN;
  }
}

// dpred, pred are (rows,cols); target is (rows,cols), or (rows,1) for sparse labels
void loss_backward(float* dpred, const float* pred, const float* target, int rows, int cols,
                   const LossDesc& loss) {
  if (loss.fusion != kFusionNone) {
    fused_loss_backward(dpred, pred, target, rows, cols, loss);
    return;
  }
  const size_t n = static_cast<size_t>(rows) * cols;
  size_t i = 0;
  switch (loss.kind) {
    case kLossMse:
    case kLossMae:
    case kLossHuber:
      elementwise_kernels().regression_grad(dpred, pred, target, n, loss.kind, loss.param);
      return;
    case kLossBinaryCrossentropy: {
      const double inv = 1.0 / static_cast<double>(n);
      for (; i < n; i++) {
        const double p = pred[i];
        const double t = target[i];
        dpred[i] = static_cast<float>(
            p < kEps || p > kOneMinusEps ? 0.0 : ((p - t) / (p * (1.0 - p))) * inv);
      }
      return;
    }
    case kLossCategoricalCrossentropy: {
      const double inv = 1.0 / rows;
      for (; i < n; i++) {
        const double p = pred[i];
        dpred[i] = static_cast<float>(p < kEps || p > kOneMinusEps ? 0.0 : (-target[i] / p) * inv);
      }
      return;
    }
    case kLossSparseCategoricalCrossentropy: {
      const double inv = 1.0 / rows;
      for (; i < n; i++) dpred[i] = 0.0f;
      for (int r = 0; r < rows; r++) {
        float* drow = dpred + static_cast<size_t>(r) * cols;
        const int label = label_of(target, r, cols);
        if (label < 0) {
          for (int j = 0; j < cols; j++) drow[j] = NAN;
          continue;
        }
        const double p = pred[static_cast<size_t>(r) * cols + label];
        drow[label] = static_cast<float>(p < kEps || p > kOneMinusEps ? 0.0 : -inv / p);
      }
      return;
    }
    default:
      for (; i < n; i++) dpred[i] = NAN;
      return;
  }
}

}  // namespace nntrain
