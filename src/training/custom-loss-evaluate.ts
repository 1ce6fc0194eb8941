// Evaluation of a model compiled with a custom loss: the plan predicts each batch (inference mode), the
// loss runs in JS on the output, and the built-in metrics are summed from the same output by the js
// backend's stats kernel, so the stats row means what plan.evaluate's does.

import type { PlanHandle } from '../backend/contract.js';
import { accumulateStats } from '../backend/js/loss/stats.js';
import { Stat } from '../backend/codes.js';
import { CustomLossRunner, type CustomLoss } from '../losses/index.js';
import type { TrainingRuntime } from './runtime.js';

/** What evaluateStats calls per range of rows: plan.evaluate, or this for a custom loss. */
export type EvaluateRange = (x: Float32Array, y: Float32Array, start: number, count: number, stats: Float64Array, weights?: Float32Array) => Promise<void>;

/**
 * Adds the stats of rows [start, start + count) into `stats` (one row) as plan.evaluate does, the loss
 * computed by `loss` (weighted per row by weights, when given).
 */
export function customEvaluator(rt: TrainingRuntime, plan: PlanHandle, loss: CustomLoss, batchSize: number): EvaluateRange {
  const { outputWidth, labelWidth, loss: spec } = rt.spec;
  const runner = new CustomLossRunner(loss, batchSize, outputWidth, labelWidth);
  return async (x, y, start, count, stats, weights) => {
    for (let b = start; b < start + count; b += batchSize) {
      const rows = Math.min(batchSize, start + count - b);
      await plan.predict(x, b, rows, batchSize, runner.out);
      runner.target.set(y.subarray(b * labelWidth, (b + rows) * labelWidth));
      if (weights) runner.rowWeights.set(weights.subarray(b, b + rows));
      const value = runner.lossOf(rows, weights !== undefined);
      stats[Stat.lossSum] += value * rows;
      stats[Stat.rows] += rows;
      accumulateStats(stats, 0, runner.out, runner.target, rows, outputWidth, spec.labelMode, spec.threshold);
    }
  };
}
