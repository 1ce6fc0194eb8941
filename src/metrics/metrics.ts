// Metrics are read from the per-batch stats sums the backends write (codes.ts Stat), so a metric costs
// nothing extra in the hot loop: the loop adds stats rows and divides at the end of the epoch.

import { LabelMode, STATS_WIDTH, Stat, type LabelModeCode } from '../backend/codes.js';
import { ConfigError } from '../util/errors.js';
import { checkChoice, describe } from '../util/validate.js';

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

/**
 * Resolves the `metrics` option of compile: names or aliases, deduplicated, in the given order.
 * 'acc' is reported as 'accuracy'.
 * @throws ConfigError for an unknown name (with a hint), a non-array, or 'accuracy' with a regression loss.
 */
export function resolveMetrics(value: unknown, labelMode: LabelModeCode, lossName: string): MetricName[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(`Expected an array of metric names for metrics but received ${describe(value)}`);
  const out: MetricName[] = [];
  for (const item of value as unknown[]) {
    const name = ALIASES[checkChoice('metric', item, Object.keys(ALIASES))];
    if (name === 'accuracy' && labelMode === LabelMode.regression) {
      throw new ConfigError(
        `Metric 'accuracy' needs a classification loss but the loss is ${lossName}; use 'mae' or 'mse' for regression, or 'binaryAccuracy' for 0/1 targets`,
      );
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** A stats row (STATS_WIDTH float64 sums) set to zero. */
export function emptyStats(): Float64Array {
  return new Float64Array(STATS_WIDTH);
}

/** sum += rows[row] (one stats row of a (steps, STATS_WIDTH) array). */
export function addStatsRow(sum: Float64Array, rows: Float64Array, row: number): void {
  const base = row * STATS_WIDTH;
  for (let k = 0; k < STATS_WIDTH; k++) sum[k] += rows[base + k];
}

/**
 * Logs from summed stats: `loss` = (lossSum + regLossSum) / rows + extraLoss, then each metric,
 * keys prefixed by `prefix` ('' or 'val_'). A metric with nothing counted is NaN.
 */
export function logsFromStats(sum: Float64Array, metrics: readonly MetricName[], extraLoss = 0, prefix = ''): Record<string, number> {
  const logs: Record<string, number> = {};
  logs[`${prefix}loss`] = (sum[Stat.lossSum] + sum[Stat.regLossSum]) / sum[Stat.rows] + extraLoss;
  for (const m of metrics) logs[prefix + m] = metricValue(sum, m);
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
