// loadModel: a Sequential built from a model file's contents. io reads and checks the bytes
// (src/io/model-file.ts), training validates a checkpoint's training section; this module builds,
// compiles and restores the model.

import { BACKEND_NAMES, type BackendName } from '../backend/index.js';
import { asModelFileError, checkPath } from '../io/model-file.js';
import { readModelFileWithTraining } from '../training/checkpoint-file.js';
import { layerFromConfig } from '../layers/index.js';
import { ModelFileError } from '../util/errors.js';
import { checkChoice, invalid, isPlainObject, readOptions } from '../util/validate.js';
import { weightLayout } from './create-weights.js';
import { readManifest, startsWithJson } from './ensemble-manifest.js';
import { checkCustomObjects, type CustomObject } from './model-state.js';
import { Sequential, type ModelConfig } from './sequential.js';

/** Options of loadModel. */
export interface LoadModelOptions {
  /** Backend for the loaded model; default: the usual selection (see getBackend). */
  backend?: BackendName;
  /**
   * The custom losses the model was compiled with (Keras's custom_objects), matched by name: a file
   * records a custom loss's name only.
   */
  customObjects?: readonly CustomObject[];
}

/**
 * Loads a model saved by {@link saveModel} or by fit's `checkpoint` option (format version 1 or 2):
 * rebuilt and compiled from its config, weights and preprocessing restored, and the optimizer state
 * restored when the file has it. A checkpoint's training position is not applied here: pass the file to
 * fit's `resumeFrom` to continue the run.
 * @example const model = await loadModel('digits.nntrain', { backend: 'js' });
 * @throws ModelFileError when the file is missing, unreadable, truncated, corrupted (checksum), not an
 *   nntrain model, from a newer format version, or holds a config this version cannot build; for an
 *   ensemble manifest, naming loadEnsemble and loadPredictor, which load one; for a model compiled with
 *   a custom loss that customObjects lacks, naming the loss.
 * @throws ConfigError for bad options; BackendError when backend 'native' is asked for and cannot load.
 */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<Sequential> {
  checkPath(path);
  readOptions('loadModel', options, ['backend', 'customObjects']);
  const backend = options.backend === undefined ? undefined : checkChoice('backend', options.backend, BACKEND_NAMES);
  const customObjects = checkCustomObjects(options.customObjects);
  if (await startsWithJson(path)) {
    const members = await readManifest(path);
    throw new ModelFileError(path, `is an ensemble manifest of ${members.length} models, not one model: load it with loadEnsemble(path), or loadPredictor(path) to predict on raw rows`);
  }
  const { header, params, slots } = await readModelFileWithTraining(path);
  const config = header.model as unknown as ModelConfig;
  // the config's size is checked before any weight is created: a corrupt one may ask for gigabytes
  const built = asModelFileError(path, 'holds a model config that cannot be built', () => configParamCount(config));
  if (built === null) throw new ModelFileError(path, 'holds a model config that cannot be built: its first layer has no inputShape');
  if (built !== header.paramCount) {
    throw new ModelFileError(path, `holds ${header.paramCount} parameters but its model config builds a model with ${built}`);
  }
  const model = asModelFileError(path, 'holds a model config that cannot be built', () =>
    Sequential.fromConfig(config, { ...(backend === undefined ? {} : { backend }), customObjects }),
  );
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

/** The parameter count `config` builds, from its layers alone (null when it declares no input width). */
function configParamCount(config: ModelConfig): number | null {
  if (!isPlainObject(config) || !Array.isArray(config.layers)) throw invalid('model config', 'an object with layers', config);
  const layers = config.layers.map((c) => layerFromConfig(c));
  const width = layers[0]?.inputShape?.[0];
  return width === undefined ? null : weightLayout(layers, width).paramCount;
}
