// Numeric codes shared by the TypeScript backends and the C++ addon (native/kernels/codes.h,
// native/binding/plan_decode.h, native/csv/config.h). A plan crosses the JS/C++ boundary as numbers, so these are part of the
// ABI: append new values, never renumber. The native loader compares them with the addon's at load
// (src/backend/shared-codes.ts).

/** Activation functions. `param` is the only extra argument (alpha for leakyRelu and elu). */
export const Activation = {
  linear: 0,
  relu: 1,
  leakyRelu: 2, // f(z) = z > 0 ? z : alpha * z        (alpha default 0.01, PyTorch)
  elu: 3, //       f(z) = z > 0 ? z : alpha * (e^z - 1)  (alpha default 1)
  gelu: 4, //      exact: z * Φ(z) = 0.5 z (1 + erf(z / √2))
  silu: 5, //      z * σ(z)
  tanh: 6,
  sigmoid: 7,
  softplus: 8, //  log(1 + e^z), computed stably
  softmax: 9, //   row-wise over the last axis
  geluTanh: 10, // 0.5 z (1 + tanh(√(2/π) (z + 0.044715 z³))), PyTorch's gelu(approximate='tanh')
} as const;
/** Activation names accepted wherever an activation is an option ('relu', 'softmax', ...). */
export type ActivationName = keyof typeof Activation;
export type ActivationCode = (typeof Activation)[ActivationName];

/** Losses. All reduce to a mean over the batch (see Backend.lossForward for the exact reduction). */
export const Loss = {
  mse: 0,
  mae: 1,
  huber: 2, // param = delta
  binaryCrossentropy: 3,
  categoricalCrossentropy: 4, // one-hot targets (rows, cols)
  sparseCategoricalCrossentropy: 5, // integer class targets (rows, 1), stored as float32
} as const;
/** Loss names accepted by `compile({ loss })`. */
export type LossName = keyof typeof Loss;
export type LossCode = (typeof Loss)[LossName];

/**
 * How the loss meets the last activation.
 * - none:    loss on the layer output A; dA is then pushed through the activation's backward.
 * - softmax: loss computed from logits Z with a stable log-sum-exp; dZ = (softmax(Z) - Y) / rows directly.
 * - sigmoid: loss computed from logits Z as max(z,0) - z*y + log(1 + e^-|z|); dZ = (σ(Z) - Y) / (rows*cols).
 */
export const LossFusion = { none: 0, softmax: 1, sigmoid: 2 } as const;
export type LossFusionCode = (typeof LossFusion)[keyof typeof LossFusion];

/**
 * Arithmetic of a plan's GEMMs. fp32: float32 throughout. bf16: every forward and backward GEMM rounds its two
 * inputs (activations, weights, gradients of activations) to bfloat16 (round to nearest even) and accumulates in
 * float32; weights, gradients and optimizer state stay float32 (mixed precision).
 */
export const Precision = { fp32: 0, bf16: 1 } as const;
/** Precision names accepted by `compile({ precision })`. */
export type PrecisionName = keyof typeof Precision;
export type PrecisionCode = (typeof Precision)[PrecisionName];

/** Layer kinds in a compiled plan. */
export const LayerKind = { dense: 0, dropout: 1, gaussianNoise: 2, activation: 3, batchNorm: 4, layerNorm: 5 } as const;
export type LayerKindCode = (typeof LayerKind)[keyof typeof LayerKind];

/**
 * Optimizers. Each reads `hyper[0..]` in the order listed and owns `OPTIMIZER_SLOTS[kind]` state slots,
 * each slot one Float32Array as long as the parameters. The update rules follow torch.optim exactly
 * (see the doc comment of each class in src/optimizers/).
 */
export const Optimizer = {
  sgd: 0, //      hyper: [momentum, dampening, nesterov(0|1), weightDecay]           slots: [momentumBuffer]
  adagrad: 1, //  hyper: [lrDecay, weightDecay, initialAccumulatorValue, eps]        slots: [stateSum]
  adadelta: 2, // hyper: [rho, eps, weightDecay]                                     slots: [squareAvg, accDelta]
  rmsprop: 3, //  hyper: [alpha, eps, weightDecay, momentum, centered(0|1)]          slots: [squareAvg, momentumBuffer, gradAvg]
  adam: 4, //     hyper: [beta1, beta2, eps, weightDecay, amsgrad(0|1)]              slots: [expAvg, expAvgSq, maxExpAvgSq]
  adamw: 5, //    hyper: [beta1, beta2, eps, weightDecay, amsgrad(0|1)] (decoupled)  slots: [expAvg, expAvgSq, maxExpAvgSq]
  adamax: 6, //   hyper: [beta1, beta2, eps, weightDecay]                            slots: [expAvg, expInf]
  nadam: 7, //    hyper: [beta1, beta2, eps, weightDecay, momentumDecay, decoupledWeightDecay(0|1)]  slots: [expAvg, expAvgSq]
  radam: 8, //    hyper: [beta1, beta2, eps, weightDecay, decoupledWeightDecay(0|1)] slots: [expAvg, expAvgSq]
} as const;
/** Optimizer names accepted by `compile({ optimizer })`. */
export type OptimizerName = keyof typeof Optimizer;
export type OptimizerCode = (typeof Optimizer)[OptimizerName];
export const OPTIMIZER_SLOTS: Readonly<Record<OptimizerCode, number>> = { 0: 1, 1: 1, 2: 2, 3: 3, 4: 3, 5: 3, 6: 2, 7: 2, 8: 2 };
/** Length of the hyperparameter vector passed to every optimizer (unused entries are 0). */
export const OPTIMIZER_HYPER_LENGTH = 8;

/**
 * Per-batch statistics written by training and evaluation, as Float64 rows of STATS_WIDTH.
 * Sums, not means, so that rows of different batch sizes add up exactly.
 */
export const Stat = {
  lossSum: 0, //     data loss (the batch mean) × rows
  regLossSum: 1, //  L1/L2 penalty of the whole model × rows (0 in evaluation)
  rows: 2,
  accCorrect: 3, //  "accuracy": argmax match (one-hot / sparse targets) or thresholded match (binary targets)
  accCount: 4,
  binCorrect: 5, //  "binaryAccuracy": elementwise (pred > threshold) == (target > 0.5)
  binCount: 6,
  absErrSum: 7, //   Σ |pred - target| over elements (sparse targets compared as one-hot)
  sqErrSum: 8, //    Σ (pred - target)² over elements (sparse targets compared as one-hot)
  errCount: 9, //    number of elements compared for abs/sq error
} as const;
export const STATS_WIDTH = 10;

/** How targets are laid out, which decides the meaning of "accuracy". */
export const LabelMode = { regression: 0, binary: 1, onehot: 2, sparse: 3 } as const;
export type LabelModeCode = (typeof LabelMode)[keyof typeof LabelMode];

/** Status codes returned by a training chunk. */
export const TrainStatus = { ok: 0, aborted: 1, nonFiniteLoss: 2, nonFiniteGradient: 3 } as const;
export type TrainStatusCode = (typeof TrainStatus)[keyof typeof TrainStatus];

/** The most threads `setThreads` accepts (native/threads/pool.h). */
export const MAX_THREADS = 256;

// ---- the plan as numbers: encodePlan (src/backend/native.ts) writes, native/binding/plan_decode.cc reads ----

/** Version of the Float64Array plan layout. */
export const PLAN_FORMAT_VERSION = 2;
/** Offsets of the header's fields; `hyper` starts OPTIMIZER_HYPER_LENGTH doubles, `trainableCount` and `precision` follow them. */
export const PlanField = {
  version: 0, inputWidth: 1, outputWidth: 2, labelWidth: 3, paramCount: 4, layerCount: 5,
  lossKind: 6, lossParam: 7, lossFusion: 8, labelMode: 9, threshold: 10,
  optimizerKind: 11, clipNorm: 12, clipValue: 13, hyper: 14, trainableCount: 22, precision: 23,
} as const;
/** Doubles before the first layer. */
export const PLAN_HEADER = 24;
/** Offsets of a layer's fields; a tensor offset of -1 means none. */
export const PlanLayerField = {
  kind: 0, inputs: 1, units: 2, activation: 3, activationParam: 4, rate: 5,
  kernelOffset: 6, kernelLength: 7, biasOffset: 8, biasLength: 9, kernelL1: 10, kernelL2: 11, biasL1: 12, biasL2: 13,
  momentum: 14, meanOffset: 15, meanLength: 16, varOffset: 17, varLength: 18,
} as const;
/** Doubles per layer. */
export const PLAN_LAYER_WIDTH = 19;

// ---- the CSV reader's config: src/data/csv/ writes, native/csv/config.h and native/binding/csv_config.h read ----

/** How a CSV field is read. */
export const KIND_CODE = { skip: 0, numeric: 1, categorical: 2 } as const;
/** What a missing CSV value does. */
export const MISSING_CODE = { error: 0, drop: 1, impute: 2 } as const;
/** Numbers per field in a layout: [dest (0 x, 1 y), offset, onehot (0/1)] (native/binding/csv_config.h). */
export const CSV_LAYOUT_WIDTH = 3;
