// Losses written in JavaScript: a per-row forward and its gradient, called once per batch between a
// native (or js) forward pass and the backward pass. The reduction and the row weights are applied here,
// as the built-in kernels apply them (loss/weighted.{cc,ts}): batch loss = (1/rows)·Σ_r w_r·loss_r, so
// a custom loss weighs rows exactly as a built-in one does.

import { ConfigError, ShapeError } from '../util/errors.js';
import { checkKeys, describe, invalid, isPlainObject } from '../util/validate.js';

/** A row-major (rows, cols) float32 view (the shape of the public Matrix). */
export interface LossMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** What `losses.custom` takes. Both functions see views that are only valid during the call. */
export interface CustomLossOptions {
  /** Saved in the model file; loading it needs the same loss in `customObjects`. Not a built-in loss name. */
  name: string;
  /**
   * Per-row losses of a batch: yPred (rows, outputs) is the model's output after its last activation
   * (softmax probabilities, sigmoid values; never logits), yTrue (rows, outputs) the targets. Fill `out`
   * (rows) and return it, or return any array of `rows` numbers.
   */
  forward(yPred: LossMatrix, yTrue: LossMatrix, out: Float64Array): ArrayLike<number> | void;
  /**
   * The gradient of each row's loss with respect to that row of yPred: write ∂loss_r/∂yPred[r, j] into
   * `dYPred` (rows, outputs), or return an array of rows·outputs numbers. Not divided by rows: nntrain
   * applies the batch mean and the row weights.
   */
  gradient(yPred: LossMatrix, yTrue: LossMatrix, dYPred: LossMatrix): ArrayLike<number> | void;
}

/** A loss defined in JavaScript; make one with `losses.custom`. */
export class CustomLoss {
  readonly name: string;
  readonly forward: CustomLossOptions['forward'];
  readonly gradient: CustomLossOptions['gradient'];

  constructor(options: CustomLossOptions, reserved: readonly string[]) {
    if (!isPlainObject(options)) throw invalid('the options of losses.custom', 'an object { name, forward, gradient }', options);
    checkKeys('losses.custom', options, ['name', 'forward', 'gradient']);
    if (typeof options.name !== 'string' || !/^[A-Za-z_][\w.-]{0,63}$/.test(options.name)) {
      throw invalid('the name of losses.custom', 'a name of letters, digits, _ . - (at most 64, not starting with a digit)', options.name);
    }
    if (reserved.includes(options.name)) throw new ConfigError(`losses.custom: '${options.name}' is a built-in loss; give the custom loss another name`);
    for (const key of ['forward', 'gradient'] as const) {
      if (typeof options[key] !== 'function') throw new ConfigError(`custom loss '${options.name}': ${key} must be a function but received ${describe(options[key])}`);
    }
    this.name = options.name;
    this.forward = options.forward;
    this.gradient = options.gradient;
  }
}

/**
 * Runs a custom loss on batches of up to `capacity` rows: the buffers the plan's forwardStep fills, the
 * per-row losses and the gradient it hands to backwardStep, all allocated once. With a null loss it only
 * holds the buffers and their views (custom metrics beside a built-in loss).
 */
export class CustomLossRunner {
  readonly out: Float32Array; // (capacity, cols) the model's output
  readonly target: Float32Array; // (capacity, labelCols)
  readonly rowWeights: Float32Array; // (capacity)
  readonly dOut: Float32Array; // (capacity, cols)
  private readonly perRow: Float64Array;
  // views per row count (a fit has at most two: full batches and the last one)
  private views = new Map<number, { yPred: LossMatrix; yTrue: LossMatrix; dYPred: LossMatrix; perRow: Float64Array }>();
  /** Why the last batch's loss or gradient was not finite, or null. */
  problem: string | null = null;

  constructor(
    private readonly custom: CustomLoss | null,
    capacity: number,
    private readonly cols: number,
    private readonly labelCols: number,
  ) {
    this.out = new Float32Array(capacity * cols);
    this.target = new Float32Array(capacity * labelCols);
    this.rowWeights = new Float32Array(capacity);
    this.dOut = new Float32Array(capacity * cols);
    this.perRow = new Float64Array(capacity);
  }

  /**
   * The weighted mean loss of the batch in `out`/`target` (rows rows; weighted: by rowWeights), or NaN
   * with `problem` set when a row's loss is not finite.
   * @throws ShapeError when forward returns the wrong number of values.
   */
  lossOf(rows: number, weighted: boolean): number {
    const loss = this.loss;
    const v = this.viewsFor(rows);
    this.problem = null;
    const values = loss.forward(v.yPred, v.yTrue, v.perRow) ?? v.perRow;
    this.checkLength('forward', values, rows, `one loss per row of the batch (${rows})`);
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const l = Number(values[r]);
      if (!Number.isFinite(l)) {
        this.problem = `custom loss '${loss.name}': forward returned ${l} for row ${r} of the batch`;
        return NaN;
      }
      sum += weighted ? this.rowWeights[r] * l : l;
    }
    return sum / rows;
  }

  /**
   * Writes into dOut the gradient of the batch loss lossOf computed: the rows of `gradient`, each times
   * w_r / rows. Returns false with `problem` set when a value is not finite.
   * @throws ShapeError when gradient returns the wrong number of values.
   */
  gradientOf(rows: number, weighted: boolean): boolean {
    const loss = this.loss;
    const v = this.viewsFor(rows);
    const cols = this.cols;
    const n = rows * cols;
    const d = v.dYPred.data;
    d.fill(0); // a gradient that writes only some entries (one class per row) leaves the rest 0
    const values = loss.gradient(v.yPred, v.yTrue, v.dYPred);
    if (values !== undefined && values !== d) {
      this.checkLength('gradient', values, n, `rows × outputs (${rows} × ${cols}) values`);
      for (let i = 0; i < n; i++) d[i] = Number(values[i]);
    }
    for (let r = 0; r < rows; r++) {
      const s = (weighted ? this.rowWeights[r] : 1) / rows;
      for (let j = r * cols; j < (r + 1) * cols; j++) {
        if (!Number.isFinite(d[j])) {
          this.problem = `custom loss '${loss.name}': gradient gave ${d[j]} for row ${r}, output ${j - r * cols} of the batch`;
          return false;
        }
        d[j] *= s;
      }
    }
    return true;
  }

  private checkLength(fn: string, values: unknown, n: number, what: string): asserts values is ArrayLike<number> {
    const length = (values as { length?: unknown } | null)?.length;
    if (typeof values !== 'object' || values === null || length !== n) {
      throw new ShapeError(`custom loss '${this.loss.name}': ${fn} must return ${what} but returned ${typeof length === 'number' ? `${length} values` : describe(values)}`);
    }
  }

  /** The custom loss. @throws Error when the runner has none. */
  get loss(): CustomLoss {
    if (this.custom === null) throw new Error('This runner has no custom loss');
    return this.custom;
  }

  /** yPred and yTrue of the batch in out/target (views made once per row count). */
  viewsFor(rows: number) {
    let v = this.views.get(rows);
    if (v === undefined) {
      const { cols, labelCols } = this;
      v = {
        yPred: { data: this.out.subarray(0, rows * cols), rows, cols },
        yTrue: { data: this.target.subarray(0, rows * labelCols), rows, cols: labelCols },
        dYPred: { data: this.dOut.subarray(0, rows * cols), rows, cols },
        perRow: this.perRow.subarray(0, rows),
      };
      if (this.views.size > 4) this.views.clear();
      this.views.set(rows, v);
    }
    return v;
  }
}
