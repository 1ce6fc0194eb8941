// Per-batch metric sums (Stat in codes.h) from the model output and the targets; the twin of
// src/backend/js/loss/stats.ts.
#include <cmath>
#include <cstddef>

#include "../codes.h"
#include "loss.h"

namespace nntrain {
namespace {

// Index of the first maximum of a row (NaNs never win; an all-NaN row gives 0)
int argmax_row(const float* x, int cols) {
  int best = 0;
  float best_val = x[0];
  for (int j = 1; j < cols; j++) {
    const float v = x[j];
    if (v > best_val || (std::isnan(best_val) && !std::isnan(v))) {
      best_val = v;
      best = j;
    }
  }
  return best;
}

}  // namespace

// pred is (rows,cols); target is (rows,cols), or (rows,1) for sparse labels; stats is one row
void accumulate_stats(double* stats, const float* pred, const float* target, int rows, int cols,
                      int label_mode, double threshold) {
  const bool sparse = label_mode == kLabelSparse;
  double acc = 0, bin = 0, abs_sum = 0, sq_sum = 0;
  for (int r = 0; r < rows; r++) {
    const size_t o = static_cast<size_t>(r) * cols;
    const double label = sparse ? static_cast<double>(target[r]) : -1.0;
    for (int j = 0; j < cols; j++) {
      const double p = pred[o + j];
      const double t = sparse ? (j == label ? 1.0 : 0.0) : static_cast<double>(target[o + j]);
      if ((p > threshold) == (t > 0.5)) bin++;
      const double e = p - t;
      abs_sum += std::fabs(e);
      sq_sum += e * e;
    }
    if (cols > 0 && sparse) {
      if (argmax_row(pred + o, cols) == label) acc++;
    } else if (cols > 0 && label_mode == kLabelOnehot) {
      if (argmax_row(pred + o, cols) == argmax_row(target + o, cols)) acc++;
    }
  }
  const double elements = static_cast<double>(rows) * cols;
  if (label_mode == kLabelBinary) {
    stats[kStatAccCorrect] += bin;
    stats[kStatAccCount] += elements;
  } else if (label_mode != kLabelRegression) {
    stats[kStatAccCorrect] += acc;
    stats[kStatAccCount] += rows;
  }
  stats[kStatBinCorrect] += bin;
  stats[kStatBinCount] += elements;
  stats[kStatAbsErrSum] += abs_sum;
  stats[kStatSqErrSum] += sq_sum;
  stats[kStatErrCount] += elements;
}

}  // namespace nntrain
