// `nntrain predict MODEL DATA.csv --out PRED.csv`: streams predictions. The file is read in bounded
// chunks (openCsv), each chunk goes through the model's saved preprocessing and the model, and its rows
// are written before the next chunk is read, waiting for the output to drain — so memory does not grow
// with the file, and a file larger than memory works. The output is written to a temporary file and
// renamed at the end, so a failed run never leaves a half-written PRED.csv. The file's columns are
// matched to the model's by name; --keep copies input columns into the output to join on.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { Matrix } from '../../data/matrix.js';
import { dataPaths } from '../pipeline/inputs.js';
import { classScores, MissingCounter, type TargetInfo } from '../../data/preprocessing/index.js';
import { loadPredictor } from '../../models/predictor.js';
import { checkGivenValues } from '../config-schema.js';
import { Output } from '../output.js';
import { recordOutput, throwIfInterrupted } from '../interrupt.js';
import { checkOutputFile } from '../preflight.js';
import { stdoutIsTheProduct } from '../stdio.js';
import { runtimeOptions, type RuntimeFlags } from './runtime-flags.js';
import { UsageError } from '../errors.js';
import { NNTrainError } from '../../util/errors.js';
import { toNumber } from '../flags.js';
import { checkLaunch } from '../distributed/launch.js';
import { reportImputed, unknownFlag } from './scoring-flags.js';

export interface PredictFlags extends RuntimeFlags {
  out?: string;
  chunkRows?: string;
  logFormat?: string;
  keep?: string;
  unknown?: string;
}

/** Rows per chunk: large enough to keep the model busy, small enough to bound memory (a few MB). */
const DEFAULT_CHUNK_ROWS = 8192;

export async function predictCommand(modelPath: string, dataPath: string, flags: PredictFlags): Promise<void> {
  checkLaunch('predict', false);
  const { backend } = runtimeOptions(flags);
  const chunkRows = flags.chunkRows === undefined ? DEFAULT_CHUNK_ROWS : toNumber(flags.chunkRows);
  if (typeof chunkRows !== 'number' || !Number.isInteger(chunkRows) || chunkRows < 1) {
    throw new UsageError(`Expected integer >= 1 for --chunk-rows but received ${typeof chunkRows === 'number' ? chunkRows : `'${chunkRows}'`}`);
  }
  const format = flags.logFormat === undefined ? 'text' : (checkGivenValues(new Map([['logFormat', { value: flags.logFormat, source: 'flag' }]]), undefined).logFormat as 'text' | 'json');
  const unknownGiven = unknownFlag(flags.unknown);
  const keep = flags.keep === undefined ? [] : flags.keep.split(',').map((k) => k.trim());
  if (keep.some((k) => k === '')) throw new UsageError(`Expected a comma-separated list of column names for --keep but received '${flags.keep as string}'`);
  const toFile = flags.out !== undefined && flags.out !== '-';
  const finalPath = toFile ? resolve(flags.out as string) : '';
  if (toFile) {
    if (finalPath === resolve(dataPath) || finalPath === resolve(modelPath)) throw new UsageError(`--out ${flags.out as string} is an input of this command; write the predictions to another file`);
    await checkOutputFile({ flag: '--out', replaces: 'any', wording: 'cannot be written' }, finalPath); // before any work
  } else {
    stdoutIsTheProduct();
  }
  const predictor = await loadPredictor(modelPath, backend !== undefined ? { backend } : {});
  const target = predictor.target;
  const missing = new MissingCounter(predictor.pre.schema);
  const tempPath = toFile ? join(dirname(finalPath), `.${basename(finalPath)}.${process.pid}.tmp`) : '';
  const out: Writable = toFile ? createWriteStream(tempPath, { flags: 'wx' }) : process.stdout;
  const failure: { err: Error | null } = { err: null };
  out.on('error', (err: Error) => (failure.err ??= err)); // reported by the next write or at the end
  let rows = 0;
  try {
    if (toFile) {
      await once(out, 'open').catch((err: NodeJS.ErrnoException) => {
        throw new NNTrainError('ERR_NNTRAIN_OUTPUT', `${finalPath}: cannot be written (${err.code ?? err.message})`);
      });
    }
    await write(out, `${[...keep, ...header(target)].map(csvField).join(',')}\n`, failure);
    const how = { unknown: unknownGiven ?? predictor.pre.unknown, keep, chunkRows, signal: throwIfInterrupted, onRaw: (x: Matrix) => missing.add(x) };
    rows = await predictor.streamCsv(await dataPaths(dataPath, 'the data file'), how, (outputs, kept) => write(out, formatRows(outputs, target, kept), failure));
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
  }
  // the summary goes where it does not mix with the predictions: stderr when they are on stdout
  const output = new Output(format, toFile ? process.stdout : process.stderr);
  reportImputed(output, missing.result(), dataPath);
  if (toFile) {
    output.text(`predicted ${rows} rows of ${dataPath} → ${finalPath}`);
    output.event('predicted', { rows, data: dataPath, out: finalPath, model: modelPath });
  }
}

/** Column names: the target (predicted class or value), then one probability per class. */
function header(target: TargetInfo): string[] {
  if (target.task === 'regression' || target.labels === null) return [target.name];
  return [target.name, ...target.labels.map((l) => `prob_${l}`)];
}

/** CSV lines for a chunk of outputs, each after its kept input columns (quoted as needed). */
function formatRows(outputs: Matrix, target: TargetInfo, kept: string[][] | null): string {
  const { data, rows, cols } = outputs;
  const lines: string[] = new Array<string>(rows);
  const labels = target.labels?.map(csvField) ?? null;
  for (let r = 0; r < rows; r++) {
    const prefix = kept === null ? '' : `${kept[r].map(csvField).join(',')},`;
    if (labels === null) {
      lines[r] = prefix + number(data[r * cols], 7);
      continue;
    }
    const { best, probs } = classScores(outputs, r);
    lines[r] = `${prefix}${labels[best]},${probs.map((p) => number(p, 6)).join(',')}`;
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
