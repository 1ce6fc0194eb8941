// predict's inputs beyond number[][] and Matrix: one flat sample of inputWidth numbers (one output row),
// never read as several rows, and rows given as typed arrays (Float64Array, Int32Array, …), on both backends.

import { describe, expect, it } from 'vitest';
import { layers, matrix, Sequential, ShapeError } from '../../src/index.js';
import { BACKENDS } from '../helpers/backends.js';

function model(inputs: number, backend: 'js' | 'native', declared = true): Sequential {
  const m = new Sequential({ seed: 4, backend });
  m.add(layers.dense({ units: 5, activation: 'tanh', ...(declared ? { inputShape: [inputs] as [number] } : {}) }));
  m.add(layers.dense({ units: 2, activation: 'softmax' }));
  return m;
}

const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.2, 3.4, 5.4, 2.3],
  [4.9, 3.0, 1.4, 0.2],
];

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );
}

describe.each(BACKENDS)('predict inputs on $name', ({ name, available }) => {
  it.skipIf(!available)('one flat sample gives one row, equal to the same sample as a row', async () => {
    const m = model(4, name);
    const asRows = await m.predict([ROWS[1]]);
    for (const sample of [ROWS[1], Float32Array.from(ROWS[1]), Float64Array.from(ROWS[1])]) {
      const out = await m.predict(sample);
      expect(out.rows).toBe(1);
      expect(out.cols).toBe(2);
      expect(out.data).toEqual(asRows.data);
    }
  });

  it.skipIf(!available)('a flat array of another length is an error that says how to pass rows', async () => {
    const m = model(4, name);
    const err = await rejection(m.predict(ROWS.flat()));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toBe(
      'x is a flat array of 12 numbers, which predict reads as one sample, but the model expects 4 inputs per sample: pass several samples as rows (number[][]) or as matrix(values, 4)',
    );
    expect((await m.predict(matrix(ROWS.flat(), 4))).rows).toBe(3);
  });

  it.skipIf(!available)('with one input, [v] is one sample and [a, b, c] is refused, not read as three rows', async () => {
    const m = model(1, name);
    expect((await m.predict([0.5])).rows).toBe(1);
    expect((await rejection(m.predict([1, 2, 3]))).message).toMatch(/flat array of 3 numbers, which predict reads as one sample, but the model expects 1 inputs/);
    const three = await m.predict([[1], [2], [3]]);
    expect(three.rows).toBe(3);
    expect((await m.predict([2])).data).toEqual(three.data.subarray(2, 4));
  });

  it.skipIf(!available)('a model without inputShape is built from one flat sample', async () => {
    const m = model(4, name, false);
    const out = await m.predict(Float64Array.from(ROWS[0]));
    expect(m.inputWidth).toBe(4);
    expect(out.rows).toBe(1);
  });

  it.skipIf(!available)('rows as typed arrays equal rows as number[]', async () => {
    const m = model(4, name);
    const want = await m.predict(ROWS);
    expect((await m.predict(ROWS.map((r) => Float64Array.from(r)))).data).toEqual(want.data);
    expect((await m.predict(ROWS.map((r) => Float32Array.from(r)))).data).toEqual(want.data);
    const ints = [Int32Array.from([1, 2, 3, 4]), Uint8Array.from([5, 6, 7, 8])];
    expect((await m.predict(ints)).data).toEqual((await m.predict([[1, 2, 3, 4], [5, 6, 7, 8]])).data);
    expect((await rejection(m.predict([Float64Array.from(ROWS[0]), new Float64Array(3)]))).message).toBe('Row 1 of x has 3 columns but row 0 has 4');
  });
});
