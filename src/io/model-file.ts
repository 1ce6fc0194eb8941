// Saving models and reading model files: architecture + compile config (JSON), weights, the data layer's
// preprocessing, and optionally the optimizer state and a fit's training position, in one checksummed
// file written atomically. io knows bytes and plain contents only: the model is seen through the small
// SavableModel interface, the training section is opaque JSON plus tensors (packed and validated by
// src/training/checkpoint-file.ts), and building a Sequential from a file is loadModel in
// src/models/load-model.ts.
//
// File layout (format version 2; the byte-level table and the checks are in model-format.ts):
//   "NNTRAIN\0" | uint32 LE version | uint32 LE header length | UTF-8 JSON header | zero pad to 4 bytes |
//   float32 LE params (paramCount) | float32 LE optimizer slots (slotCount × paramCount) |
//   float32 LE training tensors | uint32 LE CRC-32
// Header: { format: 'nntrain.model', version: 2, createdBy: 'nntrain <version>', model: model.toConfig(),
//           paramCount, optimizer?: { step, slotCount }, preprocessing?: {...}, training?: { state, tensors } }

import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { decodeModelFile, encodeModelFile, type ModelFileContents } from './model-format.js';
import { packageVersion } from '../util/package-info.js';
import { ConfigError, ModelFileError, ShapeError } from '../util/errors.js';
import { checkBoolean, invalid, readOptions } from '../util/validate.js';

/** Options of saveModel / `model.save`. */
export interface SaveModelOptions {
  /** Store the optimizer's step count and moment buffers so training resumes exactly. Default true. */
  includeOptimizer?: boolean;
}

/** Optimizer state as a model file stores it: the step count and one slot of paramCount floats each. */
export interface StoredOptimizerState {
  step: number;
  slots: readonly Float32Array[];
}

/** What saving reads from a model (a Sequential has all of it). */
export interface SavableModel {
  /** The model's config, plain JSON (Sequential.toConfig). */
  toConfig(): object;
  readonly params: Float32Array;
  getOptimizerState(): StoredOptimizerState | null;
  readonly preprocessing: JsonObject | null;
  /**
   * Runs `read` at a point where the weights are those after a whole optimizer step: at once when no fit
   * is running, else between two chunks of steps of the running fit (whose native steps update the
   * weights on another thread). Optional: without it the weights are read at the call.
   */
  atWholeStep?<T>(read: () => T): Promise<T>;
}

/** A model file's training section before encoding: opaque JSON and the float32 tensors it refers to. */
export interface StoredTrainingSection {
  state: JsonValue;
  tensors: readonly Float32Array[];
}

/** What a model file is written from: plain data. */
export interface ModelFileData {
  /** The model config (Sequential.toConfig), plain JSON. */
  model: object;
  params: Float32Array;
  optimizer: StoredOptimizerState | null;
  preprocessing: JsonObject | null;
  training: StoredTrainingSection | null;
}

/**
 * The contents of a file for `model` as it is now (weights and slots are referenced, not copied: encode
 * them before the model changes). With `training`, the optimizer state is always included.
 */
export function modelFileData(model: SavableModel, includeOptimizer: boolean, training: StoredTrainingSection | null = null): ModelFileData {
  return {
    model: model.toConfig(),
    params: model.params,
    optimizer: includeOptimizer || training !== null ? model.getOptimizerState() : null,
    preprocessing: model.preprocessing,
    training,
  };
}

/**
 * Saves `model` (architecture, compile config, weights, `model.preprocessing` and, unless
 * `includeOptimizer` is false, the optimizer state) to `path`. The weights are captured at the call or,
 * while a fit runs, after its current step (see SavableModel.atWholeStep), then written through a temp file that is fsynced and renamed over `path`, so `path` holds the
 * old file or the new one, never a torn one. (A fit's training position is saved by its `checkpoint` option.)
 * @example await saveModel(model, 'digits.nntrain');
 * @throws ConfigError for bad options; ModelFileError (with the fs error as `cause`) when the file cannot
 *   be written, e.g. the directory does not exist; an existing file at `path` is then left unchanged.
 */
export async function saveModel(model: SavableModel, path: string, options: SaveModelOptions = {}): Promise<void> {
  checkPath(path);
  readOptions('saveModel', options, ['includeOptimizer']);
  const includeOptimizer = options.includeOptimizer === undefined ? true : checkBoolean('includeOptimizer', options.includeOptimizer);
  const encode = () => encodeModelData(modelFileData(model, includeOptimizer));
  const bytes = model.atWholeStep === undefined ? encode() : await model.atWholeStep(encode);
  await writeModelBytes(bytes, path);
}

/**
 * Writes a model file from plain contents. The bytes are encoded synchronously, so the file holds the
 * data as it is at the call. Internal: saveModel, and fit's checkpoint option (with a training section).
 * @throws ModelFileError when the file cannot be written.
 */
export async function writeModelFile(data: ModelFileData, path: string): Promise<void> {
  await writeModelBytes(encodeModelData(data), path);
}

/** The bytes of a model file (a copy of the weights as they are now). */
function encodeModelData(data: ModelFileData): Uint8Array {
  return encodeModelFile({
    createdBy: `nntrain ${packageVersion()}`,
    model: data.model as Record<string, unknown>,
    params: data.params,
    optimizer: data.optimizer,
    preprocessing: data.preprocessing,
    training: data.training,
  });
}

/** Writes encoded model bytes to `path` atomically. @throws ModelFileError naming the path. */
async function writeModelBytes(bytes: Uint8Array, path: string): Promise<void> {
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw new ModelFileError(path, `could not be written (${errorText(err)})`, { cause: err });
  }
}

/**
 * Reads and decodes a model file (checksum, sizes). A training section comes back as stored
 * (`header.training` and `tensors`); src/training/checkpoint-file.ts validates it.
 * @throws ModelFileError when the file is missing, unreadable, truncated, corrupted or not a model file.
 */
export async function readModelFile(path: string): Promise<ModelFileContents> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory, not a model file' : `could not be read (${errorText(err)})`;
    throw new ModelFileError(path, what, { cause: err });
  }
  return decodeModelFile(bytes, path);
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
