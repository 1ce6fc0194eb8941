// What evaluate, predict and info load: one model file, or an ensemble — a small JSON manifest naming
// member model files beside it (each a checksummed model file) whose outputs are averaged. Both come
// with the preprocessing saved by `train`, so raw CSV rows go in and outputs in the data's units come out.

import { open, readFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { BackendName } from '../backend/index.js';
import type { Matrix } from '../data/matrix.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { loadModel } from '../models/load-model.js';
import type { Sequential } from '../models/sequential.js';
import { DataError, ModelFileError } from '../util/errors.js';
import { packageVersion } from '../util/package-info.js';
import { Preprocessor } from './pipeline/index.js';

export const ENSEMBLE_FORMAT = 'nntrain.ensemble';
const MAGIC = 'NNTRAIN\0';
/** A manifest is a few hundred bytes; anything much larger is not one. */
const MAX_MANIFEST_BYTES = 1 << 20;

const manifestSchema = z.object({
  format: z.literal(ENSEMBLE_FORMAT),
  version: z.literal(1),
  createdBy: z.string().optional(),
  members: z.array(z.string().min(1)).min(1),
  seeds: z.array(z.number()).optional(),
});

/** A model or an ensemble, ready to predict on raw features. */
export interface Predictor {
  path: string;
  kind: 'model' | 'ensemble';
  members: Sequential[];
  memberPaths: string[];
  pre: Preprocessor;
  /**
   * Outputs for raw (unscaled, possibly missing) features, in the data's units; ensembles average.
   * `rawX` is transformed in place into the model's inputs: pass a buffer that is not needed afterwards.
   */
  predict(rawX: Matrix): Promise<Matrix>;
}

/**
 * Loads a model file or an ensemble manifest.
 * @throws ModelFileError for a missing, truncated, corrupted, foreign or newer file, a damaged manifest,
 *   or a model without the command line's preprocessing.
 */
export async function loadPredictor(path: string, backend: BackendName | undefined): Promise<Predictor> {
  const options = backend !== undefined ? { backend } : {};
  if (!(await startsWithJson(path))) {
    const model = await loadModel(path, options);
    return predictorOf(path, 'model', [model], [path]);
  }
  const memberPaths = await readManifest(path);
  const members: Sequential[] = [];
  for (const member of memberPaths) members.push(await loadModel(member, options));
  const first = JSON.stringify({ ...members[0].preprocessing, run: null });
  members.forEach((m, i) => {
    if (JSON.stringify({ ...m.preprocessing, run: null }) !== first) {
      throw new ModelFileError(path, `member ${memberPaths[i]} has other preprocessing than ${memberPaths[0]}; the members of an ensemble must be trained on the same data`);
    }
  });
  return predictorOf(path, 'ensemble', members, memberPaths);
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

function predictorOf(path: string, kind: Predictor['kind'], members: Sequential[], memberPaths: string[]): Predictor {
  members.forEach((m, i) => checkFiniteWeights(m, memberPaths[i]));
  const pre = Preprocessor.fromJSON(members[0].preprocessing, memberPaths[0]);
  return {
    path,
    kind,
    members,
    memberPaths,
    pre,
    async predict(rawX: Matrix): Promise<Matrix> {
      const x = pre.inputs(rawX, rawX);
      let sum: Matrix | null = null;
      for (const model of members) {
        const out = pre.outputs(await model.predict(x, { batchSize: 1024 }));
        if (sum === null) sum = out;
        else for (let i = 0; i < out.data.length; i++) sum.data[i] += out.data[i];
      }
      const total = sum as Matrix;
      if (members.length > 1) for (let i = 0; i < total.data.length; i++) total.data[i] /= members.length;
      return total;
    },
  };
}

/** Whether the file starts like JSON (a manifest) rather than like a model file. Missing files are not. */
export async function startsWithJson(path: string): Promise<boolean> {
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      head = Buffer.alloc(16);
      const { bytesRead } = await handle.read(head, 0, 16, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return false; // loadModel reports it
  }
  if (head.toString('latin1').startsWith(MAGIC)) return false;
  return head.toString('utf8').trimStart().startsWith('{');
}

/** The member paths of a manifest, resolved against its directory. */
async function readManifest(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  if (text.length > MAX_MANIFEST_BYTES) throw new ModelFileError(path, 'is not an nntrain model file or ensemble manifest (too large)');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelFileError(path, 'is not an nntrain model file, and not a valid ensemble manifest (invalid JSON; truncated?)');
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFileError(path, `is not a valid ensemble manifest: ${issue.path.join('.') || 'format'}: ${issue.message}`);
  }
  return parsed.data.members.map((m) => resolve(dirname(resolve(path)), m));
}

/** Where member k (0-based) of an ensemble saved at `out` goes: `iris.nntrain` → `iris.member1.nntrain`. */
export function memberPath(out: string, k: number): string {
  const stem = out.endsWith('.nntrain') ? out.slice(0, -'.nntrain'.length) : out;
  return `${stem}.member${k + 1}.nntrain`;
}

/** Writes the manifest atomically; member paths are stored relative to it, so the files can move together. */
export async function writeManifest(out: string, members: string[], seeds: number[]): Promise<void> {
  const dir = dirname(resolve(out));
  const manifest = {
    format: ENSEMBLE_FORMAT,
    version: 1,
    createdBy: `nntrain ${packageVersion()}`,
    members: members.map((m) => relative(dir, resolve(m)) || basename(m)),
    seeds,
  };
  try {
    await writeFileAtomic(out, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
  } catch (err) {
    throw new ModelFileError(out, `could not be written (${(err as Error).message})`, { cause: err });
  }
}
