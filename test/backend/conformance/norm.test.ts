// Batch and layer normalization through whole plans on both backends: BatchNorm1d's running statistics
// after training steps against a float64 reference of PyTorch's update (momentum, the unbiased batch
// variance), inference from them, over odd shapes (13 features, batches of 7, 7 and 5 rows), weight decay
// that leaves the running statistics alone, native against js on a model that mixes both layers with
// dropout and row weights, and a one-row training batch refused as PyTorch refuses it.

import { describe, expect, it } from 'vitest';
import { STATS_WIDTH, TrainStatus } from '../../../src/backend/codes.js';
import type { PlanSpec, TrainJob } from '../../../src/backend/contract.js';
import { Rng } from '../../../src/util/rng.js';
import { BACKENDS, BOTH_AVAILABLE, buildPlan, cloneArena, makeData } from '../../helpers/backends.js';
import type { ModelDesc } from '../../helpers/backends.js';
import { checkClose, checkExact } from '../../helpers/check.js';
import { refForward, refMoments } from '../../helpers/reference.js';

const N = 19; // batches of 7, 7 and 5 rows

function makeJob(spec: PlanSpec, batchSize: number, steps: number, weights = false): TrainJob {
  const { x, y } = makeData(spec, N, 31);
  const order = Uint32Array.from({ length: N }, (_, i) => i);
  new Rng(32).shuffle(order);
  return {
    x,
    y,
    ...(weights ? { weights: Float32Array.from({ length: N }, (_, i) => 0.5 + (i % 3)) } : {}),
    order,
    firstBatch: 0,
    steps,
    batchSize,
    lrs: new Float32Array(steps).fill(0.05),
    globalStep: 0,
    seed: 9,
    stats: new Float64Array(steps * STATS_WIDTH),
    control: new Int32Array(new SharedArrayBuffer(4)),
  };
}

/** batchNorm on the 13 inputs (so its input is the data, whatever the weights), then dense; SGD with weight decay. */
const INPUT_BN: ModelDesc = {
  inputWidth: 13,
  layers: [{ kind: 'batchNorm', momentum: 0.25, epsilon: 1e-3 }, { kind: 'dense', units: 3 }],
  loss: 'mse',
  optimizer: 'sgd',
  hyper: [0, 0, 0, 0.5], // weightDecay 0.5: would shrink the running statistics if the optimizer saw them
};

describe.each(BACKENDS)('batch and layer normalization plans [$name]', ({ available, get }) => {
  it.skipIf(!available)("running statistics follow BatchNorm1d's update; inference reads them", async () => {
    const { spec, arena } = buildPlan(INPUT_BN);
    const bn = spec.layers[0];
    const rm = arena.param(bn.runningMean!);
    const rv = arena.param(bn.runningVar!);
    const want = { mean: Float64Array.from(rm), variance: Float64Array.from(rv) };
    const job = makeJob(spec, 7, 3);
    for (let b = 0; b < 3; b++) {
      const rows = Math.min(7, N - 7 * b);
      const xb = new Float64Array(rows * 13);
      for (let r = 0; r < rows; r++) for (let c = 0; c < 13; c++) xb[r * 13 + c] = job.x[job.order[7 * b + r] * 13 + c];
      const { mean, variance } = refMoments(xb, rows, 13, false);
      for (let c = 0; c < 13; c++) {
        want.mean[c] = Math.fround(0.75 * want.mean[c] + 0.25 * mean[c]);
        want.variance[c] = Math.fround(0.75 * want.variance[c] + 0.25 * variance[c] * (rows / (rows - 1)));
      }
    }
    const plan = get().createPlan(spec, arena, 7);
    try {
      const result = await plan.train(job);
      expect(result).toEqual({ stepsDone: 3, status: TrainStatus.ok });
      checkClose(rm, want.mean, { abs: 1e-6, rel: 1e-6 }, 'running mean');
      checkClose(rv, want.variance, { abs: 1e-6, rel: 1e-6 }, 'running variance');
      const out = new Float32Array(N * 3);
      await plan.predict(job.x, 0, N, 4, out);
      checkClose(out, refForward(spec, arena.params, job.x, N, null).output, { abs: 1e-5, rel: 1e-5 }, 'predict from the running statistics');
    } finally {
      plan.dispose();
    }
  });

  it.skipIf(!available)('a one-row training batch is refused; inference and layerNorm take one row', () => {
    const { spec, arena } = buildPlan({ ...INPUT_BN, layers: [{ kind: 'dense', units: 4 }, { kind: 'batchNorm' }, { kind: 'layerNorm' }, { kind: 'dense', units: 2 }] });
    const { x, y } = makeData(spec, 2, 3);
    const plan = get().createPlan(spec, arena, 2);
    const stats = new Float64Array(STATS_WIDTH);
    try {
      expect(() => plan.computeGradients(x, y, 1, true, 1, 0, stats)).toThrow(/batchNormalization needs more than 1 row per batch when training/);
      expect(Number.isFinite(plan.computeGradients(x, y, 1, false, 1, 0, stats))).toBe(true);
      expect(Number.isFinite(plan.computeGradients(x, y, 2, true, 1, 0, stats))).toBe(true);
    } finally {
      plan.dispose();
    }
  });
});

describe.skipIf(!BOTH_AVAILABLE)('batch and layer normalization: native against js', () => {
  it('dense → batchNorm → relu → dropout → dense → layerNorm → softmax, row weights, AdamW: 3 steps agree', async () => {
    const desc: ModelDesc = {
      inputWidth: 6,
      layers: [
        // no bias before batchNorm: its gradient is 0 up to rounding, which Adam's normalization would amplify
        { kind: 'dense', units: 21, useBias: false },
        { kind: 'batchNorm', momentum: 0.1 },
        { kind: 'activation', activation: 'relu' },
        { kind: 'dropout', rate: 0.2 },
        { kind: 'dense', units: 17 },
        { kind: 'layerNorm' },
        { kind: 'dense', units: 4, activation: 'softmax' },
      ],
      loss: 'sparseCategoricalCrossentropy',
      fusion: 'softmax',
      optimizer: 'adamw',
    };
    const { spec, arena } = buildPlan(desc);
    const initial = arena.params.slice();
    const arenas = { js: arena, native: cloneArena(arena) };
    const results = [];
    for (const name of ['js', 'native'] as const) {
      const plan = BACKENDS.find((b) => b.name === name)!.get().createPlan(spec, arenas[name], 7);
      const job = makeJob(spec, 7, 3, true);
      try {
        results.push(await plan.train(job));
      } finally {
        plan.dispose();
      }
    }
    expect(results[1]).toEqual(results[0]);
    checkClose(arenas.native.params, arenas.js.params, { abs: 2e-6, rel: 1e-5 }, 'params (running statistics included)');
    const bn = spec.layers[1];
    const at = bn.runningMean!.offset;
    const moved = arenas.js.param(bn.runningMean!).some((v, i) => v !== initial[at + i]);
    expect(moved, 'the running mean moved').toBe(true);
    checkExact(arenas.native.grads.subarray(spec.trainableCount), new Float32Array(spec.paramCount - spec.trainableCount!), 'no gradient past trainableCount');
  });
});
