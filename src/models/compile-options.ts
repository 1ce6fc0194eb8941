// The options of Sequential.compile and their resolution against the model's layers: the optimizer, loss,
// metrics, schedule and GEMM precision the model runs with, and their plain-JSON form that toConfig saves.

import type { Layer } from '../layers/layer.js';
import { lossToConfig, resolveLoss, type CustomLoss, type LossConfig } from '../losses/index.js';
import { resolveAllMetrics, type MetricName } from '../metrics/metrics.js';
import type { CustomMetric } from '../metrics/custom.js';
import { resolveOptimizer, type Optimizer, type OptimizerConfig } from '../optimizers/index.js';
import { resolveSchedule, type LearningRateSchedule, type ScheduleConfig } from '../schedules/index.js';
import { Precision, type PrecisionCode, type PrecisionName } from '../backend/codes.js';
import { ConfigError } from '../util/errors.js';
import { checkChoice } from '../util/validate.js';
import { labelModeOf, lossSpecFor, type ResolvedLoss } from './compile-plan.js';
import type { ModelConfig } from './model-state.js';

/** Options of {@link Sequential.compile}: optimizer and loss are required. */
export interface CompileOptions {
  /** An optimizer (`optimizers.adam({...})`), a name ('adam') or a config. Required. */
  optimizer: Optimizer | string | OptimizerConfig;
  /** A loss name ('mse', 'sparseCategoricalCrossentropy', ...), `{ name, delta?, fromLogits? }` or `losses.custom(…)`. Required. */
  loss: LossConfig | CustomLoss;
  /** 'accuracy' (alias 'acc'), 'binaryAccuracy', 'mse', 'mae', or `metrics.custom(…)`. Default []. */
  metrics?: (string | CustomMetric)[];
  /** Learning-rate schedule (a schedule, name, config or `(epoch, step) => lr`). Default: constant. */
  schedule?: LearningRateSchedule | string | ScheduleConfig | ((epoch: number, step: number) => number);
  /**
   * GEMM arithmetic of training, evaluate and predict. 'fp32' (default): float32 throughout. 'bf16': mixed
   * precision, as PyTorch's autocast: every forward and backward GEMM rounds its inputs (activations, weights,
   * gradients of activations) to bfloat16 (nearest even) and accumulates in float32; weights, gradients and
   * optimizer state stay float32, so optimizers, checkpoints and resume are unchanged. The native backend needs
   * a CPU with AVX512_BF16 (else a BackendError at the first fit/evaluate/predict, unless
   * NNTRAIN_KERNEL_BF16=emulated); the js backend emulates it.
   */
  precision?: PrecisionName;
}

/** The keys compile accepts. */
export const COMPILE_KEYS = ['optimizer', 'loss', 'metrics', 'schedule', 'precision'] as const;

const PRECISIONS = Object.keys(Precision) as PrecisionName[];

/** The compile options a model runs with, resolved. */
export interface Compiled {
  optimizer: Optimizer;
  loss: ResolvedLoss;
  metrics: MetricName[];
  customMetrics: CustomMetric[];
  schedule: LearningRateSchedule | null;
  precision: PrecisionCode;
}

/**
 * Resolves compile's options (an object with known keys) for `layers`.
 * @returns the resolved options and their serialized form (ModelConfig.compiled).
 * @throws ConfigError for a missing/unknown optimizer or loss, a model without layers, an unknown metric,
 *   accuracy with a regression loss, or fromLogits with a non-linear last activation.
 */
export function resolveCompileOptions(options: CompileOptions, layers: readonly Layer[]): { compiled: Compiled; config: NonNullable<ModelConfig['compiled']> } {
  if (options.optimizer === undefined) throw new ConfigError("compile needs an optimizer, e.g. optimizer: 'adam'");
  if (options.loss === undefined) throw new ConfigError("compile needs a loss, e.g. loss: 'mse'");
  if (layers.length === 0) throw new ConfigError('The model has no layers; add layers before compile');
  const optimizer = resolveOptimizer(options.optimizer);
  const loss = resolveLoss(options.loss);
  lossSpecFor(layers, loss); // validates fusion (fromLogits) now, not at the first fit
  const { names: metrics, custom: customMetrics } = resolveAllMetrics(options.metrics, labelModeOf(loss), loss.name);
  const schedule = options.schedule === undefined ? null : resolveSchedule(options.schedule);
  const precision = options.precision === undefined ? 'fp32' : checkChoice('precision', options.precision, PRECISIONS);
  const config = {
    optimizer: optimizer.getConfig(),
    loss: lossToConfig(loss),
    metrics: [...metrics, ...customMetrics.map((m) => ({ custom: m.name }))],
    ...(schedule !== null ? { schedule: schedule.getConfig() } : {}),
    // fp32 is left out, so an fp32 model's config (and its saved files) are as before
    ...(precision !== 'fp32' ? { precision } : {}),
  };
  return { compiled: { optimizer, loss, metrics, customMetrics, schedule, precision: Precision[precision] }, config };
}
