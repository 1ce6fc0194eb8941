// Training callbacks: hooks called by fit at train, epoch and batch boundaries (Keras's Callback), and
// the list that validates them and calls each hook in order, awaiting any promise a hook returns.

import { ConfigError } from '../util/errors.js';
import { checkKeys, describe } from '../util/validate.js';

/** Loss and metric values by name: loss, accuracy, val_loss, ... */
export type Logs = Record<string, number>;

/** What a callback may do with the model it is attached to (Sequential implements it). */
export interface CallbackModel {
  /** Set to true to stop fit after the current epoch. */
  stopTraining: boolean;
  /** The current parameters (a view into the model's arena). */
  readonly params: Float32Array;
  /** Copies parameters into the model. */
  setParams(values: Float32Array): void;
  /** Saves the model (see saveModel). */
  save(path: string, options?: { includeOptimizer?: boolean }): Promise<void>;
}

type Hook<A extends unknown[]> = (...args: A) => void | Promise<void>;

/**
 * A training callback. Every hook is optional and may return a promise, which fit awaits. `epoch` and
 * `batch` are 0-based. Batch logs are the running means over the epoch so far (as Keras). With
 * stepsPerChunk > 1, onBatchEnd runs for each step after its chunk finished, so the weights then are
 * those at the end of the chunk.
 */
export interface Callback {
  setModel?(model: CallbackModel): void;
  onTrainBegin?: Hook<[logs: Logs]>;
  onTrainEnd?: Hook<[logs: Logs]>;
  onEpochBegin?: Hook<[epoch: number, logs: Logs]>;
  onEpochEnd?: Hook<[epoch: number, logs: Logs]>;
  onBatchEnd?: Hook<[batch: number, logs: Logs]>;
  /**
   * State a resumed fit needs for the same result as an uninterrupted one (earlyStopping's best value,
   * wait and best weights). fit's `checkpoint` option saves it with the training position; `resumeFrom`
   * hands it back to the callback at the same index, right after onTrainBegin. Plain JSON, any number
   * (NaN, ±Infinity), Float32Array and Float64Array.
   */
  getState?(): unknown;
  /** Restores what getState returned. Throw ConfigError when the state does not fit this callback. */
  setState?(state: unknown): void;
}

export const HOOK_NAMES = ['setModel', 'onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchEnd'] as const;
type HookName = Exclude<(typeof HOOK_NAMES)[number], 'setModel'>;
/** Methods a callback may have besides its hooks. */
const STATE_METHODS = ['getState', 'setState'] as const;

/** A stateful callback's saved state: callbacks[index] of the fit, whose class is `kind`. */
export interface CallbackStateEntry {
  index: number;
  kind: string;
  state: unknown;
}

/**
 * Checks the `callbacks` option: an array of objects whose hooks are functions. A plain object's keys
 * must all be hook names (a misspelled hook would otherwise never run).
 * @throws ConfigError naming the bad entry.
 */
export function checkCallbacks(value: unknown): Callback[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(`Expected an array of callbacks for callbacks but received ${describe(value)}`);
  return value.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null) {
      throw new ConfigError(`Expected a callback object for callbacks[${i}] but received ${describe(item)}`);
    }
    if (Object.getPrototypeOf(item) === Object.prototype) checkKeys(`callbacks[${i}]`, item, [...HOOK_NAMES, ...STATE_METHODS]);
    for (const name of [...HOOK_NAMES, ...STATE_METHODS]) {
      const hook = (item as Record<string, unknown>)[name];
      if (hook !== undefined && typeof hook !== 'function') {
        throw new ConfigError(`Expected a function for callbacks[${i}].${name} but received ${describe(hook)}`);
      }
    }
    return item as Callback;
  });
}

/** The callbacks of one fit, called in order. */
export class CallbackList {
  /** True when some callback has onBatchEnd (the loop skips batch logs otherwise). */
  readonly wantsBatchEnd: boolean;

  constructor(
    private readonly callbacks: readonly Callback[],
    model: CallbackModel,
  ) {
    for (const cb of callbacks) cb.setModel?.(model);
    this.wantsBatchEnd = callbacks.some((cb) => cb.onBatchEnd !== undefined);
  }

  trainBegin(logs: Logs): Promise<void> {
    return this.call('onTrainBegin', [logs]);
  }

  trainEnd(logs: Logs): Promise<void> {
    return this.call('onTrainEnd', [logs]);
  }

  epochBegin(epoch: number, logs: Logs): Promise<void> {
    return this.call('onEpochBegin', [epoch, logs]);
  }

  epochEnd(epoch: number, logs: Logs): Promise<void> {
    return this.call('onEpochEnd', [epoch, logs]);
  }

  batchEnd(batch: number, logs: Logs): Promise<void> {
    return this.call('onBatchEnd', [batch, logs]);
  }

  /** The state of every callback with getState, by index and class name (for a checkpoint). */
  states(): CallbackStateEntry[] {
    const out: CallbackStateEntry[] = [];
    this.callbacks.forEach((cb, index) => {
      if (typeof cb.getState === 'function') out.push({ index, kind: kindOf(cb), state: cb.getState() });
    });
    return out;
  }

  /**
   * Hands saved states back to the callbacks at the same index (after onTrainBegin, which resets them).
   * A stateful callback the checkpoint has no state for starts fresh.
   * @throws ConfigError when a saved state has no callback of the same class at its index.
   */
  restoreStates(entries: readonly CallbackStateEntry[]): void {
    for (const { index, kind, state } of entries) {
      const cb = this.callbacks[index] as Callback | undefined;
      if (cb === undefined || typeof cb.setState !== 'function' || kindOf(cb) !== kind) {
        const found = cb === undefined ? 'missing' : `of class ${kindOf(cb)}${typeof cb.setState === 'function' ? '' : ' without setState'}`;
        throw new ConfigError(
          `The checkpoint holds state for callbacks[${index}] (class ${kind}) but this fit's callbacks[${index}] is ${found}; ` +
            'resume with the callbacks of the checkpointed run, in the same order',
        );
      }
      cb.setState(state);
    }
  }

  private async call(name: HookName, args: unknown[]): Promise<void> {
    for (const cb of this.callbacks) {
      const hook = cb[name] as ((...a: unknown[]) => unknown) | undefined;
      if (hook === undefined) continue;
      // each callback gets its own copy of the logs, so one cannot change what the next sees
      const copied = args.map((a) => (typeof a === 'object' && a !== null ? { ...a } : a));
      const result = hook.apply(cb, copied);
      if (result instanceof Promise) await result;
    }
  }
}

/** A callback's class name ('Object' for a plain object), which a saved state must match on resume. */
function kindOf(cb: Callback): string {
  const ctor = (cb as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'Object';
}
