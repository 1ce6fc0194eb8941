// The CLI's data pipeline against the path it replaced: for a CSV with missing values and categorical
// columns, the training and validation inputs, targets and saved preprocessing are bit-identical to
// gathering the rows, fitting the imputer, imputing a copy to fit the scaler and then imputing and
// scaling another copy of each part — while the data is copied once instead of about four times.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gatherRows, Imputer, scalers, type Matrix, type Scaler } from '../../../src/index.js';
import { prepareSplit, readTrainingData, standardSplit, takeRows, type PreparedSplit, type TrainingData } from '../../../src/cli/pipeline/index.js';
import { resolveConfig, type TrainConfig } from '../../../src/cli/train-config.js';
import { checkBits } from '../../helpers/check.js';

const dir = mkdtempSync(join(tmpdir(), 'nntrain-pipeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 240 rows: two categorical columns (one with gaps), three numeric ones with gaps, a class and a value. */
function writeFixture(): string {
  const lines = ['site,width,length,colour,depth,species,weight'];
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 240; i++) {
    const site = i % 11 === 5 ? '' : ['north', 'south', 'east'][i % 3];
    const width = i % 7 === 0 ? '' : (2 + 3 * rnd()).toFixed(2);
    const length = i % 13 === 2 ? '' : (10 * rnd()).toFixed(3);
    const depth = i % 5 === 1 ? '' : (100 + 50 * rnd()).toFixed(1);
    const species = ['setosa', 'versicolor', 'virginica'][(i * 7) % 3];
    lines.push([site, width, length, ['red', 'blue'][i % 2], depth, species, (40 + 20 * rnd()).toFixed(2)].join(','));
  }
  const path = join(dir, 'field.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
const CSV = writeFixture();

function config(target: string, extra: [string, unknown][] = []): TrainConfig {
  const given = new Map<string, { value: unknown; source: 'flag' }>([['target', { value: target, source: 'flag' }], ...extra.map(([k, v]) => [k, { value: v, source: 'flag' as const }] as const)]);
  return resolveConfig('train', CSV, given as never);
}

/** The replaced path: gather, fit the imputer, impute a copy for the scaler, then copy + impute + scale each part. */
function previousPath(data: TrainingData, train: Uint32Array, validation: Uint32Array, scale: TrainConfig['scale']) {
  const trainX = gatherRows(data.x, train);
  const trainY = gatherRows(data.y, train);
  const oneHotGroups = data.oneHotGroups.filter((g) => g.length >= 2);
  const imputer = data.imputeColumns.length > 0 ? new Imputer({ categorical: data.indexColumns, oneHotGroups }).fit(trainX) : null;
  const scaler = scalers[scale]({ exclude: [...data.oneHotGroups.flat(), ...data.indexColumns] }).fit(imputer === null ? trainX : imputer.transform(trainX));
  const inputs = (x: Matrix): Matrix => {
    const out: Matrix = { data: x.data.slice(), rows: x.rows, cols: x.cols };
    if (imputer !== null) imputer.transform(out, out);
    return scaler.transform(out, out);
  };
  const targetScaler: Scaler | null = data.target.task === 'regression' ? scalers.standard().fit(trainY) : null;
  const targets = (y: Matrix) => (targetScaler === null ? y : targetScaler.transform(y));
  const valY = gatherRows(data.y, validation);
  return {
    train: { x: inputs(trainX), y: targets(trainY), yTrue: trainY },
    validation: { x: inputs(gatherRows(data.x, validation)), y: targets(valY), yTrue: valY },
    json: { imputer: imputer?.toJSON() ?? null, scaler: scaler.toJSON(), targetScaler: targetScaler?.toJSON() ?? null },
  };
}

function checkSame(split: PreparedSplit, expected: ReturnType<typeof previousPath>, what: string): void {
  for (const part of ['train', 'validation'] as const) {
    const got = split[part];
    if (got === null) throw new Error(`${what}: no ${part} part`);
    expect([got.x.rows, got.x.cols]).toEqual([expected[part].x.rows, expected[part].x.cols]);
    for (const key of ['x', 'y', 'yTrue'] as const) checkBits(got[key].data, expected[part][key].data, `${what} ${part}.${key}`);
  }
  const saved = split.pre.toJSON({});
  expect({ imputer: saved.imputer, scaler: saved.scaler, targetScaler: saved.targetScaler }).toEqual(JSON.parse(JSON.stringify(expected.json)));
}

/** Float32Arrays constructed while `fn` runs (sizes), through a counting stand-in for the global. */
function countAllocations<T>(fn: () => T): { result: T; sizes: number[] } {
  const Real = Float32Array;
  const sizes: number[] = [];
  const counting = new Proxy(Real, {
    construct(target, args, newTarget) {
      const array = Reflect.construct(target, args, newTarget) as Float32Array;
      sizes.push(array.length);
      return array;
    },
  });
  const global = globalThis as { Float32Array: unknown };
  global.Float32Array = counting;
  try {
    return { result: fn(), sizes };
  } finally {
    global.Float32Array = Real;
  }
}

describe('prepareSplit', () => {
  it.each([
    ['species', 'standard'],
    ['weight', 'minMax'],
  ] as const)('target %s, %s scaling: bit-identical to the replaced path, consuming the data or not', async (target, scale) => {
    const cfg = config(target, [['scale', scale]]);
    const reference = await readTrainingData(cfg);
    expect(reference.imputeColumns.length).toBeGreaterThan(0);
    expect(reference.oneHotGroups.some((g) => g.length >= 2)).toBe(true);
    const rows = await standardSplit(cfg, reference);
    const validation = rows.validation as Uint32Array;
    expect(validation.length).toBeGreaterThan(0);
    const expected = previousPath(reference, rows.train, validation, scale);

    const kept = prepareSplit(reference, rows, scale, false);
    checkSame(kept, expected, 'kept');
    checkBits(reference.x.data, (await readTrainingData(cfg)).x.data, 'the data left as read');

    const data = await readTrainingData(cfg);
    const consumed = prepareSplit(data, rows, scale, true);
    checkSame(consumed, expected, 'consumed');
    expect(consumed.train.x.data.buffer).toBe(data.x.data.buffer); // the training rows stayed in readCsv's buffer
  });

  it('a validation file is transformed like rows of the data', async () => {
    const cfg = config('species', [['valFile', CSV]]);
    const data = await readTrainingData(cfg);
    const rows = await standardSplit(cfg, data);
    expect(rows.validation).not.toBeInstanceOf(Uint32Array);
    const all = Uint32Array.from({ length: data.rows }, (_, i) => i);
    const expected = previousPath(data, all, all, cfg.scale);
    checkSame(prepareSplit(data, rows, cfg.scale, false), expected, 'kept');
    checkSame(prepareSplit(data, rows, cfg.scale, true), expected, 'consumed');
  });

  it('copies the data once at most: the validation rows when it consumes the data, every row when not', async () => {
    const cfg = config('weight');
    const data = await readTrainingData(cfg);
    const rows = await standardSplit(cfg, data);
    const validationRows = (rows.validation as Uint32Array).length;
    // x-sized: wider than one column; the targets (one column) are copied apart, as before
    const xElements = (sizes: number[]) => sizes.filter((n) => n > data.rows).reduce((a, b) => a + b, 0);
    const kept = countAllocations(() => prepareSplit(data, rows, cfg.scale, false));
    expect(xElements(kept.sizes)).toBe(data.rows * data.x.cols); // the replaced path: 2.8× this (gather, the imputer's copy, Preprocessor.inputs' copy)
    const consumed = countAllocations(() => prepareSplit(data, rows, cfg.scale, true));
    expect(xElements(consumed.sizes)).toBe(validationRows * data.x.cols);
    expect(consumed.sizes.every((n) => n <= data.rows * data.x.cols)).toBe(true);
  });
});

describe('takeRows', () => {
  const source = () => ({ x: { data: Float32Array.from({ length: 12 }, (_, i) => i), rows: 6, cols: 2 }, y: { data: Float32Array.from([0, 1, 2, 3, 4, 5]), rows: 6, cols: 1 } });

  it('moves ascending rows to the front of the source in place, and copies any other order', () => {
    const s = source();
    const moved = takeRows(s, Uint32Array.from([1, 3, 4]), true);
    expect(moved.x.data.buffer).toBe(s.x.data.buffer);
    expect(Array.from(moved.x.data)).toEqual([2, 3, 6, 7, 8, 9]);
    expect(Array.from(moved.y.data)).toEqual([1, 3, 4]);
    const t = source();
    const copied = takeRows(t, Uint32Array.from([4, 1]), true);
    expect(copied.x.data.buffer).not.toBe(t.x.data.buffer);
    expect(Array.from(copied.x.data)).toEqual([8, 9, 2, 3]);
    expect(Array.from(t.x.data)).toEqual(Array.from(source().x.data));
  });

  it('rejects a row outside the data, in place or not', () => {
    for (const inPlace of [true, false]) expect(() => takeRows(source(), Uint32Array.from([2, 6]), inPlace)).toThrow(/indices\[1\]/);
  });
});
