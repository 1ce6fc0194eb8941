// Losses fused with the last activation, computed from logits Z (LossFusion in codes.h):
//   softmax + categorical/sparse CE: lse(z) - sum_j y_j z_j per row, mean over rows;
//                                    dZ = (softmax(Z) - Y) / rows
//   sigmoid + binary CE:             max(z,0) - z y + log(1 + e^-|z|), mean over elements;
//                                    dZ = (sigmoid(Z) - Y) / (rows*cols)
// The row pieces (max, the exps and their sum, y.z, the scaling) and the sigmoid gradient run in
// slots of the kernel table (elementwise.h): portable scalar loops, and AVX2 twins (Cephes exp in
// float64 lanes; pattern in act/simd.h). The sigmoid-BCE forward stays scalar: it needs log1p.
#include <cmath>
#include <cstddef>

#include "../act/simd.h"
#include "../codes.h"
#include "../dispatch.h"
#include "../elementwise.h"
#include "loss.h"

namespace nntrain {
namespace {

inline int label_of(const float* target, int r, int cols) {
  const float v = target[r];
  return (v >= 0.0f && v < static_cast<float>(cols) && v == std::floor(v)) ? static_cast<int>(v)
                                                                           : -1;
}

inline double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

// The portable row pieces (contracts in elementwise.h)
double exp_sum(float* dz, const float* z, int cols, double max) {
  double sum = 0.0;
  for (int j = 0; j < cols; j++) {
    const double e = std::exp(z[j] - max);
    if (dz != nullptr) dz[j] = static_cast<float>(e);
    sum += e;
  }
  return sum;
}

double dot(const float* y, const float* z, int cols) {
  double yz = 0.0;
  for (int j = 0; j < cols; j++) yz += static_cast<double>(y[j]) * z[j];
  return yz;
}

void scale_sub(float* dz, const float* y, int cols, double scale, double inv_rows) {
  for (int j = 0; j < cols; j++) dz[j] = static_cast<float>(dz[j] * scale - y[j] * inv_rows);
}

// elements [i, n) of the sigmoid gradient
void sigmoid_grad_from(float* dlogits, const float* logits, const float* target, size_t i, size_t n,
                       double inv) {
  for (; i < n; i++) dlogits[i] = static_cast<float>((sigmoid(logits[i]) - target[i]) * inv);
}

void sigmoid_grad(float* dlogits, const float* logits, const float* target, size_t n, double inv) {
  sigmoid_grad_from(dlogits, logits, target, 0, n, inv);
}

#if defined(__x86_64__)
// sum_j e^(z_j - max); with dz != nullptr also stores each float64 e^(z_j - max) rounded to dz_j
NNTRAIN_AVX2_FMA double exp_sum_avx2(float* dz, const float* z, int cols, double max) {
  const __m256d vmax = _mm256_set1_pd(max);
  __m256d vsum = _mm256_setzero_pd();
  double sum = 0.0;
  int j = 0;
  for (; j + 4 <= cols; j += 4) {
    const __m256d e = exp_neg(_mm256_sub_pd(load4(z + j), vmax));
    if (dz != nullptr) store4(dz + j, e);
    vsum = _mm256_add_pd(vsum, e);
  }
  for (; j < cols; j++) {
    const double e = std::exp(z[j] - max);
    if (dz != nullptr) dz[j] = static_cast<float>(e);
    sum += e;
  }
  return sum + hsum(vsum);
}

// sum_j y_j z_j (float products are exact in float64)
NNTRAIN_AVX2 double dot_avx2(const float* y, const float* z, int cols) {
  __m256d v = _mm256_setzero_pd();
  double s = 0.0;
  int j = 0;
  for (; j + 4 <= cols; j += 4) v = madd(load4(y + j), load4(z + j), v);
  for (; j < cols; j++) s += static_cast<double>(y[j]) * z[j];
  return s + hsum(v);
}

// dz (cols) = dz * scale - y * inv_rows, in float64 lanes
NNTRAIN_AVX2 void scale_sub_avx2(float* dz, const float* y, int cols, double scale,
                                 double inv_rows) {
  const __m256d vs = _mm256_set1_pd(scale), vi = _mm256_set1_pd(inv_rows);
  int j = 0;
  for (; j + 4 <= cols; j += 4) {
    store4(dz + j,
           _mm256_sub_pd(_mm256_mul_pd(load4(dz + j), vs), _mm256_mul_pd(load4(y + j), vi)));
  }
  for (; j < cols; j++) dz[j] = static_cast<float>(dz[j] * scale - y[j] * inv_rows);
}

NNTRAIN_AVX2_FMA size_t sigmoid_grad_lanes(float* dlogits, const float* logits, const float* target,
                                           size_t n, double inv) {
  const __m256d vinv = _mm256_set1_pd(inv);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d d = _mm256_sub_pd(sigmoid4(load4(logits + i)), load4(target + i));
    store4(dlogits + i, _mm256_mul_pd(d, vinv));
  }
  return i;
}

void sigmoid_grad_avx2(float* dlogits, const float* logits, const float* target, size_t n,
                       double inv) {
  const size_t i = sigmoid_grad_lanes(dlogits, logits, target, n, inv);
  sigmoid_grad_from(dlogits, logits, target, i, n, inv);
}
#endif

}  // namespace

void fill_fused_portable(ElementwiseKernels* k) {
  k->row_max = row_max;
  k->exp_sum = exp_sum;
  k->dot = dot;
  k->scale_sub = scale_sub;
  k->sigmoid_grad = sigmoid_grad;
}

#if defined(__x86_64__)
void fill_fused_avx2(ElementwiseKernels* k) {
  k->row_max = row_max_avx2;
  k->exp_sum = exp_sum_avx2;
  k->dot = dot_avx2;
  k->scale_sub = scale_sub_avx2;
  k->sigmoid_grad = sigmoid_grad_avx2;
}
#endif

// logits is (rows,cols); target is (rows,cols), or (rows,1) for sparse labels
double fused_loss_forward(const float* logits, const float* target, int rows, int cols,
                          const LossDesc& loss) {
  double s = 0.0;
  if (loss.fusion == kFusionSigmoid) {
    const size_t n = static_cast<size_t>(rows) * cols;
    for (size_t i = 0; i < n; i++) {
      const double z = logits[i];
      s += std::fmax(z, 0.0) - z * target[i] + std::log1p(std::exp(-std::fabs(z)));
    }
    return s / static_cast<double>(n);
  }
  const bool sparse = loss.kind == kLossSparseCategoricalCrossentropy;
  const ElementwiseKernels& k = elementwise_kernels();
  for (int r = 0; r < rows; r++) {
    const float* z = logits + static_cast<size_t>(r) * cols;
    const double max = k.row_max(z, cols);
    const double lse = max + std::log(k.exp_sum(nullptr, z, cols, max));
    if (sparse) {
      const int label = label_of(target, r, cols);
      s += label < 0 ? NAN : lse - z[label];
    } else {
      s += lse - k.dot(target + static_cast<size_t>(r) * cols, z, cols);
    }
  }
  return s / rows;
}

// dlogits, logits are (rows,cols); target is (rows,cols), or (rows,1) for sparse labels
void fused_loss_backward(float* dlogits, const float* logits, const float* target, int rows,
                         int cols, const LossDesc& loss) {
  if (loss.fusion == kFusionSigmoid) {
    const size_t n = static_cast<size_t>(rows) * cols;
    const double inv = 1.0 / static_cast<double>(n);
    elementwise_kernels().sigmoid_grad(dlogits, logits, target, n, inv);
    return;
  }
  const bool sparse = loss.kind == kLossSparseCategoricalCrossentropy;
  const double inv_rows = 1.0 / rows;
  const ElementwiseKernels& k = elementwise_kernels();
  for (int r = 0; r < rows; r++) {
    const size_t o = static_cast<size_t>(r) * cols;
    const float* z = logits + o;
    float* dz = dlogits + o;
    const double sum = k.exp_sum(dz, z, cols, k.row_max(z, cols));
    const double scale = inv_rows / sum;
    if (sparse) {
      const int label = label_of(target, r, cols);
      for (int j = 0; j < cols; j++) dz[j] = static_cast<float>(dz[j] * scale);
      if (label >= 0) {
        dz[label] = static_cast<float>(dz[label] - inv_rows);
      } else {
        for (int j = 0; j < cols; j++) dz[j] = NAN;
      }
    } else {
      k.scale_sub(dz, target + o, cols, scale, inv_rows);
    }
  }
}

}  // namespace nntrain
