// Model files found by fuzz/model_loader.ts: each once made loadModel throw something other than a
// ModelFileError (the config was built before its size was checked). Each is now refused with a
// ModelFileError that says why, on both backends, before any weight is allocated.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, ModelFileError } from '../../src/index.js';
import { BACKENDS } from '../helpers/backends.js';

const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', name);

const cases: [string, RegExp][] = [
  // a config whose first layer lost its inputShape: loadModel threw ConfigError "not built yet"
  ['fuzz-no-input-shape.nntrain', /holds a model config that cannot be built: its first layer has no inputShape/],
  // a layer of 2^32 units: loadModel threw RangeError "Array buffer allocation failed"
  ['fuzz-huge-units.nntrain', /holds 64 parameters but its model config builds a model with 25769803808/],
  // "compiled": null: loadModel threw TypeError "Cannot read properties of null (reading 'schedule')"
  ['fuzz-compiled-null.nntrain', /holds a model config that cannot be built: Expected an object of compile options for compiled but received null/],
];

describe.each(BACKENDS)('fuzzed model files ($name)', ({ name, available }) => {
  it.skipIf(!available).each(cases)('%s is a ModelFileError', async (file, message) => {
    const err = await loadModel(fixture(file), { backend: name }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).toMatch(message);
  });
});
