// The start of a distributed fit, on every rank before the first step: the ranks check that they agree
// on the model and the options, take rank 0's weights, optimizer state, step and run seed, and settle
// the steps of an epoch (the fewest any rank can fill, so no rank waits in a collective for a step
// another never takes) and the global rows of its last, possibly short, batch.

import type { TrainJobComm } from '../../backend/contract.js';
import { BackendError, ConfigError } from '../../util/errors.js';
import { stepSeed } from '../../util/rng.js';
import type { TrainingRuntime } from '../runtime.js';
import type { DistributedContext } from '../../backend/mpi-context.js';

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
 * Agrees on the start of a fit of `rows` rows on this rank (collective: every rank calls it once per fit).
 * @throws ConfigError on every rank when the ranks differ in the model or the fit options, or a rank has
 *   no training rows.
 */
export function startDistributedFit(ctx: DistributedContext, rt: TrainingRuntime, shape: FitShape, rows: number, seed: number): DistributedFit {
  const { mpi } = ctx;
  const arena = rt.arena;
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
  ];
  const mins = agreement(agreed.map(([, v]) => v), Math.ceil(rows / shape.batchSize));
  mpi.allreduce(mins, 'min');
  if (mins[0] !== 1) throw new ConfigError('Another rank of the distributed fit failed before training (its error says why)');
  const k = agreed.length;
  const differing = agreed.flatMap(([name], i) => (mins[1 + i] === -mins[1 + k + i] ? [] : [`${name} (${mins[1 + i]} to ${-mins[1 + k + i]})`]));
  if (differing.length > 0) {
    throw new ConfigError(`The ranks of the distributed fit differ in ${differing.join(', ')}: every rank must build the same model and pass the same fit options`);
  }
  const stepsPerEpoch = mins[1 + 2 * k];
  if (stepsPerEpoch < 1) throw new ConfigError('A rank of the distributed fit has no training rows: every rank needs at least one');

  // rank 0's weights, optimizer slots (grads too: the arena is one buffer) and run seed
  mpi.bcast(new Float32Array(arena.buffer, arena.params.byteOffset, arena.paramCount * (2 + arena.slotCount)), 0);
  const seeds = new Float64Array([seed]);
  mpi.bcast(seeds, 0);
  const runSeed = seeds[0];

  const lastRows = new Float64Array([Math.min(shape.batchSize, rows - (stepsPerEpoch - 1) * shape.batchSize)]);
  mpi.allreduce(lastRows, 'sum');
  return {
    rank: ctx.rank,
    size: ctx.size,
    seed: runSeed,
    stepSeed: ctx.rank === 0 ? runSeed : stepSeed(runSeed ^ 0x5bd1e995, ctx.rank),
    stepsPerEpoch,
    chunkSteps: shape.stepsPerChunk ?? DISTRIBUTED_CHUNK_STEPS,
    comm: { handle: ctx.handle, lastStepRows: lastRows[0] },
    reduceStats: (stats) => mpi.allreduce(stats, 'sum'),
  };
}

const AGREED_VALUES = 9;

/**
 * The first collective of a fit, [ok, v…, −v…, batches], reduced with MPI_MIN: whether every rank got
 * this far, each value's min and max, and the fewest batches of any rank. `values` null: this rank
 * failed before training (the others then throw instead of waiting for it).
 */
function agreement(values: number[] | null, batches: number): Float64Array {
  const k = AGREED_VALUES;
  const mins = new Float64Array(1 + 2 * k + 1);
  if (values === null) return mins; // ok = 0
  if (values.length !== k) throw new RangeError(`expected ${k} values to agree on, got ${values.length}`);
  mins[0] = 1;
  values.forEach((v, i) => {
    mins[1 + i] = v;
    mins[1 + k + i] = -v;
  });
  mins[1 + 2 * k] = batches;
  return mins;
}

/**
 * For a rank whose fit failed before startDistributedFit: joins its first collective as failed, so the
 * other ranks throw instead of waiting for this one (collective).
 */
export function abandonDistributedFit(ctx: DistributedContext): void {
  ctx.mpi.allreduce(agreement(null, 0), 'min');
}

/**
 * Checks what a distributed fit cannot do yet, before MPI starts.
 * @throws ConfigError for checkpoint, resumeFrom or a streaming dataset; BackendError for the js backend.
 */
export function checkDistributedFit(cfg: { checkpoint: unknown; resumeFrom: unknown }, backend: string, streaming: boolean): void {
  const unsupported = streaming ? 'a streaming dataset' : cfg.checkpoint !== null ? "the option 'checkpoint'" : cfg.resumeFrom !== null ? "the option 'resumeFrom'" : null;
  if (unsupported !== null) {
    throw new ConfigError(`distributed: 'mpi' cannot be combined with ${unsupported} yet: pass in-memory x and y (this process's rows), without checkpoint or resumeFrom`);
  }
  if (backend !== 'native') {
    throw new BackendError("distributed: 'mpi' needs the native backend (the all-reduce runs inside the addon's training chunk); the js backend trains on one process only");
  }
}
