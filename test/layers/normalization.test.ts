// batchNormalization and layerNormalization as layers: options and their errors, configs that restore an
// equal layer, the weights they own (gamma, beta, and batchNorm's running statistics, laid out past every
// trained tensor), the custom-layer check that accepts them, and summary()'s count.

import { describe, expect, it } from 'vitest';
import { ConfigError, layers, Sequential } from '../../src/index.js';
import { BatchNormalization, LayerNormalization, layerFromConfig } from '../../src/layers/index.js';

describe('batchNormalization and layerNormalization options', () => {
  it('default to PyTorch: momentum 0.1, epsilon 1e-5', () => {
    expect(layers.batchNormalization().getConfig()).toEqual({ type: 'batchNormalization', momentum: 0.1, epsilon: 1e-5 });
    expect(layers.layerNormalization().getConfig()).toEqual({ type: 'layerNormalization', epsilon: 1e-5 });
  });

  it.each([
    [() => layers.batchNormalization({ momentum: 1.5 }), /momentum/],
    [() => layers.batchNormalization({ momentum: -0.1 }), /momentum/],
    [() => layers.batchNormalization({ epsilon: 0 }), /epsilon/],
    [() => layers.layerNormalization({ epsilon: -1 }), /epsilon/],
    [() => layers.batchNormalization({ momentom: 0.1 } as never), /momentom/],
    [() => layers.layerNormalization({ momentum: 0.1 } as never), /momentum/],
  ])('reject bad options with a ConfigError naming them (%#)', (make, name) => {
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(name);
  });

  it('restore an equal layer from their configs', () => {
    const bn = layers.batchNormalization({ momentum: 0.01, epsilon: 1e-3, name: 'bn' });
    const again = layerFromConfig(bn.getConfig());
    expect(again).toBeInstanceOf(BatchNormalization);
    expect(again.getConfig()).toEqual(bn.getConfig());
    expect(layerFromConfig(layers.layerNormalization({ epsilon: 1e-6 }).getConfig())).toBeInstanceOf(LayerNormalization);
  });
});

describe('normalization weights in a model', () => {
  const model = new Sequential({ seed: 3 });
  model.add(layers.dense({ units: 5, inputShape: [3] }));
  model.add(layers.batchNormalization());
  model.add(layers.activation({ activation: 'relu' }));
  model.add(layers.layerNormalization());
  model.add(layers.dense({ units: 2 }));
  model.build();

  it('gamma 1, beta 0, running mean 0 and variance 1, in Keras order', async () => {
    const w = await model.getWeights();
    expect(w.map((t) => `${t.name} ${t.shape.join('×')}`)).toEqual([
      'dense_0/kernel 3×5',
      'dense_0/bias 5',
      'batchNormalization_1/gamma 5',
      'batchNormalization_1/beta 5',
      'batchNormalization_1/movingMean 5',
      'batchNormalization_1/movingVariance 5',
      'layerNormalization_3/gamma 5',
      'layerNormalization_3/beta 5',
      'dense_4/kernel 5×2',
      'dense_4/bias 2',
    ]);
    expect(Array.from(w[2].data)).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(w[5].data)).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(w[4].data)).toEqual([0, 0, 0, 0, 0]);
  });

  it('the running statistics lie past every trained tensor; summary() counts all of them', () => {
    const bn = model.layers[1];
    const stats = bn.getWeights();
    const lastDense = model.layers[4].getWeights();
    expect(stats.movingMean.byteOffset).toBeGreaterThan(lastDense.bias.byteOffset);
    expect(model.countParams()).toBe(3 * 5 + 5 + 4 * 5 + 2 * 5 + 5 * 2 + 2);
    expect(model.summary()).toContain('batchNormalization_1 (batchNormalization)');
    expect(model.summary()).toMatch(/Total params: 62\nNon-trainable params: 10 \(batch normalization's running statistics\)$/);
  });

  it('a subclass of a normalization layer is still refused by add', () => {
    class Mine extends LayerNormalization {}
    expect(() => new Sequential().add(new Mine())).toThrow(/Custom layers are not supported: Mine/);
  });
});
