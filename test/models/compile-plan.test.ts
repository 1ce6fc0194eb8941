// compile → PlanSpec: loss fusion with the last activation, label layout, thresholds, metrics, layer
// specs pointing into the arena, and optimizer slots added to the arena.

import { describe, expect, it } from 'vitest';
import { Activation, LabelMode, LayerKind, Loss, LossFusion, Optimizer } from '../../src/backend/codes.js';
import { ConfigError, layers, optimizers, Sequential } from '../../src/index.js';
import type { LossConfig } from '../../src/losses/index.js';

type Last = 'softmax' | 'sigmoid' | 'linear' | 'relu';

function compiled(last: Last, loss: LossConfig, options: { lastLayer?: 'dense' | 'activation' | 'dropout'; units?: number; metrics?: string[] } = {}) {
  const m = new Sequential({ backend: 'js' });
  const units = options.units ?? 3;
  const kind = options.lastLayer ?? 'dense';
  m.add(layers.dense({ units: 4, activation: 'relu', inputShape: [2] }));
  if (kind === 'dense') m.add(layers.dense({ units, activation: last }));
  else {
    m.add(layers.dense({ units, activation: 'linear' }));
    m.add(kind === 'activation' ? layers.activation({ activation: last }) : layers.dropout({ rate: 0.1 }));
  }
  m.compile({ optimizer: 'adam', loss, metrics: options.metrics ?? [] });
  const spec = m.planSpec;
  if (spec === null) throw new Error('no plan');
  return { m, spec };
}

function configError(fn: () => unknown, message: RegExp): void {
  expect(fn).toThrow(ConfigError);
  expect(fn).toThrow(message);
}

describe('loss fusion', () => {
  const cases: [string, Last, LossConfig, 'dense' | 'activation' | 'dropout', number][] = [
    ['CE + softmax', 'softmax', 'categoricalCrossentropy', 'dense', LossFusion.softmax],
    ['sparse CE + softmax', 'softmax', 'sparseCategoricalCrossentropy', 'dense', LossFusion.softmax],
    ['sparse CE + softmax activation layer', 'softmax', 'sparseCategoricalCrossentropy', 'activation', LossFusion.softmax],
    ['sparse CE fromLogits + linear', 'linear', { name: 'sparseCategoricalCrossentropy', fromLogits: true }, 'dense', LossFusion.softmax],
    ['CE + sigmoid (not fusable)', 'sigmoid', 'categoricalCrossentropy', 'dense', LossFusion.none],
    ['BCE + sigmoid', 'sigmoid', 'binaryCrossentropy', 'dense', LossFusion.sigmoid],
    ['BCE fromLogits + linear', 'linear', { name: 'binaryCrossentropy', fromLogits: true }, 'dense', LossFusion.sigmoid],
    ['BCE + sigmoid activation layer', 'sigmoid', 'binaryCrossentropy', 'activation', LossFusion.sigmoid],
    ['CE + softmax then dropout', 'softmax', 'categoricalCrossentropy', 'dropout', LossFusion.none],
    ['mse + linear', 'linear', 'mse', 'dense', LossFusion.none],
    ['huber + relu', 'relu', { name: 'huber', delta: 2 }, 'dense', LossFusion.none],
  ];
  it.each(cases)('%s', (_label, last, loss, lastLayer, fusion) => {
    expect(compiled(last, loss, { lastLayer }).spec.loss.fusion).toBe(fusion);
  });

  it('rejects fromLogits when the last activation is not linear', () => {
    configError(() => compiled('softmax', { name: 'categoricalCrossentropy', fromLogits: true }), /fromLogits: true needs .*linear.*activation 'softmax'/);
    configError(() => compiled('relu', { name: 'binaryCrossentropy', fromLogits: true }), /activation 'relu'/);
    configError(() => compiled('linear', { name: 'categoricalCrossentropy', fromLogits: true }, { lastLayer: 'dropout' }), /a dropout layer/);
  });
});

describe('label layout, thresholds and parameters', () => {
  it('sets labelMode, labelWidth, threshold and the huber delta from the loss', () => {
    const sparse = compiled('softmax', 'sparseCategoricalCrossentropy').spec;
    expect(sparse.loss).toMatchObject({ kind: Loss.sparseCategoricalCrossentropy, labelMode: LabelMode.sparse, threshold: 0.5, param: 0 });
    expect(sparse.labelWidth).toBe(1);
    expect(sparse.outputWidth).toBe(3);
    const onehot = compiled('softmax', 'categoricalCrossentropy').spec;
    expect(onehot.loss.labelMode).toBe(LabelMode.onehot);
    expect(onehot.labelWidth).toBe(3);
    const logits = compiled('linear', { name: 'binaryCrossentropy', fromLogits: true }, { units: 2 }).spec;
    expect(logits.loss).toMatchObject({ labelMode: LabelMode.binary, threshold: 0 });
    expect(logits.labelWidth).toBe(2);
    const huber = compiled('linear', { name: 'huber', delta: 2.5 }).spec;
    expect(huber.loss).toMatchObject({ kind: Loss.huber, labelMode: LabelMode.regression, param: 2.5 });
  });

  it('describes layers with their arena offsets and activations', () => {
    const { m, spec } = compiled('softmax', 'categoricalCrossentropy', { lastLayer: 'activation' });
    expect(spec.inputWidth).toBe(2);
    expect(spec.paramCount).toBe(m.params.length);
    expect(spec.layers.map((l) => [l.kind, l.inputs, l.units, l.activation])).toEqual([
      [LayerKind.dense, 2, 4, Activation.relu],
      [LayerKind.dense, 4, 3, Activation.linear],
      [LayerKind.activation, 3, 3, Activation.softmax],
    ]);
    const [d1, d2] = spec.layers;
    expect(d1.kernel).toEqual({ offset: 0, length: 8 });
    expect(d1.bias).toEqual({ offset: 16, length: 4 });
    expect(d2.kernel).toEqual({ offset: 32, length: 12 });
    expect(d2.bias).toEqual({ offset: 48, length: 3 });
    expect(spec.layers[2].kernel).toBeNull();
    const bias = m.layers[1].getWeights().bias;
    expect(bias.byteOffset / 4).toBe(48);
  });

  it('adds optimizer slots to the arena, keeps the weights and resets the step on recompile', async () => {
    const m = new Sequential({ backend: 'js', seed: 3 });
    m.add(layers.dense({ units: 2, inputShape: [3] }));
    m.build();
    const before = m.params.slice();
    expect(m.getOptimizerState()).toBeNull();
    m.compile({ optimizer: optimizers.adagrad({ initialAccumulatorValue: 0.5 }), loss: 'mse' });
    expect(m.params).toEqual(before);
    const state = m.getOptimizerState();
    expect(state?.slots).toHaveLength(1);
    expect(state?.slots[0].every((v) => v === 0.5)).toBe(true);
    expect(m.planSpec?.optimizer.kind).toBe(Optimizer.adagrad);
    await m.fit([[1, 2, 3]], [[1, 0]], { epochs: 2 });
    expect(m.getOptimizerState()?.step).toBe(2);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    expect(m.getOptimizerState()).toMatchObject({ step: 0 });
    expect(m.getOptimizerState()?.slots).toHaveLength(3);
  });
});

describe('compile options', () => {
  it('resolves metrics and rejects unknown ones with a hint', () => {
    const { m } = compiled('softmax', 'sparseCategoricalCrossentropy', { metrics: ['acc', 'mae', 'accuracy'] });
    expect(m.toConfig().compiled?.metrics).toEqual(['accuracy', 'mae']);
    configError(() => compiled('softmax', 'sparseCategoricalCrossentropy', { metrics: ['accuarcy'] }), /Unknown metric 'accuarcy'.*Did you mean 'accuracy'/);
    configError(() => compiled('linear', 'mse', { metrics: ['accuracy'] }), /'accuracy' needs a classification loss.*mse/);
    expect(compiled('linear', 'mse', { metrics: ['binaryAccuracy', 'mse'] }).m.isCompiled).toBe(true);
  });

  it('rejects bad compile options', () => {
    const m = new Sequential({ backend: 'js' }).add(layers.dense({ units: 1, inputShape: [2] }));
    configError(() => m.compile({ optimizer: 'adam', loss: 'mse', metric: ['mae'] } as never), /Unknown option 'metric'.*Did you mean 'metrics'/);
    configError(() => m.compile({ loss: 'mse' } as never), /needs an optimizer/);
    configError(() => m.compile({ optimizer: 'adam' } as never), /needs a loss/);
    configError(() => m.compile({ optimizer: 'adma', loss: 'mse' }), /Did you mean 'adam'/);
    configError(() => m.compile({ optimizer: 'adam', loss: 'mean_squared' as never }), /loss/);
    configError(() => new Sequential({ backend: 'js' }).compile({ optimizer: 'adam', loss: 'mse' }), /no layers/);
  });

  it('serializes to plain JSON and rebuilds an equal model', () => {
    const { m } = compiled('linear', { name: 'sparseCategoricalCrossentropy', fromLogits: true }, { metrics: ['accuracy'] });
    const config = JSON.parse(JSON.stringify(m.toConfig()));
    expect(config.layers[0].inputShape).toEqual([2]);
    const again = Sequential.fromConfig(config, { backend: 'js' });
    expect(again.toConfig()).toEqual(m.toConfig());
    expect(again.params).toEqual(m.params); // same seed → same initial weights
    expect(again.planSpec).toEqual(m.planSpec);
  });
});
