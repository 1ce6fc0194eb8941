// Overlaps a distributed step's gradient all-reduce with its backward pass. The arena's grads
// region is cut into buckets of whole tensors (at least bucket_bytes each, from the arena's end,
// where backward finishes first when the layers are laid out in order); a communication thread, the
// only thread that calls MPI while a chunk runs, all-reduces each bucket (blocking MPI_Allreduce,
// sum, in place) as soon as backward has written all of it, while the training thread goes on with
// the earlier layers. Every rank reduces the same buckets in the same order.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "collective.h"
#include "plan_desc.h"

namespace nntrain {

struct GradBucket {
  int64_t begin = 0;  // [begin, end) of the grads region, in floats
  int64_t end = 0;
  // Backward has written every gradient of the bucket once this many layers owning tensors (dense
  // and normalization, counted from the last) are done; 0: nothing of it is written by a layer
  // (alignment gaps, zeroed first).
  int ready_after = 0;
};

// The buckets of a plan, in the order they are reduced: boundaries at tensor starts, each at least
// bucket_floats long except the one that reaches offset 0. Covers [0, plan.trainable_count)
// exactly (the batchNorm running statistics past it take no gradient).
std::vector<GradBucket> plan_buckets(const PlanDesc& plan, int64_t bucket_floats);

class GradientExchange {
 public:
  // Starts the communication thread. comm and grads must outlive the exchange. pre_scale of a step
  // multiplies each bucket before its all-reduce (the short last batch: rows / global rows).
  GradientExchange(const Collective& comm, float* grads, std::vector<GradBucket> buckets);
  ~GradientExchange();  // stops and joins the thread (call only between steps)
  GradientExchange(const GradientExchange&) = delete;
  GradientExchange& operator=(const GradientExchange&) = delete;

  // Before the step's backward.
  void begin_step(double pre_scale);
  // Backward has finished `dense_layers` layers owning tensors (counted from the last): the buckets
  // that are complete now, in order, go to the communication thread.
  void layers_done(int dense_layers);
  // Releases every bucket left and waits until all are reduced. Returns 0 or the first MPI error.
  int finish();

 private:
  void thread_main();
  void release(int64_t upto);  // buckets [0, upto) of all steps so far may be reduced

  const Collective& comm_;
  float* grads_;
  std::vector<GradBucket> buckets_;
  int64_t base_ = 0;  // buckets of the steps before this one (steps * buckets_.size())
  // Written before a release of a step's first bucket, read by the thread after it sees it.
  double pre_scale_ = 1.0;
  std::atomic<int64_t> released_{0};   // buckets that may be reduced, over all steps
  std::atomic<int64_t> completed_{0};  // buckets reduced, over all steps
  std::atomic<int> error_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace nntrain
