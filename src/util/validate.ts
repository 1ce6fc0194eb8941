// Validation at the public edge: tiny predicates and one message format,
// "Expected <what> for <option> but received <value>".

import { ConfigError } from './errors.js';

export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return `a ${typeof value}`;
}

/** The ConfigError for an option that failed a check. */
export function invalid(option: string, expected: string, value: unknown): ConfigError {
  return new ConfigError(`Expected ${expected} for ${option} but received ${describe(value)}`);
}

export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isInteger = (v: unknown): v is number => Number.isSafeInteger(v);
export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
export const isString = (v: unknown): v is string => typeof v === 'string';
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

/** A finite number in [min, max] (bounds optional, inclusive unless `open` says otherwise). */
export function checkNumber(
  option: string,
  value: unknown,
  range: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean } = {},
): number {
  const { min, max, minOpen = false, maxOpen = false } = range;
  const ok =
    isNumber(value) &&
    (min === undefined || (minOpen ? value > min : value >= min)) &&
    (max === undefined || (maxOpen ? value < max : value <= max));
  if (!ok) throw invalid(option, `number${rangeText(min, max, minOpen, maxOpen)}`, value);
  return value;
}

/** A safe integer in [min, max]. */
export function checkInteger(option: string, value: unknown, range: { min?: number; max?: number } = {}): number {
  const { min, max } = range;
  const ok = isInteger(value) && (min === undefined || value >= min) && (max === undefined || value <= max);
  if (!ok) throw invalid(option, `integer${rangeText(min, max, false, false)}`, value);
  return value;
}

export function checkBoolean(option: string, value: unknown): boolean {
  if (!isBoolean(value)) throw invalid(option, 'boolean', value);
  return value;
}

function rangeText(min: number | undefined, max: number | undefined, minOpen: boolean, maxOpen: boolean): string {
  if (min !== undefined && max !== undefined) return ` in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`;
  if (min !== undefined) return ` ${minOpen ? '>' : '>='} ${min}`;
  if (max !== undefined) return ` ${maxOpen ? '<' : '<='} ${max}`;
  return '';
}

/** One of `choices`, with a did-you-mean hint for near misses. */
export function checkChoice<T extends string>(option: string, value: unknown, choices: readonly T[]): T {
  if (isString(value) && (choices as readonly string[]).includes(value)) return value as T;
  const hint = isString(value) ? closest(value, choices) : undefined;
  throw new ConfigError(
    `Unknown ${option} ${describe(value)}.${hint ? ` Did you mean '${hint}'?` : ''} Expected one of: ${choices.join(', ')}`,
  );
}

/** Rejects keys of `options` not in `allowed` (a misspelled option is an error, with a hint). */
export function checkKeys(context: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const hint = closest(key, allowed);
    throw new ConfigError(
      `Unknown option '${key}' for ${context}.${hint ? ` Did you mean '${hint}'?` : ''} Valid options: ${allowed.join(', ')}`,
    );
  }
}

/**
 * `options` as a typed partial after checking it is an options object with only `allowed` keys; undefined
 * reads as {} (every option defaulted).
 * @throws ConfigError for a non-object or an unknown key (with a did-you-mean hint).
 */
export function readOptions<T extends object>(context: string, options: unknown, allowed: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw invalid(`the options of ${context}`, 'an options object', options);
  checkKeys(context, options, allowed);
  return options as Partial<T>;
}

/** The closest candidate by edit distance, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** `value`, or `fallback` when the option was not given (undefined). null is a given value and is checked. */
export const orDefault = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);
