// libFuzzer target: the native side of loading a model. A model file's config becomes a PlanSpec
// that src/backend/native.ts encodes into a Float64Array; a corrupt file that got past the loader
// would reach decode_plan() (native/binding/plan_decode.cc) with any numbers. Every vector must be
// decoded or refused with std::invalid_argument; one that is accepted must run (a step of
// training, gradients, evaluation and prediction on a small batch) without a sanitizer report.
//
// Input: the vector's length, then its numbers, each one byte (an integer in [-8, 239]: codes,
// widths and offsets, so plans get past the checks often) or 0xff and 8 bytes (any double: NaN,
// infinities, fractions, huge values); then bytes for the batch size, the weights and the data.
#include "../native/binding/plan_decode.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "../native/threads/pool.h"
#include "../native/train/plan.h"

namespace {

using namespace nntrain;

// Sizes an accepted plan may have and still be run (scratch is max_batch x the widest layer).
constexpr int64_t kMaxRunParams = 1 << 16;
constexpr int kMaxRunWidth = 256;

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : p_(data), e_(data + size) {}
  uint8_t byte() { return p_ < e_ ? *p_++ : 0; }
  double number() {
    const uint8_t b = byte();
    if (b != 0xff) return static_cast<double>(b) - 8.0;
    uint8_t raw[8] = {};
    for (uint8_t& r : raw) r = byte();
    double v;
    std::memcpy(&v, raw, sizeof v);
    return v;
  }
  // A float in [-2, 2) with a few bits of the input (weights and inputs of the run).
  float small_float() { return (static_cast<float>(byte()) - 128.0f) / 64.0f; }

 private:
  const uint8_t* p_;
  const uint8_t* e_;
};

void run_plan(PlanDesc plan, Bytes& in) {
  static ThreadPool pool(2);
  if (plan.param_count > kMaxRunParams || plan.input_width > kMaxRunWidth) return;
  for (const LayerDesc& l : plan.layers) {
    if (l.units > kMaxRunWidth) return;
  }
  const int batch = 1 + in.byte() % 4;
  const int rows = batch + in.byte() % 4;
  const size_t n = static_cast<size_t>(plan.param_count);
  std::vector<float> params(n), grads(n), slots[kMaxOptimizerSlots];
  for (float& p : params) p = in.small_float();
  ArenaPtrs arena;
  arena.params = params.data();
  arena.grads = grads.data();
  for (int s = 0; s < kOptimizerSlots[plan.optimizer.kind]; s++) {
    slots[s].assign(n, 0.0f);
    arena.slots[s] = slots[s].data();
  }
  std::vector<float> x(static_cast<size_t>(rows) * plan.input_width);
  for (float& v : x) v = in.small_float();
  std::vector<float> y(static_cast<size_t>(rows) * plan.label_width);
  for (float& v : y) v = static_cast<float>(in.byte() % 4);  // class indices and 0/1 targets
  const int output_width = plan.output_width;
  PlanExecutor exec(std::move(plan), arena, batch, &pool);

  std::vector<double> stats(2 * kStatsWidth);
  try {
    exec.compute_gradients(x.data(), y.data(), nullptr, batch, true, 7, 1, stats.data());
  } catch (const std::invalid_argument&) {
    return;  // a batchNorm plan trained on one row: refused with a message, as the binding does
  }
  std::vector<uint32_t> order(static_cast<size_t>(rows));
  for (int r = 0; r < rows; r++)
    order[static_cast<size_t>(r)] = static_cast<uint32_t>(rows - 1 - r);
  const float lrs[2] = {0.01f, 0.001f};
  const int32_t control = 0;  // the abort flag (never set here)
  TrainChunk chunk;
  chunk.x = x.data();
  chunk.x_rows = rows;
  chunk.y = y.data();
  chunk.order = order.data();
  chunk.n = rows;
  chunk.steps = 2;
  chunk.batch_size = batch;
  chunk.lrs = lrs;
  chunk.seed = 3;
  chunk.stats = stats.data();
  chunk.control = &control;
  try {
    exec.train(chunk);
  } catch (const std::invalid_argument&) {
    return;  // the chunk's last batch left one row for a batchNorm plan: refused, as above
  }
  std::vector<double> eval(kStatsWidth);
  exec.evaluate(x.data(), y.data(), nullptr, 0, rows, batch, eval.data());
  std::vector<float> out(static_cast<size_t>(rows) * output_width);
  exec.predict(x.data(), 0, rows, batch, out.data());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes in(data, size);
  const uint8_t b = in.byte();
  // mostly well-formed lengths (a header and whole layers), sometimes any length
  const int64_t length = b < 0xf0 ? binding::kPlanHeader + binding::kPlanLayerWidth * (b % 6)
                                  : (b - 0xf0) * 5 + in.byte() % 5;
  std::vector<double> spec(static_cast<size_t>(length));
  for (double& v : spec) v = in.number();
  PlanDesc plan;
  try {
    plan = binding::decode_plan(spec.data(), length);
  } catch (const std::invalid_argument&) {
    return 0;  // refused with a message: what the binding turns into a RangeError
  }
  run_plan(std::move(plan), in);
  return 0;
}
