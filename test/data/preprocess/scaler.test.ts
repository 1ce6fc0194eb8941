// Scalers: statistics against a float64 reference over odd shapes, streaming partialFit against one fit,
// transform / inverse round trips, constant and excluded columns, NaN as missing, JSON round trips and the
// errors of bad JSON and bad options.

import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, ModelFileError, ShapeError } from '../../../src/util/errors.js';
import { Rng } from '../../../src/util/rng.js';
import { sliceRows, type Matrix } from '../../../src/data/matrix.js';
import { scalerFromJSON, scalers, type ScalerJSON } from '../../../src/data/preprocess/index.js';
import { checkClose, checkExact } from '../../helpers/check.js';
import { expectConfigError } from '../../helpers/errors.js';
import { randomMatrix, referenceStats, thrown } from './helpers.js';

const SHAPES: [number, number][] = [
  [1, 1],
  [2, 3],
  [17, 5],
  [333, 7],
  [1000, 33],
];

describe('standard and minMax statistics', () => {
  it.each(SHAPES)('match a float64 two-pass reference for %i x %i', (rows, cols) => {
    const x = randomMatrix(rows, cols, rows * 31 + cols);
    const ref = referenceStats(x);
    const stats = scalers.standard().fit(x).statistics();
    checkClose(stats.count, ref.count, 0, 'count');
    checkClose(stats.mean, ref.mean, { abs: 1e-12, rel: 1e-13 }, 'mean');
    checkClose(stats.std, ref.std, { abs: 1e-10, rel: 1e-10 }, 'std');
    checkExact(stats.min, ref.min, 'min');
    checkExact(stats.max, ref.max, 'max');
  });

  it('keeps full precision for a column with a large offset (no Σx² − n·mean² cancellation)', () => {
    const rng = new Rng(5);
    const data = Float32Array.from({ length: 4000 }, () => 1e6 + rng.normal() * 0.25);
    const x: Matrix = { data, rows: 4000, cols: 1 };
    const ref = referenceStats(x);
    const stats = scalers.standard().fit(x).statistics();
    checkClose(stats.std, ref.std, { abs: 0, rel: 1e-9 }, 'std');
  });

  it('standard output has mean 0 and std 1 on the training data', () => {
    const x = randomMatrix(500, 6, 2);
    const out = scalers.standard().fit(x).transform(x);
    const ref = referenceStats(out);
    checkClose(ref.mean, new Array(6).fill(0), 1e-5, 'mean after');
    checkClose(ref.std, new Array(6).fill(1), 1e-5, 'std after');
  });

  it('minMax maps the training min and max to the feature range', () => {
    const x = randomMatrix(200, 4, 3);
    const out = scalers.minMax({ featureRange: [-1, 2] }).fit(x).transform(x);
    const ref = referenceStats(out);
    checkClose(ref.min, [-1, -1, -1, -1], 1e-6, 'min after');
    checkClose(ref.max, [2, 2, 2, 2], 1e-6, 'max after');
  });
});

describe('partialFit', () => {
  it.each(SHAPES)('over random block splits equals one fit (%i x %i)', (rows, cols) => {
    const x = randomMatrix(rows, cols, rows + cols, 0.05);
    const rng = new Rng(rows * 7 + cols);
    for (const kind of ['standard', 'minMax'] as const) {
      const whole = scalers[kind]().fit(x);
      for (let trial = 0; trial < 5; trial++) {
        const streamed = scalers[kind]();
        for (let start = 0; start < rows; ) {
          const end = Math.min(rows, start + 1 + rng.int(Math.max(1, rows / 3)));
          streamed.partialFit(sliceRows(x, start, end));
          start = end;
        }
        const a = whole.statistics();
        const b = streamed.statistics();
        checkExact(b.count, a.count, `${kind} count`);
        checkClose(b.mean, a.mean, { abs: 1e-12, rel: 1e-13 }, `${kind} mean`);
        checkClose(b.std, a.std, { abs: 1e-10, rel: 1e-10 }, `${kind} std`);
        checkExact(b.min, a.min, `${kind} min`);
        checkExact(b.max, a.max, `${kind} max`);
        checkClose(streamed.transform(x).data, whole.transform(x).data, { abs: 1e-6, rel: 1e-6 }, `${kind} transform`);
      }
    }
  });

  it('fit(x, rows) uses only those rows, like gathering them first', () => {
    const x = randomMatrix(50, 3, 9);
    const rows = Uint32Array.from([3, 7, 8, 20, 41, 49]);
    const gathered: Matrix = { data: new Float32Array(rows.length * 3), rows: rows.length, cols: 3 };
    rows.forEach((r, i) => gathered.data.set(x.data.subarray(r * 3, r * 3 + 3), i * 3));
    checkClose(scalers.standard().fit(x, rows).statistics().mean, referenceStats(gathered).mean, 1e-12, 'mean');
  });
});

describe('transform', () => {
  it.each(['standard', 'minMax'] as const)('%s: inverseTransform(transform(x)) round-trips', (kind) => {
    const x = randomMatrix(300, 9, 4);
    const scaler = scalers[kind]().fit(x);
    const back = scaler.inverseTransform(scaler.transform(x));
    checkClose(back.data, x.data, { abs: 1e-5, rel: 1e-6 }, 'round trip');
  });

  it('works in place and into an out buffer, and leaves x alone otherwise', () => {
    const x = randomMatrix(20, 3, 5);
    const original = x.data.slice();
    const scaler = scalers.standard().fit(x);
    const fresh = scaler.transform(x);
    checkExact(x.data, original, 'x untouched');
    const out: Matrix = { data: new Float32Array(60), rows: 20, cols: 3 };
    expect(scaler.transform(x, out)).toBe(out);
    checkExact(out.data, fresh.data, 'out buffer');
    expect(scaler.transform(x, x)).toBe(x);
    checkExact(x.data, fresh.data, 'in place');
  });

  it('gives constant columns scale 1 (standard → 0, minMax → low)', () => {
    const x: Matrix = { data: Float32Array.from([5, 1, 5, 2, 5, 3]), rows: 3, cols: 2 };
    expect(Array.from(scalers.standard().fit(x).transform(x).data.filter((_, i) => i % 2 === 0))).toEqual([0, 0, 0]);
    expect(scalers.standard().fit(x).parameters().scale[0]).toBe(1);
    const mm = scalers.minMax({ featureRange: [-1, 1] }).fit(x).transform(x);
    expect(Array.from(mm.data)).toEqual([-1, -1, -1, 0, -1, 1]);
  });

  it('passes excluded columns through and leaves them out of the statistics', () => {
    const x = randomMatrix(40, 4, 6);
    const scaler = scalers.standard({ exclude: [1, 3] }).fit(x);
    const out = scaler.transform(x);
    for (let r = 0; r < 40; r++) {
      expect(out.data[r * 4 + 1]).toBe(x.data[r * 4 + 1]);
      expect(out.data[r * 4 + 3]).toBe(x.data[r * 4 + 3]);
    }
    expect(Array.from(scaler.statistics().count)).toEqual([40, 0, 40, 0]);
  });

  it('skips NaN in the statistics and keeps NaN cells NaN', () => {
    const x: Matrix = { data: Float32Array.from([1, NaN, 3, 4, NaN, 8]), rows: 3, cols: 2 };
    const scaler = scalers.standard().fit(x);
    expect(Array.from(scaler.statistics().count)).toEqual([2, 2]);
    expect(Array.from(scaler.statistics().mean)).toEqual([2, 6]);
    const out = scaler.transform(x);
    expect(Number.isNaN(out.data[1]) && Number.isNaN(out.data[4])).toBe(true);
    expect(Array.from(out.data.filter((v) => !Number.isNaN(v)))).toEqual([-1, 1, -1, 1]);
  });

  it('none is the identity', () => {
    const x = randomMatrix(5, 2, 7);
    checkExact(scalers.none().fit(x).transform(x).data, x.data, 'none');
  });
});

describe('errors', () => {
  it('rejects use before fit, wrong widths and Infinity', () => {
    expectConfigError(
      () => scalers.standard().transform(randomMatrix(2, 2, 1)),
      'The standard scaler has not been fitted: call fit(x) or partialFit(block) on the training split before transform()',
    );
    const scaler = scalers.minMax().fit(randomMatrix(4, 3, 1));
    expect(thrown(() => scaler.transform(randomMatrix(4, 2, 1)))).toBeInstanceOf(ShapeError);
    expect(thrown(() => scaler.partialFit(randomMatrix(4, 2, 1))).message).toBe(
      'A block of 2 columns was passed to partialFit but the scaler was fitted on 3 columns',
    );
    const bad: Matrix = { data: Float32Array.from([1, 2, 3, Infinity]), rows: 2, cols: 2 };
    const err = thrown(() => scalers.standard().fit(bad)) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect([err.row, err.column]).toEqual([1, 1]);
    expect(thrown(() => scalers.standard().fit([[1, 2]] as unknown as Matrix))).toBeInstanceOf(ShapeError);
  });

  it('leaves the scaler as it was when a block throws', () => {
    const scaler = scalers.standard().fit(randomMatrix(10, 2, 1));
    const before = scaler.statistics();
    const bad: Matrix = { data: Float32Array.from([1, 2, 3, Infinity]), rows: 2, cols: 2 };
    expect(thrown(() => scaler.partialFit(bad))).toBeInstanceOf(DataError);
    expect(scaler.statistics()).toEqual(before);
    const fresh = scalers.minMax();
    expect(thrown(() => fresh.fit(bad))).toBeInstanceOf(DataError);
    expect(fresh.fitted).toBe(false);
  });

  it('names bad options', () => {
    expectConfigError(() => scalers.minMax({ featureRange: [1, 1] }), 'Expected an array [low, high] of finite numbers with low < high for featureRange but received an array of length 2');
    expectConfigError(() => scalers.standard({ exclude: [0, -1] }), 'Expected integer >= 0 for exclude[1] but received -1');
    expectConfigError(() => scalers.standard({ exclude: [2, 2] }), 'Column 2 appears twice in exclude');
    expectConfigError(
      () => scalers.standard({ exclude: [5] }).fit(randomMatrix(2, 3, 1)),
      'Expected column indices in [0, 3) for data with 3 columns for exclude but received 5',
    );
    expectConfigError(
      () => scalers.standard({ featureRange: [0, 1] } as never),
      "Unknown option 'featureRange' for scalers.standard. Valid options: exclude",
    );
  });
});

describe('JSON', () => {
  it.each(['standard', 'minMax', 'none'] as const)('%s round-trips through JSON text and keeps fitting', (kind) => {
    const x = randomMatrix(60, 5, 8, 0.1);
    const scaler = scalers[kind]({ exclude: [2] }).partialFit(sliceRows(x, 0, 30));
    const restored = scalerFromJSON(JSON.stringify(scaler));
    expect(restored.kind).toBe(kind);
    checkExact(restored.transform(x).data, scaler.transform(x).data, 'restored transform');
    scaler.partialFit(sliceRows(x, 30, 60));
    restored.partialFit(sliceRows(x, 30, 60));
    checkExact(restored.transform(x).data, scaler.transform(x).data, 'after more partialFit');
  });

  it('rejects damaged JSON naming the field, or the file when a path is given', () => {
    const good = scalers.minMax({ featureRange: [-1, 1] }).fit(randomMatrix(10, 4, 1)).toJSON();
    const damaged = (patch: (j: ScalerJSON) => void): ScalerJSON => {
      const j = JSON.parse(JSON.stringify(good)) as ScalerJSON;
      patch(j);
      return j;
    };
    const cases: [ScalerJSON | string, string][] = [
      [damaged((j) => (j.stats!.mean = j.stats!.mean.slice(1))), 'Expected an array of length 4 of finite numbers for scaler.stats.mean but received an array of length 3'],
      [damaged((j) => (j.stats!.m2[2] = -1)), 'Expected number >= 0 for scaler.stats.m2[2] but received -1'],
      [damaged((j) => (j.stats!.count[0] = 1.5)), 'Expected integer >= 0 for scaler.stats.count[0] but received 1.5'],
      [damaged((j) => ((j as unknown as Record<string, unknown>).kind = 'zscore')), "Expected one of 'standard', 'minMax', 'none' for scaler.kind but received 'zscore'"],
      [damaged((j) => (j.featureRange = [1, 0])), 'Expected an array [low, high] with low < high for scaler.featureRange but received an array of length 2'],
      [damaged((j) => (j.exclude = [9])), 'Expected integer in [0, 4) for scaler.exclude[0] but received 9'],
      [damaged((j) => ((j as unknown as Record<string, unknown>).format = 'other')), "Expected 'nntrain.scaler' for scaler.format but received 'other'"],
      [damaged((j) => ((j as unknown as Record<string, unknown>).version = 2)), 'scaler has version 2, newer than version 1 that this nntrain reads; upgrade nntrain'],
      [damaged((j) => (j.stats!.mean[1] = 99)), 'scaler.stats: column 1 has mean 99 outside [min ' + good.stats!.min[1] + ', max ' + good.stats!.max[1] + ']'],
      ['{"format":', 'scaler is not valid JSON text'],
    ];
    for (const [json, message] of cases) {
      const err = thrown(() => scalerFromJSON(json));
      expect(err, message).toBeInstanceOf(ConfigError);
      expect(err.message.startsWith(message), `${err.message} should start with ${message}`).toBe(true);
      const fileErr = thrown(() => scalerFromJSON(json, { path: 'model.nntrain' }));
      expect(fileErr).toBeInstanceOf(ModelFileError);
      expect(fileErr.message).toContain(`model.nntrain: holds an invalid scaler: ${message}`);
    }
  });

  it('refuses to serialize an unfitted scaler', () => {
    expect(thrown(() => JSON.stringify(scalers.standard()))).toBeInstanceOf(ConfigError);
  });
});
