// Adamax, NAdam and RAdam below the addon: NAdam's remembered μ product equals a product computed
// afresh, bit for bit, whatever order the steps are asked in (consecutive, jumps, resumes, another
// model in between); RAdam's rectification starts at step 6 for beta2 0.999; and the AVX2 loops
// give the same floats as the portable ones for every size and tail.
#include "kernels/optim/adam_variants.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/elementwise.h"

namespace nntrain {
namespace {

// prod_{i=1..t} b1 (1 - 0.5 * 0.96^(i psi)) from i = 1, with nothing remembered
double fresh_product(double b1, double psi, double t) {
  double product = 1.0;
  for (double i = 1.0; i <= t; i += 1.0) product *= b1 * (1.0 - 0.5 * std::pow(0.96, i * psi));
  return product;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

TEST_CASE("nadam_mu_product is the fresh product, bit for bit, in any order of steps") {
  const double steps[] = {1, 2, 3, 10, 4, 4, 5, 200, 7, 1, 3};
  for (double t : steps)
    CHECK(same_bits(nadam_mu_product(0.9, 0.004, t), fresh_product(0.9, 0.004, t)));
  // another model's hyperparameters in between
  CHECK(same_bits(nadam_mu_product(0.8, 0.01, 5), fresh_product(0.8, 0.01, 5)));
  CHECK(same_bits(nadam_mu_product(0.9, 0.004, 6), fresh_product(0.9, 0.004, 6)));
  CHECK(same_bits(nadam_mu_product(0.9, 0.004, 7), fresh_product(0.9, 0.004, 7)));
  // two models with the same hyperparameters at different steps, interleaved (both remembered)
  for (double t = 1; t <= 50; t++) {
    CHECK(same_bits(nadam_mu_product(0.9, 0.004, 1000 + t), fresh_product(0.9, 0.004, 1000 + t)));
    CHECK(same_bits(nadam_mu_product(0.9, 0.004, t), fresh_product(0.9, 0.004, t)));
  }
}

TEST_CASE(
    "radam_consts: the SGD-like step lr / bc1 up to t = 5 at beta2 0.999, rectified from t = 6") {
  const double h[8] = {0.9, 0.999, 1e-8, 0, 0, 0, 0, 0};
  for (int t = 1; t <= 5; t++) {
    const RadamConsts k = radam_consts(h, 0.01, t);
    CHECK_FALSE(k.rectified);
    CHECK(k.step == doctest::Approx(0.01 / (1 - std::pow(0.9, t))).epsilon(1e-15));
  }
  const RadamConsts k6 = radam_consts(h, 0.01, 6);
  CHECK(k6.rectified);
  // r_6 ~ 0.0258 (adam-variants.test.ts derives it); step = lr r_6 sqrt(bc2) / bc1
  CHECK(k6.step / (0.01 * std::sqrt(1 - std::pow(0.999, 6)) / (1 - std::pow(0.9, 6))) ==
        doctest::Approx(0.0258).epsilon(0.01));
}

#if defined(__x86_64__)
TEST_CASE("the AVX2 loops give the portable loops' floats for every size up to 37") {
  if (!__builtin_cpu_supports("avx2")) return;
  ElementwiseKernels portable{}, avx2{};
  fill_adam_variants_portable(&portable);
  fill_adam_variants_avx2(&avx2);
  const double nadam_h[8] = {0.9, 0.99, 1e-6, 0.01, 0.004, 1, 0, 0};
  const double radam_h[8] = {0.9, 0.999, 1e-8, 0.01, 0, 0, 0, 0};
  const double adamax_h[8] = {0.8, 0.99, 1e-8, 0.01, 0, 0, 0, 0};
  for (size_t n = 1; n <= 37; n++) {
    std::vector<float> p[2], m[2], v[2], g(n);
    for (size_t i = 0; i < n; i++)
      g[i] = std::sin(static_cast<float>(i) * 1.7f) * (i % 5 == 0 ? 0 : 1);
    for (int kind = 0; kind < 3; kind++) {
      for (int side = 0; side < 2; side++) {
        p[side].assign(n, 0.5f);
        m[side].assign(n, 0.0f);
        v[side].assign(n, 0.0f);
        const ElementwiseKernels& k = side == 0 ? portable : avx2;
        for (int t = 1; t <= 8; t++) {
          if (kind == 0)
            k.adamax(p[side].data(), g.data(), m[side].data(), v[side].data(), n,
                     adamax_consts(adamax_h, 0.01, t));
          if (kind == 1)
            k.nadam(p[side].data(), g.data(), m[side].data(), v[side].data(), n,
                    nadam_consts(nadam_h, 0.01, t));
          if (kind == 2)
            k.radam(p[side].data(), g.data(), m[side].data(), v[side].data(), n,
                    radam_consts(radam_h, 0.01, t));
        }
      }
      CAPTURE(n);
      CAPTURE(kind);
      CHECK(std::memcmp(p[0].data(), p[1].data(), n * sizeof(float)) == 0);
      CHECK(std::memcmp(m[0].data(), m[1].data(), n * sizeof(float)) == 0);
      CHECK(std::memcmp(v[0].data(), v[1].data(), n * sizeof(float)) == 0);
    }
  }
}
#endif

}  // namespace
}  // namespace nntrain
