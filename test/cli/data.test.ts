// What the defaults do with ordinary tabular data: a numeric target becomes regression (metrics and
// predictions in the target's own units), integer labels in a file without a header become classes,
// categorical features are one-hot encoded and missing values imputed with what the training rows saw —
// at training and at prediction — and a validation file replaces the split.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA, jsonEvents, readCsvRows, runCli, tempDir, writeBundledCsvs } from './helpers.js';

const { dir, cleanup } = tempDir('data');
let files: ReturnType<typeof writeBundledCsvs>;
beforeAll(() => {
  files = writeBundledCsvs(dir);
});
afterAll(cleanup);

describe('regression', () => {
  it('a numeric target: mse loss, regression metrics and predictions in the target units', async () => {
    const model = join(dir, 'area.nntrain');
    const train = await runCli(['train', files.cancer, '--target', 'mean_area', '--ignore', 'diagnosis', '--epochs', '30', '--lr', '0.01', '--no-report', '--out', model, '--log-format', 'json']);
    expect(train.code, train.stderr).toBe(0);
    const events = jsonEvents(train.stdout);
    expect(events[0]).toMatchObject({ task: 'regression', target: 'mean_area', inputs: 29, classes: null });
    const metrics = events.find((e) => e.event === 'metrics') as Record<string, number>;
    expect(Object.keys(metrics)).toEqual(['event', 'on', 'rows', 'mse', 'rmse', 'mae', 'r2']);
    expect(metrics.r2).toBeGreaterThan(0.9); // area from radius, perimeter, … is nearly exact

    const pred = join(dir, 'area.csv');
    const [evaluate, predict] = await Promise.all([runCli(['evaluate', model, files.cancer]), runCli(['predict', model, files.cancer, '--out', pred])]);
    expect(evaluate.stdout.split('\n').slice(0, 4).map((l) => l.split(':')[0])).toEqual(['mse', 'rmse', 'mae', 'r2']);
    expect(evaluate.stdout).toMatch(/output\s+mse\s+rmse\s+mae\s+r2\nmean_area\s/);
    expect(predict.code, predict.stderr).toBe(0);
    const [header, ...rows] = readCsvRows(pred);
    expect(header).toEqual(['mean_area']);
    const truth = readCsvRows(files.cancer).slice(1).map((r) => Number(r[3]));
    const mae = rows.reduce((s, r, i) => s + Math.abs(Number(r[0]) - truth[i]), 0) / rows.length;
    expect(mae).toBeLessThan(0.2 * (truth.reduce((a, b) => a + b) / truth.length)); // units of area, not standardized
  });
});

describe('classes from numbers', () => {
  it('integer labels in a file without a header are classes; --task regression overrides', async () => {
    const digits = join(DATA, 'digits.csv');
    const [auto, regression] = await Promise.all([
      runCli(['train', digits, '--no-header', '--target', '-1', '--epochs', '2', '--no-report', '--out', join(dir, 'digits.nntrain'), '--log-format', 'json']),
      runCli(['train', digits, '--no-header', '--target', 'col65', '--task', 'regression', '--epochs', '1', '--no-report', '--out', join(dir, 'digits-r.nntrain')]),
    ]);
    expect(auto.code, auto.stderr).toBe(0);
    expect(jsonEvents(auto.stdout)[0]).toMatchObject({ rows: 1797, inputs: 64, target: 'col65', task: 'multiclass', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
    expect(regression.code, regression.stderr).toBe(0);
    expect(regression.stdout).toContain("target 'col65' (regression)");
    expect(regression.stdout).toMatch(/^r2: /m);
  });
});

describe('categorical features and missing values', () => {
  it('are one-hot encoded and imputed from the training rows, at training and at prediction', async () => {
    const sites = ['north', 'south', 'east'];
    const rows = files.irisRows.map((r, i) => [sites[i % 3], i % 7 === 0 ? '' : r[1], r[0], r[2], r[3], r[4]]);
    const header = 'site,sepal_width,sepal_length,petal_length,petal_width,species';
    const path = join(dir, 'field.csv');
    writeFileSync(path, [header, ...rows.map((r) => r.join(','))].join('\n') + '\n');
    const model = join(dir, 'field.nntrain');
    const train = await runCli(['train', path, '--target', 'species', '--epochs', '20', '--lr', '0.01', '--no-report', '--out', model]);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toContain("field.csv: 150 rows, 7 input columns, target 'species'"); // 3 one-hot + 4 numbers

    const fresh = join(dir, 'fresh.csv');
    writeFileSync(fresh, `${header.replace(',species', '')}\nsouth,,5.0,1.5,0.2\neast,2.9,6.1,4.7,1.4\nwest,3.0,6.5,5.5,1.8\n`);
    const unknown = await runCli(['predict', model, fresh]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`${fresh}: line 4, column 1 ('site'): unknown category 'west'; known values: 'north', 'south', 'east'`);
    writeFileSync(fresh, `${header.replace(',species', '')}\nsouth,,5.0,1.5,0.2\neast,2.9,6.1,4.7,1.4\n`);
    const ok = await runCli(['predict', model, fresh]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim().split('\n').map((l) => l.split(',')[0])).toEqual(['species', 'setosa', 'versicolor']);
    const info = JSON.parse((await runCli(['info', model, '--json'])).stdout) as { inputColumns: string[]; imputer: boolean; parameters: number; storedFloats: number };
    expect(info.inputColumns.slice(0, 3)).toEqual(['site=north', 'site=south', 'site=east']);
    expect(info.imputer).toBe(true);
    // 7-128-64-3 as summary() counts it; the stored weights add the arena's alignment gaps
    expect(info.parameters).toBe(7 * 128 + 128 + 128 * 64 + 64 + 64 * 3 + 3);
    expect(info.storedFloats).toBeGreaterThan(info.parameters);
  });
});

describe('--val-file', () => {
  it('validates on another file read with the training schema', async () => {
    const trainPath = join(dir, 'iris-train.csv');
    const valPath = join(dir, 'iris-val.csv');
    const [header, ...rows] = readCsvRows(files.iris);
    writeFileSync(trainPath, [header, ...rows.filter((_, i) => i % 5 !== 0)].map((r) => r.join(',')).join('\n') + '\n');
    writeFileSync(valPath, [header, ...rows.filter((_, i) => i % 5 === 0)].map((r) => r.join(',')).join('\n') + '\n');
    const run = await runCli(['train', trainPath, '--target', 'species', '--val-file', valPath, '--epochs', '3', '--no-report', '--out', join(dir, 'v.nntrain')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('120 training rows, 30 validation rows');
    expect(run.stdout).toContain('validation metrics (30 rows):');
  });
});
