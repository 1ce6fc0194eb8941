// The preprocessing the command line saves in `model.preprocessing`: the CSV schema (columns, categories,
// missing policies), the target (task, class names), the imputer and scaler fitted on the training rows
// only, a target scaler for regression, and the run's options (what --resume continues with). Fitting
// happens once per training split; applying it is the same code at training, evaluation and prediction.

import { z } from 'zod';
import type { CsvSchema } from '../data/csv/index.js';
import type { Matrix } from '../data/matrix.js';
import { Imputer, imputerFromJSON, scalerFromJSON, scalers, type Scaler } from '../data/preprocess/index.js';
import type { JsonObject } from '../io/json-value.js';
import { ModelFileError } from '../util/errors.js';
import type { TargetInfo, TrainingData } from './data.js';
import type { TrainConfig } from './train-config.js';

export const PREPROCESSING_FORMAT = 'nntrain.cli-preprocessing';

/** The JSON stored in a model file by the command line. */
export interface SavedPreprocessing {
  format: typeof PREPROCESSING_FORMAT;
  version: 1;
  schema: CsvSchema;
  target: TargetInfo;
  xColumns: string[];
  imputer: JsonObject | null;
  scaler: JsonObject;
  targetScaler: JsonObject | null;
  /** The resolved options of the run (JSON): the defaults of `train --resume`, shown by `info`. */
  run: JsonObject;
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
  run: z.looseObject({}),
});

/** Imputation and scaling of features (and of a regression target), fitted on training rows. */
export class Preprocessor {
  private constructor(
    readonly target: TargetInfo,
    readonly schema: CsvSchema,
    readonly xColumns: string[],
    private readonly imputer: Imputer | null,
    private readonly scaler: Scaler,
    private readonly targetScaler: Scaler | null,
  ) {}

  /**
   * Fits the imputer (when a column may miss values) and the scaler on `train` (raw features of the
   * training rows), and for regression a standard scaler of the target, so the default learning rates
   * suit targets of any magnitude (predictions are mapped back).
   */
  static fit(data: TrainingData, train: { x: Matrix; y: Matrix }, scale: TrainConfig['scale']): Preprocessor {
    let imputer: Imputer | null = null;
    if (data.imputeColumns.length > 0) {
      const oneHotGroups = data.oneHotGroups.filter((g) => g.length >= 2);
      imputer = new Imputer({ categorical: data.indexColumns, oneHotGroups }).fit(train.x);
    }
    const exclude = [...data.oneHotGroups.flat(), ...data.indexColumns];
    const x = imputer === null ? train.x : imputer.transform(train.x);
    const scaler = scalers[scale]({ exclude }).fit(x);
    const targetScaler = data.target.task === 'regression' ? scalers.standard().fit(train.y) : null;
    return new Preprocessor(data.target, data.schema, data.xColumns, imputer, scaler, targetScaler);
  }

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
    return new Preprocessor(saved.target, saved.schema, saved.xColumns, imputer, scaler, targetScaler);
  }

  /** The inputs the model takes, from raw features (a new matrix; `x` is left as it was). */
  inputs(x: Matrix): Matrix {
    const out: Matrix = { data: new Float32Array(x.rows * x.cols), rows: x.rows, cols: x.cols };
    out.data.set(x.data.subarray(0, x.rows * x.cols));
    if (this.imputer !== null) this.imputer.transform(out, out);
    return this.scaler.transform(out, out);
  }

  /** The targets the model trains on: class indices as they are, regression values standardized. */
  targets(y: Matrix): Matrix {
    return this.targetScaler === null ? y : this.targetScaler.transform(y);
  }

  /** Model outputs in the target's units (regression values mapped back; class scores as they are). */
  outputs(pred: Matrix): Matrix {
    return this.targetScaler === null ? pred : this.targetScaler.inverseTransform(pred);
  }

  /** The JSON for `model.preprocessing`, with the run's options. */
  toJSON(run: Partial<TrainConfig>): SavedPreprocessing {
    return {
      format: PREPROCESSING_FORMAT,
      version: 1,
      schema: this.schema,
      target: this.target,
      xColumns: this.xColumns,
      imputer: this.imputer === null ? null : (this.imputer.toJSON() as unknown as JsonObject),
      scaler: this.scaler.toJSON() as unknown as JsonObject,
      targetScaler: this.targetScaler === null ? null : (this.targetScaler.toJSON() as unknown as JsonObject),
      run: JSON.parse(JSON.stringify(run)) as JsonObject,
    };
  }

  /** The options of the run that saved `json` (for --resume), or null. */
  static runOf(json: unknown): Partial<TrainConfig> | null {
    const parsed = savedSchema.safeParse(json);
    return parsed.success ? (parsed.data.run as Partial<TrainConfig>) : null;
  }
}
