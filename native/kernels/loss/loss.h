// Loss kernels: forward (mean loss in float64) and backward (gradient with the same reduction), the
// fused softmax/sigmoid-from-logits variants, and the per-batch metric sums.
#pragma once

namespace nntrain {

struct LossDesc {
  int kind;          // Loss code
  double param;      // huber delta, else 0
  int fusion;        // LossFusion code: pred holds logits when != none
  int label_mode;    // LabelMode code (stats only)
  double threshold;  // decision threshold on pred for binary accuracy (stats only)
};

// Mean loss of pred (rows,cols) against target (rows, labelWidth). mse/mae/huber/bce: mean over
// rows*cols elements; categorical/sparse: sum over classes, mean over rows. Unfused cross-entropies
// clip probabilities to [1e-7, 1 - 1e-7]. An invalid sparse label (not an integer in [0, cols))
// gives NaN.
double loss_forward(const float* pred, const float* target, int rows, int cols,
                    const LossDesc& loss);

// dpred (rows,cols) = d loss_forward / d pred, same reduction. Where a probability was clipped the
// derivative is 0; fused softmax: (softmax(Z) - Y) / rows; fused sigmoid: (sigmoid(Z) - Y) /
// (rows*cols).
void loss_backward(float* dpred, const float* pred, const float* target, int rows, int cols,
                   const LossDesc& loss);

// Keras's sample-weighted loss ("sum_over_batch_size"): (1/rows) * sum_r w_r * loss_r, where
// loss_r is loss_forward of row r alone; the divisor is the row count, not the weight sum. With
// every w_r = 1 it equals loss_forward up to the order of the float64 sum.
double weighted_loss_forward(const float* pred, const float* target, const float* weights, int rows,
                             int cols, const LossDesc& loss);

// dpred = d weighted_loss_forward / d pred: loss_backward's rows, row r scaled by w_r.
void weighted_loss_backward(float* dpred, const float* pred, const float* target,
                            const float* weights, int rows, int cols, const LossDesc& loss);

// Adds accuracy, binary-accuracy, |error| and error^2 sums of pred (rows,cols) against target into
// stats[kStatAccCorrect .. kStatErrCount] (a stats row of kStatsWidth). Sparse targets (rows,1) are
// compared as one-hot rows. Loss entries and the row count are the caller's.
void accumulate_stats(double* stats, const float* pred, const float* target, int rows, int cols,
                      int label_mode, double threshold);

}  // namespace nntrain
