// Per-row loss weights in computeGradients and evaluate, on both backends: the weighted loss and its
// gradient against a float64 reference ((1/rows)·Σ_r w_r·loss_r, Keras's sum_over_batch_size) and
// central differences, every loss × fusion over odd row counts and widths; native against js; weights
// of 1 against no weights; and a weight of 2 against the row given twice.

import { describe, expect, it } from 'vitest';
import { LossFusion, STATS_WIDTH, Stat } from '../../../src/backend/codes.js';
import type { Backend, PlanSpec } from '../../../src/backend/contract.js';
import type { Arena } from '../../../src/memory/arena.js';
import { Rng } from '../../../src/util/rng.js';
import { BACKENDS, BOTH_AVAILABLE, buildPlan, cloneArena, makeData } from '../../helpers/backends.js';
import type { LayerDesc, ModelDesc } from '../../helpers/backends.js';
import { checkClose, checkScalar } from '../../helpers/check.js';
import { fdGrad, refForward, refLoss, refPenalty } from '../../helpers/reference.js';

type Vec = ArrayLike<number>;
const GRAD_TOL = { abs: 1e-4, rel: 2e-3 }; // as plan-gradients.test.ts: ~100× the float32 error

const out = (units: number, activation?: 'sigmoid' | 'softmax' | 'tanh'): LayerDesc => ({ kind: 'dense', units, activation });
const mlp = (layers: LayerDesc[], rest: Omit<ModelDesc, 'inputWidth' | 'layers'>): ModelDesc => ({ inputWidth: 5, layers: [{ kind: 'dense', units: 7, activation: 'tanh' }, ...layers], ...rest });
const CASES: { name: string; desc: ModelDesc }[] = [
  { name: 'mse', desc: mlp([out(3)], { loss: 'mse' }) },
  { name: 'mae', desc: mlp([out(3)], { loss: 'mae' }) },
  { name: 'huber', desc: mlp([out(5, 'tanh')], { loss: 'huber', lossParam: 0.5 }) },
  { name: 'bce unfused', desc: mlp([out(3, 'sigmoid')], { loss: 'binaryCrossentropy' }) },
  { name: 'bce fused sigmoid', desc: mlp([out(1)], { loss: 'binaryCrossentropy', fusion: 'sigmoid' }) },
  { name: 'cce unfused', desc: mlp([out(5, 'softmax')], { loss: 'categoricalCrossentropy' }) },
  { name: 'cce fused softmax', desc: mlp([out(5)], { loss: 'categoricalCrossentropy', fusion: 'softmax' }) },
  { name: 'sparse unfused', desc: mlp([out(3, 'softmax')], { loss: 'sparseCategoricalCrossentropy' }) },
  { name: 'sparse fused softmax', desc: mlp([out(7)], { loss: 'sparseCategoricalCrossentropy', fusion: 'softmax' }) },
];

/** Weights in [0, 3) with a zero and a one among them. */
function weightsFor(rows: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const w = Float32Array.from({ length: rows }, () => 3 * rng.uniform());
  w[0] = 0;
  if (rows > 1) w[1] = 1;
  return w;
}

/** (1/rows)·Σ_r w_r·loss_r + penalty in float64. */
function refWeightedTotal(spec: PlanSpec, params: Vec, x: Vec, y: Float32Array, w: Vec, rows: number): number {
  const f = refForward(spec, params, x, rows, null);
  const pred = spec.loss.fusion === LossFusion.none ? f.output : f.logits;
  const cols = spec.outputWidth;
  let s = 0;
  for (let r = 0; r < rows; r++) {
    s += w[r] * refLoss(pred.subarray(r * cols, (r + 1) * cols), y.subarray(r * spec.labelWidth, (r + 1) * spec.labelWidth), 1, cols, spec.loss);
  }
  return s / rows + refPenalty(spec, params);
}

function gradients(be: Backend, spec: PlanSpec, arena: Arena, x: Float32Array, y: Float32Array, rows: number, w?: Float32Array): { total: number; grads: Float32Array; stats: Float64Array } {
  const plan = be.createPlan(spec, arena, rows);
  try {
    const stats = new Float64Array(STATS_WIDTH);
    const total = plan.computeGradients(x, y, rows, false, 1, 0, stats, w);
    return { total, grads: arena.grads.slice(), stats };
  } finally {
    plan.dispose();
  }
}

describe.each(BACKENDS)('weighted loss [$name]', ({ available, get }) => {
  describe.skipIf(!available)('computeGradients and evaluate with weights', () => {
    for (const { name, desc } of CASES) {
      for (const rows of [1, 7, 13]) {
        it(`${name}, ${rows} rows: loss and gradients against float64 and finite differences`, () => {
          const { spec, arena } = buildPlan(desc);
          const { x, y } = makeData(spec, rows, 40 + rows);
          const w = weightsFor(rows, rows);
          const { total, grads, stats } = gradients(get(), spec, arena, x, y, rows, w);
          const want = refWeightedTotal(spec, arena.params, x, y, w, rows);
          checkScalar(total, want, { abs: 1e-6, rel: 1e-5 }, `${name}: weighted loss`);
          checkScalar(stats[Stat.lossSum] / rows + refPenalty(spec, arena.params), want, { abs: 1e-6, rel: 1e-5 }, `${name}: stats loss`);
          const fd = fdGrad((p) => refWeightedTotal(spec, p, x, y, w, rows), Float64Array.from(arena.params));
          checkClose(grads, fd, GRAD_TOL, `${name}: grads vs finite differences`);
        });
      }
      it(`${name}: evaluate weighs each row's loss and leaves the metrics unweighted`, async () => {
        const rows = 11;
        const { spec, arena } = buildPlan(desc);
        const { x, y } = makeData(spec, rows, 9);
        const w = weightsFor(rows, 3);
        const plan = get().createPlan(spec, arena, 4);
        try {
          const weighted = new Float64Array(STATS_WIDTH);
          const plain = new Float64Array(STATS_WIDTH);
          await plan.evaluate(x, y, 0, rows, 4, weighted, w);
          await plan.evaluate(x, y, 0, rows, 4, plain);
          const want = refWeightedTotal(spec, arena.params, x, y, w, rows) - refPenalty(spec, arena.params);
          checkScalar(weighted[Stat.lossSum] / weighted[Stat.rows], want, { abs: 1e-6, rel: 1e-5 }, `${name}: evaluate loss`);
          expect([weighted[Stat.accCorrect], weighted[Stat.binCorrect], weighted[Stat.sqErrSum]]).toEqual([plain[Stat.accCorrect], plain[Stat.binCorrect], plain[Stat.sqErrSum]]);
        } finally {
          plan.dispose();
        }
      });
    }

    it('a row of weight 2 gives (N+1)/N times the gradient of the data with that row twice', () => {
      // sum_over_batch_size divides by the row count: (1/N)(Σ loss + loss_k) vs (1/(N+1))(Σ loss + loss_k)
      const { spec, arena } = buildPlan(CASES[8].desc);
      const rows = 9;
      const { x, y } = makeData(spec, rows, 5);
      const w = new Float32Array(rows).fill(1);
      w[4] = 2;
      const xd = new Float32Array((rows + 1) * spec.inputWidth);
      xd.set(x);
      xd.set(x.subarray(4 * spec.inputWidth, 5 * spec.inputWidth), rows * spec.inputWidth);
      const yd = Float32Array.from([...y, y[4]]);
      const weighted = gradients(get(), spec, cloneArena(arena), x, y, rows, w).grads;
      const dup = gradients(get(), spec, cloneArena(arena), xd, yd, rows + 1).grads;
      checkClose(weighted, Float64Array.from(dup, (g) => (g * (rows + 1)) / rows), { abs: 1e-6, rel: 1e-5 }, 'weight 2 vs duplicated row');
    });
  });
});

describe.skipIf(!BOTH_AVAILABLE)('weighted loss: native against js', () => {
  for (const { name, desc } of CASES) {
    it(`${name}, 13 rows`, () => {
      const { spec, arena } = buildPlan(desc);
      const { x, y } = makeData(spec, 13, 77);
      const w = weightsFor(13, 8);
      const [js, native] = BACKENDS.map((b) => gradients(b.get(), spec, cloneArena(arena), x, y, 13, w));
      checkScalar(native.total, js.total, { abs: 1e-7, rel: 1e-6 }, `${name}: loss`);
      checkClose(native.grads, js.grads, { abs: 1e-6, rel: 1e-5 }, `${name}: grads`);
    });
  }
});
