// The arena's allocation failure is a ConfigError that names the size, not V8's bare RangeError.

import { describe, expect, it } from 'vitest';
import { layers, Sequential } from '../../src/index.js';
import { Arena } from '../../src/memory/arena.js';
import { ConfigError } from '../../src/util/errors.js';

describe('Arena', () => {
  it('lays out params, grads and every slot as views of one buffer', () => {
    const arena = new Arena(32, 2);
    expect(arena.slots).toHaveLength(2);
    for (const view of [arena.params, arena.grads, ...arena.slots]) {
      expect(view.buffer).toBe(arena.buffer);
      expect(view.length).toBe(32);
    }
    expect(arena.grads.byteOffset - arena.params.byteOffset).toBe(32 * 4);
  });

  it('refuses a model too large to allocate with a ConfigError that says how large', () => {
    expect(() => new Arena(2 ** 42, 2)).toThrow(ConfigError);
    expect(() => new Arena(2 ** 42, 2)).toThrow(/needs 65536\.0 GiB \(4398046511104 parameters × 4 regions/);
  });

  it('reaches the user of a hand-built model with a huge layer as a ConfigError at compile', () => {
    const model = new Sequential({ seed: 1, backend: 'js' });
    model.add(layers.dense({ units: 2 ** 40, inputShape: [16] }));
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(ConfigError);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(/the model's arena needs .* GiB/);
  });
});
