// Losses fused with the last activation, computed from logits Z (LossFusion in codes.h):
//   softmax + categorical/sparse CE: lse(z) - sum_j y_j z_j per row, mean over rows;
//                                    dZ = (softmax(Z) - Y) / rows
//   sigmoid + binary CE:             max(z,0) - z y + log(1 + e^-|z|), mean over elements;
//                                    dZ = (sigmoid(Z) - Y) / (rows*cols)
#include <cmath>
#include <cstddef>

#include "../codes.h"
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

inline double row_max(const float* z, int cols) {
  double max = -INFINITY;
  for (int j = 0; j < cols; j++) max = z[j] > max ? z[j] : max;
  return max;
}

}  // namespace

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
  for (int r = 0; r < rows; r++) {
    const float* z = logits + static_cast<size_t>(r) * cols;
    const double max = row_max(z, cols);
    double sum = 0.0;
    for (int j = 0; j < cols; j++) sum += std::exp(z[j] - max);
    const double lse = max + std::log(sum);
    if (sparse) {
      const int label = label_of(target, r, cols);
      s += label < 0 ? NAN : lse - z[label];
    } else {
      const float* y = target + static_cast<size_t>(r) * cols;
      double yz = 0.0;
      for (int j = 0; j < cols; j++) yz += static_cast<double>(y[j]) * z[j];
      s += lse - yz;
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
    for (size_t i = 0; i < n; i++) {
      dlogits[i] = static_cast<float>((sigmoid(logits[i]) - target[i]) * inv);
    }
    return;
  }
  const bool sparse = loss.kind == kLossSparseCategoricalCrossentropy;
  const double inv_rows = 1.0 / rows;
  for (int r = 0; r < rows; r++) {
    const size_t o = static_cast<size_t>(r) * cols;
    const float* z = logits + o;
    float* dz = dlogits + o;
    const double max = row_max(z, cols);
    double sum = 0.0;
    for (int j = 0; j < cols; j++) {
      const double e = std::exp(z[j] - max);
      dz[j] = static_cast<float>(e);
      sum += e;
    }
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
      const float* y = target + o;
      for (int j = 0; j < cols; j++) dz[j] = static_cast<float>(dz[j] * scale - y[j] * inv_rows);
    }
  }
}

}  // namespace nntrain
