// fit's validationData as { x, y } (other keys ignored), alongside [x, y]: the same validation figures.

import { describe, expect, it } from 'vitest';
import { ConfigError, layers, optimizers, Sequential } from '../../src/index.js';

function model(): Sequential {
  const m = new Sequential({ seed: 2, backend: 'js' });
  m.add(layers.dense({ units: 6, activation: 'relu', inputShape: [2] }));
  m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return m;
}

const x = [[0, 0], [0, 1], [1, 0], [1, 1], [0.2, 0.9], [0.8, 0.1]];
const y = [0, 1, 1, 0, 1, 1];
const vx = [[0.1, 0.1], [0.9, 0.2], [0.1, 0.8]];
const vy = [0, 1, 1];

describe('validationData', () => {
  it('{ x, y } validates exactly as [x, y], extra keys ignored', async () => {
    const pair = await model().fit(x, y, { epochs: 5, batchSize: 2, validationData: [vx, vy] });
    const object = await model().fit(x, y, { epochs: 5, batchSize: 2, validationData: { x: vx, y: vy } });
    const csvLike = await model().fit(x, y, { epochs: 5, batchSize: 2, validationData: { x: vx, y: vy, labels: null } as never });
    expect(pair.history.val_loss).toHaveLength(5);
    expect(object.history).toEqual(pair.history);
    expect(csvLike.history).toEqual(pair.history);
  });

  it('names both forms in its error, and checks { x, y } like [x, y]', async () => {
    await expect(model().fit(x, y, { validationData: { x: vx } as never })).rejects.toThrow(
      new ConfigError('Expected { x, y }, a Dataset or an array [x, y] for validationData but received a object'),
    );
    await expect(model().fit(x, y, { validationData: { x: vx, y: vy }, validationSplit: 0.2 })).rejects.toThrow(/cannot be used together/);
    await expect(model().fit(x, y, { validationData: { x: vx, y: [0, 1] } })).rejects.toThrow(/validationData\[1\] \(y\) has 2 rows but x has 3/);
  });
});
