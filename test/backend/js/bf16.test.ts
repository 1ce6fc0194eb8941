// The js backend's bfloat16 emulation: roundBf16 against hand-worked bit patterns, and gemmBf16 as the
// float32 GEMM of inputs rounded beforehand (packing rounds each element once, so the two agree bit for bit).

import { describe, expect, it } from 'vitest';
import { roundBf16 } from '../../../src/backend/js/gemm/bf16.js';
import { gemm, gemmBf16 } from '../../../src/backend/js/gemm/gemm.js';
import { checkBits } from '../../helpers/check.js';
import { Rng } from '../../../src/util/rng.js';

const bits = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0];

describe('roundBf16', () => {
  it('keeps bf16 values and rounds to nearest, ties to even', () => {
    for (const v of [0, 1, -2, 0.5, 1.0078125, 3.3895313892515355e38]) expect(roundBf16(v)).toBe(v);
    expect(Object.is(roundBf16(-0), -0)).toBe(true);
    const ulp = 2 ** -7; // bf16's spacing in [1, 2)
    expect(roundBf16(1 + ulp / 2)).toBe(1); // tie, 1 is even
    expect(roundBf16(1 + 1.5 * ulp)).toBe(1 + 2 * ulp); // tie, 1 + ulp is odd
    expect(roundBf16(1 + ulp / 2 + 2 ** -20)).toBe(1 + ulp); // just past the tie
    expect(roundBf16(-(1 + 0.49 * ulp))).toBe(-1);
    expect(roundBf16(Math.PI)).toBe(3.140625);
  });

  it('leaves the low 16 bits zero, keeps infinities and NaN, overflows to infinity', () => {
    const rng = new Rng(5);
    for (let i = 0; i < 1000; i++) {
      const x = Math.fround((rng.uniform() - 0.5) * 2 ** (rng.uniform() * 60 - 30));
      const r = roundBf16(x);
      expect(bits(r) & 0xffff).toBe(0);
      expect(Math.abs(r - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -8);
    }
    expect(roundBf16(Infinity)).toBe(Infinity);
    expect(roundBf16(-Infinity)).toBe(-Infinity);
    expect(roundBf16(NaN)).toBeNaN();
    expect(roundBf16(3.4028234663852886e38)).toBe(Infinity); // float32 max is past bf16's largest + half an ulp
  });
});

describe('gemmBf16', () => {
  it('equals gemm on inputs rounded to bf16 first, for every transpose case and block edge', () => {
    const rng = new Rng(11);
    const fill = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    for (const [m, n, k] of [[1, 1, 1], [7, 13, 33], [65, 5, 300]] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = fill(m * k);
          const b = fill(k * n);
          const c0 = fill(m * n);
          const c = c0.slice();
          gemmBf16(c, a, b, m, n, k, transA, transB, 0.5, 0.25);
          const want = c0.slice();
          gemm(want, a.map(roundBf16), b.map(roundBf16), m, n, k, transA, transB, 0.5, 0.25);
          checkBits(c, want, `${m}x${n}x${k} transA=${transA} transB=${transB}`);
          // and it is not the float32 product (bf16 really rounds)
          const fp32 = c0.slice();
          gemm(fp32, a, b, m, n, k, transA, transB, 0.5, 0.25);
          expect(fp32.some((v, i) => v !== c[i])).toBe(true);
        }
      }
    }
  });
});
