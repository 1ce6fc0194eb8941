// Shared by the CSV tests: temporary files, the backends to run on, and reading a file on both.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';
import { nativeAvailable } from '../../src/backend/index.js';
import { readCsv, type CsvData, type CsvReadOptions } from '../../src/index.js';
import { DataError } from '../../src/util/errors.js';
import { checkBits } from './check.js';

/** The readers to test: js always, native when the addon loads (skipped, not dropped, otherwise). */
export const CSV_BACKENDS = [
  { backend: 'js' as const, available: true },
  { backend: 'native' as const, available: nativeAvailable() },
];
export const NATIVE = nativeAvailable();

/** A fixture under test/fixtures/csv. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/csv/${name}`, import.meta.url));

/** A temporary directory for this test file, removed after it. */
export function tempDir(): (name: string, content: string | Buffer) => string {
  const dir = mkdtempSync(join(tmpdir(), 'nntrain-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name, content) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
}

/** The DataError a read throws (fails the test when it resolves or throws something else). */
export async function dataError(promise: Promise<unknown>): Promise<DataError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a DataError').toBeInstanceOf(DataError);
  return caught as DataError;
}

/** Reads on js and (when available) native, checks both results are identical, returns js's. */
export async function readBoth(path: string, options: CsvReadOptions = {}): Promise<CsvData> {
  const js = await readCsv(path, { ...options, backend: 'js' });
  if (NATIVE) {
    const native = await readCsv(path, { ...options, backend: 'native' });
    expectSameData(native, js);
  }
  return js;
}

/** Bit-identical x and y (NaN included), same schema and counts. */
export function expectSameData(a: CsvData, b: CsvData): void {
  expect(a.schema).toEqual(b.schema);
  expect([a.rows, a.records, a.droppedRows]).toEqual([b.rows, b.records, b.droppedRows]);
  expect(a.missing).toEqual(b.missing);
  checkBits(a.x.data, b.x.data, 'x');
  expect(a.y === null).toBe(b.y === null);
  if (a.y && b.y) checkBits(a.y.data, b.y.data, 'y');
}

/** Rows of a matrix as arrays (small results). */
export function rowsOf(m: { data: Float32Array; rows: number; cols: number }): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
}
