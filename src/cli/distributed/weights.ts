// The check that a distributed run trained one model: every rank hashes the weights it ended with, the
// hashes are gathered, and rank 0 prints the one they share (the weights of the model file it writes),
// so a user can compare it with `sha256` of a model's weights from anywhere.

import { createHash } from 'node:crypto';
import { allgatherJson, type DistributedContext } from '../../backend/mpi-context.js';
import { BackendError } from '../../util/errors.js';
import type { Output } from '../output.js';

/** SHA-256 (hex) of the weights' float32 bytes, as the model file stores them (little-endian). */
export function weightsDigest(params: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(params.buffer, params.byteOffset, params.byteLength)).digest('hex');
}

/**
 * Compares every rank's final weights (collective) and reports their hash on rank 0.
 * @throws BackendError on every rank when the ranks' weights differ (the model is not saved).
 */
export function checkSameWeights(ctx: DistributedContext, params: Float32Array, output: Output): string {
  const digests = allgatherJson(ctx, weightsDigest(params));
  const differing = digests.flatMap((d, rank) => (d === digests[0] ? [] : [rank]));
  if (differing.length > 0) {
    throw new BackendError(
      `the ranks ended with different weights (rank 0 ${digests[0].slice(0, 12)}…, rank ${differing[0]} ${digests[differing[0]].slice(0, 12)}…); the distributed run went wrong, and no model is saved`,
    );
  }
  output.text(`weights: sha256 ${digests[0]}, identical on ${ctx.size} process${ctx.size === 1 ? '' : 'es'}`);
  output.event('weights', { sha256: digests[0], processes: ctx.size, per_rank: digests });
  return digests[0];
}
