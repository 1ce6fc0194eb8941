// A batch of one row (predict on one sample) takes its own kernel in the packed variants (GemvFn, the
// m = 1 path of blocking.cc): its outputs must be the same floats as that row inside a larger batch, for
// the dense epilogue (bias, Z, every activation kind: in-register, per tile, softmax) and plain GEMM, on
// shapes with edge columns and with k past two KC blocks. .ci runs this once per forced kernel.

import { describe, it } from 'vitest';
import { Activation, type ActivationCode } from '../../../../src/backend/codes.js';
import { getBackend, nativeAvailable } from '../../../../src/backend/index.js';
import { Rng } from '../../../../src/util/rng.js';
import { checkBits } from '../../../helpers/check.js';

const random = (rng: Rng, n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());

// (k, n): one tile, edge columns (n % 16, n % 8), 64-column blocks plus tails, k > 2 KC for every variant
const SHAPES = [
  [1, 1],
  [7, 10],
  [33, 64],
  [100, 129],
  [784, 256],
  [257, 1031],
  [1100, 75],
  [2049, 40],
] as const;
const ACTS: [ActivationCode, number][] = [
  [Activation.linear, 0],
  [Activation.relu, 0],
  [Activation.leakyRelu, 0.2],
  [Activation.tanh, 0],
  [Activation.softmax, 0],
];
const BATCH = 7; // one full AVX2 tile of 6 rows and a 1-row edge tile

describe.skipIf(!nativeAvailable())('one-row GEMM and dense forward', () => {
  it('give the same floats as that row of a 7-row batch', () => {
    const b = getBackend('native');
    const rng = new Rng(11);
    for (const [k, n] of SHAPES) {
      const x = random(rng, BATCH * k);
      const w = random(rng, k * n);
      const bias = random(rng, n);
      const batchC = new Float32Array(BATCH * n);
      b.gemm(batchC, x, w, BATCH, n, k, false, false, 1, 0);
      for (const [act, param] of ACTS) {
        for (const withBias of [true, false]) {
          const out = new Float32Array(BATCH * n);
          const z = new Float32Array(BATCH * n);
          b.denseForward(out, z, x, w, withBias ? bias : null, BATCH, k, n, act, param);
          for (const r of [0, BATCH - 1]) {
            const oneOut = new Float32Array(n);
            const oneZ = new Float32Array(n);
            const xr = x.subarray(r * k, (r + 1) * k);
            b.denseForward(oneOut, oneZ, xr, w, withBias ? bias : null, 1, k, n, act, param);
            const label = `k ${k}, n ${n}, act ${act}, bias ${withBias}, row ${r}`;
            checkBits(oneOut, out.subarray(r * n, (r + 1) * n), `${label}: out`);
            checkBits(oneZ, z.subarray(r * n, (r + 1) * n), `${label}: z`);
          }
        }
      }
      const oneC = new Float32Array(n).fill(Number.NaN); // beta 0 overwrites
      b.gemm(oneC, x.subarray(0, k), w, 1, n, k, false, false, 1, 0);
      checkBits(oneC, batchC.subarray(0, n), `gemm k ${k}, n ${n}`);
    }
  });
});
