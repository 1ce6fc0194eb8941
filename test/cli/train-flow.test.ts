// The main path on real data: `nntrain train` on iris → a model file and its report (whose curves are the
// run's history) → `evaluate` (metric lines and --json) → `predict` (a CSV with a class and a probability
// per class for every row) → `info`; and the same file loaded from the TypeScript API predicts the same.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, scalerFromJSON, type Matrix } from '../../src/index.js';
import { parsePanels, readSeries } from '../helpers/svg-parse.js';
import { jsonEvents, readCsvRows, runCli, tempDir, writeBundledCsvs, IRIS_COLUMNS } from './helpers.js';

const { dir, cleanup } = tempDir('flow');
let files: ReturnType<typeof writeBundledCsvs>;
const model = join(dir, 'iris.nntrain');
let events: Record<string, unknown>[] = [];

beforeAll(async () => {
  files = writeBundledCsvs(dir);
  const run = await runCli(['train', files.iris, '--target', 'species', '--epochs', '40', '--early-stop', '5', '--seed', '7', '--lr', '0.01', '--out', model, '--log-format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  events = jsonEvents(run.stdout);
});
afterAll(cleanup);

const ofKind = (kind: string) => events.filter((e) => e.event === kind);

describe('nntrain train', () => {
  it('logs the data, one JSON object per epoch, the saved files and the validation metrics', () => {
    expect(ofKind('data')[0]).toMatchObject({ rows: 150, inputs: 4, target: 'species', task: 'multiclass', classes: ['setosa', 'versicolor', 'virginica'], training_rows: 120, validation_rows: 30 });
    const epochs = ofKind('epoch');
    expect(epochs.length).toBeGreaterThanOrEqual(6); // early stopping may end the run before 40
    expect(epochs.map((e) => e.epoch)).toEqual(epochs.map((_, i) => i + 1));
    for (const e of epochs) expect(Object.keys(e)).toEqual(expect.arrayContaining(['loss', 'accuracy', 'val_loss', 'val_accuracy', 'samples_per_second', 'seconds']));
    expect(ofKind('saved')[0]).toMatchObject({ model, report_svg: join(dir, 'iris.report.svg'), report_html: join(dir, 'iris.report.html') });
    const metrics = ofKind('metrics')[0];
    expect(metrics).toMatchObject({ on: 'validation', rows: 30 });
    expect(metrics.accuracy as number).toBeGreaterThan(0.85);
  });

  it('draws the report curves from the run: every logged loss and accuracy is a point of the SVG', () => {
    const svg = readFileSync(join(dir, 'iris.report.svg'), 'utf8');
    const html = readFileSync(join(dir, 'iris.report.html'), 'utf8');
    expect(html).toContain(svg.trim());
    // the default 4-128-64-3 network's parameters as summary() counts them, without the arena's padding
    expect(html).toContain(`<th scope="row">parameters</th><td>${4 * 128 + 128 + 128 * 64 + 64 + 64 * 3 + 3}</td>`);
    const panels = parsePanels(svg);
    expect(panels.map((p) => p.name)).toEqual(['loss', 'accuracy']);
    const epochs = ofKind('epoch');
    for (const [panel, keys] of [
      [panels[0], ['loss', 'val_loss']],
      [panels[1], ['accuracy', 'val_accuracy']],
    ] as const) {
      const tolerance = ((panel.yDomain[1] - panel.yDomain[0]) / (panel.plot.y1 - panel.plot.y0)) * 0.02; // 0.01 px rounding
      for (const key of keys) {
        const series = readSeries(panel, key);
        expect(series.epochs).toEqual(epochs.map((_, i) => i));
        series.values.forEach((v, i) => expect(Math.abs(v - (epochs[i][key] as number))).toBeLessThan(tolerance));
      }
    }
  });
});

describe('nntrain evaluate', () => {
  it('prints one name: value line per headline metric, then the per-class report and confusion matrix', async () => {
    const run = await runCli(['evaluate', model, files.iris]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 6).map((l) => l.split(':')[0])).toEqual(['accuracy', 'macro_precision', 'macro_recall', 'macro_f1', 'weighted_f1', 'roc_auc']);
    for (const line of lines.slice(0, 6)) expect(line).toMatch(/^[a-z0-9_]+: \d\.\d{4}$/);
    expect(run.stdout).toContain('precision  recall  f1-score  support');
    expect(run.stdout).toMatch(/true \\ predicted\s+setosa\s+versicolor\s+virginica/);
  });

  it('--json gives the same numbers as one object', async () => {
    const [text, json] = await Promise.all([runCli(['evaluate', model, files.iris]), runCli(['evaluate', model, files.iris, '--json'])]);
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as { rows: number; task: string; metrics: Record<string, number>; evaluation: { confusion: number[][]; labelNames: string[] } };
    expect(out).toMatchObject({ rows: 150, task: 'multiclass' });
    expect(out.evaluation.labelNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(out.evaluation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(150);
    expect(text.stdout.split('\n')[0]).toBe(`accuracy: ${out.metrics.accuracy.toFixed(4)}`);
  });
});

describe('nntrain predict', () => {
  it('writes the predicted class and one probability per class for every row; they match evaluate', async () => {
    const pred = join(dir, 'pred.csv');
    const [run, json] = await Promise.all([runCli(['predict', model, files.iris, '--out', pred]), runCli(['evaluate', model, files.iris, '--json'])]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`predicted 150 rows of ${files.iris} → ${pred}`);
    const [header, ...rows] = readCsvRows(pred);
    expect(header).toEqual(['species', 'prob_setosa', 'prob_versicolor', 'prob_virginica']);
    expect(rows).toHaveLength(150);
    let correct = 0;
    rows.forEach((r, i) => {
      const probs = r.slice(1).map(Number);
      expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-4);
      expect(r[0]).toBe(header[1 + probs.indexOf(Math.max(...probs))].slice('prob_'.length));
      if (r[0] === files.irisRows[i][4]) correct++;
    });
    expect(correct / 150).toBeCloseTo((JSON.parse(json.stdout) as { metrics: { accuracy: number } }).metrics.accuracy, 10);
  });

  it('works without the target column and writes to stdout without --out', async () => {
    const unlabeled = join(dir, 'unlabeled.csv');
    writeFileSync(unlabeled, [IRIS_COLUMNS.slice(0, 4).join(','), ...files.irisRows.slice(0, 5).map((r) => r.slice(0, 4).join(','))].join('\n') + '\n');
    const run = await runCli(['predict', model, unlabeled]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('species,prob_setosa,prob_versicolor,prob_virginica');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['setosa', 'setosa', 'setosa', 'setosa', 'setosa']);
  });

  it('the model file loads from the TypeScript API and predicts identically', async () => {
    const loaded = await loadModel(model);
    const pre = loaded.preprocessing as { scaler: unknown };
    const x: Matrix = { data: Float32Array.from(files.irisRows.flatMap((r) => r.slice(0, 4).map(Number))), rows: 150, cols: 4 };
    const out = await loaded.predict(scalerFromJSON(pre.scaler).transform(x));
    const rows = readCsvRows(join(dir, 'pred.csv')).slice(1);
    rows.forEach((r, i) => r.slice(1).forEach((p, c) => expect(Number(p)).toBe(Number(out.data[i * 3 + c].toPrecision(6)))));
  });
});

describe('nntrain info', () => {
  it('describes the model file and the backend in use', async () => {
    const [text, json] = await Promise.all([runCli(['info', model]), runCli(['info', model, '--json'])]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("target: 'species' (3 classes: setosa, versicolor, virginica)");
    expect(text.stdout).toMatch(/backend: (native|js) \(kernel \w+/);
    const info = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(info).toMatchObject({ kind: 'model', formatVersion: 2, task: 'multiclass', inputs: 4, scaler: 'standard' });
    expect((info.runtime as { kernel: string }).kernel).toEqual(expect.any(String));
    expect(existsSync(model)).toBe(true);
  });
});
