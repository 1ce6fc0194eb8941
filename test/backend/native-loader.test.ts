// The native addon's loader and boundary: it loads (also in worker threads), reports its kernel, rejects
// every bad argument with a TypeError/RangeError instead of crashing, decodes and validates plans, and its
// RNG matches src/util/rng.ts. Numeric parity with the js backend lives in test/backend/conformance/.

import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

import { Activation, LabelMode, LayerKind, Loss, LossFusion, Optimizer, PlanField, Precision, STATS_WIDTH, Stat, TrainStatus } from '../../src/backend/codes.js';
import type { LayerSpec, PlanSpec } from '../../src/backend/contract.js';
import { PLAN_HEADER, PLAN_LAYER_WIDTH, encodePlan, loadNativeAddon, loadNativeBackend } from '../../src/backend/native.js';
import { checkAddonCodes, SHARED_CODES } from '../../src/backend/shared-codes.js';
import { Arena, layoutTensors } from '../../src/memory/arena.js';
import { Rng, stepRng } from '../../src/util/rng.js';
import { ShapeError } from '../../src/util/errors.js';
import { packageRoot } from '../../src/util/package-info.js';
import { transpiled } from '../helpers/transpiled.js';

const addon = loadNativeAddon();
const require = createRequire(import.meta.url);
const addonPath = (require('node-gyp-build') as { path(dir: string): string }).path(packageRoot());

const f32 = (n: number, fill = 0) => new Float32Array(n).fill(fill);
function random(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1);
}

/** A dense stack (widths[0] -> ... -> widths.at(-1)) with mse and sgd, plus its arena. */
function densePlan(widths: number[], optimizer: { kind: number; hyper: number[] } = { kind: Optimizer.sgd, hyper: [0, 0, 0, 0] }) {
  const lengths = widths.slice(1).flatMap((units, i) => [widths[i] * units, units]);
  const { refs, paramCount } = layoutTensors(lengths);
  const layers: LayerSpec[] = widths.slice(1).map((units, i) => ({
    kind: LayerKind.dense,
    inputs: widths[i],
    units,
    activation: i === widths.length - 2 ? Activation.linear : Activation.tanh,
    activationParam: 0,
    rate: 0,
    kernel: refs[2 * i],
    bias: refs[2 * i + 1],
    kernelPenalty: { l1: 0, l2: 0 },
    biasPenalty: { l1: 0, l2: 0 },
  }));
  const out = widths[widths.length - 1];
  const spec: PlanSpec = {
    inputWidth: widths[0],
    outputWidth: out,
    labelWidth: out,
    layers,
    loss: { kind: Loss.mse, param: 0, fusion: LossFusion.none, labelMode: LabelMode.regression, threshold: 0.5 },
    optimizer: { kind: optimizer.kind as PlanSpec['optimizer']['kind'], hyper: optimizer.hyper, clipNorm: 0, clipValue: 0 },
    paramCount,
  };
  const slotCount = optimizer.kind === Optimizer.adam ? 3 : 1;
  const arena = new Arena(paramCount, slotCount);
  arena.params.set(random(paramCount, 7).map((v) => v * 0.5));
  return { spec, arena };
}

describe('native addon: loading', () => {
  it('loads and reports its kernel', () => {
    const info = loadNativeBackend().info();
    expect(info.name).toBe('native');
    expect(info.threads).toBeGreaterThanOrEqual(1); // the CPUs this process may use, or NNTRAIN_THREADS
    expect(addon.info().kernels.split(', ')).toContain(info.kernel);
    expect(addon.info().napiVersion).toBe(8);
  });

  it('exports the same numbering as TypeScript (checked by the loader), and codes() ignores extra arguments', () => {
    expect(() => checkAddonCodes(SHARED_CODES, addon.codes())).not.toThrow();
    expect(JSON.parse(JSON.stringify(addon.codes()))).toEqual(JSON.parse(JSON.stringify(SHARED_CODES)));
    expect((addon.codes as (...args: unknown[]) => unknown)(1, 'x')).toEqual(addon.codes());
  });

  it('honours NNTRAIN_KERNEL and rejects an unknown one at load', () => {
    const probe = `console.log(require(${JSON.stringify(addonPath)}).info().kernel)`;
    const run = (kernel: string) =>
      execFileSync(process.execPath, ['-e', probe], { env: { ...process.env, NNTRAIN_KERNEL: kernel }, encoding: 'utf8', stdio: 'pipe' }).trim();
    expect(run('ref')).toBe('ref');
    expect(run('simple')).toBe('simple');
    expect(() => run('bogus')).toThrow(/Unknown NNTRAIN_KERNEL 'bogus'/);
  });

  it('binding.gyp and CMakeLists.txt compile the same sources with the same flags', () => {
    const out = execFileSync(process.execPath, ['scripts/check-build-sources.mjs'], { cwd: packageRoot(), encoding: 'utf8' });
    expect(out).toMatch(/binding\.gyp and CMakeLists\.txt agree/);
  });

  it('turns a failed load into a BackendError with possible solutions', () => {
    const code = [
      `import { loadNativeBackend } from '${pathToFileURL(transpiled('src/backend/native.ts')).href}';`,
      'try { loadNativeBackend(); } catch (e) { console.log(e.name + "|" + e.code + "|" + e.message); }',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: packageRoot(),
      env: { ...process.env, NNTRAIN_KERNEL: 'bogus' },
      encoding: 'utf8',
    });
    expect(out).toContain('BackendError|ERR_NNTRAIN_BACKEND|');
    expect(out).toContain("Unknown NNTRAIN_KERNEL 'bogus'");
    expect(out).toContain('npm rebuild nntrain');
    expect(out).toContain('NNTRAIN_BACKEND=js');
  });

  it('loads in two worker threads at once and computes a gemm in each', async () => {
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const lib = require(workerData.path);
      const { m, n, k, seed } = workerData;
      const a = new Float32Array(m * k).map((_, i) => ((i * 7 + seed) % 11) - 5);
      const b = new Float32Array(k * n).map((_, i) => ((i * 3 + seed) % 13) - 6);
      const c = new Float32Array(workerData.sab, workerData.offset * 4, m * n);
      lib.gemm(c, a, b, m, n, k, false, false, 1, 0);
      parentPort.postMessage(lib.info().kernel);`;
    const m = 17, n = 13, k = 29;
    const sab = new SharedArrayBuffer(2 * m * n * 4);
    const run = (seed: number, offset: number) =>
      new Promise<string>((resolve, reject) => {
        const worker = new Worker(source, { eval: true, workerData: { path: addonPath, m, n, k, seed, sab, offset } });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    const kernels = await Promise.all([run(1, 0), run(2, m * n)]);
    expect(kernels).toEqual([addon.info().kernel, addon.info().kernel]);
    for (const [seed, offset] of [[1, 0], [2, m * n]]) {
      const a = new Float32Array(m * k).map((_, i) => ((i * 7 + seed) % 11) - 5);
      const b = new Float32Array(k * n).map((_, i) => ((i * 3 + seed) % 13) - 6);
      const expected = f32(m * n);
      addon.gemmRef(expected, a, b, m, n, k, false, false, 1, 0);
      expect(new Float32Array(sab, offset * 4, m * n)).toEqual(expected); // small integers: exact
    }
  });
});

describe('native addon: kernels at the boundary', () => {
  it('gemm matches the reference for all transpose cases, odd shapes, alpha and beta', () => {
    for (const [m, n, k] of [[1, 1, 1], [7, 13, 5], [17, 3, 31], [2, 19, 0]]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = random(m * k, m + k);
          const b = random(k * n, n + k + 1);
          const c0 = random(m * n, 3);
          const got = c0.slice();
          const want = c0.slice();
          addon.gemm(got, a, b, m, n, k, transA, transB, 0.75, 0.5);
          addon.gemmRef(want, a, b, m, n, k, transA, transB, 0.75, 0.5);
          for (let i = 0; i < m * n; i++) expect(got[i]).toBeCloseTo(want[i], 5);
        }
      }
    }
  });

  it('gemm with beta = 0 overwrites NaN in C', () => {
    const c = f32(4, NaN);
    addon.gemm(c, Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 0, 0, 1), 2, 2, 2, false, false, 1, 0);
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
  });

  it('every entry rejects wrong types, too-short arrays and bad codes with TypeError/RangeError', () => {
    const x = f32(64);
    const cases: [string, () => unknown, ErrorConstructor][] = [
      ['gemm arity', () => (addon.gemm as (...a: unknown[]) => void)(x), TypeError],
      ['gemm type', () => addon.gemm(new Float64Array(4) as unknown as Float32Array, x, x, 2, 2, 2, false, false, 1, 0), TypeError],
      ['gemm short', () => addon.gemm(f32(3), x, x, 2, 2, 2, false, false, 1, 0), RangeError],
      ['gemm dim', () => addon.gemm(x, x, x, -1, 2, 2, false, false, 1, 0), RangeError],
      ['gemm fraction', () => addon.gemm(x, x, x, 1.5, 2, 2, false, false, 1, 0), RangeError],
      ['gemm bool', () => addon.gemm(x, x, x, 2, 2, 2, 0 as unknown as boolean, false, 1, 0), TypeError],
      ['gemmRef short', () => addon.gemmRef(x, f32(1), x, 2, 2, 2, false, false, 1, 0), RangeError],
      ['denseForward short weight', () => addon.denseForward(x, null, x, f32(5), null, 2, 3, 2, 0, 0), RangeError],
      ['denseForward bias type', () => addon.denseForward(x, null, x, x, [1, 2] as unknown as Float32Array, 2, 3, 2, 0, 0), TypeError],
      ['denseForward act', () => addon.denseForward(x, null, x, x, null, 2, 3, 2, Object.keys(Activation).length, 0), RangeError],
      ['denseBackward short dinp', () => addon.denseBackward(f32(5), x, null, x, x, x, x, x, x, 2, 3, 2, 0, 0, false), RangeError],
      ['denseBackward flag', () => addon.denseBackward(null, x, null, x, x, x, x, x, x, 2, 3, 2, 0, 0, 1 as unknown as boolean), TypeError],
      ['activationForward short', () => addon.activationForward(f32(5), x, 2, 3, 1, 0), RangeError],
      ['activationBackward type', () => addon.activationBackward(x, x, 'x' as unknown as Float32Array, x, 2, 3, 1, 0), TypeError],
      ['lossForward short target', () => addon.lossForward(x, f32(5), 2, 3, Loss.mse, 0, LossFusion.none), RangeError],
      ['lossForward code', () => addon.lossForward(x, x, 2, 3, 6 as never, 0, LossFusion.none), RangeError],
      ['lossBackward fusion', () => addon.lossBackward(x, x, x, 2, 3, Loss.mse, 0, 3 as never), RangeError],
      ['lossForward sigmoid fusion, sparse target', () => addon.lossForward(x, f32(2), 2, 3, Loss.sparseCategoricalCrossentropy, 0, LossFusion.sigmoid), RangeError],
      ['lossBackward softmax fusion, mse', () => addon.lossBackward(x, x, x, 2, 3, Loss.mse, 0, LossFusion.softmax), RangeError],
      ['optimizerStep slots', () => addon.optimizerStep(x, x, [], 4, Optimizer.adam, new Float64Array(8), 0.1, 1), RangeError],
      ['optimizerStep slot type', () => addon.optimizerStep(x, x, [x, x, new Float64Array(4) as unknown as Float32Array], 4, Optimizer.adam, new Float64Array(8), 0.1, 1), TypeError],
      ['optimizerStep code', () => addon.optimizerStep(x, x, [x, x, x], 4, Object.keys(Optimizer).length as never, new Float64Array(8), 0.1, 1), RangeError],
      ['optimizerStep nadam one slot', () => addon.optimizerStep(x, x, [x], 4, Optimizer.nadam, new Float64Array(8), 0.1, 1), RangeError],
      ['optimizerStep short slot', () => addon.optimizerStep(x, x, [f32(2)], 4, Optimizer.sgd, new Float64Array(8), 0.1, 1), RangeError],
      ['optimizerStep hyper', () => addon.optimizerStep(x, x, [x], 4, Optimizer.sgd, new Float64Array(9), 0.1, 1), RangeError],
      ['optimizerStep step 0', () => addon.optimizerStep(x, x, [x], 4, Optimizer.sgd, new Float64Array(8), 0.1, 0), RangeError],
      ['sumSquares short', () => addon.sumSquares(f32(2), 3), RangeError],
      ['rngFill seed', () => addon.rngFill(new Float64Array(2), -1, 0, 0), RangeError],
      ['cacheLineShift arity', () => (addon.cacheLineShift as (...a: unknown[]) => number)(), TypeError],
      ['cacheLineShift type', () => addon.cacheLineShift(new Float64Array(4) as unknown as Float32Array), TypeError],
    ];
    for (const [label, call, type] of cases) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error, label).toBeInstanceOf(type);
    }
  });

  it('accepts Float32Array views over a SharedArrayBuffer at an offset', () => {
    const sab = new SharedArrayBuffer(64);
    const x = new Float32Array(sab, 16, 3);
    x.set([1, 2, 3]);
    expect(addon.sumSquares(x, 3)).toBe(14);
  });

  it('cacheLineShift finds the first 64-byte boundary of a view, and a native model\'s arena starts every region on one', async () => {
    const buf = new Float32Array(64);
    const shift = addon.cacheLineShift(buf);
    expect(Number.isInteger(shift) && shift >= 0 && shift < 16).toBe(true);
    expect(addon.cacheLineShift(buf.subarray(shift))).toBe(0);
    expect(addon.cacheLineShift(buf.subarray(shift + 1))).toBe(15);
    expect(addon.cacheLineShift(buf.subarray(shift + 12))).toBe(4);

    const backend = loadNativeBackend();
    const arena = new Arena(48, 3, (view) => backend.cacheLineShift(view)); // paramCount from layoutTensors: whole lines
    for (const region of [arena.params, arena.grads, ...arena.slots]) expect(addon.cacheLineShift(region)).toBe(0);
    expect(arena.withSlots(1).slots.map((s) => addon.cacheLineShift(s))).toEqual([0]);
    expect(() => new Arena(40, 0, () => 16)).toThrow(RangeError);
    // the shift is applied whatever the buffer's own alignment
    expect(new Arena(48, 1, () => 5).grads.byteOffset).toBe((5 + 48) * 4);

    const { Sequential, layers, optimizers } = await import('../../src/index.js');
    const model = new Sequential({ backend: 'native' });
    model.add(layers.dense({ units: 3, inputShape: [5] }));
    model.build();
    expect(addon.cacheLineShift(model.params)).toBe(0);
    model.compile({ optimizer: optimizers.adam(), loss: 'mse' });
    expect(addon.cacheLineShift(model.params)).toBe(0);
  });

  it('the adapter throws ShapeError on mismatched lengths', () => {
    const backend = loadNativeBackend();
    expect(() => backend.gemm(f32(3), f32(4), f32(4), 2, 2, 2, false, false, 1, 0)).toThrow(ShapeError);
  });

  it('draws the same random numbers as src/util/rng.ts', () => {
    for (const [seed, step] of [[0, 0], [42, 7], [0xffffffff, 123456]]) {
      const uints = new Float64Array(64);
      const uniforms = new Float64Array(64);
      const normals = new Float64Array(64);
      addon.rngFill(uints, seed, step, 2);
      addon.rngFill(uniforms, seed, step, 0);
      addon.rngFill(normals, seed, step, 1);
      const [r1, r2, r3] = [stepRng(seed, step), stepRng(seed, step), stepRng(seed, step)];
      for (let i = 0; i < 64; i++) {
        expect(uints[i]).toBe(r1.nextUint32());
        expect(uniforms[i]).toBe(r2.uniform());
        expect(normals[i]).toBeCloseTo(r3.normal(), 12); // libm vs V8 may differ in the last ulp
      }
    }
  });
});

describe('native addon: plans', () => {
  it('encodes a plan as header + 19 doubles per layer', () => {
    const { spec } = densePlan([3, 4, 2]);
    const encoded = encodePlan(spec);
    expect(encoded.length).toBe(PLAN_HEADER + 2 * PLAN_LAYER_WIDTH);
    expect(Array.from(encoded.subarray(0, 6))).toEqual([2, 3, 2, 2, spec.paramCount, 2]);
    expect(encoded[PlanField.trainableCount]).toBe(spec.paramCount); // trainableCount: all of it
    expect(encoded[PlanField.precision]).toBe(Precision.fp32);
    expect(encodePlan({ ...spec, precision: Precision.bf16 })[PlanField.precision]).toBe(Precision.bf16);
    expect(encoded[PLAN_HEADER + PLAN_LAYER_WIDTH + 6]).toBe(spec.layers[1].kernel?.offset);
  });

  it('rejects inconsistent plans with RangeError', () => {
    const { spec, arena } = densePlan([3, 4, 2]);
    const good = encodePlan(spec);
    const make = (mutate: (d: Float64Array) => void, slots = arena.slots) => {
      const d = good.slice();
      mutate(d);
      return () => new addon.Plan(d, arena.params, arena.grads, slots, 8);
    };
    const L = PLAN_HEADER;
    const bad: [string, () => unknown][] = [
      ['short', () => new addon.Plan(good.subarray(0, 10), arena.params, arena.grads, arena.slots, 8)],
      ['length vs layer count', make((d) => (d[5] = 3))],
      ['version', make((d) => (d[0] = 1))],
      ['trainableCount beyond paramCount', make((d) => (d[PlanField.trainableCount] = spec.paramCount + 16))],
      ['kernel past trainableCount', make((d) => (d[PlanField.trainableCount] = 0))],
      ['precision code', make((d) => (d[PlanField.precision] = 2))],
      ['fractional precision', make((d) => (d[PlanField.precision] = 0.5))],
      ['width chain', make((d) => (d[L + PLAN_LAYER_WIDTH + 1] = 5))],
      ['output width', make((d) => (d[2] = 3))],
      ['kernel offset out of range', make((d) => (d[L + 6] = spec.paramCount))],
      ['kernel length', make((d) => (d[L + 7] = 11))],
      ['fractional offset', make((d) => (d[L + 6] = 0.5))],
      ['activation code', make((d) => (d[L + 3] = 42))],
      ['optimizer code', make((d) => (d[11] = 9))],
      ['paramCount beyond the arena', make((d) => (d[4] = spec.paramCount + 64))],
      ['missing slots', make(() => undefined, [])],
      ['dropout rate', make((d) => { d[L] = LayerKind.dropout; d[L + 2] = 3; d[L + 6] = -1; d[L + 8] = -1; d[L + 5] = 1; })],
      ['sigmoid fusion with mse', make((d) => (d[8] = LossFusion.sigmoid))],
      // found by fuzz/plan_decode.cc: the fused loss read the pre-activation a relu layer does not keep
      ['softmax fusion after relu', make((d) => { d[6] = Loss.categoricalCrossentropy; d[8] = LossFusion.softmax; d[L + PLAN_LAYER_WIDTH + 3] = Activation.relu; })],
    ];
    for (const [label, create] of bad) expect(create, label).toThrow(RangeError);
    expect(make((d) => { d[6] = Loss.categoricalCrossentropy; d[8] = LossFusion.softmax; })).not.toThrow(); // linear last: logits
    expect(() => new addon.Plan(good, f32(1), arena.grads, arena.slots, 8)).toThrow(RangeError);
    expect(() => new addon.Plan(good, arena.params, arena.grads, arena.slots, 0)).toThrow(RangeError);
  });

  it('trains a small regression, writes stats rows and keeps the plan usable', async () => {
    const { spec, arena } = densePlan([3, 5, 1]);
    const backend = loadNativeBackend();
    const plan = backend.createPlan(spec, arena, 8);
    const N = 37;
    const x = random(N * 3, 11);
    const y = new Float32Array(N).map((_, r) => 0.5 * x[3 * r] - 0.25 * x[3 * r + 1] + 0.1);
    const order = Uint32Array.from({ length: N }, (_, i) => (i * 5) % N);
    const stats = new Float64Array(5 * STATS_WIDTH);
    const control = new Int32Array(new SharedArrayBuffer(4));
    const before = new Float64Array(STATS_WIDTH);
    await plan.evaluate(x, y, 0, N, 10, before);
    let globalStep = 0;
    for (let epoch = 0; epoch < 40; epoch++) {
      const result = await plan.train({ x, y, order, firstBatch: 0, steps: 5, batchSize: 8, lrs: f32(5, 0.2), globalStep, seed: 1, stats, control });
      expect(result).toEqual({ stepsDone: 5, status: TrainStatus.ok });
      globalStep += 5;
    }
    expect(stats[4 * STATS_WIDTH + Stat.rows]).toBe(N - 4 * 8); // the last, short batch
    expect(stats[Stat.errCount]).toBe(8);
    const after = new Float64Array(STATS_WIDTH);
    await plan.evaluate(x, y, 0, N, 10, after);
    expect(after[Stat.rows]).toBe(N);
    expect(after[Stat.lossSum] / N).toBeLessThan(0.2 * (before[Stat.lossSum] / N));

    const out = f32(N);
    await plan.predict(x, 0, N, 4, out);
    const sq = out.reduce((s, v, i) => s + (v - y[i]) ** 2, 0);
    expect(sq).toBeCloseTo(after[Stat.sqErrSum], 3);

    const gStats = new Float64Array(STATS_WIDTH);
    const loss = plan.computeGradients(x, y, N, false, 0, 0, gStats);
    expect(loss).toBeCloseTo(after[Stat.lossSum] / N, 5);
    expect(arena.grads.some((g) => g !== 0)).toBe(true);
    plan.dispose();
  });

  it('stops on abort, on a non-finite loss without applying the step, and refuses overlapping calls', async () => {
    const { spec, arena } = densePlan([2, 1]);
    const plan = loadNativeBackend().createPlan(spec, arena, 4);
    const x = random(8, 3);
    const y = random(4, 4);
    const job = { x, y, order: Uint32Array.of(0, 1, 2, 3), firstBatch: 0, steps: 2, batchSize: 2, lrs: f32(2, 0.1), globalStep: 0, seed: 0, stats: new Float64Array(2 * STATS_WIDTH), control: new Int32Array(1) };

    Atomics.store(job.control, 0, 1);
    expect(await plan.train(job)).toEqual({ stepsDone: 0, status: TrainStatus.aborted });
    job.control[0] = 0;

    const bad = x.slice();
    bad[2] = NaN; // row 1, in the first batch
    const paramsBefore = arena.params.slice();
    expect(await plan.train({ ...job, x: bad })).toEqual({ stepsDone: 0, status: TrainStatus.nonFiniteLoss });
    expect(arena.params).toEqual(paramsBefore);

    const running = plan.train(job);
    expect(() => plan.computeGradients(x, y, 2, false, 0, 0, new Float64Array(STATS_WIDTH))).toThrow(/busy/);
    await running;
    await expect(plan.train({ ...job, order: Uint32Array.of(0, 9, 2, 3) })).rejects.toThrow(RangeError);
    await expect(plan.train({ ...job, steps: 3, lrs: f32(3), stats: new Float64Array(30) })).rejects.toThrow(RangeError);
    plan.dispose();
    await expect(plan.train(job)).rejects.toThrow(/disposed/);
  });
});
