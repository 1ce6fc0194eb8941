// The test suite's own numeric oracles (test/helpers/check.ts): checkBits must be at least as strict as
// `toEqual` (which compares numbers with Object.is and requires the same array type) and say where it fails.

import { describe, expect, it } from 'vitest';
import { checkBits } from './check.js';

const f32Bits = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer);

describe('checkBits', () => {
  it('passes bit-identical arrays: typed (views at an offset too) and plain', () => {
    const a = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i));
    checkBits(a.slice(), a, 'f32');
    checkBits(new Float32Array(a.buffer, 4, 1000), a.slice(1), 'view');
    checkBits(Float64Array.of(1, -0, NaN), Float64Array.of(1, -0, NaN), 'f64');
    checkBits(Uint8Array.of(1, 2, 3).subarray(1), Uint8Array.of(2, 3), 'u8');
    checkBits([1, -0, NaN], [1, -0, NaN], 'plain');
  });

  it('fails on -0 vs +0, on different NaNs, on a different type or length (all stricter than or as strict as toEqual)', () => {
    expect(() => checkBits(Float32Array.of(1, -0), Float32Array.of(1, 0), 'zero')).toThrow(
      'zero: 1 of 2 elements differ in bits; first at [1]: actual -0 (0x80000000), expected 0 (0x00000000)',
    );
    expect(() => checkBits(f32Bits(0x7fc00001), f32Bits(0x7fc00000), 'nan')).toThrow(/nan: 1 of 1 .*actual NaN \(0x7fc00001\), expected NaN \(0x7fc00000\)/);
    expect(() => checkBits(Float64Array.of(0, 1, 2, 3), Float64Array.of(0, 1, 2.5, 3.5), 'f64')).toThrow(
      'f64: 2 of 4 elements differ in bits; first at [2]: actual 2 (0x4000000000000000), expected 2.5 (0x4004000000000000)',
    );
    expect(() => checkBits(Float32Array.of(1), Float64Array.of(1), 'type')).toThrow('type: a Float32Array but expected a Float64Array');
    expect(() => checkBits(Float32Array.of(1), [1], 'kind')).toThrow('kind: a Float32Array but expected a Array');
    expect(() => checkBits(Float32Array.of(1), Float32Array.of(1, 2), 'len')).toThrow('len: length 1 but expected 2');
    expect(() => checkBits([0, 1], [-0, 1], 'plain')).toThrow('plain: 1 of 2 elements differ; first at [0]: actual 0, expected -0');
    expect(() => checkBits(Int16Array.of(1, 2, 3), Int16Array.of(1, 2, 4), 'i16')).toThrow(/i16: 1 of 3 .*first at \[2\]: actual 3 \(0x0003\), expected 4 \(0x0004\)/);
  });
});
