// Initializers: exact constants, statistics over large fills, truncation bounds, determinism from the
// passed Rng (replayed draw by draw), validation and config round trips.

import { describe, expect, it } from 'vitest';
import {
  type Initializer,
  type InitializerConfig,
  TRUNCATED_NORMAL_STDDEV,
  initializerFromConfig,
  initializers,
  resolveInitializer,
} from '../../src/initializers/index.js';

import { Rng } from '../../src/util/rng.js';
import { expectConfigError } from '../helpers/errors.js';

function stats(x: Float32Array): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / x.length;
  let sq = 0;
  for (const v of x) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / x.length), min, max };
}

function filled(init: Initializer, n: number, fanIn: number, fanOut: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  init.fill(out, fanIn, fanOut, new Rng(seed));
  return out;
}

const N = 200_003; // odd, prime-sized fill

describe('constant initializers are exact', () => {
  it('zeros, ones, constant', () => {
    const out = new Float32Array(7).fill(NaN);
    initializers.zeros().fill(out);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    initializers.ones().fill(out);
    expect(Array.from(out)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    initializers.constant({ value: -0.25 }).fill(out);
    expect(Array.from(out)).toEqual(new Array(7).fill(-0.25));
  });
});

describe('random initializers: statistics over a large fill', () => {
  it('randomNormal(mean, stddev), defaults 0 and 0.05', () => {
    const s = stats(filled(initializers.randomNormal({ mean: 0.3, stddev: 2 }), N, 3, 3));
    expect(Math.abs(s.mean - 0.3)).toBeLessThan((4 * 2) / Math.sqrt(N));
    expect(s.std / 2).toBeCloseTo(1, 1.7); // within ~1%
    expect(s.max - 0.3).toBeGreaterThan(2 * 3.5); // not truncated: the tails go past 3.5σ
    const d = stats(filled(initializers.randomNormal(), N, 3, 3));
    expect(d.std / 0.05).toBeCloseTo(1, 1.7);
  });

  it('randomUniform in [minval, maxval), defaults ±0.05', () => {
    const s = stats(filled(initializers.randomUniform({ minval: -1, maxval: 3 }), N, 3, 3));
    expect(s.min).toBeGreaterThanOrEqual(-1);
    expect(s.max).toBeLessThan(3);
    expect(s.min).toBeLessThan(-0.999);
    expect(s.max).toBeGreaterThan(2.999);
    expect(Math.abs(s.mean - 1)).toBeLessThan(0.02);
    expect(s.std / Math.sqrt(16 / 12)).toBeCloseTo(1, 1.7);
    const d = stats(filled(initializers.randomUniform(), N, 3, 3));
    expect(d.min).toBeGreaterThanOrEqual(-0.05);
    expect(d.max).toBeLessThan(0.05);
  });

  // [name, fanIn, fanOut, target variance, uniform?]
  it.each<[keyof typeof initializers, number, number, number, boolean]>([
    ['glorotUniform', 300, 100, 2 / 400, true],
    ['glorotNormal', 300, 100, 2 / 400, false],
    ['heUniform', 50, 7, 2 / 50, true],
    ['heNormal', 50, 7, 2 / 50, false],
    ['lecunUniform', 13, 500, 1 / 13, true],
    ['lecunNormal', 13, 500, 1 / 13, false],
  ])('%s (fanIn %i, fanOut %i): variance %f, bounded', (name, fanIn, fanOut, variance, uniform) => {
    const init = (initializers[name] as () => Initializer)();
    const x = filled(init, N, fanIn, fanOut);
    const s = stats(x);
    const std = Math.sqrt(variance);
    expect(Math.abs(s.mean)).toBeLessThan((4 * std) / Math.sqrt(N));
    expect(s.std / std).toBeCloseTo(1, 1.7); // the Keras correction makes the truncated normal hit the target
    const bound = uniform ? Math.sqrt(3 * variance) : (2 * std) / TRUNCATED_NORMAL_STDDEV;
    expect(Math.max(-s.min, s.max)).toBeLessThanOrEqual(bound * (1 + 1e-6));
    expect(Math.min(-s.min, s.max)).toBeGreaterThan(bound * 0.99); // the whole range is used
  });

  it('fans below 1 count as 1 (Keras max(1, n))', () => {
    const s = stats(filled(initializers.heUniform(), N, 0, 5));
    expect(Math.max(-s.min, s.max)).toBeLessThanOrEqual(Math.sqrt(6));
    expect(s.max).toBeGreaterThan(Math.sqrt(6) * 0.99);
  });
});

describe('randomness comes only from the passed Rng', () => {
  it('the same seed gives the same weights; another seed does not', () => {
    for (const make of [initializers.glorotUniform, initializers.heNormal, initializers.randomNormal, initializers.randomUniform]) {
      const init = make();
      const a = filled(init, 101, 10, 11, 42);
      expect(filled(init, 101, 10, 11, 42)).toEqual(a);
      expect(filled(init, 101, 10, 11, 43)).not.toEqual(a);
    }
  });

  it('uniform fills replay as (2·uniform53 − 1)·limit', () => {
    const out = filled(initializers.glorotUniform(), 50, 20, 30, 9);
    const rng = new Rng(9);
    const limit = Math.sqrt(6 / 50);
    expect(out).toEqual(Float32Array.from({ length: 50 }, () => (2 * rng.uniform53() - 1) * limit));
  });

  it('normal fills replay as normal draws with |z| > 2 redrawn, times √(s/n)/0.8796…', () => {
    const n = 5000;
    const out = filled(initializers.heNormal(), n, 8, 3, 5);
    const rng = new Rng(5);
    let redrawn = 0;
    const stddev = Math.sqrt(2 / 8) / 0.87962566103423978;
    const expected = Float32Array.from({ length: n }, () => {
      let z = rng.normal();
      while (Math.abs(z) > 2) {
        redrawn++;
        z = rng.normal();
      }
      return z * stddev;
    });
    expect(out).toEqual(expected);
    expect(redrawn).toBeGreaterThan(n * 0.03); // ~4.6% of N(0,1) lies beyond ±2: truncation happened
  });

  it('randomNormal replays as mean + stddev·normal', () => {
    const out = filled(initializers.randomNormal({ mean: 1, stddev: 0.5 }), 20, 1, 1, 3);
    const rng = new Rng(3);
    expect(out).toEqual(Float32Array.from({ length: 20 }, () => 1 + 0.5 * rng.normal()));
  });
});

describe('validation and configs', () => {
  it.each<[string, () => unknown, string]>([
    ['constant without value', () => initializers.constant({} as { value: number }), 'Expected number for value but received undefined'],
    ['constant NaN', () => initializers.constant({ value: NaN }), 'Expected number for value but received NaN'],
    ['randomNormal stddev', () => initializers.randomNormal({ stddev: -1 }), 'Expected number >= 0 for stddev but received -1'],
    ['randomNormal mean', () => initializers.randomNormal({ mean: Infinity }), 'Expected number for mean but received Infinity'],
    [
      'randomUniform order',
      () => initializers.randomUniform({ minval: 1, maxval: 0 }),
      'Expected maxval >= minval for initializers.randomUniform but received minval 1 and maxval 0',
    ],
    [
      'unknown key',
      () => initializers.randomNormal({ stdev: 1 } as unknown as object),
      "Unknown option 'stdev' for initializers.randomNormal. Did you mean 'stddev'? Valid options: mean, stddev",
    ],
    [
      'unknown name',
      () => resolveInitializer('kernelInitializer', 'glorot_uniform'),
      "Unknown kernelInitializer 'glorot_uniform'. Did you mean 'glorotUniform'? Expected one of: zeros, ones, constant, randomNormal, randomUniform, glorotUniform, glorotNormal, heUniform, heNormal, lecunNormal, lecunUniform",
    ],
    ['options on a fan initializer', () => resolveInitializer('kernelInitializer', { name: 'heNormal', scale: 2 }), "initializers.heNormal takes no options but received 'scale'"],
    ['not an initializer', () => resolveInitializer('biasInitializer', 3), 'Expected an initializer name, config object or Initializer for biasInitializer but received 3'],
    ['undefined', () => resolveInitializer('biasInitializer', undefined), 'Expected an initializer name, config object or Initializer for biasInitializer but received undefined'],
  ])('%s', (_label, fn, message) => expectConfigError(fn, message));

  const samples: Initializer[] = [
    initializers.zeros(),
    initializers.ones(),
    initializers.constant({ value: 0.5 }),
    initializers.randomNormal({ mean: 0.1, stddev: 0.2 }),
    initializers.randomUniform({ minval: -0.3, maxval: 0.4 }),
    initializers.glorotUniform(),
    initializers.glorotNormal(),
    initializers.heUniform(),
    initializers.heNormal(),
    initializers.lecunNormal(),
    initializers.lecunUniform(),
  ];

  it.each(samples.map((s) => [s.name, s] as const))('%s survives getConfig → JSON → initializerFromConfig', (name, init) => {
    const config = JSON.parse(JSON.stringify(init.getConfig())) as InitializerConfig;
    expect(config.name).toBe(name);
    const again = initializerFromConfig(config);
    expect(again.getConfig()).toEqual(init.getConfig());
    expect(filled(again, 33, 4, 5, 8)).toEqual(filled(init, 33, 4, 5, 8));
  });

  it('resolveInitializer takes a name, a config or an instance', () => {
    const he = initializers.heNormal();
    expect(resolveInitializer('kernelInitializer', he)).toBe(he);
    expect(resolveInitializer('kernelInitializer', 'heNormal').getConfig()).toEqual({ name: 'heNormal' });
    expect(resolveInitializer('biasInitializer', { name: 'constant', value: 0.1 }).getConfig()).toEqual({ name: 'constant', value: 0.1 });
    expect(resolveInitializer('kernelInitializer', 'randomNormal').getConfig()).toEqual({ name: 'randomNormal', mean: 0, stddev: 0.05 });
  });
});
