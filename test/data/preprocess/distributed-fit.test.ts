// fitScaler / fitImputer in one process: without `distributed` they are the plain fit; their options
// are checked. (Across ranks under mpirun: test/data/csv/shard.mpi.test.ts.)

import { describe, expect, it } from 'vitest';
import { fitImputer, fitScaler, Imputer, scalers } from '../../../src/index.js';
import { ConfigError } from '../../../src/util/errors.js';

const x = { data: Float32Array.from([1, 0, NaN, 1, 4, 2, 7, NaN]), rows: 4, cols: 2 };

describe('fitScaler / fitImputer without distributed', () => {
  it('equal fit(x, rows)', () => {
    expect(fitScaler(scalers.standard(), x, { rows: [0, 2, 3] }).toJSON()).toEqual(scalers.standard().fit(x, [0, 2, 3]).toJSON());
    expect(fitScaler(scalers.minMax(), x).toJSON()).toEqual(scalers.minMax().fit(x).toJSON());
    expect(fitImputer(new Imputer({ categorical: [1] }), x).toJSON()).toEqual(new Imputer({ categorical: [1] }).fit(x).toJSON());
  });

  it('check their options', () => {
    expect(() => fitScaler(scalers.standard(), x, { distributed: 'tcp' as 'mpi' })).toThrow(ConfigError);
    expect(() => fitImputer(new Imputer(), x, { row: [0] } as never)).toThrow(/rows/);
  });
});
