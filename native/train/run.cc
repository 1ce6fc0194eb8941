// PlanExecutor entry points: a chunk of training steps, gradients of one batch, evaluation and
// prediction. Each step: forward, loss, backward, then clipValue, the global-norm check (a
// non-finite norm stops the chunk before the update), clipNorm and the optimizer step. Distributed
// chunks all-reduce the gradients between backward and clipValue: in buckets while backward runs
// (exchange.h), or in one call after it (average_grads).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../kernels/loss/loss.h"
#include "../kernels/optim/optim.h"
#include "../threads/fp_mode.h"
#include "../threads/pool.h"
#include "exchange.h"
#include "plan.h"

namespace nntrain {
namespace {

// The abort flag is written by JS with Atomics.store on another thread
bool abort_requested(const int32_t* control) {
  return std::atomic_ref<int32_t>(*const_cast<int32_t*>(control)).load() != 0;
}

// Each thread of an elementwise pass over the parameters gets at least this many (threads_for:
// below twice this, one thread; waking the pool costs more).
constexpr double kParamsPerThread = 16384;

int param_threads(ThreadPool* pool, size_t n) {
  return pool != nullptr ? threads_for(static_cast<double>(n), kParamsPerThread, pool->threads())
                         : 1;
}

// Range bounds are multiples of this many floats, so a vectorized kernel sees the same
// body/tail split for every element whatever the thread count (and the same alignment).
constexpr long kRangeAlign = 64;
// Each thread gathering a batch copies at least this many floats (threads_for).
constexpr double kGatherPerThread = 8192;

inline void prefetch_read(const void* p) {
  __builtin_prefetch(p, 0, 3);
}

}  // namespace

// Copies the batch's rows of x and y (by order[]) into x_batch_/y_batch_. The rows are scattered
// over x (a shuffled epoch), so each one starts with cache and TLB misses: the copy prefetches
// kPrefetchRows rows ahead and splits the rows over the pool (without both it was a sizeable share
// of a step: kernels/gemm/TUNING.md).
void PlanExecutor::gather_batch(const TrainChunk& job, int64_t begin, int rows) {
  constexpr int kPrefetchRows = 3;
  for (int r = 0; r < rows; r++) {  // check every index before any thread copies
    const uint32_t row = job.order[begin + r];
    if (row >= job.x_rows) {
      throw std::out_of_range("order[" + std::to_string(begin + r) + "] = " + std::to_string(row) +
                              " is not a row of x (" + std::to_string(job.x_rows) + " rows)");
    }
  }
  const int in_w = plan_.input_width;
  const int label_w = plan_.label_width;
  const size_t row_bytes = sizeof(float) * static_cast<size_t>(in_w);
  const auto copy_rows = [&](int r0, int r1) {
    for (int r = r0; r < r1; r++) {
      if (r + kPrefetchRows < r1) {
        const char* ahead = reinterpret_cast<const char*>(
            job.x + static_cast<size_t>(job.order[begin + r + kPrefetchRows]) * in_w);
        for (size_t off = 0; off < row_bytes; off += 64) prefetch_read(ahead + off);
      }
      const uint32_t row = job.order[begin + r];
      std::memcpy(&x_batch_[static_cast<size_t>(r) * in_w], job.x + static_cast<size_t>(row) * in_w,
                  row_bytes);
      std::memcpy(&y_batch_[static_cast<size_t>(r) * label_w],
                  job.y + static_cast<size_t>(row) * label_w, sizeof(float) * label_w);
      if (job.w != nullptr) w_batch_[r] = job.w[row];
    }
  };
  const int threads = pool_ != nullptr ? threads_for(static_cast<double>(rows) * in_w,
                                                     kGatherPerThread, pool_->threads())
                                       : 1;
  if (threads <= 1) {
    copy_rows(0, rows);
    return;
  }
  pool_->parallel_for(threads, threads, [&](int task) {
    long r0 = 0, r1 = 0;
    split_range(rows, threads, task, 1, &r0, &r1);
    copy_rows(static_cast<int>(r0), static_cast<int>(r1));
  });
}

TrainOutcome PlanExecutor::train(const TrainChunk& job) {
  const FlushDenormals flush;
  TrainOutcome outcome;
  // the trained part of the arena: the running statistics past it take no gradient step
  const size_t param_count = static_cast<size_t>(plan_.trainable_count);
  const OptimDesc& opt = plan_.optimizer;
  const bool distributed = job.comm != nullptr;
  // buckets and the communication thread live for the chunk, not a step; with one bucket there is
  // nothing to overlap, and the training thread all-reduces it itself
  std::unique_ptr<GradientExchange> exchange;
  if (distributed && job.bucket_bytes > 0 && param_count > 0 && job.steps > 0) {
    const int64_t floats = std::max<int64_t>(1, job.bucket_bytes / int64_t{sizeof(float)});
    std::vector<GradBucket> buckets = plan_buckets(plan_, floats);
    if (buckets.size() > 1) {
      exchange = std::make_unique<GradientExchange>(*job.comm, arena_.grads, std::move(buckets));
    }
  }
  struct ExchangeScope {  // backward reports to the exchange only while this chunk runs
    GradientExchange** slot;
    ~ExchangeScope() { *slot = nullptr; }
  } scope{&exchange_};
  exchange_ = exchange.get();
  for (int i = 0; i < job.steps; i++) {
    // a rank that stopped alone would leave the others waiting in the all-reduce: distributed
    // chunks agree on an abort at their end instead
    if (!distributed && abort_requested(job.control)) {
      outcome.status = kStatusAborted;
      return outcome;
    }
    const int64_t begin = (job.first_batch + i) * job.batch_size;
    const int rows = static_cast<int>(std::min<int64_t>(job.batch_size, job.n - begin));
    gather_batch(job, begin, rows);
    const double step = job.global_step + i;  // 0-based global step
    Rng rng = step_rng(job.seed, static_cast<uint32_t>(static_cast<uint64_t>(step)));
    const float* out = forward(x_batch_.data(), rows, &rng, /*update_running=*/true);
    const float* w = job.w != nullptr ? w_batch_.data() : nullptr;
    const double loss = batch_loss(y_batch_.data(), w, rows);
    const double reg = penalty();
    const bool finite_loss = std::isfinite(loss + reg);
    if (!finite_loss && !distributed) {
      outcome.status = kStatusNonFiniteLoss;
      return outcome;
    }
    if (exchange) exchange->begin_step(pre_scale(job, begin, rows));
    if (finite_loss) {
      backward(y_batch_.data(), w, rows, true);
    } else if (param_count > 0) {
      // the NaN reaches every rank through the all-reduce, so all of them stop at this step
      arena_.grads[0] = std::numeric_limits<float>::quiet_NaN();
    }
    if (exchange) {
      if (exchange->finish() != 0)
        throw std::runtime_error("MPI_Allreduce of the gradients failed");
      const double post = post_scale(job, begin);
      if (post != 1.0) scale_grads(post);
    } else if (distributed) {
      average_grads(job, begin, rows);
    }
    if (opt.clip_value > 0) clip_by_value(arena_.grads, param_count, opt.clip_value);
    const double norm = std::sqrt(grad_sum_squares());
    if (!std::isfinite(norm)) {
      outcome.status = finite_loss ? kStatusNonFiniteGradient : kStatusNonFiniteLoss;
      break;
    }
    if (opt.clip_norm > 0 && norm > opt.clip_norm) {
      scale_in_place(arena_.grads, param_count, opt.clip_norm / (norm + 1e-6));
    }
    // stats from the forward pass of this step, before the update changes the weights
    write_stats(job.stats + static_cast<size_t>(i) * kStatsWidth, out, y_batch_.data(), rows, loss,
                reg);
    update(job.lrs[i], step + 1);
    outcome.steps_done = i + 1;
  }
  if (distributed) finish_distributed_chunk(job, &outcome);
  return outcome;
}

// Each rank's gradient is the mean over its own `rows` rows (of weight * loss when weighted: the
// divisor is the row count, so the same scaling gives the global batch's weighted mean). A full
// global batch (batch_size rows on every rank) is summed and scaled by 1/size. The epoch's last
// batch may be short on some ranks: each rank first scales by rows / global rows, so the sum weighs
// every row of the global batch equally. Penalty gradients are the same on every rank and come out
// once either way.
double PlanExecutor::pre_scale(const TrainChunk& job, int64_t begin, int rows) const {
  const int64_t full_rows = static_cast<int64_t>(job.batch_size) * job.comm->size;
  const bool last = begin + job.batch_size >= job.n;
  const int64_t global_rows = last ? job.last_step_rows : full_rows;
  if (global_rows != full_rows && rows != global_rows) {
    return static_cast<double>(rows) / static_cast<double>(global_rows);
  }
  return 1.0;
}

double PlanExecutor::post_scale(const TrainChunk& job, int64_t begin) const {
  const int64_t full_rows = static_cast<int64_t>(job.batch_size) * job.comm->size;
  const bool last = begin + job.batch_size >= job.n;
  const int64_t global_rows = last ? job.last_step_rows : full_rows;
  return global_rows == full_rows && job.comm->size > 1 ? 1.0 / job.comm->size : 1.0;
}

void PlanExecutor::average_grads(const TrainChunk& job, int64_t begin, int rows) {
  const double pre = pre_scale(job, begin, rows);
  if (pre != 1.0) scale_grads(pre);
  if (job.comm->allreduce_sum_f32(arena_.grads, plan_.trainable_count) != 0) {
    throw std::runtime_error("MPI_Allreduce of the gradients failed");
  }
  const double post = post_scale(job, begin);
  if (post != 1.0) scale_grads(post);
}

void PlanExecutor::finish_distributed_chunk(const TrainChunk& job, TrainOutcome* outcome) {
  const Collective& comm = *job.comm;
  // every rank stopped at the same step (non-finite values are all-reduced too), so the
  // counts match
  if (comm.allreduce_sum_f64(job.stats, static_cast<int64_t>(outcome->steps_done) * kStatsWidth) !=
      0) {
    throw std::runtime_error("MPI_Allreduce of the training stats failed");
  }
  int64_t aborted = abort_requested(job.control) ? 1 : 0;
  if (comm.allreduce_i64(&aborted, 1, kReduceMax) != 0) {
    throw std::runtime_error("MPI_Allreduce of the abort flag failed");
  }
  if (aborted != 0 && outcome->status == kStatusOk) outcome->status = kStatusAborted;
  // Each rank's batchNorm running statistics followed its own batches (per-rank batch statistics,
  // as DDP without SyncBatchNorm); rank 0's replace them, as DDP's buffer broadcast does, so every
  // rank evaluates and saves the same model.
  const int64_t stats_floats = plan_.param_count - plan_.trainable_count;
  if (stats_floats > 0 && comm.bcast(arena_.params + plan_.trainable_count,
                                     stats_floats * static_cast<int64_t>(sizeof(float)), 0) != 0) {
    throw std::runtime_error("MPI_Bcast of the batchNorm running statistics failed");
  }
}

// Sum of squared gradients over a fixed number of aligned ranges whose partial sums are added in
// range order, so the value does not depend on how many threads ran them.
double PlanExecutor::grad_sum_squares() {
  constexpr int kRanges = 8;
  const size_t n = static_cast<size_t>(plan_.trainable_count);
  const int threads = param_threads(pool_, n);
  if (threads <= 1) return sum_squares(arena_.grads, n);
  double partial[kRanges] = {};
  pool_->parallel_for(threads, kRanges, [&](int task) {
    long begin = 0, end = 0;
    split_range(static_cast<long>(n), kRanges, task, kRangeAlign, &begin, &end);
    if (end > begin)
      partial[task] = sum_squares(arena_.grads + begin, static_cast<size_t>(end - begin));
  });
  double sum = 0.0;
  for (double p : partial) sum += p;
  return sum;
}

void PlanExecutor::scale_grads(double s) {
  const size_t n = static_cast<size_t>(plan_.trainable_count);
  const int threads = param_threads(pool_, n);
  if (threads <= 1) {
    scale_in_place(arena_.grads, n, s);
    return;
  }
  pool_->parallel_for(threads, threads, [&](int task) {
    long begin = 0, end = 0;
    split_range(static_cast<long>(n), threads, task, kRangeAlign, &begin, &end);
    if (end > begin) scale_in_place(arena_.grads + begin, static_cast<size_t>(end - begin), s);
  });
}

// The update is elementwise over the arena, so contiguous ranges give the same floats as one pass
void PlanExecutor::update(double lr, double step) {
  const size_t n = static_cast<size_t>(plan_.trainable_count);
  const OptimDesc& opt = plan_.optimizer;
  const int threads = param_threads(pool_, n);
  if (threads <= 1) {
    optimizer_step(arena_.params, arena_.grads, arena_.slots, n, opt, lr, step);
    return;
  }
  const int tasks = threads * 2;  // claimed dynamically, so a late thread costs little
  auto range = [&](int task) {
    long begin = 0, end = 0;
    split_range(static_cast<long>(n), tasks, task, kRangeAlign, &begin, &end);
    if (end <= begin) return;
    float* slots[kMaxOptimizerSlots];
    for (int s = 0; s < kMaxOptimizerSlots; s++) {
      slots[s] = arena_.slots[s] != nullptr ? arena_.slots[s] + begin : nullptr;
    }
    optimizer_step(arena_.params + begin, arena_.grads + begin, slots,
                   static_cast<size_t>(end - begin), opt, lr, step);
  };
  pool_->parallel_for(threads, tasks, range);
}

// x is (rows, inputWidth); y is (rows, labelWidth); w is (rows) or null; stats is one row
double PlanExecutor::compute_gradients(const float* x, const float* y, const float* w, int rows,
                                       bool training, uint32_t seed, uint32_t step, double* stats) {
  const FlushDenormals flush;
  Rng rng = step_rng(seed, step);
  const float* out = forward(x, rows, training ? &rng : nullptr);
  const double loss = batch_loss(y, w, rows);
  const double reg = penalty();
  backward(y, w, rows, training);
  write_stats(stats, out, y, rows, loss, reg);
  return loss + reg;
}

// x is (N, inputWidth); y is (N, labelWidth); w is (N) or null; stats is one row, added into
void PlanExecutor::evaluate(const float* x, const float* y, const float* w, int64_t start,
                            int64_t count, int batch_size, double* stats) {
  const FlushDenormals flush;
  for (int64_t b = start; b < start + count; b += batch_size) {
    const int rows = static_cast<int>(std::min<int64_t>(batch_size, start + count - b));
    const float* yb = y + static_cast<size_t>(b) * plan_.label_width;
    const float* out = forward(x + static_cast<size_t>(b) * plan_.input_width, rows, nullptr);
    const double loss = batch_loss(yb, w != nullptr ? w + b : nullptr, rows);
    stats[kStatLossSum] += loss * rows;
    stats[kStatRows] += rows;
    accumulate_stats(stats, out, yb, rows, plan_.output_width, plan_.loss.label_mode,
                     plan_.loss.threshold);
  }
}

// x is (N, inputWidth); out is (count, outputWidth)
void PlanExecutor::predict(const float* x, int64_t start, int64_t count, int batch_size,
                           float* out) {
  const FlushDenormals flush;
  const size_t out_w = static_cast<size_t>(plan_.output_width);
  for (int64_t b = start; b < start + count; b += batch_size) {
    const int rows = static_cast<int>(std::min<int64_t>(batch_size, start + count - b));
    const float* a = forward(x + static_cast<size_t>(b) * plan_.input_width, rows, nullptr);
    std::memcpy(out + static_cast<size_t>(b - start) * out_w, a, sizeof(float) * rows * out_w);
  }
}

}  // namespace nntrain
