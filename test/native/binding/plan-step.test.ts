// Plan.forwardStep / backwardStep (native/binding/plan_wrap.cc, native/train/step.cc), the step split
// around a custom loss: every argument is checked before memory is touched, backwardStep finishes only
// the forwardStep just before it, and the two halves with mse's gradient equal one fused train step.

import { describe, expect, it } from 'vitest';

import { Activation, LabelMode, LayerKind, Loss, LossFusion, Optimizer, STATS_WIDTH } from '../../../src/backend/codes.js';
import type { PlanSpec, StepBatch } from '../../../src/backend/contract.js';
import { nativeAvailable } from '../../../src/backend/index.js';
import { loadNativeBackend } from '../../../src/backend/native.js';
import { Arena, layoutTensors } from '../../../src/memory/arena.js';

function makePlan() {
  const { refs, paramCount } = layoutTensors([2, 1]);
  const spec: PlanSpec = {
    inputWidth: 2,
    outputWidth: 1,
    labelWidth: 1,
    layers: [{ kind: LayerKind.dense, inputs: 2, units: 1, activation: Activation.linear, activationParam: 0, rate: 0, kernel: refs[0], bias: refs[1], kernelPenalty: { l1: 0, l2: 0 }, biasPenalty: { l1: 0, l2: 0 } }],
    loss: { kind: Loss.mse, param: 0, fusion: LossFusion.none, labelMode: LabelMode.regression, threshold: 0.5 },
    optimizer: { kind: Optimizer.sgd, hyper: [0, 0, 0, 0], clipNorm: 0, clipValue: 0 },
    paramCount,
  };
  const arena = new Arena(paramCount, 1);
  arena.params.set([0.5, -0.25], refs[0].offset);
  return { arena, plan: loadNativeBackend().createPlan(spec, arena, 2) };
}

const x = Float32Array.of(1, 2, 3, 4);
const y = Float32Array.of(1, 0);
const batch = (over: Partial<StepBatch> = {}): StepBatch => ({
  x, y, weights: null, order: Uint32Array.of(1, 0), begin: 0, rows: 2, seed: 0, step: 0,
  out: new Float32Array(2), target: new Float32Array(2), rowWeights: null, ...over,
});

describe.skipIf(!nativeAvailable())('native Plan.forwardStep / backwardStep', () => {
  it('checks every argument', () => {
    const { plan } = makePlan();
    expect(() => plan.forwardStep(batch({ out: new Float32Array(1) }))).toThrow(/forwardStep: out/);
    expect(() => plan.forwardStep(batch({ order: Uint32Array.of(0, 7) }))).toThrow(/order\[1\] = 7 is not a row of x/);
    expect(() => plan.forwardStep(batch({ begin: 1 }))).toThrow(/run past the 2 rows of order/);
    expect(() => plan.forwardStep(batch({ weights: Float32Array.of(1, 1) }))).toThrow(/weights and weightsOut must both be given/);
    expect(() => plan.forwardStep(batch({ seed: -1 }))).toThrow(/seed/);
    const stats = new Float64Array(STATS_WIDTH);
    expect(() => plan.backwardStep(new Float32Array(2), 2, 0, 0.1, 0, stats, 0)).toThrow(/no forwardStep of 2 rows to finish/);
    plan.forwardStep(batch());
    expect(() => plan.backwardStep(new Float32Array(2), 1, 0, 0.1, 0, stats, 0)).toThrow(/no forwardStep of 1 rows/);
    expect(() => plan.backwardStep(new Float32Array(2), 2, 0, 0.1, 0, stats, 1)).toThrow(/stats/);
    expect(() => plan.backwardStep(new Float32Array(2), 2, 0, -1, 0, stats, 0)).toThrow(/lr must be a finite number >= 0/);
    plan.dispose();
  });

  it('with mse gradient gives the fused train step bit for bit; another call in between voids the forward pass', async () => {
    const fused = makePlan();
    const stats = new Float64Array(STATS_WIDTH);
    const job = { x, y, order: Uint32Array.of(1, 0), firstBatch: 0, steps: 1, batchSize: 2, lrs: Float32Array.of(0.1), globalStep: 0, seed: 0, stats, control: new Int32Array(1) };
    expect(await fused.plan.train(job)).toEqual({ stepsDone: 1, status: 0 });

    const split = makePlan();
    const b = batch();
    split.plan.forwardStep(b);
    expect(Array.from(b.target)).toEqual([0, 1]); // gathered by order
    const dOut = Float32Array.from(b.out, (p, r) => (2 * (p - b.target[r])) / 2);
    const loss = ((b.out[0] - b.target[0]) ** 2 + (b.out[1] - b.target[1]) ** 2) / 2;
    const stepStats = new Float64Array(2 * STATS_WIDTH);
    expect(split.plan.backwardStep(dOut, 2, loss, 0.1, 0, stepStats, 1)).toBe(0);
    expect(Array.from(split.arena.params)).toEqual(Array.from(fused.arena.params));
    expect(stepStats[STATS_WIDTH]).toBeCloseTo(stats[0], 6); // lossSum in row 1
    expect(stepStats[STATS_WIDTH + 2]).toBe(2); // rows

    split.plan.forwardStep(b);
    await split.plan.predict(x, 0, 2, 2, new Float32Array(2));
    expect(() => split.plan.backwardStep(dOut, 2, loss, 0.1, 1, stepStats, 0)).toThrow(/no forwardStep/);
    fused.plan.dispose();
    split.plan.dispose();
  });
});
