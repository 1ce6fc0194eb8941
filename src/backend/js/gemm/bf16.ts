// bfloat16 rounding: the upper 16 bits of a float32 (8 exponent bits, 7 of mantissa), rounded to nearest
// even, as the native bf16 GEMM rounds its inputs (vcvtne2ps2bf16, or the emulated copies).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * x rounded to the nearest bfloat16 (ties to even), as a number. Infinities stay, a NaN stays a (quiet)
 * NaN, a finite value past bf16's largest rounds to ±Infinity.
 * @example roundBf16(1 + 2 ** -8) // 1 (a tie: 1 is even); roundBf16(1 + 3 * 2 ** -8) // 1.015625
 */
export function roundBf16(x: number): number {
  f32[0] = x;
  const u = u32[0];
  if ((u & 0x7fffffff) > 0x7f800000) u32[0] = (u | 0x00400000) & 0xffff0000;
  else u32[0] = (u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000;
  return f32[0];
}

