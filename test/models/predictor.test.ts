// loadPredictor: a model (or ensemble) trained by `nntrain train` used from TypeScript on raw rows, with
// the saved schema, imputer, scalers and class names applied: it predicts what `nntrain predict` writes,
// for classes (iris) and for a regression with a categorical input and gaps; loadEnsemble and the error
// loadModel gives for a manifest.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnsemble, loadModel, loadPredictor, ModelFileError, type ClassPrediction, type SavedPreprocessing, type ValuePrediction } from '../../src/index.js';
import { runCli, tempDir, writeBundledCsvs, IRIS_COLUMNS } from '../cli/helpers.js';

const { dir, cleanup } = tempDir('predictor');
let files: ReturnType<typeof writeBundledCsvs>;
const path = (name: string): string => join(dir, name);
const TRAIN = ['--epochs', '4', '--layers', '8', '--no-report', '--seed', '5'];

/** The data lines of a predictions file, split into fields. */
const predictions = (file: string): string[][] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));

/** Whether `a` is `b` printed with `digits` significant digits. */
const printedAs = (printed: string, value: number, digits: number): void => expect(printed).toBe(String(Number(value.toPrecision(digits))));

/** A regression file: y from two numbers and a city, with gaps to impute. */
function regressionCsv(): string {
  const cities = ['Paris', 'Lyon', 'Nice'];
  const rows = Array.from({ length: 120 }, (_, i) => {
    const a = ((i * 7) % 23) / 4;
    const b = ((i * 11) % 17) / 3;
    const city = cities[i % 3];
    const y = 3 * a - 2 * b + (city === 'Lyon' ? 5 : city === 'Nice' ? -4 : 0) + 100;
    return [i % 13 === 0 ? '' : String(a), String(b), i % 29 === 0 ? 'NA' : city, String(y)];
  });
  const file = path('regression.csv');
  writeFileSync(file, `a,b,city,y\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  return file;
}

beforeAll(() => {
  files = writeBundledCsvs(dir);
});
afterAll(cleanup);

describe('loadPredictor', () => {
  it('predicts on iris what nntrain predict writes, from row objects and from the CSV file', async () => {
    const model = path('iris.nntrain');
    const t = await runCli(['train', files.iris, '--target', 'species', ...TRAIN, '--out', model]);
    expect(t.code, t.stderr).toBe(0);
    const p = await runCli(['predict', model, files.iris, '--out', path('iris-pred.csv')]);
    expect(p.code, p.stderr).toBe(0);
    const cli = predictions(path('iris-pred.csv'));

    const predictor = await loadPredictor(model);
    expect(predictor.kind).toBe('model');
    expect(predictor.target.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(predictor.preprocessing.xColumns).toEqual(IRIS_COLUMNS.slice(0, 4));
    // numbers, numeric strings, the label column and unused keys as a user passes them
    const rows = files.irisRows.map((r, i) => ({ sepal_length: Number(r[0]), sepal_width: r[1], petal_length: Number(r[2]), petal_width: ` ${r[3]}`, species: r[4], id: i }));
    const fromRows = (await predictor.predict(rows)) as ClassPrediction[];
    const fromCsv = (await predictor.predictCsv(files.iris, { keep: ['species'], chunkRows: 40 })) as (ClassPrediction & { keep: Record<string, string> })[];
    expect(fromRows).toHaveLength(150);
    expect(fromCsv).toHaveLength(150);
    fromRows.forEach((pred, i) => {
      expect(pred.label).toBe(cli[i][0]);
      predictor.target.labels?.forEach((l, k) => printedAs(cli[i][k + 1], pred.probabilities[l], 6));
      expect(fromCsv[i].label).toBe(pred.label);
      expect(fromCsv[i].probabilities).toEqual(pred.probabilities);
      expect(fromCsv[i].keep).toEqual({ species: files.irisRows[i][4] });
    });
  });

  it('predicts a regression in the target units, imputing gaps, as nntrain predict does', async () => {
    const data = regressionCsv();
    const model = path('regression.nntrain');
    const t = await runCli(['train', data, '--target', 'y', ...TRAIN, '--out', model]);
    expect(t.code, t.stderr).toBe(0);
    const p = await runCli(['predict', model, data, '--out', path('regression-pred.csv')]);
    expect(p.code, p.stderr).toBe(0);
    const cli = predictions(path('regression-pred.csv'));

    const predictor = await loadPredictor(model, { backend: 'js' });
    expect(predictor.target.task).toBe('regression');
    const text = readFileSync(data, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const rows = text.map(([a, b, city]) => ({ a: a === '' ? null : Number(a), b, city: city === 'NA' ? '' : city }));
    const fromRows = (await predictor.predict(rows)) as ValuePrediction[];
    const fromCsv = (await predictor.predictCsv(data)) as ValuePrediction[];
    fromRows.forEach((pred, i) => {
      printedAs(cli[i][0], pred.value, 7);
      expect(fromCsv[i].value).toBe(pred.value);
    });
    // the values are in the target's units (around 100), not standardized
    expect(fromRows.reduce((s, r) => s + r.value, 0) / fromRows.length).toBeGreaterThan(50);
  });

  it('rejects bad rows naming the row and column, and takes unknown: ignore', async () => {
    const data = regressionCsv();
    const model = path('regression-rows.nntrain');
    const t = await runCli(['train', data, '--target', 'y', ...TRAIN, '--out', model]);
    expect(t.code, t.stderr).toBe(0);
    const predictor = await loadPredictor(model);
    await expect(predictor.predict([{ a: 1, b: 2, city: 'Paris' }, { a: 1, city: 'Paris' }])).rejects.toMatchObject({ name: 'DataError', message: "row 1 lacks the model's input column 'b'", row: 1 });
    await expect(predictor.predict([{ a: 'x', b: 2, city: 'Paris' }])).rejects.toThrow("row 0, column 'a': expected a number but found 'x'");
    await expect(predictor.predict([{ a: 1, b: 2, city: 'Rome' }])).rejects.toThrow("row 0, column 'city': unknown category 'Rome' (known: 'Lyon', 'Nice', 'Paris'); pass unknown: 'ignore' to read it as no category");
    const [rome] = (await predictor.predict([{ a: 1, b: 2, city: 'Rome' }], { unknown: 'ignore' })) as ValuePrediction[];
    expect(Number.isFinite(rome.value)).toBe(true);
    await expect(predictor.predict([{ a: 1, b: 2, city: 'Paris' }], { unknwn: 'ignore' } as never)).rejects.toThrow(/unknwn/);
  });

  it('loads an ensemble manifest, as nntrain predict does; loadModel names loadEnsemble for one', async () => {
    const manifest = path('iris.ensemble.nntrain');
    const t = await runCli(['train', files.iris, '--target', 'species', '--ensemble', '2', ...TRAIN, '--out', manifest]);
    expect(t.code, t.stderr).toBe(0);
    const p = await runCli(['predict', manifest, files.iris, '--out', path('ensemble-pred.csv')]);
    expect(p.code, p.stderr).toBe(0);
    const cli = predictions(path('ensemble-pred.csv'));
    const predictor = await loadPredictor(manifest);
    expect(predictor.kind).toBe('ensemble');
    expect(predictor.members).toHaveLength(2);
    const fromCsv = (await predictor.predictCsv(files.iris)) as ClassPrediction[];
    fromCsv.forEach((pred, i) => {
      expect(pred.label).toBe(cli[i][0]);
      printedAs(cli[i][1], pred.probabilities.setosa, 6);
    });

    const ensemble = await loadEnsemble(manifest);
    expect(ensemble.memberPaths).toEqual(predictor.memberPaths);
    expect((ensemble.preprocessing as SavedPreprocessing).target.name).toBe('species');
    const x = [[5.1, 3.5, 1.4, 0.2]];
    const mean = await ensemble.predict(predictor.pre.inputs({ data: Float32Array.from(x[0]), rows: 1, cols: 4 }));
    const each = await Promise.all(ensemble.members.map((m) => m.predict(predictor.pre.inputs({ data: Float32Array.from(x[0]), rows: 1, cols: 4 }))));
    expect(mean.data[0]).toBeCloseTo((each[0].data[0] + each[1].data[0]) / 2, 6);

    await expect(loadModel(manifest)).rejects.toThrow(new ModelFileError(manifest, 'is an ensemble manifest of 2 models, not one model: load it with loadEnsemble(path), or loadPredictor(path) to predict on raw rows'));
  });

  it('refuses a model saved from the API, which has no CSV preprocessing', async () => {
    const m = await loadModel(path('iris.nntrain'));
    m.preprocessing = undefined;
    await m.save(path('api.nntrain'));
    await expect(loadPredictor(path('api.nntrain'))).rejects.toThrow(/has no CSV preprocessing/);
  });
});
