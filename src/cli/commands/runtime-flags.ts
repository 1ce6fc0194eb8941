// --backend and --threads for the commands that only run a saved model (evaluate, predict, info):
// checked by the same schema as the training options, so the messages match.

import { nativeAvailable } from '../../backend/index.js';
import { setThreads } from '../../backend/native.js';
import { checkGivenValues, type GivenValues } from '../config-schema.js';
import { flagValue } from '../flags.js';
import { optionByKey } from '../option-table.js';

export interface RuntimeFlags {
  backend?: string;
  threads?: string;
}

/**
 * The checked backend, with --threads applied to the native pool.
 * @throws UsageError for a bad value.
 */
export function runtimeOptions(flags: RuntimeFlags): { backend: 'native' | 'js' | undefined } {
  const given: GivenValues = new Map();
  for (const key of ['backend', 'threads'] as const) {
    const spec = optionByKey(key);
    const raw = flags[key];
    if (spec !== undefined && raw !== undefined) given.set(key, flagValue(spec, raw));
  }
  const values = checkGivenValues(given, undefined);
  const backend = values.backend as 'native' | 'js' | undefined;
  if (values.threads !== undefined && backend !== 'js' && nativeAvailable()) setThreads(values.threads as number);
  return { backend };
}
