// Scoring real files with `nntrain predict` / `evaluate`: columns matched by name (any order, extra and
// --ignore'd columns skipped, a missing one named), `predict --keep` to join results back by key, unseen
// categories under --unknown (an error naming the option, or no category), and the imputed-values line.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/index.js';
import { Preprocessor } from '../../src/data/preprocessing/index.js';
import { jsonEvents, runCli, tempDir, writeBundledCsvs, IRIS_COLUMNS } from './helpers.js';

const { dir, cleanup } = tempDir('scoring');
let files: ReturnType<typeof writeBundledCsvs>;
const model = join(dir, 'iris.nntrain');
const path = (name: string): string => join(dir, name);
const lines = (file: string): string[] => readFileSync(file, 'utf8').trim().split('\n');
const TRAIN = ['--epochs', '3', '--layers', '8', '--no-report', '--seed', '3'];

/** Writes `header` and `rows` (arrays of fields) as a CSV file. */
function writeCsv(name: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  writeFileSync(path(name), `${[header, ...rows].map((r) => r.join(',')).join('\n')}\n`);
  return path(name);
}

beforeAll(async () => {
  files = writeBundledCsvs(dir);
  const run = await runCli(['train', files.iris, '--target', 'species', ...TRAIN, '--out', model]);
  expect(run.code, run.stderr).toBe(0);
});
afterAll(cleanup);

describe('predict and evaluate match columns by name', () => {
  // the columns of iris.csv in another order, with an id column and a free-text column the model never saw
  const order = ['note', 'petal_width', 'id', 'sepal_width', 'species', 'petal_length', 'sepal_length'];
  const reordered = (rows: readonly number[]): string[][] =>
    rows.map((i) => {
      const r = files.irisRows[i];
      const by: Record<string, string> = { note: `"row ${i}, ok"`, id: `id${i}`, sepal_length: r[0], sepal_width: r[1], petal_length: r[2], petal_width: r[3], species: r[4] };
      return order.map((c) => by[c]);
    });

  it('gives the same predictions for a reordered file with extra columns, and joins them back with --keep id', async () => {
    const original = path('pred-original.csv');
    const a = await runCli(['predict', model, files.iris, '--out', original]);
    expect(a.code, a.stderr).toBe(0);
    const expected = lines(original);

    // same row order: the same bytes
    const sameRows = writeCsv('reordered.csv', order, reordered(files.irisRows.map((_, i) => i)));
    const b = await runCli(['predict', model, sameRows, '--out', path('pred-reordered.csv')]);
    expect(b.code, b.stderr).toBe(0);
    expect(lines(path('pred-reordered.csv'))).toEqual(expected);

    // shuffled rows, with the id (and a quoted field) kept: joined by id, every prediction is the same
    const shuffledOrder = files.irisRows.map((_, i) => (i * 37) % 150);
    const shuffled = writeCsv('shuffled.csv', order, reordered(shuffledOrder));
    const c = await runCli(['predict', model, shuffled, '--out', path('pred-keyed.csv'), '--keep', 'id', '--keep', 'note']);
    expect(c.code, c.stderr).toBe(0);
    const keyed = lines(path('pred-keyed.csv'));
    expect(keyed[0]).toBe(`id,note,${expected[0]}`);
    expect(keyed).toHaveLength(151);
    const byId = new Map(keyed.slice(1).map((l) => [l.split(',')[0], l]));
    files.irisRows.forEach((_, i) => expect(byId.get(`id${i}`)).toBe(`id${i},"row ${i}, ok",${expected[i + 1]}`));
  });

  it('evaluates a reordered file as the original', async () => {
    const shuffled = writeCsv('eval-reordered.csv', order, reordered(files.irisRows.map((_, i) => i)));
    const [a, b] = await Promise.all([runCli(['evaluate', model, files.iris, '--json']), runCli(['evaluate', model, shuffled, '--json'])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const { data: _a, ...left } = JSON.parse(a.stdout) as Record<string, unknown>;
    const { data: _b, ...right } = JSON.parse(b.stdout) as Record<string, unknown>;
    expect(right).toEqual(left);
  });

  it('names exactly the missing input columns, and a --keep column the file lacks', async () => {
    const lacking = writeCsv('lacking.csv', ['petal_width', 'id', 'sepal_length'], [['0.2', '1', '5.1']]);
    const r = await runCli(['predict', model, lacking]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`nntrain: ${lacking}: line 1: the file lacks the model's input columns 'sepal_width', 'petal_length'`);
    const e = await runCli(['evaluate', model, lacking]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain("the file lacks the model's input columns 'sepal_width', 'petal_length'");
    const k = await runCli(['predict', model, files.iris, '--keep', 'id,species', '--out', path('never.csv')]);
    expect(k.code).toBe(1);
    expect(k.stderr).toContain(`${files.iris}: line 1: no column 'id' to keep; the columns are: ${IRIS_COLUMNS.join(', ')}`);
  });

  it('does not need the columns train --ignore left out', async () => {
    const withId = writeCsv('iris-id.csv', ['id', ...IRIS_COLUMNS], files.irisRows.map((r, i) => [String(i), ...r]));
    const ignoring = path('ignoring.nntrain');
    const t = await runCli(['train', withId, '--target', 'species', '--ignore', 'id', ...TRAIN, '--out', ignoring]);
    expect(t.code, t.stderr).toBe(0);
    const p = await runCli(['predict', ignoring, files.iris, '--out', path('pred-no-id.csv')]);
    expect(p.code, p.stderr).toBe(0);
    expect(lines(path('pred-no-id.csv'))).toHaveLength(151);
  });
});

describe('unseen categories', () => {
  const COLORS = ['red', 'green', 'blue'];
  const header = [...IRIS_COLUMNS.slice(0, 4), 'color', 'species'];
  const row = (i: number, color: string): string[] => [...files.irisRows[i].slice(0, 4), color, files.irisRows[i][4]];
  let colored: string;
  const colorModel = path('color.nntrain');

  beforeAll(async () => {
    colored = writeCsv('color.csv', header, files.irisRows.map((_, i) => row(i, COLORS[i % 3])));
    const t = await runCli(['train', colored, '--target', 'species', ...TRAIN, '--out', colorModel]);
    expect(t.code, t.stderr).toBe(0);
  });

  it('are an error naming --unknown, the file, line, column and value; --unknown ignore scores the other rows alike and that row with no category', async () => {
    const unseen = writeCsv('unseen.csv', header, files.irisRows.map((_, i) => row(i, i === 7 ? 'purple' : COLORS[i % 3])));
    const failed = await runCli(['predict', colorModel, unseen, '--out', path('unseen-pred.csv')]);
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim()).toBe(
      `nntrain: ${unseen}: line 9, column 5 ('color'): unknown category 'purple'; known values: 'red', 'green', 'blue' (unknown: 'error'; with unknown: 'ignore', or the command line's --unknown ignore, it reads as no category)`,
    );
    const [known, ignored] = await Promise.all([
      runCli(['predict', colorModel, colored, '--out', path('known-pred.csv')]),
      runCli(['predict', colorModel, unseen, '--out', path('ignored-pred.csv'), '--unknown', 'ignore']),
    ]);
    expect(known.code, known.stderr).toBe(0);
    expect(ignored.code, ignored.stderr).toBe(0);
    const a = lines(path('known-pred.csv'));
    const b = lines(path('ignored-pred.csv'));
    expect(b).toHaveLength(151);
    b.forEach((l, i) => {
      if (i !== 8) expect(l).toBe(a[i]);
    });
    expect(b[8]).not.toBe(a[8]);
    // row 7 with its color one-hot all zeros, through the saved preprocessing and the model itself
    const m = await loadModel(colorModel);
    const pre = Preprocessor.fromJSON(m.preprocessing, colorModel);
    expect(pre.xColumns).toEqual([...IRIS_COLUMNS.slice(0, 4), 'color=red', 'color=green', 'color=blue']);
    const raw = { data: Float32Array.from([...files.irisRows[7].slice(0, 4).map(Number), 0, 0, 0]), rows: 1, cols: 7 };
    const probs = Array.from((await m.predict(pre.inputs(raw))).data);
    const printed = b[8].split(',').slice(1).map(Number);
    printed.forEach((p, k) => expect(p).toBeCloseTo(probs[k], 5));
  });

  it('take the default train --unknown saved in the model, which evaluate and predict can override', async () => {
    const tolerant = path('tolerant.nntrain');
    const t = await runCli(['train', colored, '--target', 'species', ...TRAIN, '--unknown', 'ignore', '--out', tolerant]);
    expect(t.code, t.stderr).toBe(0);
    expect((await loadModel(tolerant)).preprocessing).toMatchObject({ unknown: 'ignore' });
    const info = await runCli(['info', tolerant, '--json']);
    expect((JSON.parse(info.stdout) as { unknown: string }).unknown).toBe('ignore');
    const unseen = writeCsv('unseen-eval.csv', header, files.irisRows.map((_, i) => row(i, i === 0 ? 'teal' : COLORS[i % 3])));
    const ok = await runCli(['evaluate', tolerant, unseen, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { rows: number }).rows).toBe(150);
    const strict = await runCli(['evaluate', tolerant, unseen, '--unknown', 'error']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("unknown category 'teal'");
    const bad = await runCli(['predict', tolerant, unseen, '--unknown', 'skip']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Expected one of error, ignore for --unknown but received 'skip'");
  });
});

describe('imputed values', () => {
  it('are counted by column in train, evaluate and predict, as text and as a json event', async () => {
    const gappy = writeCsv(
      'gappy.csv',
      [...IRIS_COLUMNS.slice(0, 4), 'color', 'species'],
      files.irisRows.map((r, i) => [i % 5 === 0 ? '' : r[0], i % 50 === 1 ? 'NA' : r[1], r[2], r[3], i % 75 === 2 ? '' : ['red', 'green'][i % 2], r[4]]),
    );
    // sepal_length: 30 gaps, sepal_width: 3, color: 2
    const expectedLine = 'imputed: 35 values in 3 columns (sepal_length 30, sepal_width 3, color 2)';
    const out = path('gappy.nntrain');
    const t = await runCli(['train', gappy, '--target', 'species', ...TRAIN, '--out', out]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout.split('\n')).toContain(expectedLine);
    const tj = await runCli(['train', gappy, '--target', 'species', ...TRAIN, '--out', out, '--log-format', 'json']);
    expect(tj.code, tj.stderr).toBe(0);
    expect(jsonEvents(tj.stdout).find((e) => e.event === 'imputed')).toEqual({ event: 'imputed', data: gappy, values: 35, columns: { sepal_length: 30, sepal_width: 3, color: 2 } });

    const e = await runCli(['evaluate', out, gappy]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout.split('\n')).toContain(expectedLine);
    const ej = await runCli(['evaluate', out, gappy, '--json']);
    expect((JSON.parse(ej.stdout) as { imputed: unknown }).imputed).toEqual({ values: 35, columns: { sepal_length: 30, sepal_width: 3, color: 2 } });

    const p = await runCli(['predict', out, gappy, '--out', path('gappy-pred.csv'), '--chunk-rows', '16']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.split('\n')[0]).toBe(expectedLine);
    const toStdout = await runCli(['predict', out, gappy]);
    expect(toStdout.code, toStdout.stderr).toBe(0);
    expect(toStdout.stderr.trim()).toBe(expectedLine); // the predictions alone on stdout
    expect(toStdout.stdout.trim().split('\n')).toHaveLength(151);
    const pj = await runCli(['predict', out, gappy, '--out', path('gappy-pred.csv'), '--log-format', 'json']);
    expect(jsonEvents(pj.stdout)[0]).toEqual({ event: 'imputed', data: gappy, values: 35, columns: { sepal_length: 30, sepal_width: 3, color: 2 } });
    // nothing imputed: no line
    const clean = await runCli(['evaluate', model, files.iris]);
    expect(clean.stdout).not.toContain('imputed');
  });
});
