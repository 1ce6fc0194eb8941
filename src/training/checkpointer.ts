// Where a fit starts (a new run, or a resumed one) and the writer behind fit's `checkpoint` option. The
// training loop only asks two things of a checkpointer: how many steps until the next mid-epoch save (so a
// chunk of steps ends exactly there) and to write the current position. Everything else a resumed run
// needs — seed, fit options, data fingerprint, callback and schedule state — is gathered here.

import type { CallbackList } from '../callbacks/callback.js';
import { crc32 } from '../io/crc32.js';
import type { LearningRateSchedule } from '../schedules/index.js';
import type { FitData } from './fit.js';
import type { CheckpointConfig, FitConfig } from './fit-options.js';
import { History } from './history.js';
import type { CheckpointFitOptions, DataFingerprint, TrainingState, ValidationSource } from './training-state.js';

/** Where a fit starts and, for a resumed fit, what it continues. */
export interface FitStart {
  /** The run seed (uint32) of the shuffles and of dropout/noise. */
  seed: number;
  /** The first epoch to train, and the first batch within it. */
  epoch: number;
  batch: number;
  /** Stats sums of the partial epoch `epoch` (batch > 0), else null. */
  epochStats: Float64Array | null;
  /** The History to extend (empty for a new run). */
  history: History;
  /** A callback had stopped the checkpointed run: train no more epochs, only end it. */
  stopped: boolean;
  /** Restores callback and schedule state (resumed fit); the loop calls it right after onTrainBegin. */
  restore: (() => void) | null;
}

/** The start of a new (not resumed) run. */
export function newRunStart(seed: number, initialEpoch: number): FitStart {
  return { seed, epoch: initialEpoch, batch: 0, epochStats: null, history: new History(), stopped: false, restore: null };
}

/** The loop's position when it saves: the next batch to train, and what the run has produced so far. */
export interface CheckpointPosition {
  epoch: number;
  batch: number;
  epochStats: Float64Array | null;
  history: History;
  stopped: boolean;
}

/** How validation data was given, as a checkpoint records it. */
export function validationSource(cfg: FitConfig): ValidationSource {
  return cfg.validationData !== undefined ? 'data' : cfg.validationSplit > 0 ? 'split' : 'none';
}

/** The fit options a checkpoint records. */
export function checkpointFitOptions(cfg: FitConfig): CheckpointFitOptions {
  return { epochs: cfg.epochs, batchSize: cfg.batchSize, shuffle: cfg.shuffle, validationSplit: cfg.validationSplit, validation: validationSource(cfg) };
}

/** Shapes and CRC-32s of the training and validation rows (the float32 bytes, x then y) and of their loss weights. */
export function fingerprintData(data: FitData): DataFingerprint {
  const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const weights = (w: Float32Array | null | undefined) => (w == null ? null : crc32(bytes(w)));
  const v = data.validation;
  return {
    rows: data.x.rows,
    inputWidth: data.x.cols,
    labelWidth: data.y.cols,
    crc32: crc32(bytes(data.y.data), crc32(bytes(data.x.data))),
    validationRows: v === null ? 0 : v.x.rows,
    validationCrc32: v === null ? 0 : crc32(bytes(v.y.data), crc32(bytes(v.x.data))),
    weightsCrc32: weights(data.weights),
    validationWeightsCrc32: v === null ? null : weights(v.weights),
  };
}

/** What a checkpointer needs from the model and the fit besides the loop's position. */
export interface CheckpointSource {
  seed: number;
  fit: CheckpointFitOptions;
  data: DataFingerprint;
  /** A distributed fit's data fingerprints, one per rank (rank order). */
  ranks?: DataFingerprint[];
  callbacks: CallbackList;
  schedule: LearningRateSchedule | null;
  /** Optimizer steps so far. */
  step(): number;
  /** Writes the model with this training state to `path` (atomically). */
  save(path: string, state: TrainingState): Promise<void>;
}

/** Writes the training position to `config.path` at epoch ends and every `config.everySteps` steps. */
export class Checkpointer {
  constructor(
    private readonly config: CheckpointConfig,
    private readonly source: CheckpointSource,
  ) {}

  /** The fingerprint of this process's training data. */
  get data(): DataFingerprint {
    return this.source.data;
  }

  /**
   * The checkpointer of one rank of a distributed fit whose ranks' data are `ranks` (written into every
   * checkpoint): every rank keeps the same cadence (chunks end where a save is due) and calls the save
   * that `share` makes of this one (distributed/checkpoint-save.ts: rank 0 alone writes, as the weights
   * are the same on every rank, and every rank learns whether it worked).
   */
  forRanks(ranks: DataFingerprint[], share: (save: CheckpointSource['save']) => CheckpointSource['save']): Checkpointer {
    return new Checkpointer(this.config, { ...this.source, ranks, save: share(this.source.save) });
  }

  /** Steps from `step` until the next mid-epoch save (Infinity without everySteps). */
  stepsUntilDue(step: number): number {
    const every = this.config.everySteps;
    return every === null ? Infinity : every - (step % every);
  }

  /** True when a mid-epoch save is due after `step` steps. */
  isDue(step: number): boolean {
    const every = this.config.everySteps;
    return every !== null && step > 0 && step % every === 0;
  }

  /** Saves the model and the training position. The state is captured before the first await. */
  async write(position: CheckpointPosition): Promise<void> {
    const { seed, fit, data, callbacks, schedule } = this.source;
    const state: TrainingState = {
      seed,
      epoch: position.epoch,
      batch: position.batch,
      step: this.source.step(),
      stopped: position.stopped,
      epochStats: position.epochStats === null ? null : position.epochStats.slice(),
      history: position.history.toData(),
      fit,
      data,
      ...(this.source.ranks === undefined ? {} : { ranks: this.source.ranks }),
      schedule: schedule?.getState ? { name: schedule.name, state: schedule.getState() } : null,
      callbacks: callbacks.states(),
    };
    await this.source.save(this.config.path, state);
  }
}
