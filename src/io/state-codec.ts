// Training state (callback and schedule state, partial epoch sums, History) to and from the model file's
// JSON header, bit for bit. Plain JSON loses what a resumed run needs to be exact: ±Infinity and NaN (an
// early-stopping "best" before any epoch, a NaN metric) and -0 become null or 0, and a snapshot of the
// weights as a JSON array would be huge and slow. So:
//
//   finite number        → the number (JSON's shortest round-trip form: parsing gives the same double)
//   NaN, ±Infinity, -0   → {"$n": "NaN" | "Infinity" | "-Infinity" | "-0"}
//   Float32Array         → {"$f32": i}, its floats stored raw in the file's binary part (tensor i)
//   Float64Array         → {"$f64": [numbers as above]}
//   object with a "$…" key → {"$o": {...}} (so a user's key can never be read as one of these tags)
//
// Everything else (functions, class instances, undefined in arrays) is refused when saving.

import { ConfigError } from '../util/errors.js';
import { describe, isPlainObject } from '../util/validate.js';
import type { JsonObject, JsonValue } from './json-value.js';

const MAX_DEPTH = 64;
const SPECIAL: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/** A packed state: JSON for the header and the Float32Arrays it references by index. */
export interface PackedState {
  json: JsonValue;
  tensors: Float32Array[];
}

/**
 * Packs `value` for a model file. `what` names it in errors (e.g. 'the state of callbacks[0]').
 * @throws ConfigError naming the path of a value that cannot be stored.
 */
export function packState(value: unknown, what: string): PackedState {
  const tensors: Float32Array[] = [];
  const pack = (v: unknown, path: string, depth: number): JsonValue => {
    if (depth > MAX_DEPTH) throw new ConfigError(`${what} is nested deeper than ${MAX_DEPTH} levels at ${path}`);
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return packNumber(v);
    if (v instanceof Float32Array) {
      tensors.push(v.slice()); // a copy: the caller's array may change before the file is written
      return { $f32: tensors.length - 1 };
    }
    if (v instanceof Float64Array) return { $f64: Array.from(v, packNumber) };
    if (Array.isArray(v)) {
      return v.map((item: unknown, i) => {
        if (item === undefined) throw cannotStore(what, `${path}[${i}]`, 'undefined');
        return pack(item, `${path}[${i}]`, depth + 1);
      });
    }
    if (isPlainObject(v) && Object.getPrototypeOf(v) === Object.prototype) {
      const out: JsonObject = {};
      let tagged = false;
      for (const [key, item] of Object.entries(v)) {
        if (item === undefined) continue;
        tagged ||= key.startsWith('$');
        out[key] = pack(item, `${path}.${key}`, depth + 1);
      }
      return tagged ? { $o: out } : out;
    }
    const found = ArrayBuffer.isView(v)
      ? `a ${v.constructor.name}`
      : typeof v === 'object' ? `an instance of ${(v as object).constructor?.name ?? 'a class'}` : describe(v);
    throw cannotStore(what, path, found);
  };
  return { json: pack(value, what, 0), tensors };
}

/**
 * Reverses packState. The tensors are used as they are (not copied).
 * @returns the value, or a string saying what is malformed (the caller names the file).
 */
export function unpackState(json: unknown, tensors: readonly Float32Array[]): { value: unknown } | string {
  const used = new Set<number>();
  const unpack = (v: unknown, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new Malformed(`nesting deeper than ${MAX_DEPTH} levels`);
    if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') return v;
    if (Array.isArray(v)) return v.map((item) => unpack(item, depth + 1));
    if (!isPlainObject(v)) throw new Malformed(`an unexpected ${describe(v)}`);
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0].startsWith('$')) return unpackTag(keys[0], v[keys[0]], depth);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      if (key.startsWith('$')) throw new Malformed(`a key '${key}' outside a {"$o": …} wrapper`);
      out[key] = unpack(v[key], depth + 1);
    }
    return out;
  };
  const unpackTag = (tag: string, body: unknown, depth: number): unknown => {
    switch (tag) {
      case '$n':
        if (typeof body === 'string' && body in SPECIAL) return SPECIAL[body];
        throw new Malformed(`an invalid special number ${JSON.stringify(body)}`);
      case '$f32':
        if (!Number.isSafeInteger(body) || (body as number) < 0 || (body as number) >= tensors.length || used.has(body as number)) {
          throw new Malformed(`a reference to tensor ${JSON.stringify(body)} of ${tensors.length}`);
        }
        used.add(body as number);
        return tensors[body as number];
      case '$f64':
        if (!Array.isArray(body)) throw new Malformed('a $f64 entry that is not an array');
        return Float64Array.from(body, (item) => {
          const n = unpack(item, depth + 1);
          if (typeof n !== 'number') throw new Malformed('a non-number in a $f64 array');
          return n;
        });
      case '$o': {
        if (!isPlainObject(body)) throw new Malformed('a $o entry that is not an object');
        const out: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(body)) out[key] = unpack(item, depth + 1);
        return out;
      }
      default:
        throw new Malformed(`an unknown tag '${tag}'`);
    }
  };
  try {
    const value = unpack(json, 0);
    if (used.size !== tensors.length) return `holds ${tensors.length} training tensors but its state references ${used.size}`;
    return { value };
  } catch (err) {
    if (err instanceof Malformed) return `has a malformed training state: ${err.message}`;
    throw err;
  }
}

function packNumber(n: number): JsonValue {
  if (Number.isNaN(n)) return { $n: 'NaN' };
  if (n === Infinity) return { $n: 'Infinity' };
  if (n === -Infinity) return { $n: '-Infinity' };
  if (Object.is(n, -0)) return { $n: '-0' };
  return n;
}

function cannotStore(what: string, path: string, found: string): ConfigError {
  return new ConfigError(`${what} cannot be saved in a checkpoint: ${path} is ${found} (plain JSON, numbers and Float32Array/Float64Array only)`);
}

class Malformed extends Error {}
