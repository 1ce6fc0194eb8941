// Per-row loss weights of a fit or an evaluation, as Keras: sampleWeight gives each row's weight,
// classWeight maps a row's class to a weight, and with both a row weighs their product. The loss of a
// batch is then (1/rows)·Σ_r w_r·loss_r (Keras's sum_over_batch_size: the divisor is the row count,
// not the weight sum); the metrics stay unweighted (Keras's `metrics`, not `weighted_metrics`).

import { LabelMode } from '../backend/codes.js';
import type { Matrix } from '../data/matrix.js';
import type { TargetRule } from '../data/validate-data.js';
import { ConfigError, ShapeError } from '../util/errors.js';
import { invalid, isPlainObject } from '../util/validate.js';

/** Per-class weights: `{ 0: 1, 1: 5 }` keyed by class index, or an array indexed by class. Classes left out weigh 1. */
export type ClassWeight = Record<number, number> | readonly number[];

/** Per-row weights, one finite number >= 0 per row of x. */
export type SampleWeight = Float32Array | readonly number[];

/** classWeight as an array indexed by class (missing classes 1). @throws ConfigError naming the bad entry. */
export function parseClassWeight(option: string, value: unknown): number[] {
  if (value === 'balanced') {
    // balanced weights need every training row's class: a counting pass over a stream, done silently
    throw new ConfigError(
      `${option} 'balanced' is not computed by fit: pass the weights, e.g. { 0: 0.6, 1: 3 } (rows / (classes × rows of the class), as scikit-learn's compute_class_weight); the command line's --class-weight balanced counts them`,
    );
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : isPlainObject(value) ? Object.entries(value) : [];
  if (!Array.isArray(value) && !isPlainObject(value)) throw invalid(option, 'a map of class index to weight, e.g. { 0: 1, 1: 5 }, or an array of weights', value);
  const out: number[] = [];
  for (const [key, w] of entries) {
    const c = Number(key);
    if (!(Number.isSafeInteger(c) && c >= 0 && String(c) === key)) throw invalid(`${option} key`, 'a class index (an integer >= 0)', key);
    if (!(typeof w === 'number' && Number.isFinite(w) && w >= 0)) throw invalid(`${option}[${key}]`, 'a finite number >= 0', w);
    while (out.length < c) out.push(1);
    out[c] = w;
  }
  return out;
}

/** sampleWeight as a Float32Array of `rows` entries. @throws ShapeError for another length; ConfigError for a bad value. */
export function parseSampleWeight(option: string, value: unknown, rows: number): Float32Array {
  if (!(value instanceof Float32Array) && !Array.isArray(value)) throw invalid(option, 'a Float32Array or an array of numbers, one per row', value);
  const w = value as ArrayLike<unknown>;
  if (w.length !== rows) throw new ShapeError(`${option} has ${w.length} entries but x has ${rows} rows: give one weight per row`);
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = w[i];
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw invalid(`${option}[${i}]`, 'a finite number >= 0', v);
    out[i] = v;
  }
  return out;
}

/** The class of target row r: the label (sparse), the argmax (one-hot) or the rounded 0/1 (one binary column). */
function classOf(y: Matrix, r: number, rule: TargetRule): number {
  const o = r * y.cols;
  if (rule.labelMode === LabelMode.sparse) return y.data[o];
  if (rule.labelMode === LabelMode.binary && y.cols === 1) return y.data[o] >= 0.5 ? 1 : 0;
  let best = 0;
  for (let j = 1; j < y.cols; j++) if (y.data[o + j] > y.data[o + best]) best = j;
  return best;
}

/**
 * The per-row weights of targets `y`: sampleWeight times classWeight[class of the row], or null when
 * neither is given or every weight is 1 (the unweighted kernels then run: the same floats as no weights).
 * @throws ConfigError for classWeight with a regression loss or a multi-column binary target.
 */
export function rowWeights(y: Matrix, rule: TargetRule, classWeight: number[] | null, sampleWeight: Float32Array | null, context: string): Float32Array | null {
  if (classWeight === null && sampleWeight === null) return null;
  const w = new Float32Array(y.rows);
  return rowWeightsInto(w, y, rule, classWeight, sampleWeight, context) ? w : null;
}

/**
 * rowWeights into `out` (y.rows entries, no allocation: a streaming fit's blocks); returns false, with
 * `out` undefined, when neither weight is given or every weight is 1.
 * @throws as rowWeights.
 */
export function rowWeightsInto(out: Float32Array, y: Matrix, rule: TargetRule, classWeight: number[] | null, sampleWeight: Float32Array | null, context: string): boolean {
  if (classWeight === null && sampleWeight === null) return false;
  if (sampleWeight !== null) out.set(sampleWeight.subarray(0, y.rows));
  else out.fill(1, 0, y.rows);
  if (classWeight !== null) {
    checkClassTargets(y, rule, context);
    for (let r = 0; r < y.rows; r++) {
      const c = classOf(y, r, rule);
      out[r] *= c < classWeight.length ? classWeight[c] : 1;
    }
  }
  for (let r = 0; r < y.rows; r++) if (out[r] !== 1) return true;
  return false;
}

/** @throws ConfigError when targets `y` have no class per row (classWeight needs one). */
export function checkClassTargets(y: Pick<Matrix, 'cols'>, rule: TargetRule, context: string): void {
  if (rule.labelMode === LabelMode.regression || (rule.labelMode === LabelMode.binary && y.cols !== 1)) {
    throw new ConfigError(
      `${context}: classWeight needs class targets (sparse labels, one-hot rows or one binary column); ${rule.lossName} with ${y.cols} target column(s) has no class per row: use sampleWeight`,
    );
  }
}

/** The first row of `w` that is not a finite number >= 0, or -1. */
export function badWeight(w: Float32Array): number {
  for (let r = 0; r < w.length; r++) if (!(w[r] >= 0 && w[r] !== Infinity)) return r;
  return -1;
}
