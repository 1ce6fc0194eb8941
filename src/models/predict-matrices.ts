// Sequential's predict on in-memory x (rows, or one flat sample): checks x against the model, builds it for x's width and runs
// inference through the compiled plan or, on a model never compiled, a forward pass over the layer specs.

import type { Matrix } from '../data/matrix.js';
import { scanValues, singleSample, toInputMatrix, type InputData, type PredictInput } from '../data/validate-data.js';
import { runPredict } from '../training/evaluate.js';
import { parseBatchOptions, type PredictOptions } from '../training/fit-options.js';
import { forwardInference } from '../training/forward.js';
import { ConfigError } from '../util/errors.js';
import { inputWidthFor } from './model-checks.js';
import type { ModelRuntime } from './model-runtime.js';
import type { Sequential } from './sequential.js';

/** Rows per forward pass by default: whole batches of 1,024 keep the GEMMs near their best rate. */
export const PREDICT_BATCH = 1024;

/** Sequential.predict(x, options) of `model`, whose runtime state is `rt`. */
export async function predictMatrices(model: Sequential, rt: ModelRuntime, x: PredictInput, options: PredictOptions): Promise<Matrix> {
  const { batchSize } = parseBatchOptions('predict', options, PREDICT_BATCH);
  if (model.layers.length === 0) throw new ConfigError('The model has no layers');
  const sample = singleSample(x, model.inputWidth ?? model.layers[0].inputShape?.[0]);
  const width = sample?.cols ?? inputWidthFor(model.inputWidth, model.layers, x as InputData);
  const xs = toInputMatrix(sample ?? x, width, 'x', false);
  await scanValues(xs, 'x', null, model.backend);
  model.build(width);
  if (rt.compiled === null) {
    const specs = model.layers.map((l) => l.toSpec());
    return forwardInference(model.backend, (fn) => rt.exclusive(fn), specs, rt.arena().params, xs, batchSize);
  }
  return runPredict(rt.trainingRuntime(model), xs, batchSize);
}
