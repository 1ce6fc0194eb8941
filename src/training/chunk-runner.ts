// One chunk of training steps, shared by the in-memory loop (fit.ts) and the streaming loop
// (fit-stream.ts): the learning rates of the chunk's steps, one call of the step executor, the per-step stats
// folded into the epoch's sums with onBatchEnd after each, and the chunk's outcome turned into
// NonFiniteError/AbortError. The per-fit buffers (lrs, stats, the abort flag) are allocated once here.

import { Stat, TrainStatus } from '../backend/codes.js';
import type { TrainJob, TrainJobComm } from '../backend/contract.js';
import type { CallbackList } from '../callbacks/callback.js';
import type { Matrix } from '../data/matrix.js';
import { addStatsRow, logsFromStats } from '../metrics/metrics.js';
import { AbortError, ConfigError, DivergenceError, NonFiniteError } from '../util/errors.js';
import { now } from '../util/yield.js';
import { ChunkSizer, CHUNK_TARGET_MS } from './chunk-sizer.js';
import type { TrainingRuntime } from './runtime.js';
import type { DistributedFit } from './distributed/setup.js';
import { needsSplitSteps, statsWidthOf } from './split-steps.js';
import type { StepExecutor } from './step-executor.js';

/** What a fit's chunks share: the step executor, the run seed, the batch size and the abort signal. */
export interface ChunkSettings {
  steps: StepExecutor;
  seed: number;
  batchSize: number;
  /** Most steps in one chunk (sizes the buffers). */
  maxChunk: number;
  /** Fixed steps per chunk, or null for adaptive sizing. */
  stepsPerChunk: number | null;
  signal: AbortSignal | undefined;
  callbacks: CallbackList;
  /** One rank of a distributed fit (its chunks all-reduce; stepsPerChunk is then fixed), else null. */
  dist?: DistributedFit | null;
  /** fit's divergence factor, or null when the check is off. */
  divergenceFactor?: number | null;
  /** Per-row loss weights of the fit's x (gathered with the rows by order[]), or null: unweighted. */
  weights?: Float32Array | null;
}

export class ChunkRunner {
  /** Sums of the current epoch's per-step stats (STATS_WIDTH, then one per custom metric). */
  readonly epochStats: Float64Array;
  /** Floats per stats row. */
  private readonly width: number;
  private readonly lrs: Float32Array;
  private readonly stats: Float64Array;
  private readonly control = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * 4));
  private readonly sizer: ChunkSizer;
  private readonly baseLr: number;
  private readonly onAbort = () => Atomics.store(this.control, 0, 1);
  /** The distributed fit's communicator, its lastStepRows set per chunk. */
  private readonly comm: TrainJobComm | undefined;
  /** The loss of the fit's first step, the divergence check's reference (NaN until it ran). */
  private startLoss = NaN;
  /** Steps the last run() applied, also when it threw (a checkpoint written on abort starts after them). */
  lastSteps = 0;
  /** The per-row loss weights of the x that run() trains on, or null: unweighted. */
  private weights: Float32Array | null;

  constructor(
    private readonly rt: TrainingRuntime,
    private readonly s: ChunkSettings,
  ) {
    this.lrs = new Float32Array(s.maxChunk);
    this.width = statsWidthOf(rt);
    this.epochStats = new Float64Array(this.width);
    this.stats = new Float64Array(s.maxChunk * this.width);
    // split steps (custom loss or metrics) run on the event loop's thread on either backend
    this.sizer = new ChunkSizer(s.stepsPerChunk, CHUNK_TARGET_MS[needsSplitSteps(rt) ? 'js' : rt.backend.name], s.maxChunk);
    this.baseLr = rt.optimizer.learningRate;
    this.comm = s.dist ? { ...s.dist.comm } : undefined;
    this.weights = s.weights ?? null;
    s.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Sets the loss weights of the rows the next run() calls train on (a streaming fit's block's), or null. */
  useWeights(weights: Float32Array | null): void {
    this.weights = weights;
  }

  /** Stops forwarding the signal to the native abort flag (call when the fit ends). */
  dispose(): void {
    this.s.signal?.removeEventListener('abort', this.onAbort);
  }

  /**
   * Throws AbortError when the signal has fired. In a distributed fit it does nothing: one rank stopping
   * alone would leave the others in a collective, so the ranks agree on an abort at each chunk's end.
   */
  checkAbort(): void {
    if (this.s.dist) return;
    const signal = this.s.signal;
    if (signal?.aborted) throw new AbortError(abortMessage(signal));
  }

  /**
   * Trains up to `maxSteps` batches of x/y visited in `order`, starting at batch `firstBatch`; onBatchEnd
   * receives batch numbers offset by `batchOffset` (the epoch's batches before this data). Returns the
   * steps done (all of them: a non-finite step throws NonFiniteError, an abort AbortError). Distributed,
   * `lastStepRows` (all ranks' rows in the batch ending at order's end) overrides the fit's.
   */
  async run(x: Matrix, y: Matrix, order: Uint32Array, firstBatch: number, maxSteps: number, epoch: number, batchOffset = 0, lastStepRows?: number): Promise<number> {
    const { rt, s } = this;
    this.lastSteps = 0;
    this.checkAbort();
    const steps = this.sizer.size(maxSteps);
    const globalStep = rt.getStep();
    for (let i = 0; i < steps; i++) this.lrs[i] = learningRate(rt, this.baseLr, epoch, globalStep + i);
    const job: TrainJob = {
      x: x.data,
      y: y.data,
      order,
      firstBatch,
      steps,
      batchSize: s.batchSize,
      lrs: this.lrs.subarray(0, steps),
      globalStep,
      seed: s.dist ? s.dist.stepSeed : s.seed,
      stats: this.stats.subarray(0, steps * this.width),
      control: this.control,
      comm: this.comm,
      weights: this.weights ?? undefined,
    };
    if (this.comm && s.dist) this.comm.lastStepRows = lastStepRows ?? s.dist.comm.lastStepRows;
    const t0 = now();
    const result = await s.steps.run(job);
    this.sizer.record(result.stepsDone, now() - t0);
    rt.advanceStep(result.stepsDone);
    this.lastSteps = result.stepsDone;
    for (let i = 0; i < result.stepsDone; i++) {
      this.checkDivergence(i, epoch, batchOffset + firstBatch + i);
      addStatsRow(this.epochStats, this.stats, i);
      if (s.callbacks.wantsBatchEnd && !s.signal?.aborted) {
        await s.callbacks.batchEnd(batchOffset + firstBatch + i, logsFromStats(this.epochStats, rt.metrics, 0, '', rt.customMetrics));
      }
    }
    if (result.status === TrainStatus.nonFiniteLoss || result.status === TrainStatus.nonFiniteGradient) {
      throw nonFinite(result.status, epoch, batchOffset + firstBatch + result.stepsDone, this.lrs[result.stepsDone], result.detail);
    }
    this.checkAbort();
    if (result.status === TrainStatus.aborted) throw new AbortError();
    return result.stepsDone;
  }

  /** Throws DivergenceError when step row `i` of the chunk's stats passed the divergence threshold. */
  private checkDivergence(i: number, epoch: number, batch: number): void {
    const factor = this.s.divergenceFactor;
    if (factor === null || factor === undefined) return;
    const base = i * this.width;
    const loss = (this.stats[base + Stat.lossSum] + this.stats[base + Stat.regLossSum]) / this.stats[base + Stat.rows];
    if (Number.isNaN(this.startLoss)) {
      this.startLoss = loss;
      return;
    }
    const limit = factor * Math.max(this.startLoss, 1);
    if (!(loss > limit)) return;
    throw new DivergenceError(
      `Training diverged: the loss ${loss.toPrecision(4)} at epoch ${epoch}, batch ${batch} (0-based) is more than ${factor} × the starting loss ` +
        `${this.startLoss.toPrecision(4)} (floored at 1). Try a lower learningRate or gradient clipping (clipNorm); fit's divergence option sets the factor or turns the check off.`,
      { epoch, batch, loss, startLoss: this.startLoss },
    );
  }
}

/** The schedule's learning rate for a step, checked. */
function learningRate(rt: TrainingRuntime, baseLr: number, epoch: number, step: number): number {
  if (rt.schedule === null) return baseLr;
  const lr = rt.schedule.at(baseLr, epoch, step);
  if (!Number.isFinite(lr) || lr < 0) {
    throw new ConfigError(`Expected a finite number >= 0 for the learning rate of schedule '${rt.schedule.name}' (epoch ${epoch}, step ${step}) but received ${lr}`);
  }
  return lr;
}

/** The error of a step whose loss or gradient was NaN/Infinity (that step was not applied). */
function nonFinite(status: number, epoch: number, batch: number, lr: number, detail?: string): NonFiniteError {
  const what = status === TrainStatus.nonFiniteLoss ? 'loss' : 'gradient';
  return new NonFiniteError(
    `Training diverged: the ${what} became NaN or Infinity at epoch ${epoch}, batch ${batch} (0-based; learning rate ${lr})${detail ? ` (${detail})` : ''}. ` +
      'That step was not applied. Try a lower learningRate, or gradient clipping with the optimizer option clipNorm (e.g. 1.0).',
    epoch,
    batch,
  );
}

function abortMessage(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return `Training was aborted: ${reason.message}`;
  if (typeof reason === 'string') return `Training was aborted: ${reason}`;
  return 'Training was aborted';
}
