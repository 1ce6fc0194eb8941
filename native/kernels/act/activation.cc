// Activation forward/backward kernels (see activation.h). gelu is the exact erf form, geluTanh
// PyTorch's approximate='tanh' form in its operation order; softplus and sigmoid are evaluated in
// forms that do not overflow for large |z|.
//
// Two kernels per direction, in the table's activation slots (elementwise.h): the portable scalar
// loops, and AVX2 twins (pattern in simd.h) that share the scalar tail. Vectorized: relu
// in float32 lanes (exact), the rest in float64 lanes: leakyRelu, sigmoid/silu/softplus' through a
// Cephes exp (simd.h, <= 2 ulp of float64), elu', the tanh/sigmoid derivatives from y, softmax
// rows. Left scalar (std::): elu forward (expm1 near 0), gelu (erf), tanh forward, softplus forward
// (log1p): no vector approximation of those here is worth its accuracy risk yet.
#include "activation.h"

#include <cmath>
#include <cstddef>
#include <cstring>

#include "../codes.h"
#include "../dispatch.h"
#include "../elementwise.h"
#include "simd.h"

namespace nntrain {
namespace {

constexpr double kInvSqrt2 = 0.7071067811865476;     // 1 / sqrt(2)
constexpr double kInvSqrt2Pi = 0.3989422804014327;   // 1 / sqrt(2 pi)
constexpr double kSqrt2OverPi = 0.7978845608028654;  // sqrt(2 / pi), geluTanh's beta
constexpr double kGeluKappa = 0.044715;

// geluTanh's tanh(sqrt(2 / pi) (z + 0.044715 z^3))
inline double gelu_tanh_inner(double z) {
  return std::tanh(kSqrt2OverPi * (z + kGeluKappa * (z * z * z)));
}

inline double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

inline double softplus(double z) {
  return std::fmax(z, 0.0) + std::log1p(std::exp(-std::fabs(z)));
}

// f(z) for every elementwise activation (not softmax)
inline double apply(double z, int act, double alpha) {
  switch (act) {
    case kActRelu:
      return z > 0 ? z : 0.0;
    case kActLeakyRelu:
      return z > 0 ? z : alpha * z;
    case kActElu:
      return z > 0 ? z : alpha * std::expm1(z);
    case kActGelu:
      return 0.5 * z * (1.0 + std::erf(z * kInvSqrt2));
    case kActGeluTanh:
      return 0.5 * z * (1.0 + gelu_tanh_inner(z));
    case kActSilu:
      return z * sigmoid(z);
    case kActTanh:
      return std::tanh(z);
    case kActSigmoid:
      return sigmoid(z);
    case kActSoftplus:
      return softplus(z);
    default:  // linear
      return z;
  }
}

// f'(z), given z and y = f(z)
inline double derivative(double z, double y, int act, double alpha) {
  switch (act) {
    case kActRelu:
      return z > 0 ? 1.0 : 0.0;
    case kActLeakyRelu:
      return z > 0 ? 1.0 : alpha;
    case kActElu:
      return z > 0 ? 1.0 : alpha * std::exp(z);
    case kActGelu:
      return 0.5 * (1.0 + std::erf(z * kInvSqrt2)) + z * kInvSqrt2Pi * std::exp(-0.5 * z * z);
    case kActGeluTanh: {
      // 0.5 (1 + th) + 0.5 z (1 - th^2) beta (1 + 3 kappa z^2)
      const double th = gelu_tanh_inner(z);
      const double right = (1.0 - th * th) * kSqrt2OverPi * (1.0 + 3.0 * kGeluKappa * (z * z));
      return 0.5 * (1.0 + th) + 0.5 * z * right;
    }
    case kActSilu: {
      const double s = sigmoid(z);
      return s * (1.0 + z * (1.0 - s));
    }
    case kActTanh:
      return 1.0 - y * y;
    case kActSigmoid:
      return y * (1.0 - y);
    case kActSoftplus:
      return sigmoid(z);
    default:  // linear
      return 1.0;
  }
}

// out row (cols) = softmax(inp row): max-subtracted, sums in float64; out may alias inp
void softmax_row(float* out, const float* inp, int cols) {
  double max = row_max(inp, cols);
  if (max == -INFINITY)
    max = 0.0;  // all -Inf: every exp is 0 and the row becomes NaN, as it should
  double sum = 0.0;
  for (int j = 0; j < cols; j++) {
    const double e = std::exp(static_cast<double>(inp[j]) - max);
    out[j] = static_cast<float>(e);
    sum += e;
  }
  const double inv = 1.0 / sum;
  for (int j = 0; j < cols; j++) out[j] = static_cast<float>(out[j] * inv);
}

// dst = src over count floats; nothing to do when the kernel runs in place.
void copy_unless_aliased(float* dst, const float* src, size_t count) {
  if (dst != src) std::memcpy(dst, src, sizeof(float) * count);
}

// Elements [i, count) of an elementwise activation (not softmax or linear), and of its gradient
void forward_from(float* out, const float* inp, size_t i, size_t count, int act, double param) {
  for (; i < count; i++) out[i] = static_cast<float>(apply(inp[i], act, param));
}
void backward_from(float* dinp, const float* dout, const float* inp, const float* out, size_t i,
                   size_t count, int act, double param) {
  for (; i < count; i++) {
    dinp[i] = static_cast<float>(dout[i] * derivative(inp[i], out[i], act, param));
  }
}

// (cols) row of the softmax backward: dinp = out (dout - sum_j dout_j out_j)
void softmax_backward_row(float* dinp, const float* dout, const float* out, int cols) {
  double dot = 0.0;  // sum_j dout_j y_j
  for (int j = 0; j < cols; j++) dot += static_cast<double>(dout[j]) * out[j];
  for (int j = 0; j < cols; j++) dinp[j] = static_cast<float>(out[j] * (dout[j] - dot));
}

// inp, out are (rows,cols)
void forward_portable(float* out, const float* inp, int rows, int cols, int act, double param) {
  const size_t count = static_cast<size_t>(rows) * cols;
  if (act == kActSoftmax) {
    for (int r = 0; r < rows; r++) {
      softmax_row(out + static_cast<size_t>(r) * cols, inp + static_cast<size_t>(r) * cols, cols);
    }
  } else if (act == kActLinear) {
    copy_unless_aliased(out, inp, count);
  } else {
    forward_from(out, inp, 0, count, act, param);
  }
}

// dinp, dout, inp, out are (rows,cols)
void backward_portable(float* dinp, const float* dout, const float* inp, const float* out, int rows,
                       int cols, int act, double param) {
  const size_t count = static_cast<size_t>(rows) * cols;
  if (act == kActSoftmax) {
    for (int r = 0; r < rows; r++) {
      const size_t o = static_cast<size_t>(r) * cols;
      softmax_backward_row(dinp + o, dout + o, out + o, cols);
    }
  } else if (act == kActLinear) {
    copy_unless_aliased(dinp, dout, count);  // the identity's gradient
  } else {
    backward_from(dinp, dout, inp, out, 0, count, act, param);
  }
}

#if defined(__x86_64__)
// gelu_tanh_inner in lanes, each operation rounded as in the scalar form (tanh4: simd.h)
NNTRAIN_AVX2_FMA inline __m256d gelu_tanh_inner4(__m256d z) {
  const __m256d z3 = _mm256_mul_pd(_mm256_mul_pd(z, z), z);
  const __m256d inner = _mm256_add_pd(z, _mm256_mul_pd(_mm256_set1_pd(kGeluKappa), z3));
  return tanh4(_mm256_mul_pd(_mm256_set1_pd(kSqrt2OverPi), inner));
}

// Elements done by the vector loop (a multiple of the lane count; 0 for activations left scalar)
NNTRAIN_AVX2_FMA size_t forward_lanes(float* out, const float* inp, size_t count, int act,
                                      double alpha) {
  size_t i = 0;
  if (act == kActRelu) {
    const __m256 zero = _mm256_setzero_ps();
    for (; i + 8 <= count; i += 8) {
      const __m256 z = _mm256_loadu_ps(inp + i);
      _mm256_storeu_ps(out + i, _mm256_and_ps(_mm256_cmp_ps(z, zero, _CMP_GT_OQ), z));
    }
    return i;
  }
  const __m256d zero = _mm256_setzero_pd(), va = _mm256_set1_pd(alpha);
  const __m256d inv_sqrt2 = _mm256_set1_pd(kInvSqrt2);
  switch (act) {
    case kActLeakyRelu:
      for (; i + 4 <= count; i += 4) {
        const __m256d z = load4(inp + i);
        const __m256d pos = _mm256_cmp_pd(z, zero, _CMP_GT_OQ);
        store4(out + i, _mm256_blendv_pd(_mm256_mul_pd(va, z), z, pos));
      }
      return i;
    case kActElu:
      for (; i + 4 <= count; i += 4) {
        const __m256d z = load4(inp + i);
        const __m256d pos = _mm256_cmp_pd(z, zero, _CMP_GT_OQ);
        const __m256d em1 = expm1_neg(_mm256_blendv_pd(z, zero, pos));  // keeps a NaN z
        store4(out + i, _mm256_blendv_pd(_mm256_mul_pd(va, em1), z, pos));
      }
      return i;
    case kActGelu:
      for (; i + 4 <= count; i += 4) {
        const __m256d z = load4(inp + i);
        const __m256d cdf2 = _mm256_add_pd(_mm256_set1_pd(1.0), erf4(_mm256_mul_pd(z, inv_sqrt2)));
        store4(out + i, _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(0.5), z), cdf2));
      }
      return i;
    case kActGeluTanh:
      for (; i + 4 <= count; i += 4) {
        const __m256d z = load4(inp + i);
        const __m256d th = gelu_tanh_inner4(z);
        store4(out + i, _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(0.5), z),
                                      _mm256_add_pd(_mm256_set1_pd(1.0), th)));
      }
      return i;
    case kActTanh:
      for (; i + 4 <= count; i += 4) store4(out + i, tanh4(load4(inp + i)));
      return i;
    case kActSigmoid:
      for (; i + 4 <= count; i += 4) store4(out + i, sigmoid4(load4(inp + i)));
      return i;
    case kActSilu:
      for (; i + 4 <= count; i += 4) {
        const __m256d z = load4(inp + i);
        store4(out + i, _mm256_mul_pd(z, sigmoid4(z)));
      }
      return i;
    default:
      return 0;
  }
}

NNTRAIN_AVX2_FMA size_t backward_lanes(float* dinp, const float* dout, const float* inp,
                                       const float* out, size_t count, int act, double alpha) {
  size_t i = 0;
  if (act == kActRelu) {
    // dout * (z > 0 ? 1 : 0) in float32 is exact, as in float64 (signed zeros, NaN of inf * 0)
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
    for (; i + 8 <= count; i += 8) {
      const __m256 d =
          _mm256_and_ps(_mm256_cmp_ps(_mm256_loadu_ps(inp + i), zero, _CMP_GT_OQ), one);
      _mm256_storeu_ps(dinp + i, _mm256_mul_ps(_mm256_loadu_ps(dout + i), d));
    }
    return i;
  }
  const __m256d zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0), va = _mm256_set1_pd(alpha);
  switch (act) {
    case kActLeakyRelu:
      for (; i + 4 <= count; i += 4) {
        const __m256d pos = _mm256_cmp_pd(load4(inp + i), zero, _CMP_GT_OQ);
        store4(dinp + i, _mm256_mul_pd(load4(dout + i), _mm256_blendv_pd(va, one, pos)));
      }
      return i;
    case kActElu:
      for (; i + 4 <= count; i += 4) {
        const __m256d z = load4(inp + i);
        const __m256d pos = _mm256_cmp_pd(z, zero, _CMP_GT_OQ);
        // exp of min(z, 0) that keeps a NaN z: blend, not minpd
        const __m256d e = exp_neg(_mm256_blendv_pd(z, zero, pos));
        store4(dinp + i,
               _mm256_mul_pd(load4(dout + i), _mm256_blendv_pd(_mm256_mul_pd(va, e), one, pos)));
      }
      return i;
    case kActGelu:
      for (; i + 4 <= count; i += 4) {
        const __m256d z = load4(inp + i);
        const __m256d cdf2 = _mm256_add_pd(one, erf4(_mm256_mul_pd(z, _mm256_set1_pd(kInvSqrt2))));
        const __m256d arg = _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(-0.5), z), z);
        const __m256d pdf =
            _mm256_mul_pd(_mm256_mul_pd(z, _mm256_set1_pd(kInvSqrt2Pi)), exp_neg(arg));
        const __m256d d = _mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(0.5), cdf2), pdf);
        store4(dinp + i, _mm256_mul_pd(load4(dout + i), d));
      }
      return i;
    case kActGeluTanh:
      for (; i + 4 <= count; i += 4) {
        const __m256d z = load4(inp + i);
        const __m256d th = gelu_tanh_inner4(z);
        const __m256d z2 = _mm256_mul_pd(z, z);
        const __m256d slope =
            _mm256_add_pd(one, _mm256_mul_pd(_mm256_set1_pd(3.0 * kGeluKappa), z2));
        const __m256d right =
            _mm256_mul_pd(_mm256_mul_pd(nmadd(th, th, one), _mm256_set1_pd(kSqrt2OverPi)), slope);
        const __m256d half = _mm256_set1_pd(0.5);
        const __m256d d = _mm256_add_pd(_mm256_mul_pd(half, _mm256_add_pd(one, th)),
                                        _mm256_mul_pd(_mm256_mul_pd(half, z), right));
        store4(dinp + i, _mm256_mul_pd(load4(dout + i), d));
      }
      return i;
    case kActSilu:
      for (; i + 4 <= count; i += 4) {
        const __m256d z = load4(inp + i);
        const __m256d sg = sigmoid4(z);
        const __m256d d = _mm256_mul_pd(sg, madd(z, _mm256_sub_pd(one, sg), one));
        store4(dinp + i, _mm256_mul_pd(load4(dout + i), d));
      }
      return i;
    case kActTanh:
      for (; i + 4 <= count; i += 4) {
        const __m256d y = load4(out + i);
        store4(dinp + i, _mm256_mul_pd(load4(dout + i), nmadd(y, y, one)));
      }
      return i;
    case kActSigmoid:
      for (; i + 4 <= count; i += 4) {
        const __m256d y = load4(out + i);
        const __m256d d = _mm256_mul_pd(y, _mm256_sub_pd(one, y));
        store4(dinp + i, _mm256_mul_pd(load4(dout + i), d));
      }
      return i;
    case kActSoftplus:
      for (; i + 4 <= count; i += 4) {
        store4(dinp + i, _mm256_mul_pd(load4(dout + i), sigmoid4(load4(inp + i))));
      }
      return i;
    default:
      return 0;
  }
}

// softmax_row with the max, the exps and the scaling in vector lanes (same float64 values; the sum
// is reassociated)
NNTRAIN_AVX2_FMA void softmax_row_avx2(float* out, const float* inp, int cols) {
  double max = row_max_avx2(inp, cols);
  if (max == -INFINITY) max = 0.0;
  const __m256d vmax = _mm256_set1_pd(max);
  __m256d vsum = _mm256_setzero_pd();
  double sum = 0.0;
  int j = 0;
  for (; j + 4 <= cols; j += 4) {
    const __m256d e = exp_neg(_mm256_sub_pd(load4(inp + j), vmax));
    store4(out + j, e);
    vsum = _mm256_add_pd(vsum, e);
  }
  for (; j < cols; j++) {
    const double e = std::exp(static_cast<double>(inp[j]) - max);
    out[j] = static_cast<float>(e);
    sum += e;
  }
  const double inv = 1.0 / (sum + hsum(vsum));
  const __m256d vinv = _mm256_set1_pd(inv);
  j = 0;
  for (; j + 4 <= cols; j += 4) store4(out + j, _mm256_mul_pd(load4(out + j), vinv));
  for (; j < cols; j++) out[j] = static_cast<float>(out[j] * inv);
}

// (cols) row of the softmax backward: dinp = out (dout - sum_j dout_j out_j)
NNTRAIN_AVX2 void softmax_backward_row_avx2(float* dinp, const float* dout, const float* out,
                                            int cols) {
  __m256d vdot = _mm256_setzero_pd();
  double dot = 0.0;
  int j = 0;
  for (; j + 4 <= cols; j += 4) vdot = madd(load4(dout + j), load4(out + j), vdot);
  for (; j < cols; j++) dot += static_cast<double>(dout[j]) * out[j];
  dot += hsum(vdot);
  const __m256d vd = _mm256_set1_pd(dot);
  j = 0;
  for (; j + 4 <= cols; j += 4) {
    store4(dinp + j, _mm256_mul_pd(load4(out + j), _mm256_sub_pd(load4(dout + j), vd)));
  }
  for (; j < cols; j++) dinp[j] = static_cast<float>(out[j] * (dout[j] - dot));
}

void forward_avx2(float* out, const float* inp, int rows, int cols, int act, double param) {
  const size_t count = static_cast<size_t>(rows) * cols;
  if (act == kActSoftmax) {
    for (int r = 0; r < rows; r++) {
      const size_t o = static_cast<size_t>(r) * cols;
      softmax_row_avx2(out + o, inp + o, cols);
    }
  } else if (act == kActLinear) {
    copy_unless_aliased(out, inp, count);
  } else {
    forward_from(out, inp, forward_lanes(out, inp, count, act, param), count, act, param);
  }
}

void backward_avx2(float* dinp, const float* dout, const float* inp, const float* out, int rows,
                   int cols, int act, double param) {
  const size_t count = static_cast<size_t>(rows) * cols;
  if (act == kActSoftmax) {
    for (int r = 0; r < rows; r++) {
      const size_t o = static_cast<size_t>(r) * cols;
      softmax_backward_row_avx2(dinp + o, dout + o, out + o, cols);
    }
  } else if (act == kActLinear) {
    copy_unless_aliased(dinp, dout, count);
  } else {
    const size_t done = backward_lanes(dinp, dout, inp, out, count, act, param);
    backward_from(dinp, dout, inp, out, done, count, act, param);
  }
}
#endif

}  // namespace

void fill_activation_portable(ElementwiseKernels* k) {
  k->activation_forward = forward_portable;
  k->activation_backward = backward_portable;
}

#if defined(__x86_64__)
void fill_activation_avx2(ElementwiseKernels* k) {
  k->activation_forward = forward_avx2;
  k->activation_backward = backward_avx2;
}
#endif

// inp, out are (rows,cols)
void activation_forward(float* out, const float* inp, int rows, int cols, int act, double param) {
  elementwise_kernels().activation_forward(out, inp, rows, cols, act, param);
}

// dinp, dout, inp, out are (rows,cols)
void activation_backward(float* dinp, const float* dout, const float* inp, const float* out,
                         int rows, int cols, int act, double param) {
  elementwise_kernels().activation_backward(dinp, dout, inp, out, rows, cols, act, param);
}

}  // namespace nntrain
