// The one interface every numeric kernel sits behind. Two implementations: `js` (src/backend/js/, plain
// TypeScript over Float32Array, also the reference) and `native` (src/backend/native.ts over the C++ addon).
// Layers, losses, optimizers and the training loop see only this file.
//
// Conventions (all kernels): row-major matrices, shapes in comments as (rows, cols), outputs first, then
// inputs, then sizes. Backward kernels ACCUMULATE into weight/bias gradients (zeroing is an explicit step);
// they OVERWRITE input gradients. No kernel allocates.

import type {
  ActivationCode,
  LabelModeCode,
  LayerKindCode,
  LossCode,
  LossFusionCode,
  OptimizerCode,
  PrecisionCode,
  TrainStatusCode,
} from './codes.js';

/** A tensor inside the arena: `length` floats starting at `offset` (in floats) of params and of grads. */
export interface TensorRef {
  offset: number;
  length: number;
}

/** L1/L2 penalty on one tensor: loss += l1·Σ|w| + l2·Σw², grad += l1·sign(w) + 2·l2·w (Keras convention). */
export interface PenaltySpec {
  l1: number;
  l2: number;
}

/** One layer of a compiled plan. `inputs`/`units` are feature widths (per row). */
export interface LayerSpec {
  kind: LayerKindCode;
  inputs: number;
  units: number; // equals inputs for dropout, gaussianNoise and activation layers
  activation: ActivationCode; // dense and activation layers; linear otherwise
  activationParam: number; // alpha of leakyRelu/elu, else 0
  rate: number; // dropout: drop probability in [0, 1); gaussianNoise: stddev >= 0; batchNorm/layerNorm: epsilon > 0; else 0
  kernel: TensorRef | null; // dense: (inputs, units); batchNorm/layerNorm: the gain gamma (units)
  bias: TensorRef | null; // dense with useBias: (units); batchNorm/layerNorm: the shift beta (units)
  kernelPenalty: PenaltySpec;
  biasPenalty: PenaltySpec;
  /** batchNorm: weight of the batch in the running statistics, in [0, 1] (PyTorch's momentum); absent: 0. */
  momentum?: number;
  /** batchNorm: running mean and variance (units each), in params at or past trainableCount; absent: none. */
  runningMean?: TensorRef | null;
  runningVar?: TensorRef | null;
}

export interface LossSpec {
  kind: LossCode;
  param: number; // huber delta, else 0
  fusion: LossFusionCode; // decided by the compiler from (loss, fromLogits, last activation)
  labelMode: LabelModeCode;
  threshold: number; // decision threshold on the output for binary accuracy: 0.5, or 0 when fromLogits
}

export interface OptimizerSpec {
  kind: OptimizerCode;
  hyper: number[]; // OPTIMIZER_HYPER_LENGTH entries, meaning per kind in codes.ts
  clipNorm: number; // 0 = off: scale all gradients so their global L2 norm is at most clipNorm
  clipValue: number; // 0 = off: clamp every gradient to [-clipValue, clipValue]
}

/** Everything a backend needs to run a model, as plain numbers. */
export interface PlanSpec {
  inputWidth: number;
  outputWidth: number;
  labelWidth: number; // columns of the target matrix: outputWidth, or 1 for sparse labels
  layers: LayerSpec[];
  loss: LossSpec;
  optimizer: OptimizerSpec;
  paramCount: number; // floats in params (and in grads, and in each optimizer slot)
  /**
   * Floats at the start of params that are trained: gradients, clipping, the global norm, the optimizer
   * and the all-reduce cover [0, trainableCount). Past it sit the batchNorm running statistics, which
   * training forward passes write instead. Absent: paramCount.
   */
  trainableCount?: number;
  /**
   * GEMM arithmetic (Precision in codes.ts); absent: fp32. bf16 rounds both inputs of every forward and
   * backward GEMM to bfloat16 (nearest even) and accumulates in float32; the arena stays float32. The native
   * backend refuses bf16 (BackendError) on a CPU without AVX512_BF16 unless NNTRAIN_KERNEL_BF16=emulated; the
   * js backend always emulates it.
   */
  precision?: PrecisionCode;
}

/** The model's memory: views over one SharedArrayBuffer (see src/memory/arena.ts). */
export interface ArenaViews {
  params: Float32Array; // (paramCount)
  grads: Float32Array; // (paramCount)
  slots: Float32Array[]; // optimizer state, OPTIMIZER_SLOTS[kind] views of (paramCount)
}

/**
 * One chunk of training steps. Batch `b` of the epoch is rows order[b·batchSize .. min((b+1)·batchSize, n)).
 * Step i of the chunk (0-based) trains batch `firstBatch + i` with learning rate lrs[i], as optimizer step
 * t = globalStep + i + 1, with dropout/noise drawn from `stepRng(seed, globalStep + i)` (src/util/rng.ts).
 */
export interface TrainJob {
  x: Float32Array; // (N, inputWidth) the whole dataset
  y: Float32Array; // (N, labelWidth)
  /**
   * (N) per-row loss weights, gathered with their rows; absent: unweighted. The batch loss is then
   * (1/rows)·Σ_r w_r·loss_r (Keras's sum_over_batch_size: divided by the row count, not the weight sum).
   */
  weights?: Float32Array;
  order: Uint32Array; // (n) row indices in visiting order for this epoch, n = order.length
  firstBatch: number;
  steps: number; // number of steps to run (the caller never asks past the epoch's last batch)
  batchSize: number;
  lrs: Float32Array; // (steps) learning rate per step
  globalStep: number;
  seed: number; // uint32
  stats: Float64Array; // (steps, STATS_WIDTH) written per step
  control: Int32Array; // [0] abort flag: JS sets it to 1 (Atomics.store); checked before each step
  /** Data-parallel training over MPI (native only); absent: this process alone. */
  comm?: TrainJobComm;
}

/**
 * What makes a chunk data-parallel: each step's gradients are averaged over the ranks by one in-place
 * all-reduce of the arena's grads region, between backward and clipValue, so every rank applies the
 * same update. The ranks then stop at the same step (a non-finite value reaches all of them), the
 * abort flag is read at the chunk's end and agreed (not before each step), and the stats rows are
 * summed over the ranks. Every rank must run the same chunks (steps, batchSize) in the same order.
 */
export interface TrainJobComm {
  /** The MPI addon's communicator (src/backend/mpi.ts, collective()); only the native plan reads it. */
  handle: unknown;
  /**
   * Rows of all ranks together in the batch that ends at the end of `order` (the epoch's last batch in
   * memory, a chunk's last one when streaming); every other batch is batchSize rows on every rank.
   */
  lastStepRows: number;
  /**
   * > 0: the all-reduce runs in buckets of at least this many bytes of whole tensors, each started as
   * soon as backward has written it (overlapping the backward of earlier layers); 0 or absent: one
   * all-reduce after backward. The same on every rank.
   */
  bucketBytes?: number;
}

/**
 * One batch of a training step split around a loss the caller computes (a custom loss in JS):
 * PlanHandle.forwardStep runs the training forward pass of rows order[begin .. begin + rows) of x, with
 * dropout/noise from stepRng(seed, step), and copies out what the loss needs.
 */
export interface StepBatch {
  x: Float32Array; // (N, inputWidth)
  y: Float32Array; // (N, labelWidth)
  weights: Float32Array | null; // (N) per-row loss weights, or null
  order: Uint32Array;
  begin: number;
  rows: number;
  seed: number; // uint32
  step: number; // 0-based global step
  out: Float32Array; // receives the output A (rows, outputWidth): post-activation, never logits
  target: Float32Array; // receives the gathered targets (rows, labelWidth)
  rowWeights: Float32Array | null; // receives the gathered weights (rows); non-null exactly when weights is
}

export interface TrainResult {
  stepsDone: number; // steps fully applied (their stats rows are valid)
  status: TrainStatusCode; // nonFinite*: step `stepsDone` produced NaN/Inf and was NOT applied
  detail?: string; // what was not finite, when the caller knows more (a custom loss's row)
}

/**
 * A compiled model bound to its arena. The executor algorithm (identical in both backends):
 *
 * forward (rows r, training t):  A0 = gathered input rows
 *   dense:          Z = A·W + b ; A' = act(Z)            (Z kept when the activation needs it)
 *   dropout:        training: mask = u >= rate ? 1/(1-rate) : 0 per element, A' = A ⊙ mask ; else A' = A
 *   gaussianNoise:  training: A' = A + stddev·N(0,1) per element ; else A' = A
 *   activation:     A' = act(A)
 *   batchNorm:      training: per column, μ and σ² (biased) of the batch, A' = γ·(A − μ)/√(σ² + ε) + β, and
 *                   running = (1 − momentum)·running + momentum·batch (the variance unbiased, ·rows/(rows − 1));
 *                   rows must be >= 2 ; else A' = γ·(A − runningMean)/√(runningVar + ε) + β
 *   layerNorm:      per row, μ and σ² (biased) over the units, A' = γ·(A − μ)/√(σ² + ε) + β
 *   Random numbers: one stepRng per step, drawn layer by layer in order, row-major within a layer
 *   (dropout draws rng.uniform(), noise draws rng.normal()).
 * loss:   fusion none: lossForward/lossBackward on the last A; fused: on the last layer's logits.
 * backward: grads zeroed, then layers in reverse; dense adds kernel/bias penalty gradients.
 * update: clipValue, then global-norm check (non-finite -> stop without applying), clipNorm, optimizerStep.
 */
export interface PlanHandle {
  /** Runs up to job.steps training steps off the main thread where the backend can. */
  train(job: TrainJob): Promise<TrainResult>;
  /**
   * Forward + loss + backward on rows [0, rows) of x/y in order (no update): grads are zeroed then filled
   * (including penalty gradients). Dropout/noise are active iff `training`, drawn from stepRng(seed, step);
   * batchNorm uses the batch's statistics iff `training`, and its running statistics stay as they are.
   * Writes one stats row into `stats` and returns the total loss (data loss + penalty). weights (rows), when
   * given, weighs each row's loss as TrainJob.weights.
   */
  computeGradients(x: Float32Array, y: Float32Array, rows: number, training: boolean, seed: number, step: number, stats: Float64Array, weights?: Float32Array): number;
  /**
   * Forward in inference mode over rows [start, start+count) in batches; adds into stats (one row). weights
   * (N), when given, weighs each row's loss as TrainJob.weights; the metrics stay unweighted (Keras's
   * `metrics`, not `weighted_metrics`).
   */
  evaluate(x: Float32Array, y: Float32Array, start: number, count: number, batchSize: number, stats: Float64Array, weights?: Float32Array): Promise<void>;
  /**
   * The first half of a training step whose loss the caller computes (synchronous): see StepBatch.
   * The plan's own loss is not used; the next call must be backwardStep (any other plan call discards
   * the pass).
   */
  forwardStep(batch: StepBatch): void;
  /**
   * The second half: dOut (rows, outputWidth) is ∂(batch loss)/∂out, including the 1/rows reduction and
   * the row weights; loss is the batch's data loss. dOut null: the plan's own loss (fused as in train,
   * weighted when the forwardStep had weights), and `loss` is not read. Backward (penalty gradients added), clipValue, the
   * global-norm check, clipNorm and the optimizer step with learning rate `lr` as step t = step + 1;
   * writes stats row `statsRow` of stats (loss, penalty, rows and the metrics of the forward pass).
   * @returns ok, or nonFiniteLoss / nonFiniteGradient, when the update was NOT applied.
   * @throws Error when the last plan call was not a forwardStep of `rows` rows.
   */
  backwardStep(dOut: Float32Array | null, rows: number, loss: number, lr: number, step: number, stats: Float64Array, statsRow: number): TrainStatusCode;
  /** Forward in inference mode over rows [start, start+count); writes (count, outputWidth) into out. */
  predict(x: Float32Array, start: number, count: number, batchSize: number, out: Float32Array): Promise<void>;
  /**
   * predict on the calling thread, for batches so small that handing them to a worker thread costs more than
   * the forward itself; the same outputs, bit for bit. The caller makes sure no other call of this plan is in
   * flight. Absent where the backend cannot (a native addon built before it).
   */
  predictSync?(x: Float32Array, start: number, count: number, batchSize: number, out: Float32Array): void;
  /** Frees scratch space; the handle must not be used afterwards. */
  dispose(): void;
}

/** What `backend.info()` reports (and `npx nntrain info` prints). */
export interface BackendInfo {
  name: 'native' | 'js';
  /** Which GEMM / elementwise kernels are active, e.g. 'ref', 'avx2', 'avx512'. */
  kernel: string;
  /**
   * native: the GEMM of bf16 plans, 'avx512bf16' or 'emulated' (a CPU without AVX512_BF16: bf16 plans then
   * need NNTRAIN_KERNEL_BF16=emulated). Absent on js, which always emulates bf16.
   */
  kernelBf16?: string;
  threads: number;
  /**
   * native: the version of the MPI Collective table its plans read (TrainJob.comm); absent in an addon
   * built before distributed training, which would ignore comm.
   */
  collectiveVersion?: number;
}

/**
 * The numeric engine behind a model: per-op kernels and compiled plans. Get one with getBackend. The
 * per-op kernels trust their sizes in js (the reference, kept branch-free); native checks buffer lengths
 * and throws ShapeError before touching memory.
 */
export interface Backend {
  readonly name: 'native' | 'js';
  info(): BackendInfo;

  /**
   * Threads the backend may use, from the next call on; `info().threads` reports it. Results do not
   * depend on it (each output element is computed by one thread in the same order). The js backend is
   * single-threaded and accepts only 1.
   * @param n integer in [1, 256]; native's default is the CPUs this process may use, or NNTRAIN_THREADS.
   * @throws ConfigError when n is not an integer in [1, 256] (js: when n is not 1).
   * @example getBackend('native').setThreads(2);
   */
  setThreads(n: number): void;

  /**
   * Floats from `view[0]` to the first 64-byte boundary (0..15), for the arena to start its regions on
   * a cache line: native SIMD loads and stores that straddle two lines cost two. js answers 0.
   */
  cacheLineShift(view: Float32Array): number;

  // ---- per-op kernels: synchronous, exposed for tests, parity and the perceptron ----

  /**
   * C (m,n) = alpha · op(A) · op(B) + beta · C, with op(A) (m,k) and op(B) (k,n).
   * A is stored (m,k), or (k,m) when transA; B is stored (k,n), or (n,k) when transB.
   * beta = 0 means C is overwritten (NaNs in C do not propagate).
   */
  gemm(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number): void;

  /** out (B,OC) = act(inp (B,C) · weight (C,OC) + bias (OC)); preact (B,OC) receives Z unless null. */
  denseForward(out: Float32Array, preact: Float32Array | null, inp: Float32Array, weight: Float32Array, bias: Float32Array | null, B: number, C: number, OC: number, act: ActivationCode, actParam: number): void;

  /**
   * Backward of denseForward. dZ = dout ⊙ act'(Z) is formed into `dpreact` (B,OC) (scratch; when
   * act is softmax the full row Jacobian is used); then dweight (C,OC) += inpᵀ·dZ, dbias (OC) += Σ_rows dZ,
   * and dinp (B,C) = dZ·weightᵀ unless dinp is null. `preact` is Z, `out` is act(Z).
   * When `doutIsPreact` is true, dout already is dZ (fused loss) and the activation is skipped.
   */
  denseBackward(dinp: Float32Array | null, dweight: Float32Array, dbias: Float32Array | null, dpreact: Float32Array, dout: Float32Array, inp: Float32Array, weight: Float32Array, preact: Float32Array, out: Float32Array, B: number, C: number, OC: number, act: ActivationCode, actParam: number, doutIsPreact: boolean): void;

  /** out (rows,cols) = act(inp); softmax is row-wise. out may alias inp. */
  activationForward(out: Float32Array, inp: Float32Array, rows: number, cols: number, act: ActivationCode, param: number): void;

  /** dinp (rows,cols) = dout · ∂act/∂inp, given inp = Z and out = act(Z). dinp may alias dout. */
  activationBackward(dinp: Float32Array, dout: Float32Array, inp: Float32Array, out: Float32Array, rows: number, cols: number, act: ActivationCode, param: number): void;

  /**
   * Mean loss of pred (rows,cols) against target (rows, labelWidth). pred is the output A, or the logits Z
   * when loss.fusion != none. Reductions: mse/mae/huber/binaryCrossentropy: mean over all rows·cols
   * elements; categorical/sparse: Σ over classes, mean over rows. Probabilities are clipped to
   * [1e-7, 1 - 1e-7] on the unfused paths (Keras's epsilon).
   */
  lossForward(pred: Float32Array, target: Float32Array, rows: number, cols: number, loss: LossSpec): number;

  /** dpred (rows,cols) = ∂(lossForward)/∂pred, with the same reduction (so it includes the 1/rows factor). */
  lossBackward(dpred: Float32Array, pred: Float32Array, target: Float32Array, rows: number, cols: number, loss: LossSpec): void;

  /** One optimizer update over n parameters: the rules in src/optimizers/, with t = step (1-based). */
  optimizerStep(params: Float32Array, grads: Float32Array, slots: Float32Array[], n: number, opt: OptimizerSpec, lr: number, step: number): void;

  /** Σ x² over the first n elements, accumulated in float64. */
  sumSquares(x: Float32Array, n: number): number;

  // ---- plans ----

  /**
   * Compiles a plan against an arena. Scratch is sized once for `maxBatch` rows and reused by every call;
   * a later call with a larger batch grows it once (never inside a chunk of steps).
   */
  createPlan(spec: PlanSpec, arena: ArenaViews, maxBatch: number): PlanHandle;
}
