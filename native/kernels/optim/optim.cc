// The six optimizer update rules (torch.optim). g is the gradient after clipping, t the 1-based
// step.
#include "optim.h"

#include <cmath>

#include "../codes.h"

namespace nntrain {
namespace {

// g += wd p; if mu != 0: buf = (t == 1) ? g : mu buf + (1 - damp) g; g = nesterov ? g + mu buf :
// buf; p -= lr g
void sgd_step(float* p, const float* g, float* buf, size_t n, double lr, double t, double mu,
              double damp, bool nesterov, double wd) {
  for (size_t i = 0; i < n; i++) {
    double gi = g[i] + wd * p[i];
    if (mu != 0.0) {
      const double b = t == 1.0 ? gi : mu * buf[i] + (1.0 - damp) * gi;
      buf[i] = static_cast<float>(b);
      gi = nesterov ? gi + mu * b : b;
    }
    p[i] = static_cast<float>(p[i] - lr * gi);
  }
}

// g += wd p; clr = lr / (1 + (t - 1) lr_decay); sum += g^2; p -= clr g / (sqrt(sum) + eps)
void adagrad_step(float* p, const float* g, float* sum, size_t n, double lr, double t,
                  double lr_decay, double wd, double eps) {
  const double clr = lr / (1.0 + (t - 1.0) * lr_decay);
  for (size_t i = 0; i < n; i++) {
    const double gi = g[i] + wd * p[i];
    const double s = sum[i] + gi * gi;
    sum[i] = static_cast<float>(s);
    p[i] = static_cast<float>(p[i] - (clr * gi) / (std::sqrt(s) + eps));
  }
}

// g += wd p; sq = rho sq + (1 - rho) g^2; delta = sqrt(acc + eps) / sqrt(sq + eps) g;
// acc = rho acc + (1 - rho) delta^2; p -= lr delta
void adadelta_step(float* p, const float* g, float* sq_avg, float* acc_delta, size_t n, double lr,
                   double rho, double eps, double wd) {
  for (size_t i = 0; i < n; i++) {
    const double gi = g[i] + wd * p[i];
    const double sq = rho * sq_avg[i] + (1.0 - rho) * gi * gi;
    sq_avg[i] = static_cast<float>(sq);
    const double delta = (std::sqrt(acc_delta[i] + eps) / std::sqrt(sq + eps)) * gi;
    acc_delta[i] = static_cast<float>(rho * acc_delta[i] + (1.0 - rho) * delta * delta);
    p[i] = static_cast<float>(p[i] - lr * delta);
  }
}

// g += wd p; sq = alpha sq + (1 - alpha) g^2; centered: ga = alpha ga + (1 - alpha) g,
// avg = sqrt(sq - ga^2) + eps, else avg = sqrt(sq) + eps; mu > 0: buf = mu buf + g / avg, p -= lr
// buf; else p -= lr g / avg
void rmsprop_step(float* p, const float* g, float* sq_avg, float* buf, float* grad_avg, size_t n,
                  double lr, double alpha, double eps, double wd, double mu, bool centered) {
  for (size_t i = 0; i < n; i++) {
    const double gi = g[i] + wd * p[i];
    const double sq = alpha * sq_avg[i] + (1.0 - alpha) * gi * gi;
    sq_avg[i] = static_cast<float>(sq);
    double avg;
    if (centered) {
      const double ga = alpha * grad_avg[i] + (1.0 - alpha) * gi;
      grad_avg[i] = static_cast<float>(ga);
      avg = std::sqrt(sq - ga * ga) + eps;
    } else {
      avg = std::sqrt(sq) + eps;
    }
    if (mu > 0.0) {
      const double b = mu * buf[i] + gi / avg;
      buf[i] = static_cast<float>(b);
      p[i] = static_cast<float>(p[i] - lr * b);
    } else {
      p[i] = static_cast<float>(p[i] - (lr * gi) / avg);
    }
  }
}

// adam: g += wd p; adamw: p *= 1 - lr wd. m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// amsgrad: vmax = max(vmax, v); denom = sqrt(vmax or v) / sqrt(bc2) + eps; p -= (lr / bc1) m /
// denom
void adam_step(float* p, const float* g, float* m, float* v, float* vmax, size_t n, double lr,
               double t, double b1, double b2, double eps, double wd, bool amsgrad,
               bool decoupled) {
  const double bc1 = 1.0 - std::pow(b1, t);
  const double sqrt_bc2 = std::sqrt(1.0 - std::pow(b2, t));
  const double step_size = lr / bc1;
  const double coupled_wd = decoupled ? 0.0 : wd;
  const double decay = decoupled ? 1.0 - lr * wd : 1.0;
  for (size_t i = 0; i < n; i++) {
    double pi = p[i];
    const double gi = g[i] + coupled_wd * pi;
    pi *= decay;
    const double mi = b1 * m[i] + (1.0 - b1) * gi;
    const double vi = b2 * v[i] + (1.0 - b2) * gi * gi;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    double v_hat = vi;
    if (amsgrad) {
      // torch keeps the max of the float32 v: compare the stored values
      const float vm = vmax[i] > v[i] ? vmax[i] : v[i];
      vmax[i] = vm;
      v_hat = vm;
    }
    p[i] = static_cast<float>(pi - (step_size * mi) / (std::sqrt(v_hat) / sqrt_bc2 + eps));
  }
}

}  // namespace

// params, grads are (n); slots holds kOptimizerSlots[opt.kind] arrays of (n)
void optimizer_step(float* params, const float* grads, float* const* slots, size_t n,
                    const OptimDesc& opt, double lr, double step) {
  const double* h = opt.hyper;
  switch (opt.kind) {
    case kOptSgd:
      sgd_step(params, grads, slots[0], n, lr, step, h[0], h[1], h[2] != 0.0, h[3]);
      return;
    case kOptAdagrad:
      adagrad_step(params, grads, slots[0], n, lr, step, h[0], h[1], h[3]);
      return;
    case kOptAdadelta:
      adadelta_step(params, grads, slots[0], slots[1], n, lr, h[0], h[1], h[2]);
      return;
    case kOptRmsprop:
      rmsprop_step(params, grads, slots[0], slots[1], slots[2], n, lr, h[0], h[1], h[2], h[3],
                   h[4] != 0.0);
      return;
    case kOptAdam:
    case kOptAdamw:
      adam_step(params, grads, slots[0], slots[1], slots[2], n, lr, step, h[0], h[1], h[2], h[3],
                h[4] != 0.0, opt.kind == kOptAdamw);
      return;
    default:
      return;  // codes are validated at the boundary
  }
}

}  // namespace nntrain
