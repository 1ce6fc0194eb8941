// Evaluation of a model with a custom loss or custom metrics. The plan predicts each batch (inference
// mode) and the JS functions run on the output: a custom loss gives the loss sums, and the built-in
// metrics are summed from the same output by the js backend's stats kernel, so the row means what
// plan.evaluate's does; a built-in loss comes from plan.evaluate itself (a second forward pass, in
// evaluation only). Custom metric sums go after the built-in ones (STATS_WIDTH + i).

import { STATS_WIDTH, Stat } from '../backend/codes.js';
import type { PlanHandle } from '../backend/contract.js';
import { accumulateStats } from '../backend/js/loss/stats.js';
import { CustomLossRunner } from '../losses/index.js';
import type { TrainingRuntime } from './runtime.js';

/** What evaluateStats calls per range of rows: plan.evaluate, or splitEvaluator's function. */
export type EvaluateRange = (x: Float32Array, y: Float32Array, start: number, count: number, stats: Float64Array, weights?: Float32Array) => Promise<void>;

/** Adds the stats of rows [start, start + count) into `stats` (one wide row), in batches of batchSize. */
export function splitEvaluator(rt: TrainingRuntime, plan: PlanHandle, batchSize: number): EvaluateRange {
  const { outputWidth, labelWidth, loss: spec } = rt.spec;
  const loss = rt.customLoss;
  const metrics = rt.customMetrics;
  const runner = new CustomLossRunner(loss, batchSize, outputWidth, labelWidth);
  return async (x, y, start, count, stats, weights) => {
    if (loss === null) await plan.evaluate(x, y, start, count, batchSize, stats, weights);
    for (let b = start; b < start + count; b += batchSize) {
      const rows = Math.min(batchSize, start + count - b);
      await plan.predict(x, b, rows, batchSize, runner.out);
      runner.target.set(y.subarray(b * labelWidth, (b + rows) * labelWidth));
      if (loss !== null) {
        if (weights) runner.rowWeights.set(weights.subarray(b, b + rows));
        stats[Stat.lossSum] += runner.lossOf(rows, weights !== undefined) * rows;
        stats[Stat.rows] += rows;
        accumulateStats(stats, 0, runner.out, runner.target, rows, outputWidth, spec.labelMode, spec.threshold);
      }
      const { yPred, yTrue } = runner.viewsFor(rows);
      for (let m = 0; m < metrics.length; m++) stats[STATS_WIDTH + m] += metrics[m].value(yPred, yTrue) * rows;
    }
  };
}
