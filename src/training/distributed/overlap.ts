// Whether a distributed fit all-reduces its gradients in buckets while backward runs (the native
// chunk's communication thread, native/train/exchange.h), and the bucket size: from the environment,
// so a job is tuned or debugged without changing its program. Every rank must use the same value
// (setup.ts agrees on it).

import { ConfigError } from '../../util/errors.js';

/**
 * Buckets of at least this many bytes of gradients (whole tensors) unless NNTRAIN_BUCKET_BYTES says
 * otherwise: small enough that 784-256-128-10 splits into its last two layers and its first, large enough
 * that a bucket's all-reduce latency stays small against its transfer over a network.
 */
export const DEFAULT_BUCKET_BYTES = 1 << 16;

/**
 * The all-reduce bucket size in bytes: 0 (one all-reduce after backward) when NNTRAIN_OVERLAP is 0,
 * else NNTRAIN_BUCKET_BYTES or DEFAULT_BUCKET_BYTES.
 * @throws ConfigError naming the variable when NNTRAIN_OVERLAP is not 0 or 1, or NNTRAIN_BUCKET_BYTES
 *   is not an integer in [1, 2^40].
 */
export function allreduceBucketBytes(env: NodeJS.ProcessEnv = process.env): number {
  const overlap = env.NNTRAIN_OVERLAP;
  if (overlap !== undefined && overlap !== '' && overlap !== '0' && overlap !== '1') {
    throw new ConfigError(`NNTRAIN_OVERLAP must be 0 (one all-reduce after backward) or 1 (overlap it with backward) but is '${overlap}'`);
  }
  if (overlap === '0') return 0;
  const bytes = env.NNTRAIN_BUCKET_BYTES;
  if (bytes === undefined || bytes === '') return DEFAULT_BUCKET_BYTES;
  if (!/^\d+$/.test(bytes) || Number(bytes) < 1 || Number(bytes) > 2 ** 40) {
    throw new ConfigError(`NNTRAIN_BUCKET_BYTES must be an integer number of bytes in [1, 2^40] but is '${bytes}'`);
  }
  return Number(bytes);
}
