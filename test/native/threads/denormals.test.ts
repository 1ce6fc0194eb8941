// Denormals in the native training step are flushed to zero (native/threads/fp_mode.h): Adam's first
// moment of a weight whose gradient stopped (an input that stays 0) decays by beta1 each step, and on
// Intel cores every operation on a denormal is a slow microcode assist. The js backend keeps them, so
// the two differ only below float32's smallest normal (1.18e-38).

import { describe, expect, it } from 'vitest';
import { layers, nativeAvailable, optimizers, Sequential, type BackendName } from '../../../src/index.js';

const ROWS = 900; // 0.9^899 ≈ 1e-41: the moment passes below the normals after about 770 steps
const SMALLEST_NORMAL = 1.1754943508222875e-38;

async function firstMoment(backend: BackendName): Promise<number> {
  const x = Array.from({ length: ROWS }, (_, i) => [i === 0 ? 1 : 0, 1]);
  const y = Array.from({ length: ROWS }, () => [0.5]);
  const model = new Sequential({ backend, seed: 1 });
  model.add(layers.dense({ units: 1, useBias: false, inputShape: [2] }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'mse' });
  await model.fit(x, y, { epochs: 1, batchSize: 1, shuffle: false, verbose: 0 });
  const state = model.getOptimizerState();
  if (state === null) throw new Error('no optimizer state');
  return state.slots[0][0]; // m of the weight fed by the first input
}

describe.skipIf(!nativeAvailable())('denormals in training', () => {
  it('are zero in native Adam moments and kept by the js backend', async () => {
    const js = await firstMoment('js');
    expect(js).not.toBe(0);
    expect(Math.abs(js)).toBeLessThan(SMALLEST_NORMAL);
    expect(await firstMoment('native')).toBe(0);
  });
});
