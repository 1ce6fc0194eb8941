// The preprocessing the command line saves in `model.preprocessing`: the CSV schema (columns, categories,
// missing policies), the target (task, class names), the imputer and scaler fitted on the training rows
// only, a target scaler for regression, what an unseen category does by default, and the run's options
// (what `train --resume` continues with). Applying it is the same code at training, evaluation and
// prediction (the command line and loadPredictor): one pass of the imputer and one of the scaler per
// cell, into the buffer the model reads.

import { z } from 'zod';
import type { CsvSchema, UnknownCategories } from '../csv/index.js';
import type { Matrix } from '../matrix.js';
import { imputerFromJSON, scalerFromJSON, type Imputer, type Scaler } from '../preprocess/index.js';
import { ModelFileError } from '../../util/errors.js';
import type { TargetInfo } from './target-info.js';

export const PREPROCESSING_FORMAT = 'nntrain.cli-preprocessing';

/**
 * `model.preprocessing` of a model written by `nntrain train` (format `nntrain.cli-preprocessing`,
 * version 1): how raw CSV rows become the model's inputs and its outputs become labels or values.
 * @example
 * ```ts
 * const model = await loadModel('iris.nntrain');
 * const pre = model.preprocessing as SavedPreprocessing;
 * pre.target.labels; // ['setosa', 'versicolor', 'virginica']
 * pre.xColumns;      // the model's input columns: 'sepal_length', … ('city=Paris' for one-hot columns)
 * ```
 */
export interface SavedPreprocessing {
  format: typeof PREPROCESSING_FORMAT;
  version: 1;
  /** The training file's CSV schema: columns, kinds, roles, categories, missing policies (readCsv's `schema`). */
  schema: CsvSchema;
  /** The target column, task and class names. */
  target: TargetInfo;
  /** Names of the model's inputs, in order (as readCsv's xColumns). */
  xColumns: string[];
  /** The Imputer's JSON (imputerFromJSON), or null when no column could miss values. */
  imputer: { [key: string]: unknown } | null;
  /** The input Scaler's JSON (scalerFromJSON). */
  scaler: { [key: string]: unknown };
  /** For regression, the target's Scaler JSON (outputs are mapped back through it); else null. */
  targetScaler: { [key: string]: unknown } | null;
  /** What a category unseen in training does at prediction time (`train --unknown`); absent: 'error'. */
  unknown?: UnknownCategories;
  /** The resolved options of the run (JSON): the defaults of `train --resume`, shown by `nntrain info`. */
  run: { [key: string]: unknown };
}

/** The fields this file relies on; the scaler and imputer check their own JSON, readCsv the schema. */
const savedSchema = z.looseObject({
  format: z.literal(PREPROCESSING_FORMAT),
  version: z.literal(1),
  schema: z.looseObject({ columns: z.array(z.looseObject({ name: z.string() })), targets: z.array(z.string()) }),
  target: z.object({
    name: z.string(),
    task: z.enum(['regression', 'binary', 'multiclass']),
    labels: z.array(z.string()).nullable(),
    classValues: z.array(z.number()).nullable(),
  }),
  xColumns: z.array(z.string()),
  imputer: z.looseObject({}).nullable(),
  scaler: z.looseObject({}),
  targetScaler: z.looseObject({}).nullable(),
  unknown: z.enum(['error', 'ignore']).optional(),
  run: z.looseObject({}),
});

/** Imputation and scaling of features (and of a regression target), fitted on training rows. */
export class Preprocessor {
  /** A fitted preprocessing (the command line fits one on training rows; fromJSON restores a saved one). */
  constructor(
    readonly target: TargetInfo,
    readonly schema: CsvSchema,
    readonly xColumns: string[],
    private readonly imputer: Imputer | null,
    private readonly scaler: Scaler,
    private readonly targetScaler: Scaler | null,
    /** What an unseen category does by default at prediction time. */
    readonly unknown: UnknownCategories = 'error',
  ) {}

  /**
   * The preprocessing of a model file written by the command line.
   * @throws ModelFileError when the model has none (saved from the API) or it is damaged.
   */
  static fromJSON(json: unknown, path: string): Preprocessor {
    if (json === null || json === undefined) {
      throw new ModelFileError(path, 'has no CSV preprocessing (it was not saved by `nntrain train`); use it from the API with loadModel');
    }
    const parsed = savedSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ModelFileError(path, `holds preprocessing the command line cannot use: ${issue.path.join('.') || 'format'}: ${issue.message}`);
    }
    const saved = parsed.data as unknown as SavedPreprocessing;
    const imputer = saved.imputer === null ? null : imputerFromJSON(saved.imputer, { path });
    const scaler = scalerFromJSON(saved.scaler, { path });
    const targetScaler = saved.targetScaler === null ? null : scalerFromJSON(saved.targetScaler, { path });
    return new Preprocessor(saved.target, saved.schema, saved.xColumns, imputer, scaler, targetScaler, saved.unknown ?? 'error');
  }

  /**
   * The inputs the model takes, from raw features: written into `out` (default a new matrix; `x` itself
   * transforms in place), imputed and scaled in one pass each.
   * @throws DataError for a missing value in a column the training rows had no values for.
   */
  inputs(x: Matrix, out?: Matrix): Matrix {
    const o = out ?? { data: new Float32Array(x.rows * x.cols), rows: x.rows, cols: x.cols };
    const filled = this.imputer === null ? x : this.imputer.transform(x, o);
    return this.scaler.transform(filled, o);
  }

  /** The targets the model trains on: class indices as they are, regression values standardized. */
  targets(y: Matrix): Matrix {
    return this.targetScaler === null ? y : this.targetScaler.transform(y);
  }

  /** Model outputs in the target's units (regression values mapped back; class scores as they are). */
  outputs(pred: Matrix): Matrix {
    return this.targetScaler === null ? pred : this.targetScaler.inverseTransform(pred);
  }

  /** The JSON for `model.preprocessing`, with the run's options (plain JSON values) and the unknown-category default. */
  toJSON(run: object, unknown: UnknownCategories = this.unknown): SavedPreprocessing {
    return {
      format: PREPROCESSING_FORMAT,
      version: 1,
      schema: this.schema,
      target: this.target,
      xColumns: this.xColumns,
      imputer: this.imputer === null ? null : (this.imputer.toJSON() as unknown as { [key: string]: unknown }),
      scaler: this.scaler.toJSON() as unknown as { [key: string]: unknown },
      targetScaler: this.targetScaler === null ? null : (this.targetScaler.toJSON() as unknown as { [key: string]: unknown }),
      unknown,
      run: JSON.parse(JSON.stringify(run)) as { [key: string]: unknown },
    };
  }

  /** The options of the run that saved `json` (for --resume), or null. */
  static runOf(json: unknown): { [key: string]: unknown } | null {
    const parsed = savedSchema.safeParse(json);
    return parsed.success ? parsed.data.run : null;
  }
}
