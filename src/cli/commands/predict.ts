// `nntrain predict MODEL DATA.csv --out PRED.csv`: streams predictions. The file is read in bounded
// chunks (openCsv), each chunk goes through the model's saved preprocessing and the model, and its rows
// are written before the next chunk is read, waiting for the output to drain — so memory does not grow
// with the file, and a file larger than memory works. The output is written to a temporary file and
// renamed at the end, so a failed run never leaves a half-written PRED.csv.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { openCsv, type CsvSchema } from '../../data/csv/index.js';
import type { Matrix } from '../../data/matrix.js';
import { checkGivenValues } from '../config-schema.js';
import type { TargetInfo } from '../pipeline/index.js';
import { Output } from '../output.js';
import { checkFiniteOutputs, loadPredictor } from '../predictor.js';
import { recordOutput, throwIfInterrupted } from '../interrupt.js';
import { checkOutputFile } from '../preflight.js';
import { stdoutIsTheProduct } from '../stdio.js';
import { runtimeOptions, type RuntimeFlags } from './runtime-flags.js';
import { UsageError } from '../errors.js';
import { NNTrainError } from '../../util/errors.js';
import { toNumber } from '../flags.js';
import { checkLaunch } from '../distributed/launch.js';

export interface PredictFlags extends RuntimeFlags {
  out?: string;
  chunkRows?: string;
  logFormat?: string;
}

/** Rows per chunk: large enough to keep the model busy, small enough to bound memory (a few MB). */
const DEFAULT_CHUNK_ROWS = 8192;
/**
 * The CSV reader's block size. Its default (8 MB) suits reading a whole file; a stream holds a block
 * (and, in the js reader, its parsed records) besides the chunk, so a smaller block keeps memory low
 * and is as fast natively.
 */
const READ_BLOCK_BYTES = 1 << 20;

export async function predictCommand(modelPath: string, dataPath: string, flags: PredictFlags): Promise<void> {
  checkLaunch('predict', false);
  const { backend } = runtimeOptions(flags);
  const chunkRows = flags.chunkRows === undefined ? DEFAULT_CHUNK_ROWS : toNumber(flags.chunkRows);
  if (typeof chunkRows !== 'number' || !Number.isInteger(chunkRows) || chunkRows < 1) {
    throw new UsageError(`Expected integer >= 1 for --chunk-rows but received ${typeof chunkRows === 'number' ? chunkRows : `'${chunkRows}'`}`);
  }
  const format = flags.logFormat === undefined ? 'text' : (checkGivenValues(new Map([['logFormat', { value: flags.logFormat, source: 'flag' }]]), undefined).logFormat as 'text' | 'json');
  const toFile = flags.out !== undefined && flags.out !== '-';
  const finalPath = toFile ? resolve(flags.out as string) : '';
  if (toFile) {
    if (finalPath === resolve(dataPath) || finalPath === resolve(modelPath)) throw new UsageError(`--out ${flags.out as string} is an input of this command; write the predictions to another file`);
    await checkOutputFile({ flag: '--out', replaces: 'any', wording: 'cannot be written' }, finalPath); // before any work
  } else {
    stdoutIsTheProduct();
  }
  const predictor = await loadPredictor(modelPath, backend);
  const target = predictor.pre.target;
  const stream = await openCsv(dataPath, { schema: predictionSchema(predictor.pre.schema), blockBytes: READ_BLOCK_BYTES, ...(backend !== undefined ? { backend } : {}) });
  const tempPath = toFile ? join(dirname(finalPath), `.${basename(finalPath)}.${process.pid}.tmp`) : '';
  const out: Writable = toFile ? createWriteStream(tempPath, { flags: 'wx' }) : process.stdout;
  let rows = 0;
  const failure: { err: Error | null } = { err: null };
  out.on('error', (err: Error) => (failure.err ??= err)); // reported by the next write or at the end
  try {
    if (toFile) {
      await once(out, 'open').catch((err: NodeJS.ErrnoException) => {
        throw new NNTrainError('ERR_NNTRAIN_OUTPUT', `${finalPath}: cannot be written (${err.code ?? err.message})`);
      });
    }
    await write(out, `${header(target).map(csvField).join(',')}\n`, failure);
    for (let batch = await stream.read(chunkRows); batch !== null; batch = await stream.read(chunkRows)) {
      throwIfInterrupted();
      const outputs = await predictor.predict(batch.x);
      checkFiniteOutputs(outputs, rows, dataPath, modelPath);
      await write(out, formatRows(outputs, target), failure);
      rows += batch.rows;
    }
    throwIfInterrupted();
    if (toFile) {
      await new Promise<void>((resolveEnd, reject) => {
        out.once('error', reject);
        out.end(resolveEnd);
      });
      if (failure.err !== null) throw failure.err;
      await rename(tempPath, finalPath);
      recordOutput(finalPath);
    }
  } catch (err) {
    if (toFile) {
      out.destroy();
      await rm(tempPath, { force: true });
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (!toFile && (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED')) {
      throw new NNTrainError('ERR_NNTRAIN_OUTPUT', 'standard output was closed before all of the predictions were written to it (EPIPE): they are incomplete');
    }
    throw err;
  } finally {
    await stream.close();
  }
  if (toFile) {
    const output = new Output(format);
    output.text(`predicted ${rows} rows of ${dataPath} → ${finalPath}`);
    output.event('predicted', { rows, data: dataPath, out: finalPath, model: modelPath });
  }
}

/**
 * The training schema for a prediction file: the target column may be absent, or present with gaps (its
 * values are ignored, so missing ones are kept, not dropped); a feature whose rows training dropped when
 * missing is an error here instead, so every input row gets exactly one output row.
 */
export function predictionSchema(schema: CsvSchema): CsvSchema {
  const columns = schema.columns.map((c) => (c.role === 'target' ? { ...c, missing: 'impute' as const } : c.missing === 'drop' ? { ...c, missing: 'error' as const } : c));
  return { ...schema, columns };
}

/** Column names: the target (predicted class or value), then one probability per class. */
function header(target: TargetInfo): string[] {
  if (target.task === 'regression' || target.labels === null) return [target.name];
  return [target.name, ...target.labels.map((l) => `prob_${l}`)];
}

/** CSV lines for a chunk of outputs. */
function formatRows(outputs: Matrix, target: TargetInfo): string {
  const { data, rows, cols } = outputs;
  const lines: string[] = new Array<string>(rows);
  const labels = target.labels?.map(csvField) ?? null;
  for (let r = 0; r < rows; r++) {
    if (labels === null) {
      lines[r] = number(data[r * cols], 7);
      continue;
    }
    const probs = cols === 1 ? [1 - data[r], data[r]] : Array.from(data.subarray(r * cols, (r + 1) * cols));
    let best = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
    if (cols === 1) best = data[r] > 0.5 ? 1 : 0; // the decision rule of evaluation and binaryAccuracy
    lines[r] = `${labels[best]},${probs.map((p) => number(p, 6)).join(',')}`;
  }
  return `${lines.join('\n')}\n`;
}

function number(v: number, digits: number): string {
  return String(Number(v.toPrecision(digits)));
}

/** A CSV field, quoted when it holds a delimiter, quote or line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes and waits for 'drain' when the stream's buffer is full (backpressure); throws a write error. */
async function write(out: Writable, text: string, failure: { err: Error | null }): Promise<void> {
  if (failure.err !== null) throw failure.err;
  if (out.write(text)) return;
  await new Promise<void>((resolveDrain, reject) => {
    const onError = (err: Error) => reject(err);
    out.once('error', onError);
    out.once('drain', () => {
      out.off('error', onError);
      resolveDrain();
    });
  });
}
