// Rosenblatt's perceptron (1958): a single threshold unit trained by the perceptron learning rule.
// The course's first model, in plain TypeScript: one dot product per row, so no backend is involved and
// every update is exact float64 arithmetic (float32 inputs, float64 weights).

import { inputWidthOf, toInputMatrix, toTargetMatrix, type InputData, type TargetData } from '../data/validate-data.js';
import { LabelMode } from '../backend/codes.js';
import { ConfigError, DataError } from '../util/errors.js';
import { checkBoolean, checkInteger, checkNumber, readOptions } from '../util/validate.js';
import { Rng } from '../util/rng.js';
import type { Matrix } from '../data/matrix.js';

/** Options of `new Perceptron(options)`; every field is optional. */
export interface PerceptronOptions {
  /** Step size η of the update, > 0. Default 1. (From zero weights the mistakes made do not depend on η.) */
  learningRate?: number;
  /** Maximum passes over the data, integer >= 1; training stops earlier after an epoch without mistakes. Default 100. */
  epochs?: number;
  /** Visit the rows in a new random order every epoch. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling generator, integer in [0, 2^32). Default 0, so fits are reproducible. */
  seed?: number;
}

const OPTION_NAMES = ['learningRate', 'epochs', 'shuffle', 'seed'] as const;

/**
 * A binary linear classifier ŷ = step(w·x + b), where step(s) = 1 if s > 0 else 0.
 *
 * Learning rule, for each row in turn (weights and bias start at zero):
 *   ŷ = step(w·x + b);  w += η·(y − ŷ)·x;  b += η·(y − ŷ)
 * so only mistakes change the weights. An epoch with no mistakes ends training: the data is then
 * separated. On data that no line separates (XOR) the mistakes never reach zero and training runs all
 * `epochs` — the limitation that motivates multilayer networks.
 *
 * @example
 * ```ts
 * const p = new Perceptron({ epochs: 20 }).fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1]);
 * p.predict([[1, 1]]); // Int32Array [1]
 * p.history; // mistakes per epoch, e.g. [2, 3, 3, 2, 1, 0]
 * ```
 */
export class Perceptron {
  readonly learningRate: number;
  readonly epochs: number;
  readonly shuffle: boolean;
  readonly seed: number;
  private w: Float64Array | null = null;
  private b = 0;
  private mistakes: number[] = [];

  /** @throws ConfigError for an unknown option or a value out of range. */
  constructor(options: PerceptronOptions = {}) {
    readOptions('Perceptron', options, OPTION_NAMES);
    this.learningRate = options.learningRate === undefined ? 1 : checkNumber('learningRate', options.learningRate, { min: 0, minOpen: true });
    this.epochs = options.epochs === undefined ? 100 : checkInteger('epochs', options.epochs, { min: 1 });
    this.shuffle = options.shuffle === undefined ? true : checkBoolean('shuffle', options.shuffle);
    this.seed = options.seed === undefined ? 0 : checkInteger('seed', options.seed, { min: 0, max: 0xffffffff });
  }

  /**
   * Trains from zero weights (a second call starts over).
   * @param x rows of features: number[][] or a Matrix (rows, features).
   * @param y one label per row: 0/1, or −1/1 (−1 is read as class 0). number[], Float32Array or a (rows, 1) Matrix.
   * @returns this, trained; see {@link history} and {@link converged}.
   * @throws ShapeError for ragged rows or a label count other than the row count.
   * @throws DataError for no rows, NaN/Infinity, or labels that are not all in {0, 1} or all in {−1, 1}.
   */
  fit(x: InputData, y: TargetData): this {
    const xm = toInputMatrix(x, inputWidthOf(x));
    const labels = toBinaryLabels(y, xm.rows);
    const { rows, cols, data } = xm;
    const w = new Float64Array(cols);
    let b = 0;
    const history: number[] = [];
    const order = Uint32Array.from({ length: rows }, (_, i) => i);
    const rng = new Rng(this.seed);
    for (let epoch = 0; epoch < this.epochs; epoch++) {
      if (this.shuffle) rng.shuffle(order);
      let mistakes = 0;
      for (let k = 0; k < rows; k++) {
        const r = order[k];
        const base = r * cols;
        let s = b;
        for (let c = 0; c < cols; c++) s += w[c] * data[base + c];
        const error = labels[r] - (s > 0 ? 1 : 0); // y − ŷ ∈ {−1, 0, 1}
        if (error === 0) continue;
        mistakes++;
        const step = this.learningRate * error;
        for (let c = 0; c < cols; c++) w[c] += step * data[base + c];
        b += step;
      }
      history.push(mistakes);
      if (mistakes === 0) break;
    }
    this.w = w;
    this.b = b;
    this.mistakes = history;
    return this;
  }

  /**
   * w·x + b per row (positive means class 1).
   * @throws ConfigError before fit; ShapeError when x's width differs from the training data's.
   */
  decisionFunction(x: InputData): Float64Array {
    const w = this.fitted();
    const { rows, cols, data } = toInputMatrix(x, w.length);
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = this.b;
      for (let c = 0; c < cols; c++) s += w[c] * data[r * cols + c];
      out[r] = s;
    }
    return out;
  }

  /**
   * Class labels 0/1 per row: 1 where w·x + b > 0 (models trained on −1/1 labels also answer 0/1).
   * @throws ConfigError before fit; ShapeError when x's width differs from the training data's.
   */
  predict(x: InputData): Int32Array {
    const scores = this.decisionFunction(x);
    return Int32Array.from(scores, (s) => (s > 0 ? 1 : 0));
  }

  /** The learned weights, one per feature (a copy). @throws ConfigError before fit. */
  get weights(): Float64Array {
    return this.fitted().slice();
  }

  /** The learned bias. @throws ConfigError before fit. */
  get bias(): number {
    this.fitted();
    return this.b;
  }

  /** Mistakes made in each epoch of the last fit (a copy); empty before fit. */
  get history(): number[] {
    return this.mistakes.slice();
  }

  /** True when the last fit ended with an epoch without mistakes (the training data is separated). */
  get converged(): boolean {
    return this.mistakes.length > 0 && this.mistakes[this.mistakes.length - 1] === 0;
  }

  private fitted(): Float64Array {
    if (!this.w) throw new ConfigError('This Perceptron is not fitted yet: call fit(x, y) first');
    return this.w;
  }
}

/** Labels as 0/1 per row. Accepts one coding per call: {0, 1} or {−1, 1}. */
function toBinaryLabels(y: TargetData, rows: number): Uint8Array {
  const rule = { labelMode: LabelMode.regression, outputWidth: 1, labelWidth: 1, lossName: 'the perceptron' };
  const m: Matrix = toTargetMatrix(y, rows, rule);
  const out = new Uint8Array(rows);
  let sawZero = -1;
  let sawMinusOne = -1;
  for (let r = 0; r < rows; r++) {
    const v = m.data[r];
    if (v === 0) sawZero = r;
    else if (v === -1) sawMinusOne = r;
    else if (v !== 1) {
      throw new DataError(`y has label ${v} at row ${r}: perceptron labels must be 0 or 1 (or -1 or 1)`, { row: r, column: 0 });
    }
    if (sawZero >= 0 && sawMinusOne >= 0) {
      throw new DataError(
        `y mixes label codings: 0 at row ${sawZero} and -1 at row ${sawMinusOne}; use {0, 1} or {-1, 1}, not both`,
        { row: r, column: 0 },
      );
    }
    out[r] = v === 1 ? 1 : 0;
  }
  return out;
}
