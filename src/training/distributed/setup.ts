// The start of a distributed fit, on every rank before the first step: the ranks check that they agree
// on the model and the options, take rank 0's weights, optimizer state, step and run seed, and settle
// the steps of an epoch (the fewest any rank can fill, so no rank waits in a collective for a step
// another never takes) and the global rows of its last, possibly short, batch.

import type { TrainJobComm } from '../../backend/contract.js';
import { BackendError, ConfigError } from '../../util/errors.js';
import { stepSeed } from '../../util/rng.js';
import type { TrainingRuntime } from '../runtime.js';
import type { DistributedContext } from '../../backend/mpi-context.js';
import type { MpiAddon } from '../../backend/mpi.js';
import { allreduceBucketBytes } from './overlap.js';

/** Steps per chunk of a distributed fit without stepsPerChunk: fixed, as every rank must cut its chunks alike. */
export const DISTRIBUTED_CHUNK_STEPS = 16;

/** What the loop of a distributed fit runs with. */
export interface DistributedFit {
  readonly rank: number;
  readonly size: number;
  /** Rank 0's run seed: shuffles and the schedule follow it on every rank. */
  readonly seed: number;
  /** This rank's dropout/noise seed: rank 0's run seed on rank 0, a stream apart on every other rank. */
  readonly stepSeed: number;
  /** Steps in every epoch: min over the ranks of ceil(rows / batchSize). */
  readonly stepsPerEpoch: number;
  /** Steps per chunk, the same on every rank. */
  readonly chunkSteps: number;
  readonly comm: TrainJobComm;
  /** Sums a stats row (or rows) over the ranks, in place (validation). */
  reduceStats(stats: Float64Array): void;
  /** The MPI calls, for the collectives the loops make between chunks (streaming). */
  readonly mpi: MpiAddon;
}

/** The fit settings every rank must share. */
export interface FitShape {
  batchSize: number;
  epochs: number;
  initialEpoch: number;
  shuffle: boolean;
  stepsPerChunk: number | null;
  validation: boolean;
}

/**
 * Agrees on the start of a fit of `rows` rows on this rank (collective: every rank calls it once per
 * fit). `rows` null: a streaming fit, whose steps are settled block by block (stream-steps.ts).
 * @throws ConfigError on every rank when the ranks differ in the model or the fit options, or a rank has
 *   no training rows.
 */
export function startDistributedFit(ctx: DistributedContext, rt: TrainingRuntime, shape: FitShape, rows: number | null, seed: number): DistributedFit {
  const { mpi } = ctx;
  const arena = rt.arena;
  const bucketBytes = allreduceBucketBytes();
  const agreed: [string, number][] = [
    ['the parameter count', arena.paramCount],
    ['the optimizer slot count', arena.slotCount],
    ['the optimizer step', rt.getStep()],
    ['batchSize', shape.batchSize],
    ['epochs', shape.epochs],
    ['initialEpoch', shape.initialEpoch],
    ['shuffle', shape.shuffle ? 1 : 0],
    ['stepsPerChunk', shape.stepsPerChunk ?? 0],
    ['validation (given or not)', shape.validation ? 1 : 0],
    ['streaming (a streaming dataset or in-memory data)', rows === null ? 1 : 0],
    ['the all-reduce bucket size (NNTRAIN_OVERLAP, NNTRAIN_BUCKET_BYTES)', bucketBytes],
  ];
  const batches = rows === null ? 1 : Math.ceil(rows / shape.batchSize);
  const stepsPerEpoch = agree(ctx, agreed, batches, 'the agreement at the start of a fit', 'The ranks of the distributed fit differ in', ': every rank must build the same model and pass the same fit options');
  if (stepsPerEpoch < 1) throw new ConfigError('A rank of the distributed fit has no training rows: every rank needs at least one');

  // rank 0's weights, optimizer slots (grads too: the arena is one buffer) and run seed
  const what = "the broadcast of rank 0's weights and seed at the start of a fit";
  mpi.bcast(new Float32Array(arena.buffer, arena.params.byteOffset, arena.paramCount * (2 + arena.slotCount)), 0, what);
  const seeds = new Float64Array([seed]);
  mpi.bcast(seeds, 0, what);
  const runSeed = seeds[0];

  const lastRows = new Float64Array([rows === null ? shape.batchSize : Math.min(shape.batchSize, rows - (stepsPerEpoch - 1) * shape.batchSize)]);
  if (rows !== null) mpi.allreduce(lastRows, 'sum', 'the sum of the rows of the last batch at the start of a fit');
  return {
    rank: ctx.rank,
    size: ctx.size,
    seed: runSeed,
    stepSeed: ctx.rank === 0 ? runSeed : stepSeed(runSeed ^ 0x5bd1e995, ctx.rank),
    stepsPerEpoch,
    chunkSteps: shape.stepsPerChunk ?? DISTRIBUTED_CHUNK_STEPS,
    comm: { handle: ctx.handle, lastStepRows: rows === null ? shape.batchSize * ctx.size : lastRows[0], bucketBytes },
    reduceStats: (stats) => mpi.allreduce(stats, 'sum', 'the all-reduce of validation or evaluation sums'),
    mpi,
  };
}

/**
 * One collective that checks every rank got this far and holds the same `agreed` values, and returns the
 * smallest `least` of any rank. [ok, v…, −v…, least] is reduced with MPI_MIN: ok, each value's min and
 * max, the least.
 * @throws ConfigError on every rank when one failed before (see failAgreement) or the values differ.
 */
export function agree(ctx: DistributedContext, agreed: [string, number][], least: number, what: string, differ: string, hint: string): number {
  const k = agreed.length;
  const mins = new Float64Array(1 + 2 * k + 1);
  mins[0] = 1;
  agreed.forEach(([, v], i) => {
    mins[1 + i] = v;
    mins[1 + k + i] = -v;
  });
  mins[1 + 2 * k] = least;
  ctx.mpi.allreduce(mins, 'min', what);
  if (mins[0] !== 1) throw new ConfigError('Another rank of the distributed fit failed before training (its error says why)');
  const differing = agreed.flatMap(([name], i) => (mins[1 + i] === -mins[1 + k + i] ? [] : [`${name} (${mins[1 + i]} to ${-mins[1 + k + i]})`]));
  if (differing.length > 0) throw new ConfigError(`${differ} ${differing.join(', ')}${hint}`);
  return mins[1 + 2 * k];
}

/**
 * For a rank that failed before an agree() with `values` values: joins it as failed, so the other ranks
 * throw instead of waiting for this one (collective).
 */
export function failAgreement(ctx: DistributedContext, values: number, what: string): void {
  ctx.mpi.allreduce(new Float64Array(1 + 2 * values + 1), 'min', what);
}

/** Values in startDistributedFit's agreement. */
const AGREED_VALUES = 11;

/**
 * For a rank whose fit failed before startDistributedFit: joins its first collective as failed, so the
 * other ranks throw instead of waiting for this one (collective).
 */
export function abandonDistributedFit(ctx: DistributedContext): void {
  failAgreement(ctx, AGREED_VALUES, 'the agreement at the start of a fit');
}

/**
 * Checks, before MPI starts, that this fit can run distributed.
 * @throws BackendError for the js backend.
 */
export function checkDistributedFit(backend: string): void {
  if (backend !== 'native') {
    throw new BackendError("distributed: 'mpi' needs the native backend (the all-reduce runs inside the addon's training chunk); the js backend trains on one process only");
  }
}

/**
 * Checks that the main addon reads the Collective table the MPI addon fills: an addon built before
 * distributed training ignores TrainJob.comm, and every rank would silently train its own copy.
 * @throws BackendError saying which build to redo.
 */
export function checkCollectiveVersion(nativeVersion: number | undefined, mpiVersion: number | undefined): void {
  if (nativeVersion !== undefined && nativeVersion === mpiVersion) return;
  const stale =
    nativeVersion === undefined
      ? "nntrain's native addon predates distributed training (its plans would ignore the MPI communicator)"
      : mpiVersion === undefined
        ? "nntrain's MPI addon predates this version of nntrain"
        : `nntrain's native addon reads version ${nativeVersion} of the MPI collective table but the MPI addon fills version ${mpiVersion}`;
  throw new BackendError(`${stale}: rebuild nntrain (npm rebuild nntrain; in a checkout: npm run build:native and npm run build:mpi)`);
}
