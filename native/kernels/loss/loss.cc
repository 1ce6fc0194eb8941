// Unfused loss forward/backward on the model output A (see loss.h); the fused variants on logits
// live in fused.cc. Float64 sums, float32 storage, the same formulas as src/backend/js/losses.ts.
#include "loss.h"

#include <cmath>
#include <cstddef>

#include "../codes.h"

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

}  // namespace

// pred is (rows,cols); target is (rows,cols), or (rows,1) for sparse labels
double loss_forward(const float* pred, const float* target, int rows, int cols,
                    const LossDesc& loss) {
  if (loss.fusion != kFusionNone) return fused_loss_forward(pred, target, rows, cols, loss);
  const size_t n = static_cast<size_t>(rows) * cols;
  double s = 0.0;
  switch (loss.kind) {
    case kLossMse:
      for (size_t i = 0; i < n; i++) {
        const double e = static_cast<double>(pred[i]) - target[i];
        s += e * e;
      }
      return s / static_cast<double>(n);
    case kLossMae:
      for (size_t i = 0; i < n; i++) s += std::fabs(static_cast<double>(pred[i]) - target[i]);
      return s / static_cast<double>(n);
    case kLossHuber: {
      const double d = loss.param;
      for (size_t i = 0; i < n; i++) {
        const double a = std::fabs(static_cast<double>(pred[i]) - target[i]);
        s += a <= d ? 0.5 * a * a : d * (a - 0.5 * d);
      }
      return s / static_cast<double>(n);
    }
    case kLossBinaryCrossentropy:
      for (size_t i = 0; i < n; i++) {
        const double p = clip(pred[i]);
        const double t = target[i];
        s -= t * std::log(p) + (1.0 - t) * std::log(1.0 - p);
      }
      return s / static_cast<double>(n);
    case kLossCategoricalCrossentropy:
      for (size_t i = 0; i < n; i++) {
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
  switch (loss.kind) {
    case kLossMse: {
      const double k = 2.0 / static_cast<double>(n);
      for (size_t i = 0; i < n; i++) {
        dpred[i] = static_cast<float>(k * (static_cast<double>(pred[i]) - target[i]));
      }
      return;
    }
    case kLossMae: {
      const double inv = 1.0 / static_cast<double>(n);
      for (size_t i = 0; i < n; i++) {
        const double e = static_cast<double>(pred[i]) - target[i];
        dpred[i] = static_cast<float>(e > 0 ? inv : e < 0 ? -inv : e == 0 ? 0.0 : NAN);
      }
      return;
    }
    case kLossHuber: {
      const double d = loss.param;
      const double inv = 1.0 / static_cast<double>(n);
      for (size_t i = 0; i < n; i++) {
        const double e = static_cast<double>(pred[i]) - target[i];
        dpred[i] = static_cast<float>((e > d ? d : e < -d ? -d : e) * inv);
      }
      return;
    }
    case kLossBinaryCrossentropy: {
      const double inv = 1.0 / static_cast<double>(n);
      for (size_t i = 0; i < n; i++) {
        const double p = pred[i];
        const double t = target[i];
        dpred[i] = static_cast<float>(
            p < kEps || p > kOneMinusEps ? 0.0 : ((p - t) / (p * (1.0 - p))) * inv);
      }
      return;
    }
    case kLossCategoricalCrossentropy: {
      const double inv = 1.0 / rows;
      for (size_t i = 0; i < n; i++) {
        const double p = pred[i];
        dpred[i] = static_cast<float>(p < kEps || p > kOneMinusEps ? 0.0 : (-target[i] / p) * inv);
      }
      return;
    }
    case kLossSparseCategoricalCrossentropy: {
      const double inv = 1.0 / rows;
      for (size_t i = 0; i < n; i++) dpred[i] = 0.0f;
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
      for (size_t i = 0; i < n; i++) dpred[i] = NAN;
      return;
  }
}

}  // namespace nntrain
