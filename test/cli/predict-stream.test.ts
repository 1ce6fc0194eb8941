// `nntrain predict` streams: chunk boundaries do not change a single output byte, and memory stays flat
// as the input grows — a file three times longer raises the process's peak memory (getrusage, reported by
// fixtures/max-rss.mjs) by less than the extra output it writes, which holding it would cost at least.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeAvailable } from '../../src/index.js';
import { runCli, tempDir, writeBundledCsvs, IRIS_COLUMNS } from './helpers.js';

const { dir, cleanup } = tempDir('stream');
let files: ReturnType<typeof writeBundledCsvs>;
const model = join(dir, 'iris.nntrain');

beforeAll(async () => {
  files = writeBundledCsvs(dir);
  const run = await runCli(['train', files.iris, '--target', 'species', '--epochs', '3', '--layers', '8', '--no-report', '--out', model]);
  expect(run.code, run.stderr).toBe(0);
});
afterAll(cleanup);

/** The iris features repeated to `rows` rows. */
function bigFile(rows: number): string {
  const path = join(dir, `big-${rows}.csv`);
  const lines = files.irisRows.map((r) => r.slice(0, 4).join(','));
  const block = Array.from({ length: 10_000 }, (_, i) => lines[i % 150]).join('\n') + '\n';
  let text = IRIS_COLUMNS.slice(0, 4).join(',') + '\n';
  for (let done = 0; done < rows; done += 10_000) text += done + 10_000 <= rows ? block : block.split('\n').slice(0, rows - done).join('\n') + '\n';
  writeFileSync(path, text);
  return path;
}

const MAX_RSS = new URL('./fixtures/max-rss.mjs', import.meta.url).href;

/** Runs predict; returns its exit code and peak resident memory (kB). */
async function predictWithPeak(input: string, out: string): Promise<{ code: number | null; peakKb: number }> {
  const report = `${out}.maxrss`;
  const run = await runCli(['predict', model, input, '--out', out], { env: { NODE_OPTIONS: `--import=${MAX_RSS}`, NNTRAIN_TEST_MAX_RSS: report } });
  return { code: run.code, peakKb: Number(readFileSync(report, 'utf8')) };
}

describe('nntrain predict streams', () => {
  it('gives the same bytes whatever the chunk size', async () => {
    const a = join(dir, 'chunk-7.csv');
    const b = join(dir, 'chunk-default.csv');
    const [r1, r2] = await Promise.all([runCli(['predict', model, files.iris, '--out', a, '--chunk-rows', '7']), runCli(['predict', model, files.iris, '--out', b])]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    expect(readFileSync(a, 'utf8').trim().split('\n')).toHaveLength(151);
  });

  // measured on the native reader (the js fallback holds a parsed block of records: more, but also flat)
  it.runIf(process.platform === 'linux' && nativeAvailable())('keeps memory flat as the file grows', async () => {
    const small = bigFile(300_000);
    const large = bigFile(900_000);
    expect(statSync(large).size).toBeGreaterThan(13e6);
    const first = await predictWithPeak(small, join(dir, 'small-pred.csv'));
    const second = await predictWithPeak(large, join(dir, 'large-pred.csv'));
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const lines = readFileSync(join(dir, 'large-pred.csv'), 'utf8').split('\n');
    expect(lines).toHaveLength(900_002); // header, rows, final newline
    expect(lines.slice(0, 1000)).toEqual(readFileSync(join(dir, 'small-pred.csv'), 'utf8').split('\n').slice(0, 1000));
    // holding the extra rows' output text alone would cost more than its size in bytes (~55 MB for its
    // 22 MB here); streaming adds ~4 MB. The bound is a fraction of what holding would cost, not a
    // figure measured on one machine.
    const extraOutput = statSync(join(dir, 'large-pred.csv')).size - statSync(join(dir, 'small-pred.csv')).size;
    const growth = (second.peakKb - first.peakKb) * 1024;
    expect(growth, `peak ${first.peakKb} kB → ${second.peakKb} kB, ${extraOutput} more bytes of output`).toBeLessThan(extraOutput);
  });
});
