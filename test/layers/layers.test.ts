// Layers: option validation, configs, weight layout and seeded initialization through the model's arena.

import { describe, expect, it } from 'vitest';
import { ConfigError, Dense, initializers, Layer, layerFromConfig, layers, matrix, memoryDataset, regularizers, Sequential, ShapeError } from '../../src/index.js';
import { ARENA_ALIGN } from '../../src/memory/arena.js';

function configError(fn: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  expect((caught as ConfigError).code).toBe('ERR_NNTRAIN_CONFIG');
  expect((caught as Error).message).toMatch(message);
}

describe('layer options', () => {
  it('validates dense options, naming the option', () => {
    configError(() => layers.dense({ units: 0 }), /Expected integer >= 1 for units but received 0/);
    configError(() => layers.dense({ units: 2.5 }), /units but received 2.5/);
    configError(() => layers.dense({} as never), /units but received undefined/);
    configError(() => layers.dense({ units: 3, unit: 4 } as never), /Unknown option 'unit' for dense.*Did you mean 'units'/);
    configError(() => layers.dense({ units: 3, activation: 'rellu' as never }), /'rellu'.*Did you mean 'relu'/);
    configError(() => layers.dense({ units: 3, useBias: 1 as never }), /boolean for useBias but received 1/);
    configError(() => layers.dense({ units: 3, kernelInitializer: 'heNormall' as never }), /heNormal/);
    configError(() => layers.dense({ units: 3, kernelRegularizer: { l2: -1 } }), /kernelRegularizer.l2/);
    configError(() => layers.dense({ units: 3, inputShape: [0] }), /inputShape\[0\] but received 0/);
    configError(() => layers.dense({ units: 3, inputShape: 4 as never }), /\[features\] for inputShape but received 4/);
    configError(() => layers.dense(undefined as never), /options object/);
  });

  it('validates dropout, gaussianNoise and activation options', () => {
    configError(() => layers.dropout({ rate: 1 }), /number in \[0, 1\) for rate but received 1/);
    configError(() => layers.dropout({ rate: -0.1 }), /rate but received -0.1/);
    configError(() => layers.dropout({ rate: 0.5, ratio: 1 } as never), /Unknown option 'ratio'/);
    configError(() => layers.gaussianNoise({ stddev: -1 }), /number >= 0 for stddev but received -1/);
    configError(() => layers.gaussianNoise({ stddev: NaN }), /stddev but received NaN/);
    configError(() => layers.activation({} as never), /activation/);
    configError(() => layers.activation({ activation: { name: 'relu', alpha: 2 } }), /alpha applies only/);
    expect(layers.dropout({ rate: 0 }).rate).toBe(0);
    expect(layers.activation({ activation: { name: 'leakyRelu', alpha: 0.2 } }).activation.param).toBeCloseTo(0.2);
  });

  it('round-trips every layer through getConfig / layerFromConfig', () => {
    const all = [
      layers.dense({
        units: 5,
        activation: { name: 'elu', alpha: 0.5 },
        useBias: false,
        kernelInitializer: initializers.heNormal(),
        kernelRegularizer: regularizers.l1l2({ l1: 0.1, l2: 0.2 }),
        inputShape: [3],
        name: 'first',
      }),
      layers.dropout({ rate: 0.25 }),
      layers.gaussianNoise({ stddev: 0.1 }),
      layers.activation({ activation: 'softmax' }),
    ];
    for (const layer of all) {
      const config = JSON.parse(JSON.stringify(layer.getConfig()));
      expect(layerFromConfig(config).getConfig()).toEqual(layer.getConfig());
    }
    expect(all[0].getConfig()).toMatchObject({ type: 'dense', units: 5, useBias: false, kernelRegularizer: { l1: 0.1, l2: 0.2 }, inputShape: [3], name: 'first' });
  });
});

describe('weights in the arena', () => {
  function build(seed: number): Sequential {
    const m = new Sequential({ seed, backend: 'js' });
    m.add(layers.dense({ units: 7, activation: 'relu', inputShape: [5] }));
    m.add(layers.dropout({ rate: 0.1 }));
    m.add(layers.dense({ units: 3, useBias: false, kernelInitializer: 'ones' }));
    return m.build();
  }

  it('lays tensors out aligned, kernel then bias, with Keras shapes', () => {
    const m = build(1);
    const [d1, drop, d2] = m.layers;
    const w1 = d1.getWeights();
    expect(Object.keys(w1)).toEqual(['kernel', 'bias']);
    expect(w1.kernel.length).toBe(5 * 7); // (inputs, units)
    expect(w1.bias.length).toBe(7);
    expect(drop.getWeights()).toEqual({});
    expect(Object.keys(d2.getWeights())).toEqual(['kernel']);
    expect(d2.getWeights().kernel.length).toBe(7 * 3);
    for (const v of [w1.kernel, w1.bias, d2.getWeights().kernel]) expect(v.byteOffset % (ARENA_ALIGN * 4)).toBe(0);
    expect(m.params.length).toBe(48 + 16 + 32); // 35 → 48, 7 → 16, 21 → 32
    expect(m.outputWidth).toBe(3);
    expect(d1.outputWidth).toBe(7);
    expect(drop.outputWidth).toBe(7);
  });

  it('initializes from the model seed: glorotUniform kernels in range, zero biases, deterministic', () => {
    const a = build(9);
    const b = build(9);
    const c = build(10);
    expect(a.params).toEqual(b.params);
    expect(a.params).not.toEqual(c.params);
    const { kernel, bias } = a.layers[0].getWeights();
    const limit = Math.sqrt(6 / (5 + 7));
    expect(Math.max(...kernel.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(new Set(kernel).size).toBeGreaterThan(30);
    expect(Array.from(bias)).toEqual(new Array(7).fill(0));
    expect(Array.from(a.layers[2].getWeights().kernel)).toEqual(new Array(21).fill(1));
  });

  it('getWeights are views: writing changes the model; views follow the arena across compile', () => {
    const m = build(1);
    m.layers[0].getWeights().bias[2] = 42;
    expect(m.params[48 + 2]).toBe(42);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    expect(m.layers[0].getWeights().bias[2]).toBe(42); // params survive compile
    m.layers[0].getWeights().bias[3] = 7;
    expect(m.params[48 + 3]).toBe(7);
  });

  it('rejects misuse with clear errors', () => {
    const layer = layers.dense({ units: 2, inputShape: [3] });
    configError(() => layer.getWeights(), /not built/);
    const m = new Sequential({ backend: 'js' }).add(layer).build();
    configError(() => new Sequential({ backend: 'js' }).add(layer), /already in a model/);
    configError(() => m.add(layers.dense({ units: 1 })), /built model/);
    configError(() => new Sequential({ backend: 'js' }).add(layers.dense({ units: 2 })).add(layers.dense({ units: 1, inputShape: [2] })), /only allowed on the first layer/);
    configError(() => new Sequential({ backend: 'js' }).add(layers.dense({ units: 2 })).build(), /input width is unknown/);
    configError(() => new Sequential({ backend: 'js' }).build(3), /no layers/);
    configError(() => new Sequential({ sed: 1 } as never), /Unknown option 'sed'.*seed/);
    configError(() => new Sequential({ backend: 'cuda' as never }), /backend 'cuda'/);
    expect(() => m.build(4)).toThrow(ShapeError);
    expect(() => m.setParams(new Float32Array(3))).toThrow(ShapeError);
  });

  it('add refuses layer classes of the caller\'s own, subclasses of Layer or of a built-in layer, naming the class', () => {
    class Square extends Layer {
      readonly type = 'activation' as const;
      constructor() {
        super({});
      }
      outputWidthFor(inputs: number): number {
        return inputs;
      }
      lastActivation(): null {
        return null;
      }
      toSpec(): never {
        throw new Error('never compiled');
      }
      getConfig(): never {
        throw new Error('never saved');
      }
    }
    class WideDense extends Dense {}
    const model = new Sequential({ backend: 'js' });
    configError(() => model.add(new Square() as never), /Custom layers are not supported: Square is not one of nntrain's layers/);
    configError(() => model.add(new WideDense({ units: 2, inputShape: [3] })), /Custom layers are not supported: WideDense/);
    expect(model.layers).toHaveLength(0);
    expect(model.add(layers.dense({ units: 2, inputShape: [3] })).layers).toHaveLength(1);
  });

  it('a compiled model without inputShape is built by its first fit, from matrices or a dataset', async () => {
    // fit marks the model busy before building it; the build must still replace the compiled plan
    const make = () => {
      const m = new Sequential({ backend: 'js', seed: 3 });
      m.add(layers.dense({ units: 4, activation: 'relu' }));
      m.add(layers.dense({ units: 1 }));
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      return m;
    };
    const x = [[1, 2], [3, 4], [5, 6]];
    const y = [1, 2, 3];
    const m = make();
    const h = await m.fit(x, y, { epochs: 2, batchSize: 3 });
    expect(m.inputWidth).toBe(2);
    expect(h.history.loss).toHaveLength(2);
    expect(h.history.loss?.every(Number.isFinite)).toBe(true);
    const d = make();
    await d.fit(memoryDataset(matrix(x), matrix(y, 1)), { epochs: 1, batchSize: 3 });
    expect(d.inputWidth).toBe(2);
  });

  it('builds from build(width) when no inputShape is given, and summarizes', () => {
    const m = new Sequential({ backend: 'js', name: 'net' });
    m.add(layers.dense({ units: 4, activation: 'tanh' }));
    m.add(layers.activation({ activation: 'softmax' }));
    expect(m.summary()).toMatch(/Total params: \?/);
    m.build(6);
    const text = m.summary();
    expect(text).toMatch(/^Model: net/);
    expect(text).toMatch(/dense_0 \(dense\)\s+\[N, 4\]\s+28/);
    expect(text).toMatch(/activation_1 \(activation\)\s+\[N, 4\]\s+0/);
    expect(text).toMatch(/Total params: 28/);
  });
});
