// A callback from plain functions, for quick hooks: callbacks.lambda({ onEpochEnd: (e, logs) => ... }).

import { ConfigError } from '../util/errors.js';
import { checkKeys, describe, invalid, isPlainObject } from '../util/validate.js';
import { HOOK_NAMES, type Callback, type Logs } from './callback.js';

/** Hooks of `callbacks.lambda(options)`: any subset; a returned Promise is awaited before training goes on. */
export interface LambdaCallbackOptions {
  onTrainBegin?: (logs: Logs) => void | Promise<void>;
  onTrainEnd?: (logs: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
}

/**
 * A callback whose hooks are the given functions.
 * @throws ConfigError for an unknown hook name or a hook that is not a function.
 */
export function lambdaCallback(options: LambdaCallbackOptions): Callback {
  if (!isPlainObject(options)) throw invalid('the options of lambda', 'an object of hook functions', options);
  const names = HOOK_NAMES.filter((n) => n !== 'setModel');
  checkKeys('lambda', options, names);
  const out: Callback = {};
  for (const name of names) {
    const hook: unknown = options[name];
    if (hook === undefined) continue;
    if (typeof hook !== 'function') throw new ConfigError(`Expected a function for ${name} but received ${describe(hook)}`);
    (out as Record<string, unknown>)[name] = hook;
  }
  return out;
}
