// Saving and loading whole models: architecture + compile config (JSON), weights, the data layer's
// preprocessing, and optionally the optimizer state and a fit's training position, in one checksummed
// file written atomically.
//
// File layout (format version 2; the byte-level table and the checks are in model-format.ts):
//   "NNTRAIN\0" | uint32 LE version | uint32 LE header length | UTF-8 JSON header | zero pad to 4 bytes |
//   float32 LE params (paramCount) | float32 LE optimizer slots (slotCount × paramCount) |
//   float32 LE training tensors | uint32 LE CRC-32
// Header: { format: 'nntrain.model', version: 2, createdBy: 'nntrain <version>', model: model.toConfig(),
//           paramCount, optimizer?: { step, slotCount }, preprocessing?: {...}, training?: { state, tensors } }

import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import { decodeModelFile, encodeModelFile, type ModelFileContents } from './model-format.js';
import { packTrainingState, readTrainingState, type TrainingState } from '../training/training-state.js';
import { packageVersion } from '../util/package-info.js';
import { BACKEND_NAMES, type BackendName } from '../backend/index.js';
import { Sequential, type ModelConfig } from '../models/sequential.js';
import { ConfigError, ModelFileError, ShapeError } from '../util/errors.js';
import { checkBoolean, checkChoice, invalid, readOptions } from '../util/validate.js';

/** Options of saveModel / `model.save`. */
export interface SaveModelOptions {
  /** Store the optimizer's step count and moment buffers so training resumes exactly. Default true. */
  includeOptimizer?: boolean;
}

/** Options of loadModel. */
export interface LoadModelOptions {
  /** Backend for the loaded model; default: the usual selection (see getBackend). */
  backend?: BackendName;
}

/**
 * Saves `model` (architecture, compile config, weights, `model.preprocessing` and, unless
 * `includeOptimizer` is false, the optimizer state) to `path`. The weights are captured synchronously at
 * the call, then written through a temp file that is fsynced and renamed over `path`, so `path` holds the
 * old file or the new one, never a torn one. (A fit's training position is saved by its `checkpoint` option.)
 * @example await saveModel(model, 'digits.nntrain');
 * @throws ConfigError for bad options; ModelFileError (with the fs error as `cause`) when the file cannot
 *   be written, e.g. the directory does not exist; an existing file at `path` is then left unchanged.
 */
export async function saveModel(model: Sequential, path: string, options: SaveModelOptions = {}): Promise<void> {
  checkPath(path);
  readOptions('saveModel', options, ['includeOptimizer']);
  const includeOptimizer = options.includeOptimizer === undefined ? true : checkBoolean('includeOptimizer', options.includeOptimizer);
  await writeModelFile(model, path, includeOptimizer, null);
}

/**
 * Writes a model file; with `training`, a checkpoint (optimizer state included). The bytes are encoded
 * synchronously, so the file holds the model as it is at the call. Internal: fit's checkpoint option.
 * @throws ConfigError when the training state holds a value that cannot be stored; ModelFileError when
 *   the file cannot be written.
 */
export async function writeModelFile(model: Sequential, path: string, includeOptimizer: boolean, training: TrainingState | null): Promise<void> {
  const packed = training === null ? null : packTrainingState(training);
  const bytes = encodeModelFile({
    createdBy: `nntrain ${packageVersion()}`,
    model: model.toConfig() as unknown as Record<string, unknown>,
    params: model.params,
    optimizer: includeOptimizer || training !== null ? model.getOptimizerState() : null,
    preprocessing: model.preprocessing,
    training: packed === null ? null : { state: packed.json, tensors: packed.tensors },
  });
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw new ModelFileError(path, `could not be written (${errorText(err)})`, { cause: err });
  }
}

/**
 * Loads a model saved by {@link saveModel} or by fit's `checkpoint` option (format version 1 or 2):
 * rebuilt and compiled from its config, weights and preprocessing restored, and the optimizer state
 * restored when the file has it. A checkpoint's training position is not applied here: pass the file to
 * fit's `resumeFrom` to continue the run.
 * @example const model = await loadModel('digits.nntrain', { backend: 'js' });
 * @throws ModelFileError when the file is missing, unreadable, truncated, corrupted (checksum), not an
 *   nntrain model, from a newer format version, or holds a config this version cannot build.
 * @throws ConfigError for bad options; BackendError when backend 'native' is asked for and cannot load.
 */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<Sequential> {
  checkPath(path);
  readOptions('loadModel', options, ['backend']);
  const backend = options.backend === undefined ? undefined : checkChoice('backend', options.backend, BACKEND_NAMES);
  const { header, params, slots } = await readModelFile(path);
  const model = asModelFileError(path, 'holds a model config that cannot be built', () =>
    Sequential.fromConfig(header.model as unknown as ModelConfig, backend === undefined ? {} : { backend }),
  );
  if (model.params.length !== header.paramCount) {
    throw new ModelFileError(
      path,
      `holds ${header.paramCount} parameters but its model config builds a model with ${model.params.length}`,
    );
  }
  model.setParams(params);
  if (header.optimizer) {
    const step = header.optimizer.step;
    asModelFileError(path, 'holds optimizer state that does not fit its optimizer', () => model.setOptimizerState({ step, slots }));
  }
  if (header.preprocessing !== undefined) {
    const preprocessing = header.preprocessing;
    asModelFileError(path, 'holds preprocessing that cannot be restored', () => (model.preprocessing = preprocessing));
  }
  return model;
}

/**
 * Reads and decodes a model file, and validates its training section when it has one.
 * @throws ModelFileError (see loadModel).
 */
export async function readModelFile(path: string): Promise<ModelFileContents & { training: TrainingState | null }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory, not a model file' : `could not be read (${errorText(err)})`;
    throw new ModelFileError(path, what, { cause: err });
  }
  const contents = decodeModelFile(bytes, path);
  const section = contents.header.training;
  if (section === undefined) return { ...contents, training: null };
  const training = readTrainingState(section.state, contents.tensors);
  if (typeof training === 'string') throw new ModelFileError(path, training);
  if (contents.header.optimizer?.step !== training.step) {
    throw new ModelFileError(path, `has a training position at step ${training.step} but optimizer state at step ${contents.header.optimizer?.step ?? 'none'}`);
  }
  return { ...contents, training };
}

export function checkPath(path: unknown): asserts path is string {
  if (typeof path !== 'string' || path.length === 0) throw invalid('path', 'a non-empty string', path);
}

/** Runs `fn`; a config or shape error from rebuilding the file's model becomes a ModelFileError. */
export function asModelFileError<T>(path: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ShapeError) {
      throw new ModelFileError(path, `${what}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

// fs messages already start with the code: "ENOENT: no such file or directory, open '...'"
function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
