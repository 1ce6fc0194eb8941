// Reading the JSON of a fitted preprocessor (scaler, imputer) back, field by field. Every failure names
// the field as a path (`scaler.stats.mean[3]`); it is a ConfigError for JSON passed in directly and a
// ModelFileError naming the file when the JSON came from a model file (the caller passes its path).

import type { ColumnStatsJSON } from './column-stats.js';
import { ConfigError, ModelFileError, type NNTrainError } from '../../util/errors.js';
import { describe, isInteger, isNumber, isPlainObject, isString } from '../../util/validate.js';

/** Where serialized JSON came from: `path` turns errors into ModelFileErrors naming that file. */
export interface FromJSONOptions {
  /** The model file the JSON was read from, named in errors. */
  path?: string;
}

/** Field readers for one serialized object; `root` is the path prefix in messages ('scaler', 'imputer'). */
export class JsonFields {
  constructor(
    readonly root: string,
    private readonly path: string | undefined,
  ) {}

  /** The error for `field` (a path below root) with `expected` and the value found. */
  fail(field: string, expected: string, value: unknown): NNTrainError {
    const message = `Expected ${expected} for ${field} but received ${describe(value)}`;
    return this.path === undefined ? new ConfigError(message) : new ModelFileError(this.path, `holds an invalid ${this.root}: ${message}`);
  }

  /** The error for a rule that spans fields (`message` is a full sentence). */
  failWith(message: string): NNTrainError {
    return this.path === undefined ? new ConfigError(message) : new ModelFileError(this.path, `holds an invalid ${this.root}: ${message}`);
  }

  /** `input` as an object: JSON text is parsed first. */
  parse(input: unknown): Record<string, unknown> {
    let value = input;
    if (isString(input)) {
      try {
        value = JSON.parse(input) as unknown;
      } catch (err) {
        throw this.failWith(`${this.root} is not valid JSON text (${(err as Error).message})`);
      }
    }
    if (!isPlainObject(value)) throw this.fail(this.root, 'a JSON object', value);
    return value;
  }

  /** Checks the `format` tag and `version` (1; a newer version says so). */
  header(o: Record<string, unknown>, format: string, version: number): void {
    if (o.format !== format) throw this.fail(`${this.root}.format`, `'${format}'`, o.format);
    if (isInteger(o.version) && o.version > version) {
      throw this.failWith(`${this.root} has version ${o.version}, newer than version ${version} that this nntrain reads; upgrade nntrain`);
    }
    if (o.version !== version) throw this.fail(`${this.root}.version`, `${version}`, o.version);
  }

  int(o: Record<string, unknown>, key: string, min = 0): number {
    const v = o[key];
    if (!isInteger(v) || v < min) throw this.fail(`${this.root}.${key}`, `integer >= ${min}`, v);
    return v;
  }

  object(o: Record<string, unknown>, key: string): Record<string, unknown> {
    const v = o[key];
    if (!isPlainObject(v)) throw this.fail(`${this.root}.${key}`, 'an object', v);
    return v;
  }

  /** An array of `length` (when given) finite numbers, each passing `ok` (described by `what`). */
  numbers(value: unknown, field: string, length?: number, ok: (v: number) => boolean = () => true, what = 'finite number'): number[] {
    const lengthText = length === undefined ? '' : ` of length ${length}`;
    if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
      throw this.fail(field, `an array${lengthText} of ${what}s`, value);
    }
    value.forEach((v: unknown, i) => {
      if (!isNumber(v) || !ok(v)) throw this.fail(`${field}[${i}]`, what, v);
    });
    return value as number[];
  }

  /** Distinct column indices in [0, cols), sorted. */
  columns(value: unknown, field: string, cols: number): number[] {
    const list = this.numbers(value, field, undefined, (v) => Number.isInteger(v) && v >= 0 && v < cols, `integer in [0, ${cols})`);
    if (new Set(list).size !== list.length) throw this.failWith(`${field} lists a column twice`);
    return [...list].sort((a, b) => a - b);
  }

  /** Column statistics of width `cols` (see ColumnStats.toJSON), with count, M2 >= 0 and min <= max. */
  stats(value: unknown, field: string, cols: number): ColumnStatsJSON {
    if (!isPlainObject(value)) throw this.fail(field, 'an object of column statistics', value);
    const count = this.numbers(value.count, `${field}.count`, cols, (v) => Number.isInteger(v) && v >= 0, 'integer >= 0');
    const mean = this.numbers(value.mean, `${field}.mean`, cols);
    const m2 = this.numbers(value.m2, `${field}.m2`, cols, (v) => v >= 0, 'number >= 0');
    const min = this.numbers(value.min, `${field}.min`, cols);
    const max = this.numbers(value.max, `${field}.max`, cols);
    for (let c = 0; c < cols; c++) {
      const slack = 1e-9 * Math.max(Math.abs(min[c]), Math.abs(max[c])); // the mean's float64 rounding
      if (count[c] > 0 && !(min[c] - slack <= mean[c] && mean[c] <= max[c] + slack)) {
        throw this.failWith(`${field}: column ${c} has mean ${mean[c]} outside [min ${min[c]}, max ${max[c]}]`);
      }
    }
    return { count, mean, m2, min, max };
  }
}
