// A checkpoint: a model file written by fit's `checkpoint` option, read whole so that a resumed fit (and
// a command line that wants to show where a run stopped) sees the weights, optimizer state,
// preprocessing and training position together, from one read of one checksummed file.

import type { ModelConfig, OptimizerState } from '../models/sequential.js';
import type { TrainingState } from '../training/training-state.js';
import { ModelFileError } from '../util/errors.js';
import type { JsonObject } from './json-value.js';
import { checkPath, readModelFile } from './model-file.js';

/** Everything a checkpoint file holds. Pass it to fit's `resumeFrom`, or read `training` to report progress. */
export interface Checkpoint {
  /** The file it was read from (named in errors). */
  path: string;
  /** The model's config (Sequential.toConfig) at the checkpoint. */
  model: ModelConfig;
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
 * Reads a checkpoint written by fit's `checkpoint` option (validated: checksum, sizes, training state).
 * @example
 * ```ts
 * const ckpt = await readCheckpoint('run.ckpt');
 * console.log(`stopped at epoch ${ckpt.training.epoch}, batch ${ckpt.training.batch}`);
 * const history = await model.fit(x, y, { resumeFrom: ckpt, checkpoint: 'run.ckpt' });
 * ```
 * @throws ModelFileError when the file cannot be read or is not a valid model file (see loadModel), or is
 *   a model file without a training position (saved by saveModel, not by a fit's checkpoint option).
 * @throws ConfigError when path is not a non-empty string.
 */
export async function readCheckpoint(path: string): Promise<Checkpoint> {
  checkPath(path);
  const { header, params, slots, training } = await readModelFile(path);
  if (training === null || header.optimizer === undefined) {
    throw new ModelFileError(path, "is a model file without a training position; only files written by fit's checkpoint option can be resumed");
  }
  return {
    path,
    model: header.model as unknown as ModelConfig,
    params,
    optimizer: { step: header.optimizer.step, slots },
    preprocessing: header.preprocessing ?? null,
    training,
  };
}
