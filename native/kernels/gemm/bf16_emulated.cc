// The emulated bf16 GEMM (bf16.h): round copies of the operands, then an fp32 GEMM. For tests and
// for CPUs without AVX512_BF16 when bf16 is asked for explicitly; the copies cost a pass over A and
// B per call, which the native kernel folds into packing.
#include <cstddef>
#include <vector>

#include "bf16.h"

namespace nntrain {
namespace {

// Grows only; one per thread, so concurrent GEMMs (addon instances in workers) never share them
thread_local std::vector<float> t_round_a;
thread_local std::vector<float> t_round_b;

const float* rounded_copy(std::vector<float>& buf, const float* src, size_t count) {
  if (buf.size() < count) buf.resize(count);
  for (size_t i = 0; i < count; i++) buf[i] = round_bf16(src[i]);
  return buf.data();
}

}  // namespace

void gemm_bf16_emulated_with(GemmFn fp32, float* c, const float* a, const float* b, int m, int n,
                             int k, bool trans_a, bool trans_b, float alpha, float beta,
                             const GemmEpilogue* ep, ThreadPool* pool) {
  const size_t a_count = static_cast<size_t>(m) * k, b_count = static_cast<size_t>(k) * n;
  const float* ra = a_count > 0 ? rounded_copy(t_round_a, a, a_count) : a;
  const float* rb = b_count > 0 ? rounded_copy(t_round_b, b, b_count) : b;
  fp32(c, ra, rb, m, n, k, trans_a, trans_b, alpha, beta, ep, pool);
}

}  // namespace nntrain
