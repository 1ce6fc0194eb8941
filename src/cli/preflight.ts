// What a command can check before it reads any data or trains, it checks first, so a mistake costs
// nothing: every file it will write (model, report, checkpoint, ensemble members, predictions) must go
// into an existing directory it can write to, must not be a directory or a special file, and must not
// replace a file that is not nntrain's (the data, say); the model options (layers, optimizer, schedule)
// must build. Stale temp files that killed runs left in those directories are removed on the way.

import { randomBytes } from 'node:crypto';
import { open, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { removeStaleTemps } from '../io/stale-temps.js';
import { dataPaths } from './pipeline/inputs.js';
import { NNTrainError } from '../util/errors.js';
import { buildModel } from './model-builder.js';
import type { TargetInfo } from './pipeline/index.js';
import { memberPath } from '../models/ensemble-manifest.js';
import type { TrainConfig } from './train-config.js';

/** What a model file or checkpoint starts with; an ensemble manifest starts with '{'. */
const MODEL_MAGIC = 'NNTRAIN\0';

/** `PATH: could not be written (CODE): why (--out)`, worded as the writers word a failed write. */
function outputError(o: OutputCheck, path: string, code: string | null, why: string): NNTrainError {
  return new NNTrainError('ERR_NNTRAIN_OUTPUT', `${path}: ${o.wording ?? 'could not be written'}${code === null ? '' : ` (${code})`}: ${why} (${o.flag})`);
}

/** A file a command will write: the flag that names it, and what an existing file there must be. */
export interface OutputCheck {
  flag: string;
  /** 'model': a model file, checkpoint or manifest may be replaced; 'any': any regular file (predictions, a report). */
  replaces: 'model' | 'any';
  /** How the message says it, as the command's own writer does ('cannot be written' for predictions). */
  wording?: string;
}

/**
 * Checks that `path` can be written as a new or replaced file, in the way its writer will write it (a temp
 * file beside it, renamed over it).
 * @throws NNTrainError naming the path, the flag and why.
 */
export async function checkOutputFile(o: OutputCheck, path: string): Promise<void> {
  const target = resolve(path);
  const dir = dirname(target);
  const dirStat = await stat(dir).catch(() => null);
  if (dirStat === null) throw outputError(o, path, 'ENOENT', `the directory ${dir} does not exist`);
  if (!dirStat.isDirectory()) throw outputError(o, path, 'ENOTDIR', `${dir} is not a directory`);
  const existing = await stat(target).catch(() => null);
  if (existing?.isDirectory() === true) throw outputError(o, path, 'EISDIR', 'it is a directory; give a file name');
  if (existing !== null && !existing.isFile()) throw outputError(o, path, null, 'it is not a regular file (a device, FIFO or socket); give a file name');
  if (existing !== null && o.replaces === 'model' && !(await isNntrainFile(target))) {
    throw outputError(o, path, 'EEXIST', 'it exists and is not an nntrain model, checkpoint or ensemble manifest, so it is left alone: remove it or choose another path');
  }
  await removeStaleTemps(dir);
  // the real test of writability (permissions, a read-only file system): create and remove a temp file
  const probe = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (err) {
    throw outputError(o, path, (err as NodeJS.ErrnoException).code ?? null, `nothing can be created in ${dir}`);
  }
  await rm(probe, { force: true });
}

async function isNntrainFile(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(64);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const text = head.subarray(0, bytesRead).toString('latin1');
      return bytesRead === 0 || text.startsWith(MODEL_MAGIC) || text.trimStart().startsWith('{');
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/** @throws NNTrainError when `path` is missing or a directory (read later, after the training data). */
async function checkInputFile(flag: string, arg: string): Promise<void> {
  if (arg === '-') return; // stdin
  const paths = await dataPaths(arg, flag);
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    const st = await stat(path).catch((err: NodeJS.ErrnoException) => err);
    if (st instanceof Error) throw new NNTrainError('ERR_NNTRAIN_INPUT', `${path}: cannot be read (${st.code ?? st.message}) (${flag})`);
    if (st.isDirectory()) throw new NNTrainError('ERR_NNTRAIN_INPUT', `${path}: is a directory, not a CSV file (${flag})`);
  }
}

/** `iris.nntrain` → the report files writeReport puts beside it. */
function reportPaths(out: string): string[] {
  const stem = basename(out).replace(/\.nntrain$/, '');
  return [join(dirname(out), `${stem}.report.html`), join(dirname(out), `${stem}.report.svg`)];
}

/**
 * Checks every file a training command will write (`writes`: null for none; members: an ensemble's
 * size, else 1), and builds its model once from the options (on a
 * stand-in target of the task the options imply) so a bad --layers, --optimizer value or --schedule fails
 * before the data are read.
 * @throws NNTrainError for an output that cannot be written; UsageError for a bad model option.
 */
export async function preflightTraining(cfg: TrainConfig, writes: { members: number } | null): Promise<void> {
  buildModel(cfg, 1, standInTarget(cfg), cfg.seed, { epochs: cfg.epochs, stepsPerEpoch: 1, validation: cfg.valSplit > 0 || cfg.valFile !== undefined }).dispose();
  if (cfg.valFile !== undefined) await checkInputFile('--val-file', cfg.valFile);
  if (writes === null) return; // cv writes no files
  const members = writes.members;
  await checkOutputFile({ flag: '--out', replaces: 'model' }, cfg.out);
  if (cfg.report) for (const path of reportPaths(cfg.out)) await checkOutputFile({ flag: "--out's report", replaces: 'any' }, path);
  for (let k = 0; k < (members > 1 ? members : 0); k++) await checkOutputFile({ flag: '--out, an ensemble member', replaces: 'model' }, memberPath(cfg.out, k));
  if (cfg.checkpoint !== undefined && cfg.checkpoint !== cfg.resume) await checkOutputFile({ flag: '--checkpoint', replaces: 'model' }, cfg.checkpoint);
}

/** A target whose task fits the options, for building the model before the data say what it is. */
function standInTarget(cfg: TrainConfig): TargetInfo {
  const regression = cfg.task === 'regression' || ['mse', 'mae', 'huber'].includes(cfg.loss);
  if (regression) return { name: 'target', task: 'regression', labels: null, classValues: null };
  if (cfg.loss === 'binaryCrossentropy') return { name: 'target', task: 'binary', labels: ['0', '1'], classValues: null };
  return { name: 'target', task: 'multiclass', labels: ['0', '1', '2'], classValues: null };
}
