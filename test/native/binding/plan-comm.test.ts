// Plan.train's comm argument (native/binding/plan_wrap.cc): anything but the MPI addon's type-tagged
// communicator is refused with a TypeError before memory is touched; without comm the plan trains as
// always. The runs with a real communicator are in test/training/distributed/mpirun.mpi.test.ts.

import { describe, expect, it } from 'vitest';

import { Activation, LabelMode, LayerKind, Loss, LossFusion, Optimizer, STATS_WIDTH } from '../../../src/backend/codes.js';
import type { PlanSpec } from '../../../src/backend/contract.js';
import { loadNativeBackend } from '../../../src/backend/native.js';
import { Arena, layoutTensors } from '../../../src/memory/arena.js';

describe('native Plan.train with comm', () => {
  it('rejects anything but the MPI addon communicator with a TypeError, and trains without one', async () => {
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
    const plan = loadNativeBackend().createPlan(spec, arena, 2);
    const job = {
      x: Float32Array.of(1, 2, 3, 4),
      y: Float32Array.of(1, 0),
      order: Uint32Array.of(0, 1),
      firstBatch: 0,
      steps: 1,
      batchSize: 2,
      lrs: Float32Array.of(0.1),
      globalStep: 0,
      seed: 0,
      stats: new Float64Array(STATS_WIDTH),
      control: new Int32Array(1),
    };
    for (const handle of [{}, 42, 'comm', new Float32Array(8), () => 0]) {
      await expect(plan.train({ ...job, comm: { handle, lastStepRows: 2 } })).rejects.toThrow(/comm must be the communicator of nntrain's MPI addon/);
    }
    expect(arena.params.every((v) => v === 0)).toBe(true);
    expect(await plan.train(job)).toEqual({ stepsDone: 1, status: 0 });
    expect(arena.params.some((v) => v !== 0)).toBe(true);
    plan.dispose();
  });
});
