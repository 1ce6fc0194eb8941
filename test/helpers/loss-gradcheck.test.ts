import { describe, expect, it } from 'vitest';
import { losses } from '../../src/losses/index.js';
import { customCrossentropy, customMse } from '../losses/fixtures.js';
import { expectLossGradient, lossGradcheck } from './loss-gradcheck.js';

const yPred = { data: Float32Array.from([0.2, 0.5, 0.3, 0.7, 0.1, 0.2]), rows: 2, cols: 3 };
const yTrue = { data: Float32Array.from([0, 1, 0, 1, 0, 0]), rows: 2, cols: 3 };

describe('lossGradcheck', () => {
  it('passes the custom mse and cross-entropy, whose gradients are right', () => {
    expect(expectLossGradient(customMse, yPred, yTrue).maxError).toBeLessThan(1e-4);
    expect(expectLossGradient(customCrossentropy, yPred, yTrue).maxError).toBeLessThan(1e-3);
  });

  it('catches a gradient off by a factor of 2, naming the loss and the element', () => {
    const wrong = losses.custom({
      name: 'halfMse',
      forward: customMse.forward,
      gradient: (p, t, d) => {
        for (let i = 0; i < p.rows * p.cols; i++) d.data[i] = (p.data[i] - t.data[i]) / p.cols; // missing the 2
      },
    });
    expect(lossGradcheck(wrong, yPred, yTrue).maxError).toBeGreaterThan(0.01);
    expect(() => expectLossGradient(wrong, yPred, yTrue)).toThrow(/custom loss 'halfMse': gradient differs .* at row \d, output \d/);
  });
});
