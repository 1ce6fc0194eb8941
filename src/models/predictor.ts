// A model (or ensemble) trained by `nntrain train`, ready to predict on raw data: loadPredictor loads
// the model file or ensemble manifest with the preprocessing saved beside the weights (CSV schema,
// imputer, scaler, target scaler, class names), so raw rows (objects, or a CSV file) go in and labels
// with probabilities, or values in the target's units, come out. `nntrain evaluate` and `predict` use
// the same object, so the API and the command line predict alike.

import type { BackendName } from '../backend/index.js';
import { openCsv, type CsvColumn, type CsvSchema, type UnknownCategories } from '../data/csv/index.js';
import type { Matrix } from '../data/matrix.js';
import {
  decodeOutputs,
  keptColumns,
  Preprocessor,
  rawFeatures,
  type Prediction,
  type RawRow,
  type SavedPreprocessing,
  type TargetInfo,
} from '../data/preprocessing/index.js';
import { DataError, ModelFileError } from '../util/errors.js';
import { checkChoice, readOptions } from '../util/validate.js';
import { averageOutputs, loadEnsemble } from './ensemble.js';
import { startsWithJson } from './ensemble-manifest.js';
import { loadModel } from './load-model.js';
import type { Sequential } from './sequential.js';

/** Options of loadPredictor. */
export interface LoadPredictorOptions {
  /** Backend of the loaded models; default: the usual selection (see getBackend). */
  backend?: BackendName;
}

/** Options of predict and predictCsv. */
export interface PredictRowsOptions {
  /** A category training never saw: 'error', or 'ignore' (one-hot all zeros). Default: the model's (`train --unknown`, else 'error'). */
  unknown?: UnknownCategories;
}

/** Options of predictCsv. */
export interface PredictCsvOptions extends PredictRowsOptions {
  /** Columns of the file copied into each prediction's `keep`, as the text the file holds. */
  keep?: readonly string[];
  /** Rows read and predicted at a time (default 8192): memory is bounded by it, not by the file. */
  chunkRows?: number;
}

/** A prediction for one row of a CSV file, with the columns asked for by `keep`. */
export type CsvPrediction = Prediction & { keep?: Record<string, string> };

/** Rows per chunk: large enough to keep the model busy, small enough to bound memory (a few MB). */
const DEFAULT_CHUNK_ROWS = 8192;
/** A stream holds a block besides the chunk: a smaller one than readCsv's keeps memory low. */
const READ_BLOCK_BYTES = 1 << 20;

/** A model or an ensemble with its saved preprocessing, ready to predict on raw rows. */
export class Predictor {
  /** @internal use loadPredictor */
  constructor(
    /** The model file or ensemble manifest. */
    readonly path: string,
    readonly kind: 'model' | 'ensemble',
    readonly members: readonly Sequential[],
    /** Each member's model file (the file itself for a single model). */
    readonly memberPaths: readonly string[],
    /** @internal the preprocessing applied (the command line uses it directly) */
    readonly pre: Preprocessor,
    private readonly backend: BackendName | undefined,
  ) {}

  /** `model.preprocessing` as saved by `nntrain train`. */
  get preprocessing(): SavedPreprocessing {
    return this.members[0].preprocessing as unknown as SavedPreprocessing;
  }

  /** The target: name, task and class names. */
  get target(): TargetInfo {
    return this.pre.target;
  }

  /**
   * Predictions for rows given as objects keyed by column name, with raw values as in the CSV file:
   * strings for categories, numbers or numeric strings, null / '' (or the file's missing tokens) for a
   * missing value. Keys the model does not use are ignored, the target may be absent.
   * @example
   * ```ts
   * const p = await loadPredictor('iris.nntrain');
   * const [first] = await p.predict([{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }]);
   * // { label: 'setosa', probabilities: { setosa: 0.98, versicolor: 0.02, virginica: 0.00 } }
   * ```
   * @throws DataError naming the row and column for a missing input column, a bad number, a missing
   *   value the model cannot fill, or (unknown: 'error') a category training never saw.
   */
  async predict(rows: readonly RawRow[], options: PredictRowsOptions = {}): Promise<Prediction[]> {
    const unknown = this.unknownOf('predict', options, ['unknown']);
    const x = rawFeatures(this.pre.schema, rows, unknown);
    const outputs = await this.predictMatrix(x);
    checkFiniteOutputs(outputs, 0, 'the rows', this.path);
    return decodeOutputs(outputs, this.pre.target);
  }

  /**
   * Predictions for every row of a CSV file, read through the model's schema in bounded chunks: its
   * columns are matched by name (in any order; other columns are ignored; the target may be absent).
   * Takes what readCsv takes: a gzip file, a stream (without `keep`), or a list of files read in order.
   * @example const rows = await p.predictCsv('new.csv', { keep: ['id'] }); // rows[0].keep.id
   * @throws DataError naming the file, line and column for bad input or a missing input column, or a
   *   `keep` column the file lacks.
   */
  async predictCsv(path: string | readonly string[], options: PredictCsvOptions = {}): Promise<CsvPrediction[]> {
    const unknown = this.unknownOf('predictCsv', options, ['unknown', 'keep', 'chunkRows']);
    const out: CsvPrediction[] = [];
    await this.streamCsv(path, { unknown, keep: options.keep ?? [], chunkRows: options.chunkRows ?? DEFAULT_CHUNK_ROWS }, async (outputs, kept) => {
      const predictions = decodeOutputs(outputs, this.pre.target) as CsvPrediction[];
      if (kept !== null) {
        const names = options.keep ?? [];
        predictions.forEach((p, r) => (p.keep = Object.fromEntries(names.map((n, k) => [n, kept[r][k]]))));
      }
      for (const p of predictions) out.push(p);
    });
    return out;
  }

  /**
   * Streams a CSV file through the model: each chunk's outputs (in the data's units) and its `keep`
   * columns go to `onChunk` before the next chunk is read.
   * @internal the command line's predict writes each chunk out from onChunk
   */
  async streamCsv(
    paths: string | readonly string[],
    how: { unknown: UnknownCategories; keep: readonly string[]; chunkRows: number; onRaw?: (x: Matrix) => void; signal?: () => void },
    onChunk: (outputs: Matrix, kept: string[][] | null, firstRow: number) => Promise<void>,
  ): Promise<number> {
    const schema = predictionSchema(this.pre.schema);
    const path = typeof paths === 'string' ? paths : paths.join(', ');
    const stream = await openCsv(paths, { schema, unknown: how.unknown, blockBytes: READ_BLOCK_BYTES, ...(this.backend !== undefined ? { backend: this.backend } : {}) });
    const kept = how.keep.length === 0 ? null : await keptColumns(paths, how.keep, { delimiter: schema.delimiter, header: schema.header }).catch(async (err: unknown) => {
      await stream.close();
      throw err;
    });
    let rows = 0;
    try {
      for (let batch = await stream.read(how.chunkRows); batch !== null; batch = await stream.read(how.chunkRows)) {
        how.signal?.();
        how.onRaw?.(batch.x);
        const outputs = await this.predictMatrix(batch.x);
        checkFiniteOutputs(outputs, rows, path, this.path);
        const keep = kept === null ? null : await kept.next(batch.rows);
        if (keep !== null && keep.length !== batch.rows) throw new DataError(`${path}: the file changed while it was read (the kept columns ended at row ${rows + keep.length})`);
        await onChunk(outputs, keep, rows);
        rows += batch.rows;
      }
    } finally {
      kept?.close();
      await stream.close();
    }
    return rows;
  }

  /**
   * Outputs for raw (unscaled, possibly missing) features, in the data's units; ensembles average.
   * `rawX` is transformed in place into the model's inputs: pass a buffer that is not needed afterwards.
   * @internal
   */
  async predictMatrix(rawX: Matrix): Promise<Matrix> {
    const x = this.pre.inputs(rawX, rawX);
    return averageOutputs(this.members, async (model) => this.pre.outputs(await model.predict(x)));
  }

  private unknownOf(context: string, options: unknown, keys: readonly string[]): UnknownCategories {
    const o = readOptions<PredictCsvOptions>(context, options, keys);
    return o.unknown === undefined ? this.pre.unknown : checkChoice('unknown', o.unknown, ['error', 'ignore'] as const);
  }
}

/**
 * Loads a model file or an ensemble manifest written by `nntrain train` (or `train --ensemble`,
 * `nntrain ensemble`), with the preprocessing saved in it.
 * @example
 * ```ts
 * const p = await loadPredictor('iris.nntrain');
 * const [one] = await p.predict([{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }]);
 * const all = await p.predictCsv('data/iris.csv', { keep: ['species'] });
 * ```
 * @throws ModelFileError for a missing, truncated, corrupted, foreign or newer file, a damaged manifest,
 *   a model without the command line's preprocessing, or a NaN or infinite weight; ConfigError for bad
 *   options; BackendError when backend 'native' is asked for and cannot load.
 */
export async function loadPredictor(path: string, options: LoadPredictorOptions = {}): Promise<Predictor> {
  const o = readOptions<LoadPredictorOptions>('loadPredictor', options, ['backend']);
  const loadOptions = o.backend !== undefined ? { backend: o.backend } : {};
  if (!(await startsWithJson(path))) {
    const model = await loadModel(path, loadOptions);
    return predictorOf(path, 'model', [model], [path], o.backend);
  }
  const ensemble = await loadEnsemble(path, loadOptions);
  return predictorOf(path, 'ensemble', ensemble.members, ensemble.memberPaths, o.backend);
}

/**
 * The model's schema for a file to predict on: the target column may be absent; with a header it is not
 * read at all (it may hold gaps or classes training never saw), without one it is read positionally
 * with its gaps kept. A feature whose rows training dropped when missing is an error here instead, so
 * every input row gets exactly one output row.
 */
export function predictionSchema(schema: CsvSchema): CsvSchema {
  const target = (c: CsvColumn): CsvColumn => (schema.header ? { name: c.name, kind: 'skip', role: 'ignored', missing: 'impute' } : { ...c, missing: 'impute' });
  const columns = schema.columns.map((c) => (c.role === 'target' ? target(c) : c.missing === 'drop' ? { ...c, missing: 'error' as const } : c));
  return { ...schema, columns, targets: schema.header ? [] : schema.targets };
}

/**
 * @throws DataError naming the row when an output is NaN or infinite, which a model with finite weights
 *   gives only when they are huge (a diverged training): a prediction is never NaN silently.
 */
export function checkFiniteOutputs(outputs: Matrix, firstRow: number, dataPath: string, modelPath: string): void {
  const { data, cols } = outputs;
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) continue;
    const row = firstRow + Math.floor(i / cols);
    throw new DataError(`${modelPath} gives ${String(data[i])} for data row ${row + 1} of ${dataPath}: its weights are too large (a diverged training?); retrain it with a lower --lr or --clip-norm`, { row });
  }
}

/** @throws ModelFileError for a model with a NaN or infinite weight: it could only predict NaN. */
function checkFiniteWeights(model: Sequential, path: string): void {
  const params = model.params;
  for (let i = 0; i < params.length; i++) {
    if (!Number.isFinite(params[i])) throw new ModelFileError(path, `holds a NaN or infinite weight (parameter ${i}), as a diverged training leaves; retrain it`);
  }
}

function predictorOf(path: string, kind: Predictor['kind'], members: readonly Sequential[], memberPaths: readonly string[], backend: BackendName | undefined): Predictor {
  members.forEach((m, i) => checkFiniteWeights(m, memberPaths[i]));
  const pre = Preprocessor.fromJSON(members[0].preprocessing, memberPaths[0]);
  return new Predictor(path, kind, members, memberPaths, pre, backend);
}
