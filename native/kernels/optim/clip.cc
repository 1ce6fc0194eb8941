// Gradient norms, clipping and the L1/L2 penalties over flat float arrays.
#include <cmath>

#include "optim.h"

namespace nntrain {

// x is (n)
double sum_squares(const float* x, size_t n) {
  double s0 = 0.0, s1 = 0.0;  // two partial sums, the same association as the JS twin
  size_t i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += static_cast<double>(x[i]) * x[i];
    s1 += static_cast<double>(x[i + 1]) * x[i + 1];
  }
  if (i < n) s0 += static_cast<double>(x[i]) * x[i];
  return s0 + s1;
}

// g is (n)
void clip_by_value(float* g, size_t n, double c) {
  for (size_t i = 0; i < n; i++) {
    const double v = g[i];
    if (v > c) {
      g[i] = static_cast<float>(c);
    } else if (v < -c) {
      g[i] = static_cast<float>(-c);
    }
  }
}

// g is (n)
void scale_in_place(float* g, size_t n, double s) {
  for (size_t i = 0; i < n; i++) g[i] = static_cast<float>(g[i] * s);
}

// w is (n)
double penalty_loss(const float* w, size_t n, double l1, double l2) {
  if (l1 == 0.0 && l2 == 0.0) return 0.0;
  double abs_sum = 0.0, sq_sum = 0.0;
  for (size_t i = 0; i < n; i++) {
    const double v = w[i];
    abs_sum += std::fabs(v);
    sq_sum += v * v;
  }
  return l1 * abs_sum + l2 * sq_sum;
}

// dw, w are (n)
void penalty_backward(float* dw, const float* w, size_t n, double l1, double l2) {
  const double l2x2 = 2.0 * l2;
  if (l1 == 0.0 && l2x2 == 0.0) return;
  for (size_t i = 0; i < n; i++) {
    const double v = w[i];
    dw[i] = static_cast<float>(dw[i] + ((v > 0 ? l1 : v < 0 ? -l1 : 0.0) + l2x2 * v));
  }
}

}  // namespace nntrain
