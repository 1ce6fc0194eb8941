// Weights as users pass them to setWeights and get them from getWeights: one row-major Float32Array per
// tensor with its shape (a dense kernel (inputs, units), its bias (units)), in Keras's order. Every value is
// checked against the tensor it is meant for before anything is written, so a bad call changes nothing.

import { ConfigError, DataError, ShapeError } from '../util/errors.js';
import { describe, isPlainObject } from '../util/validate.js';

/** One weight tensor: a row-major copy of its values and its shape, e.g. `{ name: 'dense_0/kernel', shape: [4, 8], data }`. */
export interface WeightTensor {
  /** `<layer>/<weight>`: the layer's name (or `<type>_<index>`, as summary() shows it) and the weight's. */
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * What setWeights takes for one tensor: a flat row-major array (number[] or any typed array) of its
 * values, rows of a 2-D kernel (`number[][]`), or `{ data, shape? }` such as a getWeights entry (a given
 * shape must equal the tensor's).
 */
export type WeightInput = ArrayLike<number> | readonly ArrayLike<number>[] | { data: ArrayLike<number>; shape?: readonly number[] };

/** The tensor a value is checked against: its name for messages and its shape. */
export interface WeightTarget {
  name: string;
  shape: readonly number[];
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const isNumberArray = (v: unknown): v is ArrayLike<number> => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

/** What `target` expects, for messages: `dense_0/kernel [4, 8] (32 values)`. */
export function expectedText(target: WeightTarget): string {
  return `${target.name} ${shapeText(target.shape)} (${sizeOf(target.shape)} values)`;
}

/**
 * `value` as a new Float32Array of `target`'s size, row-major. `context` starts messages (`setWeights`).
 * @throws ShapeError for a wrong shape or length (naming the tensor and both shapes); DataError for a
 *   value that is not a finite number (naming its index).
 */
export function weightValues(value: unknown, target: WeightTarget, context: string): Float32Array {
  const want = sizeOf(target.shape);
  const wrong = (got: string) => new ShapeError(`${context}: ${target.name} expects shape ${shapeText(target.shape)} (${want} values) but received ${got}`);
  let flat: ArrayLike<unknown>;
  if (isPlainObject(value) && 'data' in value) {
    if (!isNumberArray(value.data)) throw wrong(`{ data: ${describe(value.data)} }`);
    const shape: unknown = value.shape;
    if (shape !== undefined) {
      if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) throw wrong(`shape ${describe(shape)}`);
      if (shapeText(shape as number[]) !== shapeText(target.shape)) throw wrong(`shape ${shapeText(shape as number[])}`);
    }
    flat = value.data;
  } else if (Array.isArray(value) && value.length > 0 && isNumberArray(value[0])) {
    flat = rowsOf(value, target, wrong);
  } else if (isNumberArray(value)) {
    flat = value;
  } else {
    throw wrong(describe(value));
  }
  if (flat.length !== want) throw wrong(`${flat.length} values`);
  const out = new Float32Array(want);
  for (let i = 0; i < want; i++) {
    const v = flat[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new DataError(`${context}: ${target.name} holds ${describe(v)} at index ${i}: every weight must be a finite number`);
    }
    out[i] = v;
  }
  return out;
}

/** Rows of a 2-D tensor flattened row-major, after checking the row count and every row's length. */
function rowsOf(rows: readonly unknown[], target: WeightTarget, wrong: (got: string) => ShapeError): unknown[] {
  const width = (rows[0] as ArrayLike<unknown>).length;
  if (target.shape.length !== 2) throw wrong(`rows of numbers (${rows.length} × ${width})`);
  const [height, cols] = target.shape;
  if (rows.length !== height) throw wrong(`${rows.length} rows`);
  const out: unknown[] = [];
  rows.forEach((r, i) => {
    if (!isNumberArray(r) || r.length !== cols) throw wrong(`row ${i} of ${isNumberArray(r) ? `${r.length} values` : describe(r)}`);
    for (let c = 0; c < cols; c++) out.push(r[c]);
  });
  return out;
}

/**
 * The values for `targets`, checked, from a list in their order or (with `byName`) from a record keyed by
 * the weight's short name (`kernel`, `bias`).
 * @throws ConfigError for a list of the wrong length or a record with missing or unknown keys, listing
 *   what is expected; ShapeError / DataError as weightValues.
 */
export function weightList(values: unknown, targets: readonly (WeightTarget & { key: string })[], context: string): Float32Array[] {
  const expected = targets.length === 0 ? 'none (the layers own no weights)' : targets.map(expectedText).join(', ');
  if (Array.isArray(values)) {
    if (values.length !== targets.length) {
      throw new ConfigError(`${context} expects ${targets.length} array${targets.length === 1 ? '' : 's'} but received ${values.length}: ${expected}`);
    }
    return targets.map((t, i) => weightValues(values[i], t, context));
  }
  if (isPlainObject(values)) {
    const keys = targets.map((t) => t.key);
    const unknown = Object.keys(values).filter((k) => !keys.includes(k));
    const missing = keys.filter((k) => !(k in values));
    if (unknown.length > 0 || missing.length > 0) {
      const what = [...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []), ...(unknown.length > 0 ? [`unknown ${unknown.join(', ')}`] : [])].join('; ');
      throw new ConfigError(`${context}: ${what}; expected ${targets.length === 0 ? '{}' : `{ ${keys.join(', ')} }`}: ${expected}`);
    }
    return targets.map((t) => weightValues(values[t.key], t, context));
  }
  throw new ConfigError(`${context} expects a list of arrays (${expected}) but received ${describe(values)}`);
}
