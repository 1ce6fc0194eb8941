// Activation forward/backward kernels (see activation.h). gelu is the exact erf form; softplus and
// sigmoid are evaluated in forms that do not overflow for large |z|.
#include "activation.h"

#include <cmath>
#include <cstddef>

#include "../codes.h"

namespace nntrain {
namespace {

constexpr double kInvSqrt2 = 0.7071067811865476;    // 1 / sqrt(2)
constexpr double kInvSqrt2Pi = 0.3989422804014327;  // 1 / sqrt(2 pi)

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
  double max = -INFINITY;
  for (int j = 0; j < cols; j++) max = inp[j] > max ? inp[j] : max;
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

}  // namespace

// inp, out are (rows,cols)
void activation_forward(float* out, const float* inp, int rows, int cols, int act, double param) {
  const size_t count = static_cast<size_t>(rows) * cols;
  if (act == kActSoftmax) {
    for (int r = 0; r < rows; r++) {
      softmax_row(out + static_cast<size_t>(r) * cols, inp + static_cast<size_t>(r) * cols, cols);
    }
    return;
  }
  if (act == kActLinear) {
    if (out != inp) {
      for (size_t i = 0; i < count; i++) out[i] = inp[i];
    }
    return;
  }
  for (size_t i = 0; i < count; i++) out[i] = static_cast<float>(apply(inp[i], act, param));
}

// dinp, dout, inp, out are (rows,cols)
void activation_backward(float* dinp, const float* dout, const float* inp, const float* out,
                         int rows, int cols, int act, double param) {
  const size_t count = static_cast<size_t>(rows) * cols;
  if (act == kActSoftmax) {
    for (int r = 0; r < rows; r++) {
      const size_t base = static_cast<size_t>(r) * cols;
      double dot = 0.0;  // sum_j dout_j y_j
      for (int j = 0; j < cols; j++) dot += static_cast<double>(dout[base + j]) * out[base + j];
      for (int j = 0; j < cols; j++) {
        dinp[base + j] = static_cast<float>(out[base + j] * (dout[base + j] - dot));
      }
    }
    return;
  }
  if (act == kActLinear) {
    if (dinp != dout) {
      for (size_t i = 0; i < count; i++) dinp[i] = dout[i];
    }
    return;
  }
  for (size_t i = 0; i < count; i++) {
    dinp[i] = static_cast<float>(dout[i] * derivative(inp[i], out[i], act, param));
  }
}

}  // namespace nntrain
