// bf16 plans (PlanSpec.precision = bf16: every GEMM rounds its inputs to bfloat16, accumulates in float32)
// on every backend that runs them here: one dense layer against a float64 reference on the rounded inputs
// (bound: float32 accumulation only, so both backends round exactly the same values, to nearest even);
// computeGradients against float64 finite differences of the unrounded model, with a bound derived from
// bf16's precision; and js against native on a deeper model.

import { describe, expect, it } from 'vitest';
import { Precision, STATS_WIDTH } from '../../../src/backend/codes.js';
import type { Backend, PlanSpec } from '../../../src/backend/contract.js';
import { BackendError } from '../../../src/util/errors.js';
import { layers, matrix, optimizers, Rng, Sequential } from '../../../src/index.js';
import { getBackend, nativeAvailable } from '../../../src/backend/index.js';
import { roundBf16 } from '../../../src/backend/js/gemm/bf16.js';
import { BACKENDS, buildPlan, makeData } from '../../helpers/backends.js';
import type { ModelDesc } from '../../helpers/backends.js';
import { nativeBf16Runs } from '../../helpers/bf16.js';
import { checkClose, checkWithin, maxAbs, maxAbsDiff } from '../../helpers/check.js';
import { fdParamGrad, refEvaluate, refForward } from '../../helpers/reference.js';

const runs = (name: 'js' | 'native') => name === 'js' || nativeBf16Runs();
const bf16 = (spec: PlanSpec): PlanSpec => ({ ...spec, precision: Precision.bf16 });
const F32_EPS = 2 ** -24;

/** Gradients of `rows` rows in one call (training mode off: no dropout or noise draws). */
function gradients(be: Backend, spec: PlanSpec, params: Float32Array, x: Float32Array, y: Float32Array, rows: number): Float32Array {
  const { arena } = buildPlan(DEEP);
  arena.params.set(params);
  const plan = be.createPlan(spec, arena, rows);
  try {
    plan.computeGradients(x, y, rows, false, 1, 1, new Float64Array(STATS_WIDTH));
    return arena.grads.slice(0, spec.paramCount);
  } finally {
    plan.dispose();
  }
}

const DEEP: ModelDesc = {
  inputWidth: 13,
  layers: [
    { kind: 'dense', units: 11, activation: 'tanh' },
    { kind: 'dense', units: 9, activation: 'gelu' },
    { kind: 'dense', units: 5, activation: 'softmax' },
  ],
  loss: 'categoricalCrossentropy',
  fusion: 'softmax',
};

describe.each(BACKENDS)('bf16 plans [$name]', ({ name, available, get }) => {
  describe.skipIf(!available || !runs(name))('rounding and gradients', () => {
    it('one dense layer equals the float64 product of the bf16-rounded inputs up to float32 accumulation', async () => {
      const desc: ModelDesc = { inputWidth: 70, layers: [{ kind: 'dense', units: 37 }], loss: 'mse' };
      const { spec, arena } = buildPlan(desc);
      const rows = 9;
      const { x } = makeData(spec, rows, 3);
      const plan = get().createPlan(bf16(spec), arena, rows);
      const out = new Float32Array(rows * 37);
      try {
        await plan.predict(x, 0, rows, rows, out);
      } finally {
        plan.dispose();
      }
      const kernel = spec.layers[0].kernel!;
      const rounded = Float64Array.from(arena.params.subarray(0, spec.paramCount), (v, i) => (i >= kernel.offset && i < kernel.offset + kernel.length ? roundBf16(v) : v));
      const xr = Float64Array.from(x, roundBf16);
      const want = refForward(spec, rounded, xr, rows, null).output;
      const absRef = refForward(spec, rounded.map(Math.abs), xr.map(Math.abs), rows, null).output; // Σ|a·w| + |b|
      // k = 70 float32 additions (and the bias): at most (k + 2)·2^-24 of Σ|a·w|
      checkWithin(out, want, (i) => 72 * F32_EPS * absRef[i], 'bf16 dense vs float64 on rounded inputs');
      // and not the float32 product: bf16 rounding changes the outputs by far more than that bound
      const fp32 = refForward(spec, arena.params, x, rows, null).output;
      expect(out.some((v, i) => Math.abs(v - fp32[i]) > 72 * F32_EPS * absRef[i])).toBe(true);
    });

    /**
     * Gradient bound: a product of two bf16-rounded values is within 2·2^-9 + 2^-18 ≈ 2^-8 of the exact one,
     * so each GEMM output moves by at most 2^-8·Σ|a·b|; a gradient passes through at most 5 GEMMs here (3
     * forward, 2 backward), each adding such an error relative to the values it sums, and cancellation makes
     * small entries relatively worse. So: 5·2^-8 ≈ 2% of the largest gradient as the floor plus 2% relative
     * (float32 checks use 2e-3: bf16 is 2^16 times coarser, but errors add up as a random walk, not
     * worst-case). It still fails on a wrong factor (1/rows, 2·l2) or a missing activation derivative.
     */
    it('computeGradients matches float64 finite differences of the unrounded model within bf16 precision', () => {
      const { spec, arena } = buildPlan(DEEP);
      const rows = 6;
      const { x, y } = makeData(spec, rows, 21);
      const g = gradients(get(), bf16(spec), arena.params, x, y, rows);
      const fd = fdParamGrad(spec, arena.params, x, y, rows, null);
      const scale = maxAbs(fd);
      checkWithin(g, fd, (i) => 0.02 * scale + 0.02 * Math.abs(fd[i]), 'bf16 grads vs finite differences');
      const ref = refEvaluate(spec, arena.params, x, y, rows, null);
      expect(Number.isFinite(ref.total)).toBe(true);
      // bf16 really is in effect: float32 gradients differ from these far beyond float32 rounding
      const g32 = gradients(get(), spec, arena.params, x, y, rows);
      checkClose(g32, fd, { abs: 1e-4, rel: 2e-3 }, 'fp32 grads vs finite differences');
      expect(g.some((v, i) => Math.abs(v - g32[i]) > 1e-3 * scale)).toBe(true);
    });
  });
});

describe.skipIf(!runs('native'))('bf16: js and native agree', () => {
  /**
   * Both round the same first-layer inputs; later layers' inputs differ by float32 vs float64 accumulation
   * (~2^-20 relative), which now and then moves a value across a bf16 rounding boundary: one element off by
   * one bf16 step (2^-8 relative). The bound allows such steps (2^-6 of the largest gradient), a tenth of the
   * finite-difference bound above.
   */
  it('computeGradients of a 3-layer model', () => {
    const { spec, arena } = buildPlan(DEEP);
    const rows = 11;
    const { x, y } = makeData(spec, rows, 8);
    const js = gradients(getBackend('js'), bf16(spec), arena.params, x, y, rows);
    const native = gradients(getBackend('native'), bf16(spec), arena.params, x, y, rows);
    checkWithin(native, js, () => 2 ** -6 * maxAbs(js), 'native vs js bf16 grads');
  });

  /**
   * The normalization kernels run in float32/float64 on both backends; only the dense GEMMs round to bf16. A
   * few steps of training and the predictions after them stay within the same bound: one bf16 step (2^-8
   * relative) here and there, 2^-6 of the largest value. The running statistics are among the params. And bf16
   * is in effect: the native fp32 run of the same model predicts otherwise (here ~1e-3 apart, js/native ~1e-7).
   */
  it('a model with batchNormalization trains and predicts', async () => {
    const rng = new Rng(12);
    const rows = 48;
    const x = matrix(Float32Array.from({ length: rows * 10 }, () => rng.normal()), 10);
    const y = Float32Array.from({ length: rows }, (_, r) => r % 4);
    const run = async (backend: 'js' | 'native', precision: 'fp32' | 'bf16' = 'bf16') => {
      const model = new Sequential({ seed: 3, backend });
      model.add(layers.dense({ units: 16, useBias: false, inputShape: [10] }));
      model.add(layers.batchNormalization());
      model.add(layers.activation({ activation: 'relu' }));
      model.add(layers.dense({ units: 4, activation: 'softmax' }));
      model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', precision });
      const history = await model.fit(x, y, { epochs: 2, batchSize: 16, seed: 1, verbose: 0 });
      const out = (await model.predict(x)).data;
      const params = model.params.slice();
      model.dispose();
      return { loss: history.history.loss, out, params };
    };
    const js = await run('js');
    const native = await run('native');
    expect(js.params.every(Number.isFinite) && js.out.every(Number.isFinite)).toBe(true);
    expect(native.loss.at(-1)).toBeLessThan(native.loss[0]);
    checkWithin(native.params, js.params, () => 2 ** -6 * maxAbs(js.params), 'native vs js bf16 batchNorm params');
    checkWithin(native.out, js.out, () => 2 ** -6 * maxAbs(js.out), 'native vs js bf16 batchNorm predictions');
    const fp32 = await run('native', 'fp32');
    expect(maxAbsDiff(native.out, fp32.out)).toBeGreaterThan(1e-4);
  });
});

describe.skipIf(!nativeAvailable())('bf16: where the native backend runs it', () => {
  // without AVX512_BF16 the emulated GEMM would be slower than fp32: it runs only when asked for by name
  it('createPlan refuses a bf16 plan with a BackendError unless the CPU has AVX512_BF16 or NNTRAIN_KERNEL_BF16=emulated', () => {
    const { spec, arena } = buildPlan(DEEP);
    const create = () => getBackend('native').createPlan(bf16(spec), arena, 4).dispose();
    if (nativeBf16Runs()) {
      expect(create).not.toThrow();
    } else {
      expect(create).toThrow(BackendError);
      expect(create).toThrow(/precision 'bf16' needs a CPU with AVX512_BF16.*NNTRAIN_KERNEL_BF16=emulated/);
    }
    expect(() => getBackend('native').createPlan(spec, arena, 4).dispose()).not.toThrow(); // fp32 always runs
  });
});
