// The elementwise slots of the kernel table (dispatch.h), BLIS's level-1 kernels beside its GEMM:
// every slot is a complete kernel. dispatch.cc fills all of them with the portable kernels, then
// overrides them with the AVX2 ones when the chosen variant is avx2 or avx512 (whose CPUs have AVX2
// and FMA), so ref/simple/packed run the portable loops. The public functions (activation.h,
// loss.h, optim.h) make one indirect call into a slot. Numerics of the two sets: act/simd.h.
#pragma once

#include <cstddef>

namespace nntrain {

// SGD's per-step constants (optim.cc): g += wd p; if momentum: buf = first ? g : mu buf + (1 -
// damp) g; g = nesterov ? g + mu buf : buf; p -= lr g, in float32
struct SgdConsts {
  float lr, mu, one_minus_damp, wd;
  bool momentum, first, nesterov;
};

// Adam(W)'s per-step constants (optim.cc), float64 values rounded once to float32
struct AdamConsts {
  float step_size, inv_sqrt_bc2, b1, one_minus_b1, b2, one_minus_b2, eps, coupled_wd, decay;
};

// Adamax, NAdam and RAdam's per-step constants (optim/adam_variants.cc), float64. coupled_wd is
// the L2 term added to the gradient, decay the decoupled p *= 1 - lr wd (1 when coupled).
struct AdamaxConsts {
  double clr, b1, b2, eps, wd;  // clr = lr / (1 - b1^t)
};
struct NadamConsts {
  // p -= (c_grad g + c_m m) / denom, denom = sqrt(v / bc2) + eps
  double c_grad, c_m, inv_bc2, b1, b2, eps, coupled_wd, decay;
};
struct RadamConsts {
  // rectified: p -= step m / (sqrt(v) + eps); else p -= step m (SGD with momentum)
  double step, b1, b2, eps, coupled_wd, decay;
  bool rectified;
};

struct ElementwiseKernels {
  // act/activation.cc: the contracts of activation_forward / activation_backward (activation.h)
  void (*activation_forward)(float* out, const float* inp, int rows, int cols, int act,
                             double param);
  void (*activation_backward)(float* dinp, const float* dout, const float* inp, const float* out,
                              int rows, int cols, int act, double param);

  // optim/optim.cc: one update rule each over p, g and the slots (n); clr is adagrad's decayed lr
  void (*sgd)(float* p, const float* g, float* buf, size_t n, const SgdConsts& k);
  void (*adagrad)(float* p, const float* g, float* sum, size_t n, double clr, double wd,
                  double eps);
  void (*adadelta)(float* p, const float* g, float* sq_avg, float* acc_delta, size_t n, double lr,
                   double rho, double eps, double wd);
  void (*rmsprop)(float* p, const float* g, float* sq_avg, float* buf, float* grad_avg, size_t n,
                  double lr, double alpha, double eps, double wd, double mu, bool centered);
  void (*adam)(float* p, const float* g, float* m, float* v, float* vmax, size_t n,
               const AdamConsts& k, bool amsgrad);
  // optim/adam_variants.cc: m and u (adamax: the exponentially weighted infinity norm) or v
  void (*adamax)(float* p, const float* g, float* m, float* u, size_t n, const AdamaxConsts& k);
  void (*nadam)(float* p, const float* g, float* m, float* v, size_t n, const NadamConsts& k);
  void (*radam)(float* p, const float* g, float* m, float* v, size_t n, const RadamConsts& k);

  // optim/clip.cc: the contracts in optim.h (penalty kernels: at least one of l1, l2 nonzero)
  double (*sum_squares)(const float* x, size_t n);
  void (*clip_by_value)(float* g, size_t n, double c);
  void (*scale_in_place)(float* g, size_t n, double s);
  double (*penalty_loss)(const float* w, size_t n, double l1, double l2);
  void (*penalty_backward)(float* dw, const float* w, size_t n, double l1, double l2);

  // loss/loss.cc: mse / mae / huber (kind, delta d) over n elements: the sum of the terms, and
  // dpred = the terms' gradient / n
  double (*regression_sum)(const float* pred, const float* target, size_t n, int kind, double d);
  void (*regression_grad)(float* dpred, const float* pred, const float* target, size_t n, int kind,
                          double d);

  // loss/fused.cc, per row of logits z (cols): the NaN-safe max; sum_j e^(z_j - max) (storing each
  // term rounded into dz unless null); sum_j y_j z_j; dz = dz * scale - y * inv_rows
  double (*row_max)(const float* z, int cols);
  double (*exp_sum)(float* dz, const float* z, int cols, double max);
  double (*dot)(const float* y, const float* z, int cols);
  void (*scale_sub)(float* dz, const float* y, int cols, double scale, double inv_rows);
  // and over n elements: dlogits = (sigmoid(logits) - target) * inv
  void (*sigmoid_grad)(float* dlogits, const float* logits, const float* target, size_t n,
                       double inv);
};

// Each kernel file fills its slots: the portable kernels, and (x86-64) the AVX2 overrides.
void fill_activation_portable(ElementwiseKernels* k);
void fill_optim_portable(ElementwiseKernels* k);
void fill_adam_variants_portable(ElementwiseKernels* k);
void fill_clip_portable(ElementwiseKernels* k);
void fill_loss_portable(ElementwiseKernels* k);
void fill_fused_portable(ElementwiseKernels* k);
#if defined(__x86_64__)
void fill_activation_avx2(ElementwiseKernels* k);
void fill_optim_avx2(ElementwiseKernels* k);
void fill_adam_variants_avx2(ElementwiseKernels* k);
void fill_clip_avx2(ElementwiseKernels* k);
void fill_loss_avx2(ElementwiseKernels* k);
void fill_fused_avx2(ElementwiseKernels* k);
#endif

}  // namespace nntrain
