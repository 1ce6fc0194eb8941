// End to end: a 2-8-1 tanh/sigmoid network learns XOR with binary cross-entropy and adam, on every backend.

import { describe, expect, it } from 'vitest';
import { layers, nativeAvailable, optimizers, Sequential } from '../../src/index.js';

const BACKENDS = ['js', ...(nativeAvailable() ? ['native'] : [])] as ('js' | 'native')[];

const X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const Y = [0, 1, 1, 0];

describe.each(BACKENDS)('XOR on %s', (backend) => {
  it('reaches accuracy 1 and a small loss', async () => {
    const model = new Sequential({ seed: 3, backend });
    model.add(layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }));
    model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const history = await model.fit(X, Y, { epochs: 300, batchSize: 4, seed: 1 });

    expect(history.epoch).toHaveLength(300);
    expect(history.history.loss).toHaveLength(300);
    expect(history.history.accuracy.at(-1)).toBe(1);
    expect(history.history.loss.at(-1)).toBeLessThan(0.1);
    expect(history.history.loss.at(-1)).toBeLessThan(history.history.loss[0]);

    const { loss, accuracy } = await model.evaluate(X, Y);
    expect(accuracy).toBe(1);
    expect(loss).toBeLessThan(0.1);
    const out = await model.predict(X);
    expect(out.rows).toBe(4);
    expect(out.cols).toBe(1);
    expect(Array.from(out.data, (p) => (p > 0.5 ? 1 : 0))).toEqual(Y);
  });
});
