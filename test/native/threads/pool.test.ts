// The native backend's thread pool: results do not depend on the thread count (GEMM splits only C's M/N
// tiles, each element computed by one thread in the same k order; the optimizer splits the arena into
// contiguous ranges; batch and layer normalization split whole columns or rows), so GEMMs, fused dense
// layers and whole training runs are bit-identical with 1, 2, 3 threads and the default. Also: setThreads validation, info().threads, and two models training at
// once on one pool (the second region finds the pool busy and runs serially, never deadlocks).

import { afterAll, describe, expect, it } from 'vitest';
import { Activation, type ActivationName } from '../../../src/backend/codes.js';
import { getBackend, nativeAvailable } from '../../../src/backend/index.js';
import { loadNativeAddon } from '../../../src/backend/native.js';
import { floatsOnCacheLine } from '../../../src/memory/arena.js';
import { ConfigError, layers, optimizers, Rng, Sequential, setThreads, type Optimizer } from '../../../src/index.js';
import { nativeBf16Runs } from '../../helpers/bf16.js';
import { checkBits, checkClose } from '../../helpers/check.js';

const NATIVE = nativeAvailable();
const SKIP_REASON = 'skipped: the native addon is not built here (npm run build:native)';
const DEFAULT_THREADS = NATIVE ? getBackend('native').info().threads : 1;
/** Thread counts compared; 'default' is the count the addon started with (the CPUs, or NNTRAIN_THREADS). */
const COUNTS = [1, 2, 3, DEFAULT_THREADS];

const random = (rng: Rng, n: number) => {
  const x = new Float32Array(n); // a plain loop: Float32Array.from with a map function is several times slower
  for (let i = 0; i < n; i++) x[i] = rng.uniform() * 2 - 1;
  return x;
};

/** Runs fn once per thread count and returns its outputs; restores the default count afterwards. */
function perThreadCount<T>(fn: () => T): T[] {
  try {
    return COUNTS.map((n) => {
      setThreads(n);
      return fn();
    });
  } finally {
    setThreads(DEFAULT_THREADS);
  }
}

describe('setThreads validation (any backend)', () => {
  it.each([0, -1, 1.5, 257, NaN, Infinity, '2', null])('rejects %s with a ConfigError', (n) => {
    expect(() => setThreads(n as number)).toThrow(ConfigError);
    expect(() => setThreads(n as number)).toThrow(/Expected integer in \[1, 256\] for threads/);
  });

  it('the js backend accepts 1 and rejects more (it is single-threaded)', () => {
    const js = getBackend('js');
    js.setThreads(1);
    expect(js.info().threads).toBe(1);
    expect(() => js.setThreads(2)).toThrow(ConfigError);
  });
});

describe.skipIf(!NATIVE)(`native thread pool${NATIVE ? '' : ` (${SKIP_REASON})`}`, () => {
  afterAll(() => setThreads(DEFAULT_THREADS));

  it('info().threads reports the current count; the default is at least 1', () => {
    const be = getBackend('native');
    expect(DEFAULT_THREADS).toBeGreaterThanOrEqual(1);
    if (process.env.NNTRAIN_THREADS) expect(DEFAULT_THREADS).toBe(Number(process.env.NNTRAIN_THREADS));
    be.setThreads(3);
    expect(be.info().threads).toBe(3);
    setThreads(1);
    expect(be.info().threads).toBe(1);
    setThreads(DEFAULT_THREADS);
    expect(be.info().threads).toBe(DEFAULT_THREADS);
  });

  it('the addon itself rejects a bad count with a RangeError, and the backend with a ConfigError', () => {
    const addon = loadNativeAddon();
    for (const n of [0, 257, 2.5]) expect(() => addon.setThreads(n)).toThrow(RangeError);
    expect(() => getBackend('native').setThreads(0)).toThrow(ConfigError);
    expect(getBackend('native').info().threads).toBe(DEFAULT_THREADS);
  });

  // Odd shapes around the tile sizes, big enough to be split (and a few small ones that are not)
  const SHAPES: [number, number, number][] = [
    [131, 257, 199],
    [128, 256, 784],
    [784, 256, 128],
    [7, 301, 513],
    [300, 5, 700],
    [97, 97, 1030],
    [301, 33, 1100], // column tasks over more than 2·MC rows and several k blocks (row tasks when A is transposed)
    [517, 131, 259], // column tasks over more than 2·MC rows, A read in place
    [301, 600, 1030], // more than 2·MC rows whose column tasks would overflow L2: row tasks
    [300, 10, 1024], // one panel of B: A read in place by row tasks, rows 4 KB apart
    [128, 10, 1024],
    [13, 17, 19],
  ];
  const TRANSPOSES: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

  it.each(SHAPES)('gemm (%i x %i x %i), every transpose and beta: bit-identical for 1, 2, 3 and default threads', (m, n, k) => {
    const be = getBackend('native');
    const addon = loadNativeAddon();
    const rng = new Rng(m * 7 + n * 3 + k);
    const a = random(rng, m * k);
    const b = random(rng, k * n);
    const c0 = random(rng, m * n);
    for (const [tA, tB] of TRANSPOSES) {
      for (const beta of [0, 0.5]) {
        const outs = perThreadCount(() => {
          const c = c0.slice();
          be.gemm(c, a, b, m, n, k, tA, tB, 1.25, beta);
          return c;
        });
        const label = `gemm ${m}x${n}x${k} tA=${tA} tB=${tB} beta=${beta}`;
        outs.slice(1).forEach((out, i) => checkBits(out, outs[0], `${label}, ${COUNTS[i + 1]} threads vs 1`));
        const ref = c0.slice();
        addon.gemmRef(ref, a, b, m, n, k, tA, tB, 1.25, beta);
        checkClose(outs[0], ref, 1e-4 * Math.sqrt(k), label);
      }
    }
  });

  // Small m with B stored (k,n): read in place when its rows are 32-byte aligned, else packed; the
  // kernels do the same float operations either way
  it.each([
    [32, 256, 784],
    [64, 136, 300],
    [48, 48, 1100],
  ])('gemm (%i x %i x %i), B read in place (on a cache line) and packed (16 bytes past one): bit-identical, for every thread count', (m, n, k) => {
    const be = getBackend('native');
    const addon = loadNativeAddon();
    const rng = new Rng(m + n + k);
    const a = random(rng, m * k);
    const b = random(rng, k * n);
    const place = (past: number) => {
      const placed = floatsOnCacheLine(b.length, (view) => addon.cacheLineShift(view), past);
      placed.set(b);
      return placed;
    };
    for (const tA of [false, true]) {
      const outs = [0, 4].flatMap((past) => {
        const placed = place(past);
        return perThreadCount(() => {
          const c = new Float32Array(m * n);
          be.gemm(c, a, placed, m, n, k, tA, false, 1, 0);
          return c;
        });
      });
      // outs: B on a cache line for each thread count, then B 16 bytes past one for each
      const names = [0, 4].flatMap((past) => COUNTS.map((n) => `B ${past * 4} bytes past a cache line, ${n} threads`));
      outs.slice(1).forEach((out, i) => checkBits(out, outs[0], `gemm ${m}x${n}x${k} tA=${tA}: ${names[i + 1]} vs ${names[0]}`));
    }
  });

  const ACTS: ActivationName[] = ['linear', 'relu', 'leakyRelu', 'elu', 'tanh', 'sigmoid', 'gelu', 'softmax'];

  // the second shape is big enough for dZ and the bias gradient to be split by columns
  const DENSE_CASES = ACTS.flatMap((act) => [[act, 67, 301, 129] as const, [act, 128, 40, 200] as const]);

  it.each(DENSE_CASES)('denseForward/denseBackward with %s, B=%i C=%i OC=%i (bias and activation fused): bit-identical across thread counts, close to js', (act, B, C, OC) => {
    const be = getBackend('native');
    const js = getBackend('js');
    const rng = new Rng(31);
    const inp = random(rng, B * C);
    const w = random(rng, C * OC).map((v) => v * 0.1);
    const bias = random(rng, OC);
    const dout = random(rng, B * OC);
    const code = Activation[act];
    const param = act === 'leakyRelu' ? 0.3 : act === 'elu' ? 1.1 : 0;
    const run = (backend: typeof be) => {
      const out = new Float32Array(B * OC);
      const pre = new Float32Array(B * OC);
      backend.denseForward(out, pre, inp, w, bias, B, C, OC, code, param);
      const dinp = new Float32Array(B * C);
      const dw = new Float32Array(C * OC).fill(0.5);
      const db = new Float32Array(OC).fill(0.25);
      backend.denseBackward(dinp, dw, db, new Float32Array(B * OC), dout, inp, w, pre, out, B, C, OC, code, param, false);
      return { out, pre, dinp, dw, db };
    };
    const outs = perThreadCount(() => run(be));
    outs.slice(1).forEach((o, i) => {
      for (const key of ['out', 'pre', 'dinp', 'dw', 'db'] as const) checkBits(o[key], outs[0][key], `${act} ${key}, ${COUNTS[i + 1]} threads vs 1`);
    });
    const ref = run(js);
    for (const key of ['out', 'pre', 'dinp', 'dw', 'db'] as const) checkClose(outs[0][key], ref[key], 2e-4, `${act} ${key}`);
  });

  /** A model with GEMMs and an arena big enough to be split over threads; returns the trained params. */
  async function trainModel(seed: number, epochs = 2, optimizer: Optimizer = optimizers.adam({ learningRate: 1e-3 }), gelu: 'gelu' | 'geluTanh' = 'gelu', precision: 'fp32' | 'bf16' = 'fp32'): Promise<Float32Array> {
    const rng = new Rng(seed);
    const rows = 301; // the last batch of 64 has 45 rows
    const x = random(rng, rows * 97);
    const y = Float32Array.from({ length: rows }, () => rng.int(7));
    const model = new Sequential({ seed, backend: 'native' });
    model.add(layers.dense({ units: 300, activation: 'tanh', inputShape: [97] }));
    model.add(layers.dropout({ rate: 0.1 }));
    model.add(layers.dense({ units: 129, activation: 'leakyRelu' }));
    model.add(layers.dense({ units: 61, activation: gelu }));
    model.add(layers.dense({ units: 7, activation: 'softmax' }));
    model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', precision });
    await model.fit({ data: x, rows, cols: 97 }, y, { epochs, batchSize: 64, seed, verbose: 0 });
    const params = model.params.slice();
    model.dispose();
    return params;
  }

  it('a whole training run gives bit-identical params with 1, 2, 3 and default threads', async () => {
    const results: Float32Array[] = [];
    try {
      for (const n of COUNTS) {
        setThreads(n);
        results.push(await trainModel(9));
      }
    } finally {
      setThreads(DEFAULT_THREADS);
    }
    expect(results[0].every(Number.isFinite)).toBe(true);
    results.slice(1).forEach((r, i) => checkBits(r, results[0], `params, ${COUNTS[i + 1]} threads vs 1`));
  });

  it('batch and layer normalization train to bit-identical params (running statistics included) with 1, 2, 3 and default threads', async () => {
    // batches of 128: 128 × 300 batchNorm and 128 × 129 layerNorm elements are split over the pool
    const run = async () => {
      const rng = new Rng(4);
      const rows = 301;
      const x = random(rng, rows * 97);
      const y = Float32Array.from({ length: rows }, () => rng.int(7));
      const model = new Sequential({ seed: 4, backend: 'native' });
      model.add(layers.dense({ units: 300, useBias: false, inputShape: [97] }));
      model.add(layers.batchNormalization());
      model.add(layers.activation({ activation: 'relu' }));
      model.add(layers.dense({ units: 129 }));
      model.add(layers.layerNormalization());
      model.add(layers.dense({ units: 7, activation: 'softmax' }));
      model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy' });
      await model.fit({ data: x, rows, cols: 97 }, y, { epochs: 2, batchSize: 128, seed: 4, verbose: 0 });
      const out = await model.predict({ data: x.subarray(0, 97 * 128), rows: 128, cols: 97 });
      const params = model.params.slice();
      model.dispose();
      return { params, out: out.data };
    };
    const results: { params: Float32Array; out: Float32Array }[] = [];
    try {
      for (const n of COUNTS) {
        setThreads(n);
        results.push(await run());
      }
    } finally {
      setThreads(DEFAULT_THREADS);
    }
    expect(results[0].params.every(Number.isFinite)).toBe(true);
    results.slice(1).forEach((r, i) => {
      checkBits(r.params, results[0].params, `params, ${COUNTS[i + 1]} threads vs 1`);
      checkBits(r.out, results[0].out, `predictions, ${COUNTS[i + 1]} threads vs 1`);
    });
  });

  it.skipIf(!nativeBf16Runs())('a bf16 training run gives bit-identical params with 1, 2, 3 and default threads', async () => {
    const results: Float32Array[] = [];
    try {
      for (const n of COUNTS) {
        setThreads(n);
        results.push(await trainModel(9, 1, undefined, 'gelu', 'bf16'));
      }
    } finally {
      setThreads(DEFAULT_THREADS);
    }
    expect(results[0].every(Number.isFinite)).toBe(true);
    results.slice(1).forEach((r, i) => checkBits(r, results[0], `bf16 params, ${COUNTS[i + 1]} threads vs 1`));
  });

  // 10 steps over ~77k parameters (split over threads): radam takes both its SGD-like (t ≤ 5) and rectified steps
  it.each([
    ['adamax', () => optimizers.adamax({ weightDecay: 1e-3 })],
    ['nadam', () => optimizers.nadam({ weightDecay: 1e-3, decoupledWeightDecay: true })],
    ['radam', () => optimizers.radam({ weightDecay: 1e-3 })],
  ] as const)('a training run with %s and geluTanh gives bit-identical params with 1, 2, 3 and default threads', async (_name, make) => {
    const results: Float32Array[] = [];
    try {
      for (const n of COUNTS) {
        setThreads(n);
        results.push(await trainModel(9, 2, make(), 'geluTanh'));
      }
    } finally {
      setThreads(DEFAULT_THREADS);
    }
    expect(results[0].every(Number.isFinite)).toBe(true);
    results.slice(1).forEach((r, i) => checkBits(r, results[0], `params, ${COUNTS[i + 1]} threads vs 1`));
  });

  it('two models training at once share the pool (the busy one runs serially) and match training alone', async () => {
    setThreads(2);
    try {
      const alone = [await trainModel(5, 3), await trainModel(6, 3)];
      const together = await Promise.all([trainModel(5, 3), trainModel(6, 3)]);
      checkBits(together[0], alone[0], 'seed 5: params trained together vs alone');
      checkBits(together[1], alone[1], 'seed 6: params trained together vs alone');
    } finally {
      setThreads(DEFAULT_THREADS);
    }
  });
});
