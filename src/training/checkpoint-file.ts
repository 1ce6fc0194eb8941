// Checkpoint files: a model file written by fit's `checkpoint` option, whose training section holds the
// run's position. io stores that section as opaque JSON plus float32 tensors; this module packs the
// TrainingState into it when writing and validates it when reading, so a resumed fit (and a command line
// that wants to show where a run stopped) sees the weights, optimizer state, preprocessing and training
// position together, from one read of one checksummed file.

import type { JsonObject } from '../io/json-value.js';
import { checkPath, modelFileData, readModelFile, writeModelFile, type SavableModel } from '../io/model-file.js';
import type { ModelFileContents } from '../io/model-format.js';
import { ModelFileError } from '../util/errors.js';
import type { OptimizerState } from './trainable-model.js';
import { packTrainingState, readTrainingState, type TrainingState } from './training-state.js';

/**
 * Everything a checkpoint file holds. Pass it to fit's `resumeFrom`, or read `training` to report progress.
 * `Config` is the model's config type; training treats it as opaque JSON (src/models/checkpoint.ts names
 * Sequential's).
 */
export interface Checkpoint<Config extends object = object> {
  /** The file it was read from (named in errors). */
  path: string;
  /** The model's config (toConfig()) at the checkpoint. */
  model: Config;
  /** (paramCount) weights at the checkpoint. */
  params: Float32Array;
  /** Optimizer step count and slots at the checkpoint. */
  optimizer: OptimizerState;
  /** `model.preprocessing` at the checkpoint, or null. */
  preprocessing: JsonObject | null;
  /** Where the run was: seed, epoch, batch, step, History, fit options, schedule and callback state. */
  training: TrainingState;
}

/**
 * Writes a checkpoint: `model` with its optimizer state and `training` as the file's training section.
 * The bytes are encoded synchronously, so the file holds the model as it is at the call.
 * @throws ConfigError when the training state holds a value that cannot be stored; ModelFileError when
 *   the file cannot be written.
 */
export async function writeCheckpointFile(model: SavableModel, path: string, training: TrainingState): Promise<void> {
  const packed = packTrainingState(training);
  await writeModelFile(modelFileData(model, true, { state: packed.json, tensors: packed.tensors }), path);
}

/**
 * Reads and decodes a model file, and validates its training section when it has one.
 * @throws ModelFileError (see loadModel).
 */
export async function readModelFileWithTraining(path: string): Promise<ModelFileContents & { training: TrainingState | null }> {
  const contents = await readModelFile(path);
  const section = contents.header.training;
  if (section === undefined) return { ...contents, training: null };
  const training = readTrainingState(section.state, contents.tensors);
  if (typeof training === 'string') throw new ModelFileError(path, training);
  if (contents.header.optimizer?.step !== training.step) {
    throw new ModelFileError(path, `has a training position at step ${training.step} but optimizer state at step ${contents.header.optimizer?.step ?? 'none'}`);
  }
  return { ...contents, training };
}

/**
 * Reads a checkpoint written by fit's `checkpoint` option (validated: checksum, sizes, training state),
 * the model config as stored. The public readCheckpoint (src/models/checkpoint.ts) types it.
 * @throws ModelFileError when the file cannot be read or is not a valid model file (see loadModel), or is
 *   a model file without a training position (saved by saveModel, not by a fit's checkpoint option).
 * @throws ConfigError when path is not a non-empty string.
 */
export async function readCheckpoint(path: string): Promise<Checkpoint<Record<string, unknown>>> {
  checkPath(path);
  const { header, params, slots, training } = await readModelFileWithTraining(path);
  if (training === null || header.optimizer === undefined) {
    throw new ModelFileError(path, "is a model file without a training position; only files written by fit's checkpoint option can be resumed");
  }
  return {
    path,
    model: header.model,
    params,
    optimizer: { step: header.optimizer.step, slots },
    preprocessing: header.preprocessing ?? null,
    training,
  };
}
