// Optimizer updates over the flat arena (torch.optim's rules, as src/optimizers/ documents them),
// gradient clipping and L1/L2 penalties, like src/backend/js/optim/. State is stored as float32;
// SGD and Adam(W) compute in float32 (as torch.optim does), adagrad, adadelta, rmsprop, the norms
// and the penalties in float64.
#pragma once

#include <cstddef>

namespace nntrain {

struct OptimDesc {
  int kind;           // Optimizer code
  double hyper[8];    // kOptimizerHyperLength entries, meaning per kind in codes.h
  double clip_norm;   // 0 = off (applied by the plan executor, not by optimizer_step)
  double clip_value;  // 0 = off (applied by the plan executor, not by optimizer_step)
};

// One update of params (n) from grads (n) and kOptimizerSlots[kind] slots of (n), with learning
// rate lr at 1-based step t. grads are not modified (weight decay is added to a local copy, as in
// torch).
void optimizer_step(float* params, const float* grads, float* const* slots, size_t n,
                    const OptimDesc& opt, double lr, double step);

// Sum of x^2 over x (n), accumulated in float64.
double sum_squares(const float* x, size_t n);

// Clamps each g (n) to [-c, c]; NaN stays NaN so the norm check still sees it.
void clip_by_value(float* g, size_t n, double c);

// g (n) *= s (the clipNorm factor clipNorm / (norm + 1e-6)).
void scale_in_place(float* g, size_t n, double s);

// l1 * sum|w| + l2 * sum w^2 over w (n) in float64; 0 without reading w when both are 0.
double penalty_loss(const float* w, size_t n, double l1, double l2);

// dw (n) += l1 * sign(w) + 2 l2 w (sign(0) = 0).
void penalty_backward(float* dw, const float* w, size_t n, double l1, double l2);

}  // namespace nntrain
