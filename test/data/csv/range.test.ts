// A byte range of a CSV file on both readers (SourceConfig.range, what a distributed read gives each
// process): for every split point b of small files, the ranges [0, b) and [b, size) together hold
// every record exactly once, in order, with the header read by each and taken by neither; the lines
// each range counts add up to the whole file's.

import { describe, expect, it } from 'vitest';
import { KIND_CODE, MISSING_CODE } from '../../../src/backend/codes.js';
import type { CsvErrorInfo, SourceConfig, SourceRange } from '../../../src/backend/native-csv.js';
import { JsSource } from '../../../src/data/csv/js-source.js';
import { NativeSource } from '../../../src/data/csv/native-source.js';
import type { RecordSource } from '../../../src/data/csv/source.js';
import { CSV_BACKENDS, tempDir } from '../../helpers/csv.js';

const file = tempDir();

function config(fields: number, header: boolean, range: [number, number] | null, blockBytes = 64): SourceConfig {
  return {
    delimiter: ',',
    header,
    fields,
    kinds: Array<number>(fields).fill(KIND_CODE.numeric),
    missing: Array<number>(fields).fill(MISSING_CODE.drop),
    categories: Array<null>(fields).fill(null),
    missingValues: ['', 'NA'],
    threads: 2,
    blockBytes,
    maxBlockBytes: 1 << 20,
    chunkBytes: 7,
    maxCategories: 1000,
    range,
  };
}

interface RangeRead {
  rows: number[][];
  records: number;
  /** Newlines in the range: the line reached minus the range's first line. */
  lines: number;
  range: SourceRange | null;
  error?: CsvErrorInfo;
}

/** Scans (counting) then reads every row of `source`, closing it. */
async function readAll(source: RecordSource, fields: number): Promise<RangeRead> {
  const control = new Int32Array(1);
  try {
    let scan;
    do scan = await source.scan(control, 1 << 30, false);
    while (scan.status === 'ok' && !scan.done);
    if (scan.status !== 'ok') return { rows: [], records: 0, lines: 0, range: source.range(), error: scan.error };
    const range = source.range();
    const lines = scan.line - (range?.firstLine ?? 1);
    await source.rewind();
    const layout = new Float64Array(3 * fields);
    for (let c = 0; c < fields; c++) layout.set([0, c, 0], 3 * c);
    source.setLayout(layout, fields, 0);
    const x = new Float32Array(Math.max(scan.records, 1) * fields);
    const step = await source.read(x, null, scan.records, control);
    expect(step.status, JSON.stringify(step.error)).toBe('ok');
    expect(step.records).toBe(scan.records);
    const rows = Array.from({ length: step.rows }, (_, r) => Array.from(x.subarray(r * fields, (r + 1) * fields)));
    return { rows, records: scan.records, lines, range };
  } finally {
    await source.close();
  }
}

const open = (backend: 'js' | 'native', path: string, cfg: SourceConfig): Promise<RecordSource> => (backend === 'js' ? JsSource.open({ path, file: path, stream: false, gzip: false, bytes: null }, cfg) : Promise.resolve(NativeSource.open(path, cfg)));

const CASES: { name: string; text: string | Buffer; header: boolean }[] = [
  { name: 'header, LF', text: 'a,b\n1,2\n3,4\n5,6\n7,8\n', header: true },
  { name: 'CRLF, no final newline', text: 'a,b\r\n1,2\r\n3,4\r\n5,6\r\n7,8', header: true },
  { name: 'blank lines and quoted fields', text: '\na,b\n\n"1",2\n3,"4"\n\r\n5,6\n\n7,NA\n', header: true },
  { name: 'BOM, no header', text: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('1,2\n3,4\n5,6\n')]), header: false },
  { name: 'BOM with header', text: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x,y\n1,2\n3,4\n')]), header: true },
  { name: 'header only', text: 'a,b\n', header: true },
];

describe.each(CSV_BACKENDS)('byte ranges on the $backend reader', ({ backend, available }) => {
  it.skipIf(!available).each(CASES)('$name: [0, b) and [b, size) hold every record once, for every b', async ({ text, header }) => {
    const path = file(`range-${backend}.csv`, text);
    const size = Buffer.byteLength(text);
    const whole = await readAll(await open(backend, path, config(2, header, null)), 2);
    expect(whole.error).toBeUndefined();
    for (let b = 0; b <= size; b++) {
      const first = await readAll(await open(backend, path, config(2, header, [0, b])), 2);
      const second = await readAll(await open(backend, path, config(2, header, [b, size])), 2);
      expect(first.error, `b = ${b}`).toBeUndefined();
      expect(second.error, `b = ${b}`).toBeUndefined();
      expect([...first.rows, ...second.rows], `b = ${b}`).toEqual(whole.rows);
      expect(first.records + second.records).toBe(whole.records);
      expect(first.range?.end).toBe(second.range?.begin);
      expect(first.range?.firstLine).toBe(second.range?.firstLine);
      // the first range's lines plus the second's reach the line the whole file reaches
      expect((first.range?.firstLine ?? 0) + first.lines + second.lines).toBe(1 + whole.lines);
    }
  });

  it.skipIf(!available)('three ranges with a block smaller than a record and a range inside the header', async () => {
    const text = 'alpha,beta\n' + Array.from({ length: 30 }, (_, i) => `${i},${i * 1.5}`).join('\n') + '\n';
    const path = file(`range3-${backend}.csv`, text);
    const size = Buffer.byteLength(text);
    const whole = await readAll(await open(backend, path, config(2, true, null, 64)), 2);
    for (const cuts of [
      [0, 5, 9, size],
      [0, size / 3, (2 * size) / 3, size].map(Math.floor),
      [0, 0, size, size],
    ]) {
      const parts = [];
      for (let k = 0; k < 3; k++) parts.push(await readAll(await open(backend, path, config(2, true, [cuts[k], cuts[k + 1]], 64)), 2));
      expect(parts.flatMap((p) => p.rows), cuts.join(',')).toEqual(whole.rows);
    }
  });

  it.skipIf(!available)('reads only its range: a range at the end never reads the records before it', async () => {
    const text = 'a,b\n' + Array.from({ length: 2000 }, (_, i) => `${i},${i}`).join('\n') + '\n';
    const path = file(`range-far-${backend}.csv`, text);
    const size = Buffer.byteLength(text);
    const last = await readAll(await open(backend, path, config(2, true, [size - 100, size], 1 << 20)), 2);
    const { begin, end, extraBytes } = last.range as SourceRange;
    expect(end).toBe(size);
    expect(end - begin).toBeLessThanOrEqual(100);
    expect(extraBytes).toBeLessThanOrEqual(3 * 4096); // the header's and the probes' small reads
    expect(last.rows[last.rows.length - 1]).toEqual([1999, 1999]);
  });

  it.skipIf(!available)('a quoted field whose line break crosses a range end leaves that range with an open quote', async () => {
    const text = 'a,b\n1,"x\ny"\n3,4\n';
    const path = file(`range-multiline-${backend}.csv`, text);
    const first = await readAll(await open(backend, path, config(2, true, [0, text.indexOf('y')])), 2);
    expect(first.error?.kind).toBe('unterminated');
    expect(first.error?.line).toBe(2);
  });
});
