// The plan executor: forward, loss, backward and update for a chunk of training steps of a compiled
// model, plus evaluation and prediction, over the model's arena. Plain C++ (no napi): the binding
// runs it inside AsyncWorker::Execute(). Scratch is sized once for max_batch rows; nothing
// allocates inside a chunk of steps. One call at a time per executor (the binding enforces it).
#pragma once

#include <cstdint>
#include <vector>

#include "../kernels/aligned_vector.h"
#include "../kernels/codes.h"
#include "../kernels/rng.h"
#include "collective.h"
#include "plan_desc.h"

namespace nntrain {

class ThreadPool;
class GradientExchange;

// The model's memory: views over one SharedArrayBuffer, each param_count floats.
struct ArenaPtrs {
  float* params = nullptr;
  float* grads = nullptr;
  float* slots[kMaxOptimizerSlots] = {nullptr, nullptr, nullptr};
};

// One chunk of training steps (TrainJob in src/backend/contract.ts). Batch b of the epoch is rows
// order[b*batch_size .. min((b+1)*batch_size, n)); the binding checked every length and range.
struct TrainChunk {
  const float* x = nullptr;  // (x_rows, inputWidth)
  int64_t x_rows = 0;
  const float* y = nullptr;         // (x_rows, labelWidth)
  const float* w = nullptr;         // (x_rows) per-row loss weights, or null: unweighted
  const uint32_t* order = nullptr;  // (n)
  int64_t n = 0;
  int64_t first_batch = 0;
  int steps = 0;
  int batch_size = 0;
  const float* lrs = nullptr;  // (steps)
  double global_step = 0;
  uint32_t seed = 0;
  double* stats = nullptr;           // (steps, kStatsWidth)
  const int32_t* control = nullptr;  // [0] abort flag, read atomically before each step
  // Data-parallel training (null: this process alone). Every rank runs the same steps; n is this
  // rank's rows for the epoch's steps, and last_step_rows the rows of all ranks together in the
  // epoch's last batch (every other batch is batch_size rows on every rank).
  const Collective* comm = nullptr;
  int64_t last_step_rows = 0;
  // > 0: all-reduce the gradients in buckets of at least this many bytes while backward runs (a
  // communication thread; see exchange.h); 0: one all-reduce of the whole region after backward.
  int64_t bucket_bytes = 0;
};

struct TrainOutcome {
  int steps_done = 0;
  int status = kStatusOk;
};

class PlanExecutor {
 public:
  // plan must have passed validate_plan(); arena holds kOptimizerSlots[kind] slots. pool (the
  // addon instance's, may be null) must outlive the executor; results do not depend on its size.
  PlanExecutor(PlanDesc plan, ArenaPtrs arena, int max_batch, ThreadPool* pool = nullptr);

  const PlanDesc& plan() const { return plan_; }
  int max_batch() const { return max_batch_; }

  // Grows the scratch to hold `rows` rows (no-op when it already does). Never called inside a
  // chunk.
  void reserve(int rows);

  // Runs up to chunk.steps steps; stops early on abort or on a non-finite loss/gradient, in which
  // case that step is NOT applied. Throws std::out_of_range for an order[] entry outside x.
  // With chunk.comm, each step's gradients are averaged over the ranks (one all-reduce) before
  // clipping and the update; the ranks stop at the same step, the abort flag is agreed at the
  // chunk's end, and the stats rows are summed over the ranks. Throws std::runtime_error when a
  // collective fails.
  TrainOutcome train(const TrainChunk& chunk);

  // Forward + loss + backward on rows [0, rows) of x/y (no update): grads zeroed then filled,
  // penalty gradients included. Writes one stats row; returns data loss + penalty. rows <=
  // max_batch().
  // w (rows), or null: per-row loss weights.
  double compute_gradients(const float* x, const float* y, const float* w, int rows, bool training,
                           uint32_t seed, uint32_t step, double* stats);

  // Inference-mode forward over rows [start, start+count) in batches of batch_size <= max_batch();
  // adds into one stats row. w (N), or null: per-row loss weights (the metrics stay unweighted).
  void evaluate(const float* x, const float* y, const float* w, int64_t start, int64_t count,
                int batch_size, double* stats);

  // Inference-mode forward over rows [start, start+count); writes (count, outputWidth) into out.
  void predict(const float* x, int64_t start, int64_t count, int batch_size, float* out);

  // One training step split around a loss computed by the caller (a custom loss in JS).
  // forward_step gathers rows [begin, begin + rows) of chunk.order (chunk.steps, lrs and stats are
  // not read), runs the training forward pass with step_rng(seed, step) and copies the output
  // (rows, outputWidth), the gathered targets (rows, labelWidth) and, when chunk.w is set, the
  // gathered weights (rows) into out, target and weights_out. rows <= max_batch(). Throws
  // std::out_of_range for an order[] entry outside x.
  void forward_step(const TrainChunk& chunk, int64_t begin, int rows, uint32_t seed, uint32_t step,
                    float* out, float* target, float* weights_out);
  // Rows of the forward_step that backward_step may still finish (0: none; any other call clears
  // it).
  int pending_rows() const { return pending_rows_; }
  // The rest of that step: dout (rows, outputWidth) = d(batch loss)/d(output), loss the batch's
  // data loss; dout null: the plan's own loss (weighted when the forward_step gathered weights),
  // and `loss` is not read. Pushes dout back through the layers (penalty gradients added), then
  // clipValue, the global norm check, clipNorm and the optimizer step with lr as step + 1 (0-based
  // step); writes one stats row. A non-finite loss or gradient norm returns its status without the
  // update.
  int backward_step(const float* dout, int rows, double loss, double lr, double step,
                    double* stats);

 private:
  // Copies batch rows [begin, begin + rows) of the chunk's order into x_batch_ and y_batch_ (and
  // their weights into w_batch_ when the chunk has weights).
  void gather_batch(const TrainChunk& chunk, int64_t begin, int rows);
  // Runs the layers on x0 (rows, inputWidth); returns the output A (rows, outputWidth).
  // rng is null in inference mode (dropout and noise are then the identity). update_running: a
  // training pass moves the batchNorm running statistics (a training step does; computing
  // gradients alone does not).
  const float* forward(const float* x0, int rows, Rng* rng, bool update_running = false);
  // The tensor the loss reads: the last A, or the last layer's logits when the loss is fused.
  const float* loss_input() const;
  // The batch's data loss against y (rows, labelWidth), weighted per row by w unless w is null.
  double batch_loss(const float* y, const float* w, int rows) const;
  // Pushes dloss (weighted per row by w unless null) through the layers in reverse, overwriting
  // every gradient (penalties included), telling exchange_ (when set) after each dense layer.
  // dout, when not null, is d(loss)/d(output) given by the caller (y and w are then not read).
  void backward(const float* y, const float* w, int rows, bool training,
                const float* dout = nullptr);
  // L1/L2 penalty of the whole model.
  double penalty() const;
  void write_stats(double* row, const float* out, const float* y, int rows, double loss,
                   double reg) const;
  // Σ grads², in float64, split over the pool (same value whatever the thread count).
  double grad_sum_squares();
  // The optimizer step over the whole arena, split into contiguous ranges over the pool.
  void update(double lr, double step);
  // grads *= s, split like update (elementwise, so the same floats whatever the thread count).
  void scale_grads(double s);
  // This rank's mean gradient of a batch of `rows` rows starting at `begin` is multiplied by
  // pre_scale() before the sum over the ranks and by post_scale() after it.
  double pre_scale(const TrainChunk& chunk, int64_t begin, int rows) const;
  double post_scale(const TrainChunk& chunk, int64_t begin) const;
  // Turns this rank's mean gradient of `rows` rows into the mean over the global batch.
  void average_grads(const TrainChunk& chunk, int64_t begin, int rows);
  // End of a distributed chunk: sums the stats rows over the ranks and agrees on an abort.
  void finish_distributed_chunk(const TrainChunk& chunk, TrainOutcome* outcome);

  PlanDesc plan_;
  ArenaPtrs arena_;
  ThreadPool* pool_ = nullptr;
  int max_batch_ = 0;
  int max_width_ = 0;
  int first_param_ = -1;                  // first layer owning tensors: those before need no dA
  bool bf16_ = false;                     // every GEMM through kernel_table().gemm_bf16
  bool overwrite_grads_ = false;          // dense tensors do not overlap (see the constructor)
  std::vector<TensorSlice> grad_gaps_;    // arena ranges outside every dense tensor
  GradientExchange* exchange_ = nullptr;  // set while an overlapping distributed chunk runs

  // Per layer (rows, units): outputs, dense pre-activations (where backward needs them: see
  // keeps_preactivation in plan.cc), dropout masks.
  std::vector<AlignedVector<float>> out_, pre_, mask_;
  // Pointers of the last forward pass: each layer's input and output (pass-through layers in
  // inference mode forward their input).
  std::vector<const float*> in_ptr_, out_ptr_;
  AlignedVector<float> x_batch_, y_batch_;  // gathered rows (max_batch, width)
  AlignedVector<float> w_batch_;            // gathered row weights (max_batch)
  AlignedVector<float> d0_, d1_, dpre_;  // gradient ping-pong and dZ scratch (max_batch, max_width)
  bool pending_weighted_ = false;        // that forward_step gathered row weights into w_batch_
  int pending_rows_ = 0;                 // rows of a forward_step not yet finished by backward_step
  // Per normalization layer, the statistics of the last forward pass for backward: batchNorm per
  // column (units), layerNorm per row (max_batch); and whether that pass was a training one.
  std::vector<AlignedVector<double>> norm_mean_, norm_inv_std_;
  bool forward_training_ = false;
};

}  // namespace nntrain
