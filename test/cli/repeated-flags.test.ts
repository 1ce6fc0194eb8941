// A flag that takes one value, given twice, is a usage error naming it (not a silent last-wins); the
// list flags (--ignore, --categorical, predict's --keep) add up their occurrences instead.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/index.js';
import type { SavedPreprocessing } from '../../src/data/preprocessing/index.js';
import { runCli, tempDir, writeBundledCsvs } from './helpers.js';

const { dir, cleanup } = tempDir('repeat');
let files: ReturnType<typeof writeBundledCsvs>;
beforeAll(() => {
  files = writeBundledCsvs(dir);
});
afterAll(cleanup);

describe('a flag given twice', () => {
  it.each([
    [['train', 'DATA', '--target', 'sepal_width', '--target', 'species'], "--target was given twice ('sepal_width', then 'species'); it takes one value"],
    [['train', 'DATA', '--target', 'species', '--epochs', '3', '--epochs', '4'], "--epochs was given twice ('3', then '4')"],
    [['cv', 'DATA', '--target', 'species', '--folds', '3', '--folds', '4'], "--folds was given twice ('3', then '4')"],
    [['predict', 'MODEL', 'DATA', '--out', 'a.csv', '--out', 'b.csv'], "--out was given twice ('a.csv', then 'b.csv')"],
    [['evaluate', 'MODEL', 'DATA', '--threads', '1', '--threads', '2'], "--threads was given twice ('1', then '2')"],
    [['evaluate', 'MODEL', 'DATA', '--unknown', 'error', '--unknown', 'ignore'], "--unknown was given twice ('error', then 'ignore')"],
  ])('%j is a usage error naming the flag, before any work', async (args, message) => {
    const r = await runCli(args.map((a) => (a === 'DATA' ? files.iris : a === 'MODEL' ? join(dir, 'none.nntrain') : a)), { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`nntrain: ${message}`);
  });

  it('--ignore and --categorical add up their occurrences', async () => {
    const out = join(dir, 'lists.nntrain');
    const r = await runCli(['train', files.iris, '--target', 'species', '--ignore', 'sepal_length', '--ignore', 'sepal_width', '--categorical', 'petal_width', '--epochs', '1', '--no-report', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const pre = (await loadModel(out)).preprocessing as unknown as SavedPreprocessing;
    expect(pre.schema.columns.filter((c) => c.role === 'ignored').map((c) => c.name)).toEqual(['sepal_length', 'sepal_width']);
    expect(pre.schema.columns.find((c) => c.name === 'petal_width')?.kind).toBe('categorical');
    expect((pre.run as { ignore: string[] }).ignore).toEqual(['sepal_length', 'sepal_width']);
  });
});
