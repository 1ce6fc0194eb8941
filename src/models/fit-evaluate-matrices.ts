// Sequential's fit and evaluate on in-memory x/y: check shapes and values against the compiled model,
// split off validation rows, build the model for the data's width and run the training or evaluation loop.

import { CallbackList } from '../callbacks/callback.js';
import { sliceRows, type Matrix } from '../data/matrix.js';
import { scanValues, toInputMatrix, toTargetMatrix, type InputData, type TargetData, type TargetRule } from '../data/validate-data.js';
import { runEvaluate } from '../training/evaluate.js';
import { runFit } from '../training/fit.js';
import { parseBatchOptions, parseFitOptions, type EvaluateOptions, type FitOptions } from '../training/fit-options.js';
import type { History } from '../training/history.js';
import { loadResumeSource, resumeConfig, startRun } from '../training/resume.js';
import { AbortError, ConfigError } from '../util/errors.js';
import { stepSeed } from '../util/rng.js';
import { checkDataset, inputWidthFor, requireCompiled, targetRule, validationMatrices } from './model-checks.js';
import type { ModelRuntime } from './model-runtime.js';
import type { Sequential } from './sequential.js';

/** Sequential.fit(x, y, options) of `model`, whose runtime state is `rt`. */
export async function fitMatrices(model: Sequential, rt: ModelRuntime, x: InputData, y: TargetData, options: FitOptions): Promise<History> {
  let cfg = parseFitOptions(options);
  const resume = cfg.resumeFrom === null ? null : await loadResumeSource(cfg.resumeFrom);
  if (resume !== null) cfg = resumeConfig(cfg, options, resume);
  const layers = model.layers;
  const compiled = requireCompiled(rt.compiled, layers, 'fit');
  rt.requireIdle('fit');
  const width = inputWidthFor(model.inputWidth, layers, x);
  const rule = targetRule(layers, compiled, width);
  // shapes are checked here; values (NaN, label ranges) below, in slices that yield to the event loop
  let xs = toInputMatrix(x, width, 'x', false);
  let ys = toTargetMatrix(y, xs.rows, rule, 'y', false);
  let validation: { x: Matrix; y: Matrix } | null = null;
  const scans: [Matrix, string, TargetRule | null][] = [
    [xs, 'x', null],
    [ys, 'y', rule],
  ];
  if (cfg.validationData !== undefined) {
    validation = validationMatrices(cfg.validationData, width, rule);
    scans.push([validation.x, 'validationData[0] (x)', null], [validation.y, 'validationData[1] (y)', rule]);
  } else if (cfg.validationSplit > 0) {
    // Keras: the LAST fraction of the rows, before any shuffling
    const trainRows = Math.floor(xs.rows * (1 - cfg.validationSplit));
    if (trainRows < 1 || trainRows === xs.rows) {
      throw new ConfigError(
        `validationSplit ${cfg.validationSplit} of ${xs.rows} rows leaves ${trainRows} training and ${xs.rows - trainRows} validation rows; both need at least one`,
      );
    }
    validation = { x: sliceRows(xs, trainRows, xs.rows), y: sliceRows(ys, trainRows, ys.rows) };
    xs = sliceRows(xs, 0, trainRows);
    ys = sliceRows(ys, 0, trainRows);
  }
  return rt.whileBusy(async () => {
    for (const [m, name, r] of scans) await scanValues(m, name, r, model.backend);
    if (cfg.signal?.aborted) throw new AbortError();
    model.build(width);
    const vds = cfg.validationDataset;
    const data = { x: xs, y: ys, validation, validationDataset: vds === null ? null : { dataset: checkDataset(vds, width, rule, 'validationData'), rule } };
    const callbacks = new CallbackList(cfg.callbacks, model);
    const defaultSeed = stepSeed(model.seed, rt.step);
    const { start, checkpointer } = startRun(model, { cfg, data, callbacks, schedule: compiled.schedule, defaultSeed, resume });
    return runFit(rt.trainingRuntime(model), data, cfg, start, callbacks, checkpointer);
  });
}

/** Sequential.evaluate(x, y, options) of `model`, whose runtime state is `rt`. */
export async function evaluateMatrices(model: Sequential, rt: ModelRuntime, x: InputData, y: TargetData, options: EvaluateOptions): Promise<Record<string, number>> {
  const { batchSize } = parseBatchOptions('evaluate', options, 32);
  const layers = model.layers;
  const compiled = requireCompiled(rt.compiled, layers, 'evaluate');
  const width = inputWidthFor(model.inputWidth, layers, x);
  const rule = targetRule(layers, compiled, width);
  const xs = toInputMatrix(x, width, 'x', false);
  const ys = toTargetMatrix(y, xs.rows, rule, 'y', false);
  await scanValues(xs, 'x', null, model.backend);
  await scanValues(ys, 'y', rule, model.backend);
  model.build(width);
  return runEvaluate(rt.trainingRuntime(model), xs, ys, batchSize);
}
