// PlanHandle.train / evaluate / predict of every backend: a chunk of training steps equals the contract's
// composition of per-step pieces (computeGradients on the visited batch, clipValue, global-norm check,
// clipNorm, optimizerStep with t = globalStep + i + 1), js and native agree step for step, non-finite
// steps and the abort flag stop as documented, and inference matches the float64 reference.

import { describe, expect, it } from 'vitest';
import { STATS_WIDTH, Stat, TrainStatus } from '../../../src/backend/codes.js';
import type { OptimizerName } from '../../../src/backend/codes.js';
import type { Backend, PlanSpec, TrainJob } from '../../../src/backend/contract.js';
import type { Arena } from '../../../src/memory/arena.js';
import { Rng } from '../../../src/util/rng.js';
import { BACKENDS, BOTH_AVAILABLE, buildPlan, cloneArena, makeData } from '../../helpers/backends.js';
import type { ModelDesc } from '../../helpers/backends.js';
import { checkClose, checkExact } from '../../helpers/check.js';
import { refClipGrads, refEvaluate } from '../../helpers/reference.js';

const N = 27; // 6 batches of 5: the last one has 2 rows
const BATCH = 5;
const SEED = 4242;
const GLOBAL_STEP = 10;

/** dense/relu → dropout → noise → dense/softmax with fused sparse CE, L2 on the first kernel. */
const baseModel = (optimizer: OptimizerName, extra: Partial<ModelDesc> = {}): ModelDesc => ({
  inputWidth: 6,
  layers: [
    { kind: 'dense', units: 9, activation: 'relu', kernelPenalty: { l1: 0, l2: 1e-3 } },
    { kind: 'dropout', rate: 0.25 },
    { kind: 'gaussianNoise', stddev: 0.1 },
    { kind: 'dense', units: 4, activation: 'softmax' },
  ],
  loss: 'sparseCategoricalCrossentropy',
  fusion: 'softmax',
  optimizer,
  ...extra,
});

function makeJob(spec: PlanSpec, steps: number, firstBatch = 1, dataSeed = 5): TrainJob {
  const { x, y } = makeData(spec, N, dataSeed);
  const order = Uint32Array.from({ length: N }, (_, i) => i);
  new Rng(dataSeed + 1).shuffle(order);
  return {
    x,
    y,
    order,
    firstBatch,
    steps,
    batchSize: BATCH,
    lrs: Float32Array.from({ length: steps }, (_, i) => 0.01 * (1 + 0.5 * Math.sin(i))),
    globalStep: GLOBAL_STEP,
    seed: SEED,
    stats: new Float64Array(steps * STATS_WIDTH).fill(NaN),
    control: new Int32Array(new SharedArrayBuffer(4)),
  };
}

/** The rows of batch b of the job, gathered in visiting order. */
function gatherBatch(spec: PlanSpec, job: TrainJob, b: number) {
  const start = b * job.batchSize;
  const rows = Math.min(job.batchSize, job.order.length - start);
  const x = new Float32Array(rows * spec.inputWidth);
  const y = new Float32Array(rows * spec.labelWidth);
  for (let r = 0; r < rows; r++) {
    const src = job.order[start + r];
    x.set(job.x.subarray(src * spec.inputWidth, (src + 1) * spec.inputWidth), r * spec.inputWidth);
    y.set(job.y.subarray(src * spec.labelWidth, (src + 1) * spec.labelWidth), r * spec.labelWidth);
  }
  return { x, y, rows };
}

/** The contract's step, composed from per-op calls of the same backend (clipping done here in float64). */
function manualTrain(be: Backend, spec: PlanSpec, arena: Arena, job: TrainJob): { stepsDone: number; stats: Float64Array } {
  const plan = be.createPlan(spec, arena, job.batchSize);
  const stats = new Float64Array(job.steps * STATS_WIDTH);
  try {
    for (let i = 0; i < job.steps; i++) {
      const { x, y, rows } = gatherBatch(spec, job, job.firstBatch + i);
      const loss = plan.computeGradients(x, y, rows, true, job.seed, job.globalStep + i, stats.subarray(i * STATS_WIDTH, (i + 1) * STATS_WIDTH));
      if (!Number.isFinite(loss)) return { stepsDone: i, stats };
      const g = Float64Array.from(arena.grads);
      const norm = refClipGrads(g, spec.optimizer.clipValue, spec.optimizer.clipNorm);
      if (!Number.isFinite(norm)) return { stepsDone: i, stats };
      arena.grads.set(g);
      be.optimizerStep(arena.params, arena.grads, arena.slots, spec.paramCount, spec.optimizer, job.lrs[i], job.globalStep + i + 1);
    }
    return { stepsDone: job.steps, stats };
  } finally {
    plan.dispose();
  }
}

async function runTrain(be: Backend, spec: PlanSpec, arena: Arena, job: TrainJob) {
  const plan = be.createPlan(spec, arena, job.batchSize);
  try {
    return await plan.train(job);
  } finally {
    plan.dispose();
  }
}

/** Stats rows: float sums to 1e-5 relative; counts exactly. */
function checkStatsRows(actual: Float64Array, expected: Float64Array, rows: number, label: string) {
  const n = rows * STATS_WIDTH;
  const isCount = (i: number) => ![Stat.lossSum, Stat.regLossSum, Stat.absErrSum, Stat.sqErrSum].includes((i % STATS_WIDTH) as 0);
  checkClose(actual.subarray(0, n), expected.subarray(0, n), { abs: 1e-5, rel: 1e-5 }, `${label}: stats`);
  const counts = (s: Float64Array) => Array.from(s.subarray(0, n)).filter((_, i) => isCount(i));
  checkExact(counts(actual), counts(expected), `${label}: stats counts`);
}

const OPTIMIZERS: [OptimizerName, Partial<ModelDesc>][] = [
  ['sgd', { hyper: [0.9, 0, 1, 1e-4] }],
  ['adagrad', { hyper: [0.01, 0, 0, 1e-10] }],
  ['adadelta', { hyper: [0.9, 1e-6, 0] }],
  ['rmsprop', { hyper: [0.99, 1e-8, 0, 0.5, 1], clipValue: 0.05 }],
  ['adam', { clipNorm: 0.1 }],
  ['adamw', { hyper: [0.9, 0.999, 1e-8, 0.05, 1], clipValue: 0.2, clipNorm: 0.5 }],
  ['adamax', { hyper: [0.9, 0.999, 1e-8, 1e-3], clipNorm: 0.5 }],
  ['nadam', { hyper: [0.9, 0.999, 1e-8, 0.01, 0.004, 1] }],
  ['radam', { hyper: [0.9, 0.99, 1e-8, 0.01, 0], clipValue: 0.2 }],
];

describe.each(BACKENDS)('plan execution [$name]', ({ available, get }) => {
  describe.skipIf(!available)('train', () => {
    it.each(OPTIMIZERS)('train() equals computeGradients + clip + optimizerStep per step (%s)', async (name, extra) => {
      const { spec, arena } = buildPlan(baseModel(name, extra));
      const job = makeJob(spec, 5); // batches 1..5, the last one partial
      const manualArena = cloneArena(arena);
      const manual = manualTrain(get(), spec, manualArena, job);
      const result = await runTrain(get(), spec, arena, job);
      expect(result).toEqual({ stepsDone: 5, status: TrainStatus.ok });
      expect(manual.stepsDone).toBe(5);
      // Same kernels on both sides; only the clipping arithmetic differs (float64 here): 1e-5 relative.
      checkClose(arena.params, manualArena.params, { abs: 1e-6, rel: 1e-5 }, `${name}: params after 5 steps`);
      arena.slots.forEach((s, k) => checkClose(s, manualArena.slots[k], { abs: 1e-7, rel: 1e-5 }, `${name}: slot ${k}`));
      checkStatsRows(job.stats, manual.stats, 5, name);
    });

    it('a non-finite loss at step 2 stops with nonFiniteLoss, stepsDone 2, and that step not applied', async () => {
      // One infinite input, not NaN: relu(NaN) may legitimately give 0 (z > 0 ? z : 0), which would
      // hide a NaN from the loss and leave only the gradient non-finite. A single +Inf feature makes
      // Z1 = ±Inf (no Inf − Inf), relu keeps the +Inf units, and the logits become ±Inf/NaN.
      const { spec, arena } = buildPlan(baseModel('adam'));
      const job = makeJob(spec, 5);
      const badRow = job.order[(job.firstBatch + 2) * BATCH + 1];
      job.x[badRow * spec.inputWidth + 3] = Infinity;
      const before = cloneArena(arena);
      const result = await runTrain(get(), spec, arena, job);
      expect(result).toEqual({ stepsDone: 2, status: TrainStatus.nonFiniteLoss });
      const twoSteps = { ...makeJob(spec, 2), stats: new Float64Array(2 * STATS_WIDTH) };
      expect(await runTrain(get(), spec, before, twoSteps)).toEqual({ stepsDone: 2, status: TrainStatus.ok });
      checkClose(arena.params, before.params, { abs: 1e-7, rel: 1e-6 }, 'params = those after 2 good steps');
      arena.slots.forEach((s, k) => checkClose(s, before.slots[k], { abs: 1e-8, rel: 1e-6 }, `slot ${k} = after 2 good steps`));
      checkStatsRows(job.stats, twoSteps.stats, 2, 'stats of the 2 applied steps');
    });

    it('an infinite gradient with a finite loss at step 2 stops with nonFiniteGradient, step not applied', async () => {
      // x → dense(1, W1 = 1e-30) → dense(1, W2 = 1e10), mae. For x = 3e38 the forward stays finite
      // (Z2 ≈ 3e18, finite mae) but dW1 = Σ x·W2·sign/rows overflows float32. Steps 0–1 see x = 0.
      const desc: ModelDesc = { inputWidth: 1, layers: [{ kind: 'dense', units: 1 }, { kind: 'dense', units: 1 }], loss: 'mae', optimizer: 'sgd', hyper: [0, 0, 0, 0] };
      const { spec, arena } = buildPlan(desc);
      const [l1, l2] = spec.layers;
      arena.params[l1.kernel!.offset] = 1e-30;
      arena.params[l1.bias!.offset] = 0;
      arena.params[l2.kernel!.offset] = 1e10;
      arena.params[l2.bias!.offset] = 0;
      const job = makeJob(spec, 4, 0);
      job.lrs.fill(1e-12); // keeps the biases small during the good steps
      for (let i = 0; i < N; i++) job.x[job.order[i]] = i >= 2 * BATCH && i < 3 * BATCH ? 3e38 : 0;
      const before = cloneArena(arena);
      const result = await runTrain(get(), spec, arena, job);
      expect(result).toEqual({ stepsDone: 2, status: TrainStatus.nonFiniteGradient });
      expect(await runTrain(get(), spec, before, { ...makeJob(spec, 2, 0), x: job.x, lrs: job.lrs.subarray(0, 2) })).toEqual({ stepsDone: 2, status: TrainStatus.ok });
      checkClose(arena.params, before.params, { abs: 0, rel: 1e-6 }, 'params = those after 2 good steps');
    });

    it('the abort flag set before train() stops before the first step', async () => {
      const { spec, arena } = buildPlan(baseModel('adam'));
      const job = makeJob(spec, 3);
      Atomics.store(job.control, 0, 1);
      const params0 = arena.params.slice();
      expect(await runTrain(get(), spec, arena, job)).toEqual({ stepsDone: 0, status: TrainStatus.aborted });
      checkExact(arena.params, params0, 'params after an aborted chunk');
    });
  });

  describe.skipIf(!available)('inference', () => {
    const models: [string, ModelDesc][] = [
      ['sparse softmax', baseModel('adam')],
      [
        'binary sigmoid with penalties',
        {
          inputWidth: 4,
          layers: [
            { kind: 'dense', units: 7, activation: 'tanh', kernelPenalty: { l1: 0.01, l2: 0.01 } },
            { kind: 'dropout', rate: 0.5 },
            { kind: 'dense', units: 3, activation: 'sigmoid', biasPenalty: { l1: 0.1, l2: 0 } },
          ],
          loss: 'binaryCrossentropy',
        },
      ],
    ];
    // 23 rows from row 2: batches of 5, 5, 5, 5, 3 — not a multiple of the batch size.
    const [TOTAL, START, COUNT] = [30, 2, 23];

    it.each(models)('predict() and evaluate() match the reference in inference mode (%s)', async (name, desc) => {
      const { spec, arena } = buildPlan(desc);
      const { x, y } = makeData(spec, TOTAL, 9);
      const plan = get().createPlan(spec, arena, BATCH);
      try {
        const out = new Float32Array(COUNT * spec.outputWidth).fill(NaN);
        await plan.predict(x, START, COUNT, BATCH, out);
        const xs = x.subarray(START * spec.inputWidth);
        const ys = y.subarray(START * spec.labelWidth);
        const whole = refEvaluate(spec, arena.params, xs, ys, COUNT, null);
        // float32 forward of a 2-layer net: 1e-5 relative with a 1e-6 floor.
        checkClose(out, whole.output, { abs: 1e-6, rel: 1e-5 }, `${name}: predict`);

        const want = Float64Array.from({ length: STATS_WIDTH }, (_, i) => i + 1); // evaluate adds into stats
        for (let b = 0; b < COUNT; b += BATCH) {
          const rows = Math.min(BATCH, COUNT - b);
          const r = refEvaluate(spec, arena.params, xs.subarray(b * spec.inputWidth), ys.subarray(b * spec.labelWidth), rows, null);
          r.stats[Stat.regLossSum] = 0; // no penalty in evaluation
          r.stats.forEach((v, i) => (want[i] += v));
        }
        const stats = Float64Array.from({ length: STATS_WIDTH }, (_, i) => i + 1);
        await plan.evaluate(x, y, START, COUNT, BATCH, stats);
        checkStatsRows(stats, want, 1, `${name}: evaluate`);
      } finally {
        plan.dispose();
      }
    });
  });
});

describe.skipIf(!BOTH_AVAILABLE)('train() parity js vs native', () => {
  it.each(OPTIMIZERS)('5 steps from the same arena, data, order, lrs and seed (%s)', async (name, extra) => {
    const [js, native] = BACKENDS.map((b) => b.get());
    const { spec, arena } = buildPlan(baseModel(name, extra));
    const other = cloneArena(arena);
    const jobA = makeJob(spec, 5);
    const jobB = makeJob(spec, 5);
    expect(await runTrain(js, spec, arena, jobA)).toEqual({ stepsDone: 5, status: TrainStatus.ok });
    expect(await runTrain(native, spec, other, jobB)).toEqual({ stepsDone: 5, status: TrainStatus.ok });
    // Two float32 implementations with different summation orders, through 5 steps of an optimizer that
    // normalizes updates (adam divides by √v): 1e-4 relative with a 1e-5 floor.
    checkClose(other.params, arena.params, { abs: 1e-5, rel: 1e-4 }, `${name}: native vs js params`);
    other.slots.forEach((s, k) => checkClose(s, arena.slots[k], { abs: 1e-6, rel: 1e-4 }, `${name}: native vs js slot ${k}`));
    checkClose(jobB.stats, jobA.stats, { abs: 1e-5, rel: 1e-4 }, `${name}: native vs js stats`);
  });
});
