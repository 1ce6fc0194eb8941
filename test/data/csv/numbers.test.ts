// Float parsing is exact: every value is Math.fround(Number(text)) bit for bit (native and JS), over many
// random numbers in every notation, including halfway cases between two float32 values and long
// mantissas that need the slow path.

import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../src/index.js';
import { parseFloat32, trimValue } from '../../../src/data/csv/number.js';
import { Rng } from '../../../src/util/rng.js';
import { checkBits } from '../../helpers/check.js';
import { CSV_BACKENDS, tempDir } from '../../helpers/csv.js';

const file = tempDir();

/** Random numbers as text, in many notations. */
function numbers(count: number, seed: number): string[] {
  const rng = new Rng(seed);
  const int = (n: number): number => Math.floor(rng.uniform() * n);
  const f32 = new Float32Array(2);
  const u32 = new Uint32Array(f32.buffer);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const x = (rng.uniform() - 0.5) * 10 ** (int(20) - 10);
    switch (i % 11) {
      case 0:
        out.push(String(int(1000)));
        break;
      case 1:
        out.push(x.toFixed(int(9)));
        break;
      case 2:
        out.push(x.toExponential(int(12)));
        break;
      case 3:
        out.push(x.toPrecision(1 + int(21)).replace('e+', 'E+'));
        break;
      case 4:
        out.push(String(x)); // shortest round trip of the double
        break;
      case 5: {
        // exactly halfway between two adjacent float32 values (a double-rounding trap)
        u32[0] = int(0x7f000000);
        u32[1] = u32[0] + 1;
        out.push(String((f32[0] + f32[1]) / 2));
        break;
      }
      case 9: {
        // a few digits short of a float32 midpoint: the reciprocal-multiply check must divide here
        u32[0] = 0x30000000 + int(0x20000000);
        u32[1] = u32[0] + 1;
        const mid = (f32[0] + f32[1]) / 2;
        out.push(mid.toPrecision(9 + int(7)));
        break;
      }
      case 6:
        out.push(`${rng.uniform() < 0.5 ? '+' : '-'}${int(100)}.${String(int(1e9)).padStart(9, '0')}${int(1e9)}`); // > 15 digits
        break;
      case 7:
        out.push(`${'0'.repeat(int(5))}${int(100000)}${rng.uniform() < 0.5 ? '.' : ''}`);
        break;
      case 8:
        out.push(`.${int(1e6)}e${int(76) - 40}`);
        break;
      default:
        out.push(String(Math.fround(x)));
    }
  }
  return out;
}

describe('float parsing', () => {
  it('parseFloat32 follows the grammar', () => {
    for (const ok of ['1', '-1', '+1', '1.', '.1', '1e5', '1E-5', '1.5e+3', '0007']) expect(parseFloat32(ok).ok, ok).toBe(true);
    for (const bad of ['', '.', '-', 'e5', '1e', '1e+', '0x10', 'Infinity', 'NaN', '1_000', '1,5', ' 1', '1.2.3', '--1']) expect(parseFloat32(bad), bad).toEqual({ ok: false, reason: 'invalid' });
    expect(parseFloat32('3.4028235e38')).toEqual({ ok: true, value: 3.4028234663852886e38 });
    expect(parseFloat32('3.5e38')).toEqual({ ok: false, reason: 'range' });
    expect(parseFloat32('1e-60')).toEqual({ ok: true, value: 0 });
    expect(trimValue(' \t a b \t')).toBe('a b');
  });

  describe.each(CSV_BACKENDS)('$backend reader', ({ backend, available }) => {
    it.skipIf(!available)('gives Math.fround(Number(s)) bit for bit for 60,000 random numbers', async () => {
      const values = numbers(60000, 11);
      const cols = 6;
      const lines = [];
      for (let i = 0; i < values.length; i += cols) lines.push(values.slice(i, i + cols).join(','));
      const path = file(`numbers-${backend}.csv`, `${lines.join('\n')}\n`);
      const d = await readCsv(path, { header: false, backend, chunkBytes: 4096 });
      const expected = new Float32Array(values.map((v) => Math.fround(Number(v))));
      expect(d.x.data.length).toBe(expected.length);
      const got = new Uint32Array(d.x.data.buffer, d.x.data.byteOffset, d.x.data.length);
      const want = new Uint32Array(expected.buffer);
      let bad = -1;
      for (let i = 0; i < want.length && bad < 0; i++) if (got[i] !== want[i]) bad = i;
      expect(bad, bad >= 0 ? `'${values[bad]}' read as ${d.x.data[bad]}, expected ${expected[bad]}` : '').toBe(-1);
    });
  });
});

describe('short integers (the SIMD digit windows of all-numeric files)', () => {
  describe.each(CSV_BACKENDS)('$backend reader', ({ backend, available }) => {
    it.skipIf(!available)('every width, sign and position in a window', async () => {
      const rng = new Rng(21);
      const int = (n: number): number => Math.floor(rng.uniform() * n);
      const value = (): string => {
        const pick = int(10);
        if (pick < 6) return String(int(10 ** (1 + int(4)))); // 1..4 digits: the window path
        if (pick === 6) return `-${int(1000)}`;
        if (pick === 7) return `+${int(100)}`;
        if (pick === 8) return String(int(1e6)); // 5+ digits: the scalar path
        return `00${int(10)}`;
      };
      // fields of 1 to 8 bytes put field ends at every position of the 64-byte windows
      const lines = Array.from({ length: 3000 }, () => Array.from({ length: 12 }, value).join(','));
      const path = file(`ints-${backend}.csv`, `${lines.join('\n')}\n`);
      const expected = Float32Array.from(lines.flatMap((l) => l.split(',')).map((v) => Math.fround(Number(v))));
      for (const chunkBytes of [1 << 20, 37]) {
        const d = await readCsv(path, { header: false, backend, chunkBytes, blockBytes: 4096 });
        checkBits(d.x.data, expected, `chunkBytes ${chunkBytes}`);
      }
    });
  });
});
