// Gradient checks of whole plans: PlanHandle.computeGradients (float32) against float64 central differences
// of the reference loss (data loss + penalty) over every parameter, for tiny models covering every
// layer kind × activation × loss × fusion, dropout and Gaussian noise in training mode (masks and noise
// re-drawn from stepRng(seed, step) as the contract specifies), batch and layer normalization, L1/L2
// penalties, batch 1 and batch 5.
// The stats row and the returned total loss are checked against the reference as well.

import { describe, it } from 'vitest';
import { Activation, STATS_WIDTH, Stat } from '../../../src/backend/codes.js';
import type { ActivationName } from '../../../src/backend/codes.js';
import type { Backend } from '../../../src/backend/contract.js';
import { BACKENDS, buildPlan, makeData } from '../../helpers/backends.js';
import type { LayerDesc, ModelDesc } from '../../helpers/backends.js';
import { checkClose, checkExact, checkScalar } from '../../helpers/check.js';
import { drawStepNoise, fdParamGrad, refEvaluate } from '../../helpers/reference.js';

const ACTIVATIONS = Object.keys(Activation) as ActivationName[];
// Non-default alphas so that a backend ignoring activationParam fails.
const ALPHA: Partial<Record<ActivationName, number>> = { leakyRelu: 0.2, elu: 0.7 };
const hidden = (units: number, activation: ActivationName): LayerDesc => ({ kind: 'dense', units, activation, param: ALPHA[activation] });
const SEED = 77;
const STEP = 3;

/**
 * Gradient tolerance: float32 forward/backward of these tiny nets is accurate to ~1e-6 relative and the
 * float64 differences (h = 1e-6) to ~1e-9, so relative 2e-3 with an absolute floor of 1e-4 is ~100× the
 * expected error, yet fails on any wrong factor (1/rows, 2·l2, alpha) or wrong derivative. The checked
 * vector spans the whole grads region: alignment padding must hold 0 (grads are zeroed, then filled).
 */
const GRAD_TOL = { abs: 1e-4, rel: 2e-3 };

/** Stats: sums of float32 losses/errors to 1e-5 relative; row and accuracy counts exactly. */
function checkStats(stats: Float64Array, want: Float64Array, label: string): void {
  for (const k of [Stat.lossSum, Stat.regLossSum, Stat.absErrSum, Stat.sqErrSum] as const) {
    checkScalar(stats[k], want[k], { abs: 1e-5, rel: 1e-5 }, `${label}: stats[${k}]`);
  }
  const counts = [Stat.rows, Stat.accCorrect, Stat.accCount, Stat.binCorrect, Stat.binCount, Stat.errCount] as const;
  checkExact(
    counts.map((k) => stats[k]),
    counts.map((k) => want[k]),
    `${label}: stats counts [rows, accCorrect, accCount, binCorrect, binCount, errCount]`,
  );
}

function gradcheck(be: Backend, desc: ModelDesc, rows: number, training: boolean, label: string, maxBatch = rows): void {
  const { spec, arena } = buildPlan(desc);
  const { x, y } = makeData(spec, rows, 1000 + rows);
  const plan = be.createPlan(spec, arena, maxBatch);
  try {
    arena.grads.fill(123); // computeGradients zeroes first
    const stats = new Float64Array(STATS_WIDTH).fill(NaN); // and writes the whole row
    const params0 = arena.params.slice();
    const total = plan.computeGradients(x, y, rows, training, SEED, STEP, stats);
    const noise = training ? drawStepNoise(spec, rows, SEED, STEP) : null;
    const ref = refEvaluate(spec, arena.params, x, y, rows, noise);
    const fd = fdParamGrad(spec, arena.params, x, y, rows, noise);
    checkScalar(total, ref.total, { abs: 1e-6, rel: 1e-5 }, `${label}: returned loss (data + penalty)`);
    checkClose(arena.grads, fd, GRAD_TOL, `${label}: grads vs finite differences`);
    checkStats(stats, ref.stats, label);
    checkExact(arena.params, params0, `${label}: params modified`);
  } finally {
    plan.dispose();
  }
}

interface Case {
  name: string;
  desc: ModelDesc;
  training?: boolean;
  /** Batch sizes to check. Default [1, 5]. */
  rows?: number[];
}

const mlp = (layers: LayerDesc[], rest: Omit<ModelDesc, 'inputWidth' | 'layers'> = { loss: 'mse' }): ModelDesc => ({ inputWidth: 3, layers, ...rest });

const CASES: Case[] = [
  // Dense with each activation, in a 3-5-3-2 model (both hidden layers) under mse.
  ...ACTIVATIONS.map((a) => ({ name: `dense ${a} 3-5-3-2 mse`, desc: mlp([hidden(5, a), hidden(3, a), { kind: 'dense', units: 2 }]) })),
  // An activation layer with each activation: 3-5-act-2.
  ...ACTIVATIONS.map((a) => ({ name: `activation layer ${a}`, desc: mlp([{ kind: 'dense', units: 5 }, { kind: 'activation', activation: a, param: ALPHA[a] }, { kind: 'dense', units: 2 }]) })),
  // Every loss × fusion at the output of a 3-4-k model.
  { name: 'mse, linear output', desc: mlp([hidden(4, 'tanh'), { kind: 'dense', units: 2 }]) },
  { name: 'mae, linear output', desc: mlp([hidden(4, 'tanh'), { kind: 'dense', units: 2 }], { loss: 'mae' }) },
  { name: 'huber δ=0.5, tanh output', desc: mlp([hidden(4, 'relu'), hidden(2, 'tanh')], { loss: 'huber', lossParam: 0.5 }) },
  { name: 'huber δ=1, linear output', desc: mlp([hidden(4, 'gelu'), { kind: 'dense', units: 3 }], { loss: 'huber', lossParam: 1 }) },
  { name: 'bce unfused, sigmoid output', desc: mlp([hidden(4, 'tanh'), hidden(2, 'sigmoid')], { loss: 'binaryCrossentropy' }) },
  { name: 'bce fused sigmoid, sigmoid output', desc: mlp([hidden(4, 'tanh'), hidden(2, 'sigmoid')], { loss: 'binaryCrossentropy', fusion: 'sigmoid' }) },
  { name: 'bce fused sigmoid from logits (linear output)', desc: mlp([hidden(4, 'tanh'), { kind: 'dense', units: 2 }], { loss: 'binaryCrossentropy', fusion: 'sigmoid' }) },
  { name: 'bce unfused, sigmoid activation layer', desc: mlp([hidden(4, 'elu'), { kind: 'dense', units: 2 }, { kind: 'activation', activation: 'sigmoid' }], { loss: 'binaryCrossentropy' }) },
  { name: 'cce unfused, softmax output', desc: mlp([hidden(4, 'tanh'), hidden(3, 'softmax')], { loss: 'categoricalCrossentropy' }) },
  { name: 'cce fused softmax, softmax output', desc: mlp([hidden(4, 'tanh'), hidden(3, 'softmax')], { loss: 'categoricalCrossentropy', fusion: 'softmax' }) },
  { name: 'cce fused softmax from logits', desc: mlp([hidden(4, 'silu'), { kind: 'dense', units: 3 }], { loss: 'categoricalCrossentropy', fusion: 'softmax' }) },
  { name: 'cce unfused, softmax activation layer', desc: mlp([hidden(4, 'tanh'), { kind: 'dense', units: 3 }, { kind: 'activation', activation: 'softmax' }], { loss: 'categoricalCrossentropy' }) },
  { name: 'sparse cce unfused, softmax output', desc: mlp([hidden(4, 'relu'), hidden(3, 'softmax')], { loss: 'sparseCategoricalCrossentropy' }) },
  { name: 'sparse cce fused softmax, softmax output', desc: mlp([hidden(4, 'softplus'), hidden(3, 'softmax')], { loss: 'sparseCategoricalCrossentropy', fusion: 'softmax' }) },
  { name: 'sparse cce fused softmax from logits', desc: mlp([hidden(4, 'tanh'), { kind: 'dense', units: 3 }], { loss: 'sparseCategoricalCrossentropy', fusion: 'softmax' }) },
  { name: 'mse with onehot label mode (accuracy by argmax)', desc: mlp([hidden(4, 'tanh'), { kind: 'dense', units: 3 }], { loss: 'mse', labelMode: 'onehot' }) },
  // Dropout and Gaussian noise, training (masks/noise from stepRng) and inference (identity).
  ...[true, false].map((training) => ({
    name: `dropout + noise, training=${training}`,
    training,
    desc: mlp([hidden(5, 'relu'), { kind: 'dropout', rate: 0.3 }, hidden(4, 'tanh'), { kind: 'gaussianNoise', stddev: 0.2 }, hidden(3, 'softmax')], { loss: 'categoricalCrossentropy', fusion: 'softmax' }),
  })),
  {
    name: 'input dropout then input noise, training',
    training: true,
    desc: mlp([{ kind: 'dropout', rate: 0.5 }, { kind: 'gaussianNoise', stddev: 0.5 }, hidden(4, 'sigmoid'), { kind: 'dense', units: 2 }]),
  },
  {
    name: 'two dropouts and noise after softmax, training',
    training: true,
    desc: mlp([hidden(5, 'gelu'), { kind: 'dropout', rate: 0.1 }, { kind: 'dropout', rate: 0.6 }, hidden(3, 'linear'), { kind: 'gaussianNoise', stddev: 1 }, { kind: 'dense', units: 2 }], { loss: 'huber', lossParam: 0.7 }),
  },
  {
    // rate 0 / stddev 0 still draw one number per element (the contract draws per element, layer by
    // layer), so the later layers' masks and noise stay aligned with stepRng.
    name: 'dropout rate 0 and noise stddev 0 still consume their draws, training',
    training: true,
    desc: mlp([{ kind: 'dropout', rate: 0 }, { kind: 'gaussianNoise', stddev: 0 }, hidden(4, 'tanh'), { kind: 'dropout', rate: 0.5 }, { kind: 'gaussianNoise', stddev: 0.3 }, { kind: 'dense', units: 2 }]),
  },
  // Penalties (parameters are at |w| >= 0.05 by construction, away from L1's kink at 0).
  {
    name: 'L1/L2 penalties on kernels and biases',
    desc: mlp([
      { kind: 'dense', units: 5, activation: 'tanh', kernelPenalty: { l1: 0.01, l2: 0 }, biasPenalty: { l1: 0, l2: 0.02 } },
      { kind: 'dense', units: 3, activation: 'relu', kernelPenalty: { l1: 0, l2: 0.05 }, biasPenalty: { l1: 0.03, l2: 0 } },
      { kind: 'dense', units: 2, kernelPenalty: { l1: 0.02, l2: 0.01 }, biasPenalty: { l1: 0.01, l2: 0.01 } },
    ]),
  },
  {
    name: 'penalties without bias, sparse fused output',
    desc: mlp(
      [
        { kind: 'dense', units: 4, activation: 'elu', useBias: false, kernelPenalty: { l1: 0.05, l2: 0.05 } },
        { kind: 'dense', units: 3, activation: 'softmax', useBias: false, kernelPenalty: { l1: 0, l2: 0.1 } },
      ],
      { loss: 'sparseCategoricalCrossentropy', fusion: 'softmax' },
    ),
  },
  // Normalization: gamma, beta and the input gradient through the batch statistics (training), the
  // running statistics (inference), or each row's statistics (layerNorm, also on one row).
  ...[true, false].map((training) => ({
    name: `dense → batchNorm → relu → dense → layerNorm → softmax, training=${training}`,
    training,
    rows: training ? [2, 5] : [1, 5],
    desc: mlp([{ kind: 'dense', units: 5 }, { kind: 'batchNorm', momentum: 0.3, epsilon: 1e-3 }, { kind: 'activation', activation: 'relu' }, { kind: 'dense', units: 4 }, { kind: 'layerNorm', epsilon: 1e-4 }, hidden(3, 'softmax')], {
      loss: 'categoricalCrossentropy',
      fusion: 'softmax',
    }),
  })),
  { name: 'batchNorm and layerNorm on the inputs (no input gradient), training', training: true, rows: [3], desc: mlp([{ kind: 'batchNorm' }, { kind: 'layerNorm' }, hidden(4, 'tanh'), { kind: 'dense', units: 2 }]) },
  { name: 'layerNorm after dropout, training', training: true, desc: mlp([hidden(6, 'gelu'), { kind: 'dropout', rate: 0.3 }, { kind: 'layerNorm' }, { kind: 'dense', units: 2 }], { loss: 'huber', lossParam: 0.5 }) },
];

describe.each(BACKENDS)('computeGradients vs float64 finite differences [$name]', ({ available, get }) => {
  describe.skipIf(!available)('tiny models', () => {
    it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
      for (const rows of c.rows ?? [1, 5]) gradcheck(get(), c.desc, rows, c.training ?? false, `${c.name} batch ${rows}`);
    });

    it('a batch larger than maxBatch grows the scratch and still differentiates correctly', () => {
      const c = CASES.find((k) => k.name.startsWith('dropout + noise, training=true'))!;
      gradcheck(get(), c.desc, 7, true, 'maxBatch 2, rows 7', 2);
    });
  });
});
