// NNTRAIN_OVERLAP and NNTRAIN_BUCKET_BYTES: the all-reduce bucket size a distributed fit passes to its
// native chunks (0: no overlap), and a ConfigError naming the variable for a bad value.

import { describe, expect, it } from 'vitest';

import { allreduceBucketBytes, DEFAULT_BUCKET_BYTES } from '../../../src/training/distributed/overlap.js';
import { ConfigError } from '../../../src/util/errors.js';

describe('allreduceBucketBytes', () => {
  it('overlaps by default, in buckets of DEFAULT_BUCKET_BYTES or NNTRAIN_BUCKET_BYTES; NNTRAIN_OVERLAP=0 turns it off', () => {
    expect(DEFAULT_BUCKET_BYTES).toBe(64 * 1024);
    expect(allreduceBucketBytes({})).toBe(DEFAULT_BUCKET_BYTES);
    expect(allreduceBucketBytes({ NNTRAIN_OVERLAP: '1' })).toBe(DEFAULT_BUCKET_BYTES);
    expect(allreduceBucketBytes({ NNTRAIN_OVERLAP: '', NNTRAIN_BUCKET_BYTES: '' })).toBe(DEFAULT_BUCKET_BYTES);
    expect(allreduceBucketBytes({ NNTRAIN_BUCKET_BYTES: '4096' })).toBe(4096);
    expect(allreduceBucketBytes({ NNTRAIN_OVERLAP: '0', NNTRAIN_BUCKET_BYTES: '4096' })).toBe(0);
  });

  it.each([
    [{ NNTRAIN_OVERLAP: 'yes' }, /NNTRAIN_OVERLAP must be 0 .* or 1 .* but is 'yes'/],
    [{ NNTRAIN_BUCKET_BYTES: '0' }, /NNTRAIN_BUCKET_BYTES must be an integer number of bytes in \[1, 2\^40\] but is '0'/],
    [{ NNTRAIN_BUCKET_BYTES: '1.5' }, /NNTRAIN_BUCKET_BYTES .* but is '1.5'/],
    [{ NNTRAIN_BUCKET_BYTES: '1MB' }, /NNTRAIN_BUCKET_BYTES .* but is '1MB'/],
    [{ NNTRAIN_BUCKET_BYTES: String(2 ** 41) }, /NNTRAIN_BUCKET_BYTES/],
  ])('%o is a ConfigError naming the variable', (env, message) => {
    expect(() => allreduceBucketBytes(env)).toThrow(ConfigError);
    expect(() => allreduceBucketBytes(env)).toThrow(message);
  });
});
