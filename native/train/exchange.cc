// GradientExchange: see exchange.h. The two threads hand buckets over through two monotonic
// counters (released by the training thread, completed by the communication thread), each waited on
// with a short spin and then a futex wait, so nothing is allocated or locked per step.
#include "exchange.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <utility>

#include "../kernels/codes.h"
#include "../kernels/optim/optim.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace nntrain {
namespace {

// Spin this long before sleeping: the next bucket or the end of the exchange is usually close, and
// a futex wake-up costs tens of microseconds.
constexpr auto kSpinTime = std::chrono::microseconds(50);

inline void cpu_relax() {
#if defined(__x86_64__)
  _mm_pause();
#endif
}

// Waits until counter != seen (or stop, when given); returns the new value.
int64_t wait_change(const std::atomic<int64_t>& counter, int64_t seen,
                    const std::atomic<bool>* stop) {
  const auto until = std::chrono::steady_clock::now() + kSpinTime;
  for (int spins = 1;; spins++) {
    const int64_t v = counter.load(std::memory_order_acquire);
    if (v != seen || (stop != nullptr && stop->load(std::memory_order_acquire))) return v;
    cpu_relax();
    if ((spins & 127) == 0 && std::chrono::steady_clock::now() > until) {
      counter.wait(seen, std::memory_order_acquire);
    }
  }
}

}  // namespace

std::vector<GradBucket> plan_buckets(const PlanDesc& plan, int64_t bucket_floats) {
  struct Written {
    TensorSlice slice;
    int ready_after;
  };
  std::vector<Written> tensors;
  int layers_seen = 0;  // layers owning tensors from the last one: backward's order
  for (auto it = plan.layers.rbegin(); it != plan.layers.rend(); ++it) {
    if (!owns_tensors(*it)) continue;
    layers_seen++;
    tensors.push_back({it->kernel, layers_seen});
    if (it->bias.present()) tensors.push_back({it->bias, layers_seen});
  }
  std::vector<int64_t> starts;
  for (const Written& t : tensors) starts.push_back(t.slice.offset);
  std::sort(starts.begin(), starts.end(), std::greater<>());
  std::vector<GradBucket> buckets;
  int64_t end = plan.trainable_count;
  for (int64_t s : starts) {
    if (s < end && end - s >= bucket_floats) {
      buckets.push_back({s, end, 0});
      end = s;
    }
  }
  if (end > 0 || buckets.empty()) buckets.push_back({0, end, 0});
  // A tensor may straddle buckets when tensors overlap: every bucket it touches waits for it.
  for (GradBucket& b : buckets) {
    for (const Written& t : tensors) {
      if (t.slice.offset < b.end && t.slice.offset + t.slice.length > b.begin) {
        b.ready_after = std::max(b.ready_after, t.ready_after);
      }
    }
  }
  return buckets;
}

GradientExchange::GradientExchange(const Collective& comm, float* grads,
                                   std::vector<GradBucket> buckets)
    : comm_(comm), grads_(grads), buckets_(std::move(buckets)) {
  thread_ = std::thread([this] { thread_main(); });
}

GradientExchange::~GradientExchange() {
  // a change of the counter wakes the thread (a futex wait ignores a wake-up without one)
  stop_.store(true, std::memory_order_release);
  released_.fetch_add(1, std::memory_order_release);
  released_.notify_all();
  thread_.join();
}

void GradientExchange::begin_step(double pre_scale) {
  pre_scale_ = pre_scale;  // the thread is idle: finish() of the last step saw every bucket done
}

void GradientExchange::release(int64_t upto) {
  if (upto <= released_.load(std::memory_order_relaxed)) return;
  released_.store(upto, std::memory_order_release);
  released_.notify_one();
}

void GradientExchange::layers_done(int dense_layers) {
  const int64_t count = static_cast<int64_t>(buckets_.size());
  int64_t ready = released_.load(std::memory_order_relaxed) - base_;
  while (ready < count && buckets_[ready].ready_after <= dense_layers) ready++;
  release(base_ + ready);
}

int GradientExchange::finish() {
  const int64_t target = base_ + static_cast<int64_t>(buckets_.size());
  release(target);
  for (int64_t done = completed_.load(std::memory_order_acquire); done < target;) {
    done = wait_change(completed_, done, nullptr);
  }
  base_ = target;
  return error_.exchange(0, std::memory_order_acq_rel);
}

void GradientExchange::thread_main() {
  const int64_t count = static_cast<int64_t>(buckets_.size());
  int64_t done = 0;
  for (;;) {
    int64_t released = released_.load(std::memory_order_acquire);
    while (released == done) {
      if (stop_.load(std::memory_order_acquire)) return;
      released = wait_change(released_, done, &stop_);
    }
    if (stop_.load(std::memory_order_acquire)) return;
    const GradBucket& b = buckets_[done % count];
    float* data = grads_ + b.begin;
    const int64_t n = b.end - b.begin;
    // after a failure the rest of the step is skipped (MPI's default handler has usually aborted)
    if (error_.load(std::memory_order_relaxed) == 0) {
      if (pre_scale_ != 1.0) scale_in_place(data, static_cast<size_t>(n), pre_scale_);
      const int rc = comm_.allreduce_sum_f32(data, n);
      if (rc != 0) error_.store(rc, std::memory_order_relaxed);
    }
    done++;
    completed_.store(done, std::memory_order_release);
    completed_.notify_one();
  }
}

}  // namespace nntrain
