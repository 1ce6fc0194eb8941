// readCheckpoint as the public API has it: training reads and validates a checkpoint with the model's
// config as opaque JSON; a Sequential's checkpoint holds a ModelConfig, which Sequential.fromConfig takes.

import { readCheckpoint as readTrainingCheckpoint, type Checkpoint as TrainingCheckpoint } from '../training/checkpoint-file.js';
import type { ModelConfig } from './model-state.js';

/** Everything a checkpoint file holds. Pass it to fit's `resumeFrom`, or read `training` to report progress. */
export type Checkpoint = TrainingCheckpoint<ModelConfig>;

/**
 * Reads a checkpoint written by fit's `checkpoint` option (validated: checksum, sizes, training state).
 * `model` is the config as stored; Sequential.fromConfig (or a resumed fit's comparison) checks it.
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
  const ckpt = await readTrainingCheckpoint(path);
  return { ...ckpt, model: ckpt.model as unknown as ModelConfig };
}
