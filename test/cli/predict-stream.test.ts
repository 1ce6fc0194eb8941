// `nntrain predict` streams: chunk boundaries do not change a single output byte, and memory stays flat
// as the input grows — a file three times longer does not raise the process's peak memory by anything
// like the data it holds (holding just the output text until the end adds ~55 MB here; streaming, ~5).

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeAvailable } from '../../src/index.js';
import { runCli, spawnCli, tempDir, writeBundledCsvs, IRIS_COLUMNS } from './helpers.js';

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

/** Runs predict and samples the child's peak resident memory (VmHWM) until it exits. */
async function predictWithPeak(input: string, out: string): Promise<{ code: number | null; peakKb: number }> {
  const child = spawnCli(['predict', model, input, '--out', out]);
  child.stdout?.resume();
  child.stderr?.resume();
  let peakKb = 0;
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    try {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // exited between the check and the read
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { code: await exited, peakKb };
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
    const growthMb = (second.peakKb - first.peakKb) / 1024;
    expect(growthMb, `peak ${first.peakKb} kB → ${second.peakKb} kB`).toBeLessThan(30);
  });
});
