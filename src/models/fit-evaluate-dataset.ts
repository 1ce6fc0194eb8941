// Sequential's fit and evaluate on a Dataset: a memory dataset trains as its matrices do; a stream is
// checked against the model (widths, validation data), the model is built for it and it is read again
// every epoch in blocks (runStreamFit) or once for evaluate.

import { CallbackList } from '../callbacks/callback.js';
import type { Dataset } from '../data/dataset.js';
import { scanValues } from '../data/validate-data.js';
import { runEvaluateDataset } from '../training/evaluate.js';
import { runStreamFit } from '../training/fit-stream.js';
import { parseBatchOptions, parseFitOptions, type EvaluateOptions, type FitOptions } from '../training/fit-options.js';
import type { History } from '../training/history.js';
import { ConfigError } from '../util/errors.js';
import { stepSeed } from '../util/rng.js';
import { checkDataset, requireCompiled, targetRule, validationMatrices } from './model-checks.js';
import type { ModelRuntime } from './model-runtime.js';
import type { Sequential } from './sequential.js';

/**
 * Sequential.fit(dataset, options) of `model`, whose runtime state is `rt`: a memory dataset trains as
 * its matrices do (all fit options apply); a stream is read again every epoch in blocks (runStreamFit;
 * checkpoint, resumeFrom, validationSplit and initialEpoch need the data in memory and are rejected).
 */
export async function fitDataset(model: Sequential, rt: ModelRuntime, dataset: Dataset, options: FitOptions): Promise<History> {
  if (dataset.kind === 'memory') {
    for await (const block of dataset.blocks()) return model.fit(block.x, block.y, options);
    throw new ConfigError('The dataset has no rows: nothing to train on');
  }
  const cfg = parseFitOptions(options);
  const unsupported = (['checkpoint', 'resumeFrom', 'validationSplit', 'initialEpoch'] as const).find((k) => options[k] !== undefined && options[k] !== 0);
  if (unsupported !== undefined) {
    throw new ConfigError(`The option '${unsupported}' needs the data in memory; it cannot be used with a streaming dataset (split a stream with hashSplitter when reading it)`);
  }
  const layers = model.layers;
  const compiled = requireCompiled(rt.compiled, layers, 'fit');
  rt.requireIdle('fit');
  const width = model.inputWidth ?? dataset.inputWidth;
  const rule = targetRule(layers, compiled, width);
  checkDataset(dataset, width, rule, 'the dataset');
  const validation =
    cfg.validationDataset !== null
      ? checkDataset(cfg.validationDataset, width, rule, 'validationData')
      : cfg.validationData !== undefined
        ? validationMatrices(cfg.validationData, width, rule)
        : null;
  return rt.whileBusy(async () => {
    if (validation !== null && !('blocks' in validation)) {
      await scanValues(validation.x, 'validationData[0] (x)', null, model.backend);
      await scanValues(validation.y, 'validationData[1] (y)', rule, model.backend);
    }
    model.build(width);
    const callbacks = new CallbackList(cfg.callbacks, model);
    const seed = cfg.seed ?? stepSeed(model.seed, rt.step);
    return runStreamFit(rt.trainingRuntime(model), dataset, rule, validation, cfg, seed, callbacks);
  });
}

/** Sequential.evaluate(dataset, options) of `model`, whose runtime state is `rt`. */
export async function evaluateDataset(model: Sequential, rt: ModelRuntime, dataset: Dataset, options: EvaluateOptions): Promise<Record<string, number>> {
  const { batchSize } = parseBatchOptions('evaluate', options, 32);
  const layers = model.layers;
  const compiled = requireCompiled(rt.compiled, layers, 'evaluate');
  const width = model.inputWidth ?? dataset.inputWidth;
  const rule = targetRule(layers, compiled, width);
  checkDataset(dataset, width, rule, 'the dataset');
  model.build(width);
  return runEvaluateDataset(rt.trainingRuntime(model), dataset, rule, batchSize);
}
