// `nntrain export MODEL --onnx OUT.onnx` end to end: train on a CSV file with a categorical column and
// missing cells, export, and run the file in onnxruntime-node on the raw numeric columns (NaN where a cell
// is missing): the imputer and scaler folded into the graph give the saved model's predictions (as
// loadPredictor computes them) within 1e-5; a regression model's output comes back in the target's units;
// --no-preprocessing leaves them out. Skips the onnxruntime part where onnxruntime-node is not installed.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPredictor } from '../../src/index.js';
import { rawFeatures } from '../../src/data/preprocessing/index.js';
import type { Matrix } from '../../src/data/matrix.js';
import { decodeOnnx } from '../../src/io/onnx/onnx-file.js';
import { checkClose } from '../helpers/check.js';
import { loadOrt, ortRun } from '../models/onnx/helpers.js';
import { runCli, tempDir, writeBundledCsvs } from './helpers.js';

const { dir, cleanup } = tempDir('export');
const path = (name: string): string => join(dir, name);
const TRAIN = ['--epochs', '3', '--layers', '8', '--no-report', '--seed', '3'];
const COLORS = ['red', 'green', 'blue'];
let rows: Record<string, string>[];

beforeAll(() => {
  const { irisRows } = writeBundledCsvs(dir);
  // iris with a categorical column (one-hot in the model) and missing cells in both kinds of column
  const header = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'color', 'species'];
  const lines = irisRows.map((r, i) => {
    const cells = [r[0], i % 10 === 3 ? '' : r[1], r[2], r[3], i % 15 === 4 ? '' : COLORS[i % 3], r[4]];
    return cells;
  });
  writeFileSync(path('gaps.csv'), `${[header, ...lines].map((l) => l.join(',')).join('\n')}\n`);
  rows = lines.map((l) => Object.fromEntries(header.map((h, k) => [h, l[k]])));
});
afterAll(cleanup);

async function trainAndExport(name: string, target: string, extra: string[] = []): Promise<{ model: string; onnx: string; stdout: string }> {
  const model = path(`${name}.nntrain`);
  const train = await runCli(['train', path('gaps.csv'), '--target', target, ...TRAIN, '--out', model]);
  expect(train.code, train.stderr).toBe(0);
  const onnx = path(`${name}.onnx`);
  const run = await runCli(['export', model, '--onnx', onnx, ...extra]);
  expect(run.code, run.stderr).toBe(0);
  return { model, onnx, stdout: run.stdout };
}

/** The raw features of every row as the model's columns (one-hot, NaN for a gap), and loadPredictor's outputs. */
async function expected(model: string): Promise<{ raw: Matrix; outputs: Matrix; inputs: Matrix; xColumns: string[]; labels: string[] | null }> {
  const predictor = await loadPredictor(model);
  const pre = predictor.preprocessing;
  const raw = rawFeatures(pre.schema, rows, 'error');
  const copy = () => ({ ...raw, data: raw.data.slice() });
  const outputs = await predictor.predictMatrix(copy());
  const { Preprocessor } = await import('../../src/data/preprocessing/index.js');
  const inputs = Preprocessor.fromJSON(pre, model).inputs(copy());
  return { raw, outputs, inputs, xColumns: pre.xColumns, labels: pre.target.labels };
}

const { ort, reason } = await loadOrt();

describe('nntrain export --onnx', () => {
  it('writes the file with the columns and class names in its metadata and says what it folded in', async () => {
    const { model, onnx, stdout } = await trainAndExport('meta', 'species');
    expect(stdout).toMatch(/^wrote .*meta\.onnx: ONNX opset 17, \d+ nodes, input 'features' \[rows, 7\], output 'probabilities' \[rows, 3\]; preprocessing folded in: imputer \(Where, IsNaN\); standard scaler/);
    const file = decodeOnnx(readFileSync(onnx), onnx);
    const meta = Object.fromEntries(file.metadata);
    const { xColumns, labels, raw } = await expected(model);
    expect(raw.data.some((v) => Number.isNaN(v))).toBe(true);
    expect(JSON.parse(meta.columns)).toEqual(xColumns);
    expect(JSON.parse(meta.labels)).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(meta).toMatchObject({ target: 'species', task: 'multiclass' });
    expect(file.graph.nodes.slice(0, 6).map((n) => n.opType)).toEqual(['IsNaN', 'Where', 'Cast', 'Sub', 'Div', 'Cast']);
  });

  it('is a usage error without --onnx, and a model file error for a file that is not a model', async () => {
    const none = await runCli(['export', path('gaps.csv')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--onnx/);
    const bad = await runCli(['export', path('gaps.csv'), '--onnx', path('bad.onnx')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('gaps.csv');
  });
});

describe.skipIf(ort === null)(`train → export → onnxruntime${reason === null ? '' : ` (skipped: ${reason})`}`, () => {
  it('a classifier: onnxruntime on the raw columns (gaps as NaN) gives the saved model probabilities within 1e-5', async () => {
    const { model, onnx } = await trainAndExport('classes', 'species');
    const e = await expected(model);
    const actual = await ortRun(ort!, onnx, e.raw, 'probabilities');
    checkClose(actual, e.outputs.data, { abs: 1e-5, rel: 0 }, 'onnxruntime vs loadPredictor');
  });

  it('a regression: the output is in the target units (the target scaler folded in after the network)', async () => {
    const { model, onnx } = await trainAndExport('values', 'petal_width');
    const e = await expected(model);
    const actual = await ortRun(ort!, onnx, e.raw, 'output');
    checkClose(actual, e.outputs.data, { abs: 1e-5, rel: 1e-5 }, 'onnxruntime vs loadPredictor (regression)');
  });

  it('--no-preprocessing: the network alone, on the imputed and scaled inputs', async () => {
    const { model, onnx, stdout } = await trainAndExport('bare', 'species', ['--no-preprocessing']);
    expect(stdout).toMatch(/preprocessing folded in: none/);
    const e = await expected(model);
    const actual = await ortRun(ort!, onnx, e.inputs, 'probabilities');
    checkClose(actual, e.outputs.data, { abs: 1e-5, rel: 0 }, 'onnxruntime (no preprocessing) vs loadPredictor');
  });
});
