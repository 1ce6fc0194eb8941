// Per-row weighted losses (loss.h): the unweighted kernels run on one row at a time for the
// forward sum, and the backward scales loss_backward's rows, so every loss and fusion gets weights
// from the same formulas.
#include <cstddef>

#include "../codes.h"
#include "loss.h"

namespace nntrain {

double weighted_loss_forward(const float* pred, const float* target, const float* weights, int rows,
                             int cols, const LossDesc& loss) {
  const int label_w = loss.kind == kLossSparseCategoricalCrossentropy ? 1 : cols;
  double s = 0.0;
  for (int r = 0; r < rows; r++) {
    const double row = loss_forward(pred + static_cast<size_t>(r) * cols,
                                    target + static_cast<size_t>(r) * label_w, 1, cols, loss);
    s += static_cast<double>(weights[r]) * row;
  }
  return s / rows;
}

void weighted_loss_backward(float* dpred, const float* pred, const float* target,
                            const float* weights, int rows, int cols, const LossDesc& loss) {
  loss_backward(dpred, pred, target, rows, cols, loss);
  for (int r = 0; r < rows; r++) {
    const double w = weights[r];
    float* d = dpred + static_cast<size_t>(r) * cols;
    for (int j = 0; j < cols; j++) d[j] = static_cast<float>(d[j] * w);
  }
}

}  // namespace nntrain
