// A model's runtime state: the arena its layers read weights through (params, grads, optimizer slots), the
// compiled options, the plan spec and plan handle bound to that arena, the step count, the busy flag of a
// running fit and the queue that runs one plan call at a time. It hands the training loop its TrainingRuntime.

import type { Backend, PlanHandle, PlanSpec } from '../backend/contract.js';
import type { CallbackModel } from '../callbacks/callback.js';
import type { Layer } from '../layers/layer.js';
import type { Arena } from '../memory/arena.js';
import type { TrainingRuntime } from '../training/runtime.js';
import { ConfigError } from '../util/errors.js';
import type { Compiled } from './compile-options.js';
import { compilePlan, lossSpecFor } from './compile-plan.js';
import { copyOptimizerState, restoreOptimizerState, type OptimizerState } from './model-state.js';

/** The runtime state of one Sequential (private to it; see model-runtime.ts's header). */
export class ModelRuntime {
  /** The weight source layers read through; compile swaps the arena. */
  readonly store: { arena: Arena | null } = { arena: null };
  /** The resolved compile options, or null before compile. */
  compiled: Compiled | null = null;
  /** Optimizer steps taken so far. */
  step = 0;
  private planSpec: PlanSpec | null = null;
  private planHandle: PlanHandle | null = null;
  private busy = false; // a fit is running
  private planQueue: Promise<unknown> = Promise.resolve(); // serializes plan calls
  private queued = 0; // plan calls queued or running
  private lastRuntime: { model: CallbackModel; compiled: Compiled; rt: TrainingRuntime } | null = null;
  private holders = 0; // predict/evaluate calls that hold a running fit's steps
  private released: Promise<void> = Promise.resolve();
  private release: (() => void) | null = null;

  constructor(private readonly backend: Backend) {}

  /** The plan a backend runs (once built and compiled), or null. */
  get spec(): PlanSpec | null {
    return this.planSpec;
  }

  /** The arena. @throws ConfigError before build. */
  arena(): Arena {
    const arena = this.store.arena;
    if (arena === null) throw new ConfigError('The model is not built yet: call build(), or fit/predict with data, first');
    return arena;
  }

  /**
   * Adds optimizer slots to the arena and compiles the plan spec for `layers` with `inputs` input
   * features; does nothing until the model is built (inputs known) and compiled.
   */
  finishCompile(layers: readonly Layer[], inputs: number | null): void {
    const compiled = this.compiled;
    const arena = this.store.arena;
    if (compiled === null || arena === null || inputs === null) return;
    const next = arena.withSlots(compiled.optimizer.slotCount);
    compiled.optimizer.initSlots(next.slots);
    this.store.arena = next;
    this.step = 0;
    this.planSpec = compilePlan(layers, inputs, next.paramCount, lossSpecFor(layers, compiled.loss), compiled.optimizer, compiled.precision);
    // the old plan points at the old arena; freed directly, since a fit that builds the model on its
    // first data is itself the busy caller
    this.planHandle?.dispose();
    this.planHandle = null;
  }

  /** What the training loop runs on, for `model` as callbacks see it. @throws ConfigError when not compiled. */
  trainingRuntime(model: CallbackModel): TrainingRuntime {
    const compiled = this.compiled;
    const spec = this.planSpec;
    if (compiled === null || spec === null) throw new ConfigError('The model is not compiled');
    const arena = this.arena();
    // kept while nothing it captured changes: a one-row predict takes it on every call
    const last = this.lastRuntime;
    if (last !== null && last.model === model && last.compiled === compiled && last.rt.spec === spec && last.rt.arena === arena) return last.rt;
    const rt: TrainingRuntime = {
      backend: this.backend,
      spec,
      arena,
      optimizer: compiled.optimizer,
      schedule: compiled.schedule,
      metrics: compiled.metrics,
      customLoss: compiled.loss.custom ?? null,
      customMetrics: compiled.customMetrics,
      model,
      plan: (maxBatch) => (this.planHandle ??= this.backend.createPlan(spec, arena, maxBatch)),
      getStep: () => this.step,
      advanceStep: (steps) => {
        this.step += steps;
      },
      exclusive: (fn) => this.exclusive(fn),
      idle: () => this.queued === 0,
      holdSteps: (fn) => this.holdSteps(fn),
      stepsReleased: () => this.released,
    };
    this.lastRuntime = { model, compiled, rt };
    return rt;
  }

  /** Copies of the optimizer slots and the step count, or null when the model is not compiled and built. */
  getOptimizerState(): OptimizerState | null {
    const arena = this.store.arena;
    if (this.compiled === null || arena === null) return null;
    return copyOptimizerState(arena, this.step);
  }

  /**
   * Restores optimizer state saved by getOptimizerState.
   * @throws ConfigError when not compiled and built or for a bad step; ShapeError for a wrong slot count or length.
   */
  setOptimizerState(state: OptimizerState): void {
    const arena = this.store.arena;
    const compiled = this.compiled;
    if (compiled === null || arena === null) throw new ConfigError('setOptimizerState needs a built and compiled model');
    this.step = restoreOptimizerState(arena, compiled.optimizer.name, state);
  }

  /** @throws ConfigError while a fit is running. */
  requireIdle(method: string): void {
    if (this.busy) throw new ConfigError(`Cannot ${method} while fit is running; await it first (evaluate and predict may run during fit)`);
  }

  /** Runs `fn` as a fit: the model is busy (compile and dispose throw) until its promise settles. */
  async whileBusy<T>(fn: () => Promise<T>): Promise<T> {
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  /**
   * Runs `fn` with a running fit's steps held: the fit's next chunk waits until `fn` settles, so every
   * plan call of `fn` (a predict split into chunks) sees the weights of one step.
   */
  async holdSteps<T>(fn: () => Promise<T>): Promise<T> {
    if (this.holders++ === 0) this.released = new Promise((resolve) => (this.release = resolve));
    try {
      return await fn();
    } finally {
      if (--this.holders === 0) {
        this.release?.();
        this.release = null;
      }
    }
  }

  /**
   * Runs `read` where the weights are whole: at once when no fit runs, else in the plan queue between two
   * chunks of the fit's steps (a native chunk updates the weights on a worker thread).
   */
  atWholeStep<T>(read: () => T): Promise<T> {
    return this.busy ? this.exclusive(async () => read()) : Promise.resolve(read());
  }

  /** Runs `fn` after every plan call queued before it (one plan call at a time per model). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.queued++;
    const run = this.planQueue.then(fn, fn).finally(() => this.queued--);
    this.planQueue = run.catch(() => undefined);
    return run;
  }

  /** Frees the plan (a new one is made on next use). @throws ConfigError while a fit is running. */
  dispose(): void {
    this.requireIdle('dispose');
    this.planHandle?.dispose();
    this.planHandle = null;
  }
}
