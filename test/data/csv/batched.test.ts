// All-numeric files whose values are mostly decimals: the native reader converts them eight at a
// time (native/csv/convert.h) once a piece's first 512 fields show few short integers, and hands
// every value it cannot take (exponents, long mantissas, spaces, quotes, missing tokens, errors) to
// the per-field path. Values must be Math.fround(Number(s)) bit for bit and errors worded and placed
// as the js reader does, for pieces large enough to reach that path.

import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../src/index.js';
import { Rng } from '../../../src/util/rng.js';
import { checkBits } from '../../helpers/check.js';
import { dataError, expectSameData, NATIVE, tempDir } from '../../helpers/csv.js';
import { runNode } from '../../helpers/run-script.js';
import { transpiled } from '../../helpers/transpiled.js';

const file = tempDir();
const COLS = 41; // a label, then 40 features: five groups of eight
const ROWS = 400;

/** One value: mostly short decimals of every length, sign and point position, and the near misses. */
function value(rng: Rng): string {
  const int = (n: number): number => Math.floor(rng.uniform() * n);
  const x = (rng.uniform() - 0.5) * 10 ** (int(10) - 3);
  const pick = int(20);
  if (pick < 10) return x.toFixed(int(8)); // -0.1234, 1646.44, 0.0000012
  if (pick < 12) return String(int(10 ** (1 + int(8)))); // integers of 1..8 digits
  if (pick === 12) return `+${Math.abs(x).toFixed(int(4))}`;
  if (pick === 13) return `-${int(1e8)}`; // a sign and 8 digits: past the 8-byte lane
  if (pick === 14) return x.toExponential(int(5)); // -1.234e-4
  if (pick === 15) return x.toPrecision(10 + int(8)); // long mantissas
  if (pick === 16) return `${int(1000)}.`; // a trailing point
  if (pick === 17) return `-.${int(10000)}`;
  if (pick === 18) return ` ${x.toFixed(2)} `; // spaces around: trimmed
  return String(Math.fround(x));
}

function table(seed: number): string[][] {
  const rng = new Rng(seed);
  return Array.from({ length: ROWS }, () => [String(Math.floor(rng.uniform() * 10)), ...Array.from({ length: COLS - 1 }, () => value(rng))]);
}

const text = (rows: string[][], eol: string): string => `${rows.map((r) => r.join(',')).join(eol)}${eol}`;

describe.skipIf(!NATIVE)('values converted eight at a time (native)', () => {
  it('are Math.fround(Number(s)) bit for bit, for any piece size, thread count and line ending', async () => {
    const rows = table(3);
    const want = Float32Array.from(rows.flatMap((r) => r.slice(1)).map((v) => Math.fround(Number(v))));
    const labels = Float32Array.from(rows.map((r) => Number(r[0])));
    for (const eol of ['\n', '\r\n']) {
      const path = file(`values-${eol.length}.csv`, text(rows, eol));
      const js = await readCsv(path, { header: false, target: 0, backend: 'js' });
      checkBits(js.x.data, want, 'js x');
      for (const [threads, chunkBytes] of [[1, 1 << 20], [2, 1 << 16], [2, 40000], [1, 4096]]) {
        const d = await readCsv(path, { header: false, target: 0, backend: 'native', threads, chunkBytes });
        checkBits(d.x.data, want, `x, ${threads} threads, pieces of ${chunkBytes}`);
        checkBits(d.y!.data, labels, 'y');
        expectSameData(d, js);
      }
    }
  });

  // [name, the value put at row 300 (line 301), column 17, policy]: a bad value, a missing one, a
  // quoted one; the read must fail (or not) exactly as the js reader does
  const DEFECTS: [string, string][] = [
    ['not a number', '1.2.3'],
    ['out of range', '3.5e38'],
    ['missing', 'NA'],
    ['empty', ''],
    ['quoted', '"12.5"'],
    ['a quote inside', '1"2'],
    ['underflow to zero', '-1e-60'],
    ['a stray letter', '0.12x'],
  ];

  it.each(DEFECTS)('%s deep in a piece: the js reader\'s result or message', async (name, bad) => {
    const rows = table(4);
    rows[300][16] = bad;
    const path = file(`defect-${name.replace(/\W+/g, '-')}.csv`, text(rows, '\n'));
    let jsError = '';
    const js = await readCsv(path, { header: false, target: 0, backend: 'js' }).catch((err: Error) => {
      jsError = err.message;
      return null;
    });
    for (const [threads, chunkBytes] of [[1, 1 << 20], [2, 1 << 16]]) {
      if (js === null) {
        const err = await dataError(readCsv(path, { header: false, target: 0, backend: 'native', threads, chunkBytes }));
        expect(err.message).toBe(jsError);
        expect(err.message).toContain('line 301, column 17');
      } else {
        expectSameData(await readCsv(path, { header: false, target: 0, backend: 'native', threads, chunkBytes }), js);
      }
    }
  });

  it('a ragged row deep in a piece: the js reader\'s message', async () => {
    for (const [name, edit] of [
      ['long', (r: string[]) => r.push('1.5')],
      ['short', (r: string[]) => r.pop()],
    ] as const) {
      const rows = table(5);
      edit(rows[350]);
      const path = file(`ragged-${name}.csv`, text(rows, '\n'));
      const js = await dataError(readCsv(path, { header: false, target: 0, backend: 'js' }));
      expect(js.message).toContain('line 351');
      for (const threads of [1, 2]) {
        expect((await dataError(readCsv(path, { header: false, target: 0, backend: 'native', threads }))).message).toBe(js.message);
      }
    }
  });

  it.each(['portable', 'avx2'])('the number paths of CPUs without AVX-512 (NNTRAIN_CSV_SIMD=%s) give the same bits and errors', async (simd) => {
    const ints = Array.from({ length: 300 }, (_, r) => Array.from({ length: 30 }, (_, c) => String((r * 31 + c * 7) % 1000)).join(','));
    const bad = table(6);
    bad[200][9] = '1.2.3';
    const paths = [
      file('portable-decimals.csv', text(table(7), '\n')),
      file('portable-decimals-crlf.csv', text(table(8), '\r\n')),
      file('portable-ints.csv', `${ints.join('\n')}\n`),
      file('portable-bad.csv', text(bad, '\n')),
    ];
    const { code, stdout, stderr } = await runNode([transpiled('test/data/csv/portable.child.ts'), ...paths], { NNTRAIN_CSV_SIMD: simd });
    expect(code, stderr).toBe(0);
    const forced = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as { x?: number[]; y?: number[]; error?: string }[];
    expect(forced.length).toBe(paths.length);
    for (const [i, path] of paths.entries()) {
      const here = await readCsv(path, { header: false, target: 0, backend: 'native' }).catch((err: Error) => err);
      if (here instanceof Error) {
        expect(forced[i].error).toBe(here.message);
        expect(here.message).toContain('line 201, column 10');
      } else {
        expect(forced[i].x).toEqual(Array.from(new Uint32Array(here.x.data.buffer, here.x.data.byteOffset, here.x.data.length)));
        expect(forced[i].y).toEqual(Array.from(new Uint32Array(here.y!.data.buffer, here.y!.data.byteOffset, here.y!.data.length)));
      }
    }
  });
});
