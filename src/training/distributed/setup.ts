// The start of a distributed fit, on every rank before the first step: the ranks check that they agree
// on the model and the options, take rank 0's weights, optimizer state, step and run seed, and settle
// the steps of an epoch (the fewest any rank can fill, so no rank waits in a collective for a step
// another never takes) and the global rows of its last, possibly short, batch.

import type { TrainJobComm } from '../../backend/contract.js';
import { BackendError, ConfigError } from '../../util/errors.js';
import { stepSeed } from '../../util/rng.js';
import type { TrainingRuntime } from '../runtime.js';
import type { DistributedContext } from './context.js';

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
  const batches = Math.ceil(rows / shape.batchSize);
  // one MPI_MIN over [v…, −v…, batches] gives every value's min and max and the fewest batches
  const k = agreed.length;
  const mins = new Float64Array(2 * k + 1);
  agreed.forEach(([, v], i) => {
    mins[i] = v;
    mins[k + i] = -v;
  });
  mins[2 * k] = batches;
  mpi.allreduce(mins, 'min');
  const differing = agreed.filter((_, i) => mins[i] !== -mins[k + i]).map(([name], i) => `${name} (${mins[i]} to ${-mins[k + i]})`);
  if (differing.length > 0) {
    throw new ConfigError(`The ranks of the distributed fit differ in ${differing.join(', ')}: every rank must build the same model and pass the same fit options`);
  }
  const stepsPerEpoch = mins[2 * k];
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
