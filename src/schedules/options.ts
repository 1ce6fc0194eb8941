// Shared option checking for the schedule constructors.

import { checkKeys, invalid, isPlainObject } from '../util/validate.js';

/**
 * `options` as a typed partial after checking it is an object with only `keys`; undefined reads as {}.
 * @throws ConfigError for a non-object or an unknown key (with a did-you-mean hint).
 */
export function readScheduleOptions<T extends object>(context: string, options: unknown, keys: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw invalid(`the options of ${context}`, 'an options object', options);
  checkKeys(context, options, keys);
  return options as Partial<T>;
}
