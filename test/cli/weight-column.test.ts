// `--weight-column NAME` of train and evaluate: the column's values weigh each row's loss and are no
// feature (weights of 1 train the floats of --ignore NAME; other weights change them), the saved schema
// has it ignored, evaluate prints weighted headline metrics, and a negative weight is a data error naming
// file, line and column.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, Rng } from '../../src/index.js';
import { runCli, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir('weight-column');
afterAll(cleanup);

/** 80 rows: features a, b, the weight w (`weight(i)`), the class c. */
function write(name: string, weight: (i: number) => string): string {
  const rng = new Rng(3);
  const lines = ['a,w,b,c'];
  for (let i = 0; i < 80; i++) {
    const cls = i % 2;
    lines.push(`${(rng.normal() + cls).toFixed(3)},${weight(i)},${(rng.normal() - cls).toFixed(3)},${cls === 1 ? 'yes' : 'no'}`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

let ones: string;
let weighted: string;
beforeAll(() => {
  ones = write('ones.csv', () => '1');
  weighted = write('weighted.csv', (i) => String([0.5, 1, 2, 4][i % 4]));
});

const train = (data: string, out: string, ...flags: string[]) =>
  runCli(['train', data, '--target', 'c', '--epochs', '2', '--seed', '5', '--layers', '4', '--no-report', '--out', out, ...flags]);
const params = async (out: string) => {
  const m = await loadModel(out);
  const p = Array.from(m.params);
  m.dispose();
  return p;
};

describe('--weight-column', () => {
  it('weighs the loss, is no feature, and evaluate prints weighted metrics', async () => {
    const [asIgnored, asOnes, asWeights] = ['ignored', 'ones', 'weights'].map((n) => join(dir, `${n}.nntrain`));
    const runs = await Promise.all([train(ones, asIgnored, '--ignore', 'w'), train(ones, asOnes, '--weight-column', 'w'), train(weighted, asWeights, '--weight-column', 'w')]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(await params(asOnes)).toEqual(await params(asIgnored));
    expect(await params(asWeights)).not.toEqual(await params(asIgnored));
    const m = await loadModel(asWeights);
    const schema = (m.preprocessing as { schema: { columns: { name: string; role: string }[]; targets: string[] } }).schema;
    m.dispose();
    expect(schema.columns.find((c) => c.name === 'w')?.role).toBe('ignored');
    expect(schema.targets).toEqual(['c']);

    const ev = await runCli(['evaluate', asWeights, weighted, '--weight-column', 'w', '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    const metrics = (JSON.parse(ev.stdout) as { metrics: Record<string, number> }).metrics;
    expect(metrics.weighted_accuracy).toBeGreaterThanOrEqual(0);
    expect(metrics.weighted_accuracy).toBeLessThanOrEqual(1);
    expect(Object.keys(metrics)).toContain('accuracy');
  });

  it('a negative weight is a data error naming file, line and column', async () => {
    const bad = write('negative.csv', (i) => (i === 6 ? '-1.5' : '1'));
    const run = await train(bad, join(dir, 'bad.nntrain'), '--weight-column', 'w');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("negative.csv: line 8, column 2 ('w'): negative weight -1.5");
  });
});
