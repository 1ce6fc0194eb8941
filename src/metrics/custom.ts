// Metrics written in JavaScript: a function of a batch's output and targets giving the batch's mean,
// folded into the epoch's value weighted by the batch's rows (so a mean over rows comes out exact, as
// the built-in metrics). Their sums sit in the stats row after the built-in ones (STATS_WIDTH + i).

import { ConfigError } from '../util/errors.js';
import { checkBoolean, checkKeys, describe, invalid, isPlainObject, orDefault } from '../util/validate.js';

/** A row-major (rows, cols) float32 view (the shape of the public Matrix). */
export interface MetricMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** What `metrics.custom` takes. */
export interface CustomMetricOptions {
  /** The key in logs and History (`val_<name>` on validation data); saved in the model file. */
  name: string;
  /**
   * The batch's value, a mean over its rows: yPred (rows, outputs) is the model's output after its last
   * activation, yTrue the targets as given (rows, 1 for sparseCategoricalCrossentropy). The views are
   * valid only during the call.
   */
  fn(yPred: MetricMatrix, yTrue: MetricMatrix): number;
  /** Whether a larger value is better: what callbacks' `mode: 'auto'` uses for this name. Default false. */
  higherIsBetter?: boolean;
}

/** Direction of the custom metrics made so far, by name, for callbacks' `mode: 'auto'`. */
const DIRECTIONS = new Map<string, boolean>();

/** Whether a larger value of the logged metric `key` (with or without `val_`) is better, when a custom metric of that name says. */
export function customMetricHigherIsBetter(key: string): boolean | undefined {
  return DIRECTIONS.get(key) ?? (key.startsWith('val_') ? DIRECTIONS.get(key.slice(4)) : undefined);
}

/** A metric defined in JavaScript; make one with `metrics.custom`. */
export class CustomMetric {
  readonly name: string;
  readonly fn: CustomMetricOptions['fn'];
  readonly higherIsBetter: boolean;

  constructor(options: CustomMetricOptions, reserved: readonly string[]) {
    if (!isPlainObject(options)) throw invalid('the options of metrics.custom', 'an object { name, fn, higherIsBetter? }', options);
    checkKeys('metrics.custom', options, ['name', 'fn', 'higherIsBetter']);
    if (typeof options.name !== 'string' || !/^[A-Za-z_][\w.-]{0,63}$/.test(options.name) || options.name.startsWith('val_')) {
      throw invalid('the name of metrics.custom', "a name of letters, digits, _ . - (at most 64, not starting with a digit or 'val_')", options.name);
    }
    if (reserved.includes(options.name)) throw new ConfigError(`metrics.custom: '${options.name}' is the name of a built-in metric or of the loss; give the custom metric another name`);
    if (typeof options.fn !== 'function') throw new ConfigError(`custom metric '${options.name}': fn must be a function but received ${describe(options.fn)}`);
    this.name = options.name;
    this.fn = options.fn;
    this.higherIsBetter = checkBoolean('higherIsBetter', orDefault(options.higherIsBetter, false));
    DIRECTIONS.set(this.name, this.higherIsBetter);
  }

  /**
   * The batch's value.
   * @throws ConfigError naming the metric when fn returns something other than a number.
   */
  value(yPred: MetricMatrix, yTrue: MetricMatrix): number {
    const v: unknown = this.fn(yPred, yTrue);
    if (typeof v !== 'number') throw new ConfigError(`custom metric '${this.name}': fn must return a number but returned ${describe(v)}`);
    return v;
  }
}
