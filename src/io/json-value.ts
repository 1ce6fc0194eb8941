// Plain JSON values for what a model file stores opaquely (the preprocessing section). JSON.stringify
// silently turns NaN into null, a Float64Array into {"0": …} and drops functions, so a value is checked
// and copied here first: what is saved is exactly what load returns, or the save is refused up front.

import { ConfigError } from '../util/errors.js';
import { describe, isPlainObject } from '../util/validate.js';

/** A JSON value: what JSON.parse can return. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Limits of a stored JSON section: depth guards the recursive walk, bytes the header size. */
export interface JsonLimits {
  maxDepth: number;
  maxBytes: number;
}

/**
 * A deep, frozen copy of `value` as plain JSON. Objects with a `toJSON()` method (scalers, imputers,
 * dates) are replaced by its result first, as JSON.stringify does. `what` names the value in errors.
 * @throws ConfigError naming the path of the first value JSON cannot hold exactly: a non-finite number,
 *   a function, symbol, bigint, undefined array entry, typed array, Map/Set or other class instance, a cycle,
 *   nesting deeper than `limits.maxDepth`, or a serialized size above `limits.maxBytes`.
 */
export function toFrozenJson(value: unknown, what: string, limits: JsonLimits): JsonValue {
  const seen = new Set<object>();
  const copy = (v: unknown, path: string, depth: number): JsonValue => {
    if (depth > limits.maxDepth) throw new ConfigError(`${what} is nested deeper than ${limits.maxDepth} levels at ${path}`);
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON: () => unknown }).toJSON();
    }
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw notJson(what, path, `the number ${v}, which JSON cannot hold (it would become null)`);
      return v;
    }
    if (typeof v !== 'object') throw notJson(what, path, describe(v));
    if (seen.has(v)) throw notJson(what, path, 'a reference back to an enclosing object (a cycle)');
    seen.add(v);
    let out: JsonValue;
    if (Array.isArray(v)) {
      out = v.map((item: unknown, i) => {
        if (item === undefined) throw notJson(what, `${path}[${i}]`, 'undefined');
        return copy(item, `${path}[${i}]`, depth + 1);
      });
    } else if (isPlainObject(v) && isPlainPrototype(v)) {
      const obj: JsonObject = {};
      for (const [key, item] of Object.entries(v)) {
        if (item === undefined) continue; // as JSON.stringify: an absent optional field
        obj[key] = copy(item, `${path}.${key}`, depth + 1);
      }
      out = obj;
    } else {
      const kind = ArrayBuffer.isView(v) ? `a ${v.constructor.name} (use Array.from)` : `an instance of ${v.constructor?.name ?? 'a class'}`;
      throw notJson(what, path, `${kind}, which is not plain JSON`);
    }
    seen.delete(v);
    return Object.freeze(out) as JsonValue;
  };
  const result = copy(value, what, 0);
  const bytes = Buffer.byteLength(JSON.stringify(result), 'utf8');
  if (bytes > limits.maxBytes) {
    throw new ConfigError(`${what} is ${bytes} bytes as JSON, more than the ${limits.maxBytes} bytes a model file accepts`);
  }
  return result;
}

function isPlainPrototype(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function notJson(what: string, path: string, found: string): ConfigError {
  return new ConfigError(`Expected plain JSON data for ${what} but ${path} is ${found}`);
}

/** Bounds of `model.preprocessing`: far above any scaler or category list, far below the header's 4 GiB. */
export const PREPROCESSING_LIMITS: JsonLimits = { maxDepth: 64, maxBytes: 64 * 1024 * 1024 };

/**
 * The value `model.preprocessing` stores: null for null/undefined, else a frozen plain-JSON copy of an
 * object (toJSON() results included).
 * @throws ConfigError for a value that is not an object, or that JSON cannot hold exactly (see toFrozenJson).
 */
export function checkPreprocessing(value: unknown): JsonObject | null {
  if (value === null || value === undefined) return null;
  const json = toFrozenJson(value, 'preprocessing', PREPROCESSING_LIMITS);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigError(`Expected an object (e.g. { scaler: scaler.toJSON(), labels: [...] }) for preprocessing but received ${describe(value)}`);
  }
  return json;
}
