// Metrics are read from the per-batch stats sums the backends write (codes.ts Stat), so a metric costs
// nothing extra in the hot loop: the loop adds stats rows and divides at the end of the epoch.

import { LabelMode, STATS_WIDTH, Stat, type LabelModeCode } from '../backend/codes.js';
import { ConfigError } from '../util/errors.js';
import { checkChoice, describe } from '../util/validate.js';
import { CustomMetric, type CustomMetricOptions } from './custom.js';

/** Metric names as they appear in logs and history. */
export type MetricName = 'accuracy' | 'binaryAccuracy' | 'mse' | 'mae';

/** Accepted spellings (Keras's included) and the metric each means. */
const ALIASES: Readonly<Record<string, MetricName>> = {
  accuracy: 'accuracy',
  acc: 'accuracy',
  binaryAccuracy: 'binaryAccuracy',
  mse: 'mse',
  meanSquaredError: 'mse',
  mae: 'mae',
  meanAbsoluteError: 'mae',
};

/** The metrics of compile: built-in ones by name, and custom ones (metrics.custom). */
export interface ResolvedMetrics {
  names: MetricName[];
  custom: CustomMetric[];
}

/**
 * Resolves the built-in metrics of compile's `metrics` option: names or aliases, deduplicated, in the
 * given order ('acc' is reported as 'accuracy'); custom metrics are resolveAllMetrics's.
 * @throws as resolveAllMetrics.
 */
export function resolveMetrics(value: unknown, labelMode: LabelModeCode, lossName: string): MetricName[] {
  return resolveAllMetrics(value, labelMode, lossName).names;
}

/**
 * Resolves compile's `metrics` option: the built-in names (see resolveMetrics) and the custom metrics
 * (metrics.custom), each in the given order.
 * @throws ConfigError for an unknown name (with a hint), a non-array, 'accuracy' with a regression loss,
 *   or two custom metrics of one name.
 */
export function resolveAllMetrics(value: unknown, labelMode: LabelModeCode, lossName: string): ResolvedMetrics {
  if (value === undefined) return { names: [], custom: [] };
  if (!Array.isArray(value)) throw new ConfigError(`Expected an array of metric names for metrics but received ${describe(value)}`);
  const out: MetricName[] = [];
  const custom: CustomMetric[] = [];
  for (const item of value as unknown[]) {
    if (item instanceof CustomMetric) {
      if (custom.some((m) => m.name === item.name) || item.name === lossName) throw new ConfigError(`metrics: two metrics (or the loss and a metric) are named '${item.name}'`);
      custom.push(item);
      continue;
    }
    if (typeof item === 'object' && item !== null && typeof (item as { custom?: unknown }).custom === 'string') {
      const name = (item as { custom: string }).custom;
      throw new ConfigError(`The model uses the custom metric '${name}': pass that metric (metrics.custom({ name: '${name}', … })) in customObjects`);
    }
    const name = ALIASES[checkChoice('metric', item, Object.keys(ALIASES))];
    if (name === 'accuracy' && labelMode === LabelMode.regression) {
      throw new ConfigError(
        `Metric 'accuracy' needs a classification loss but the loss is ${lossName}; use 'mae' or 'mse' for regression, or 'binaryAccuracy' for 0/1 targets`,
      );
    }
    if (!out.includes(name)) out.push(name);
  }
  return { names: out, custom };
}

/** Names a custom metric may not take: the built-in metrics' spellings and 'loss'. */
export const RESERVED_METRIC_NAMES: readonly string[] = [...Object.keys(ALIASES), 'loss'];

/**
 * Metric factories for compile's `metrics` (besides the built-in names).
 * @example
 * ```ts
 * const within = metrics.custom({ name: 'within01', higherIsBetter: true, fn: (p, t) => { let k = 0; for (let i = 0; i < p.data.length; i++) if (Math.abs(p.data[i] - t.data[i]) < 0.1) k++; return k / p.data.length; } });
 * model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae', within] });
 * ```
 */
export const metrics = {
  /**
   * A metric written in JavaScript: `fn(yPred, yTrue)` gives a batch's value (a mean over its rows); the
   * epoch's value is the mean of the batches' values weighted by their rows (exact for a mean over rows,
   * as the built-in metrics). yPred is the output after the last activation. Unweighted by sampleWeight,
   * as the built-in metrics. A model with a custom metric trains step by step (see losses.custom).
   * @throws ConfigError for a bad or built-in name, or fn not a function.
   */
  custom: (options: CustomMetricOptions): CustomMetric => new CustomMetric(options, RESERVED_METRIC_NAMES),
};

/** A stats row of the built-in sums followed by `customCount` custom metric sums, set to zero. */
export function statsRow(customCount: number): Float64Array {
  return new Float64Array(STATS_WIDTH + customCount);
}

/** A stats row (STATS_WIDTH float64 sums) set to zero. */
export function emptyStats(): Float64Array {
  return new Float64Array(STATS_WIDTH);
}

/** sum += rows[row] (one stats row of a (steps, width) array; width = sum.length, default STATS_WIDTH). */
export function addStatsRow(sum: Float64Array, rows: Float64Array, row: number): void {
  const width = sum.length;
  const base = row * width;
  for (let k = 0; k < width; k++) sum[k] += rows[base + k];
}

/**
 * Logs from summed stats: `loss` = (lossSum + regLossSum) / rows + extraLoss, then each metric, then
 * each custom metric (its sum at STATS_WIDTH + i over rows), keys prefixed by `prefix` ('' or 'val_').
 * A metric with nothing counted is NaN.
 */
export function logsFromStats(sum: Float64Array, metrics: readonly MetricName[], extraLoss = 0, prefix = '', custom: readonly { name: string }[] = []): Record<string, number> {
  const logs: Record<string, number> = {};
  logs[`${prefix}loss`] = (sum[Stat.lossSum] + sum[Stat.regLossSum]) / sum[Stat.rows] + extraLoss;
  for (const m of metrics) logs[prefix + m] = metricValue(sum, m);
  custom.forEach((m, i) => (logs[prefix + m.name] = sum[STATS_WIDTH + i] / sum[Stat.rows]));
  return logs;
}

function metricValue(sum: Float64Array, metric: MetricName): number {
  switch (metric) {
    case 'accuracy':
      return sum[Stat.accCorrect] / sum[Stat.accCount];
    case 'binaryAccuracy':
      return sum[Stat.binCorrect] / sum[Stat.binCount];
    case 'mse':
      return sum[Stat.sqErrSum] / sum[Stat.errCount];
    case 'mae':
      return sum[Stat.absErrSum] / sum[Stat.errCount];
  }
}
