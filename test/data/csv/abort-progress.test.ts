// Long reads report progress (bytes, rows, speed) and stop cleanly on an AbortSignal.

import { describe, expect, it } from 'vitest';
import { AbortError, openCsv, readCsv, type CsvProgress } from '../../../src/index.js';
import { CSV_BACKENDS, tempDir } from '../../helpers/csv.js';

const file = tempDir();
const rows = 20000;
const text = `a,b,c\n${Array.from({ length: rows }, (_, i) => `${i},${i * 0.5},${i % 10}`).join('\n')}\n`;

describe.each(CSV_BACKENDS)('progress and abort ($backend)', ({ backend, available }) => {
  const path = file(`big-${backend}.csv`, text);

  it.skipIf(!available)('reports its phases, ending at the file size and the row count (native: one pass)', async () => {
    const reports: CsvProgress[] = [];
    const d = await readCsv(path, { backend, blockBytes: 16 << 10, onProgress: (p) => reports.push(p) });
    const scan = reports.filter((r) => r.phase === 'scan');
    const read = reports.filter((r) => r.phase === 'read');
    // the native reader of a file reads it once; the JS reader counts the rows first
    expect(scan.length).toBe(backend === 'native' ? 0 : reports.indexOf(read[0]));
    expect(read.length).toBeGreaterThan(5);
    for (const phase of backend === 'native' ? [read] : [scan, read]) {
      for (let i = 1; i < phase.length; i++) {
        expect(phase[i].bytes).toBeGreaterThanOrEqual(phase[i - 1].bytes);
        expect(phase[i].rows).toBeGreaterThanOrEqual(phase[i - 1].rows);
      }
      expect(phase.at(-1)).toMatchObject({ bytes: Buffer.byteLength(text), totalBytes: Buffer.byteLength(text), rows: rows });
      expect(phase.at(-1)!.mbPerSecond).toBeGreaterThan(0);
      expect(phase.at(-1)!.rowsPerSecond).toBeGreaterThan(0);
    }
    expect(d.rows).toBe(rows);
  });

  it.skipIf(!available)('a read that must collect categories scans first', async () => {
    const reports: CsvProgress[] = [];
    await readCsv(path, { backend, blockBytes: 16 << 10, categorical: ['c'], onProgress: (p) => reports.push(p) });
    expect(reports[0].phase).toBe('scan');
    expect(reports.at(-1)!.phase).toBe('read');
  });

  it.skipIf(!available)('stops with AbortError: before the read, and in the middle of it', async () => {
    await expect(readCsv(path, { backend, signal: AbortSignal.abort() })).rejects.toThrow(AbortError);
    const controller = new AbortController();
    let calls = 0;
    const read = readCsv(path, {
      backend,
      blockBytes: 8 << 10,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'read' && ++calls === 2) controller.abort();
      },
    });
    await expect(read).rejects.toThrow(AbortError);
    expect(calls).toBe(2);
  });

  it.skipIf(!available)('a stream opened with a signal stops its reads', async () => {
    const controller = new AbortController();
    const stream = await openCsv(path, { backend, signal: controller.signal });
    expect((await stream.read(100))?.rows).toBe(100);
    controller.abort();
    await expect(stream.read(100)).rejects.toThrow(AbortError);
    await stream.close();
  });
});
