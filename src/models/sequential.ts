// A linear stack of layers (Keras's Sequential): build lays the weights out in one arena and initializes
// them from the model seed; compile adds optimizer slots and produces the PlanSpec; fit/evaluate/predict
// run the plan. All memory of a model is its one Arena (params | grads | slots). What a model file holds
// besides the weights is in model-state.ts (config, optimizer state) and src/io (files, checkpoints).

import { LabelMode } from '../backend/codes.js';
import type { Backend, PlanHandle, PlanSpec } from '../backend/contract.js';
import { BACKEND_NAMES, getBackend, type BackendName } from '../backend/index.js';
import { CallbackList, type CallbackModel } from '../callbacks/callback.js';
import { isDataset, type Dataset } from '../data/dataset.js';
import { sliceRows, type Matrix } from '../data/matrix.js';
import { inputWidthOf, scanValues, toInputMatrix, toTargetMatrix, type InputData, type TargetData, type TargetRule } from '../data/validate-data.js';
import { checkPreprocessing, type JsonObject } from '../io/json-value.js';
import { saveModel } from '../io/model-file.js';
import type { Layer } from '../layers/layer.js';
import { layerFromConfig, type LayerConfig } from '../layers/index.js';
import { lossToConfig, resolveLoss, type LossConfig } from '../losses/index.js';
import { Arena, layoutTensors } from '../memory/arena.js';
import { resolveMetrics, type MetricName } from '../metrics/metrics.js';
import { resolveOptimizer, type Optimizer, type OptimizerConfig } from '../optimizers/index.js';
import { resolveSchedule, type LearningRateSchedule, type ScheduleConfig } from '../schedules/index.js';
import { runEvaluate, runEvaluateDataset, runPredict } from '../training/evaluate.js';
import { runFit } from '../training/fit.js';
import { runStreamFit } from '../training/fit-stream.js';
import { parseBatchOptions, parseFitOptions, type EvaluateOptions, type FitOptions, type PredictOptions } from '../training/fit-options.js';
import { forwardInference } from '../training/forward.js';
import type { History } from '../training/history.js';
import { loadResumeSource, resumeConfig, startRun } from '../training/resume.js';
import type { TrainingRuntime } from '../training/runtime.js';
import { AbortError, ConfigError, ShapeError } from '../util/errors.js';
import { Rng, stepSeed } from '../util/rng.js';
import { checkChoice, checkInteger, checkKeys, describe, invalid, isPlainObject, isString, readOptions } from '../util/validate.js';
import { compilePlan, labelModeOf, lossSpecFor, outputWidthOf, type ResolvedLoss } from './compile-plan.js';
import { compileOptionsFromConfig, copyOptimizerState, restoreOptimizerState, type ModelConfig, type OptimizerState } from './model-state.js';
import { summaryText } from './summary.js';

/** Options of `new Sequential(options)`; every field is optional. */
export interface SequentialOptions {
  /** uint32 seed of the weight initialization (and the default fit seed). Default 0. */
  seed?: number;
  /** 'native' or 'js'; default: NNTRAIN_BACKEND, else native with a fallback to js (see getBackend). */
  backend?: BackendName;
  /** Shown by summary(). Default 'sequential'. */
  name?: string;
}

/** Options of {@link Sequential.compile}: optimizer and loss are required. */
export interface CompileOptions {
  /** An optimizer (`optimizers.adam({...})`), a name ('adam') or a config. Required. */
  optimizer: Optimizer | string | OptimizerConfig;
  /** A loss name ('mse', 'sparseCategoricalCrossentropy', ...) or `{ name, delta?, fromLogits? }`. Required. */
  loss: LossConfig;
  /** 'accuracy' (alias 'acc'), 'binaryAccuracy', 'mse', 'mae'. Default []. */
  metrics?: string[];
  /** Learning-rate schedule (a schedule, name, config or `(epoch, step) => lr`). Default: constant. */
  schedule?: LearningRateSchedule | string | ScheduleConfig | ((epoch: number, step: number) => number);
}

export type { ModelConfig, OptimizerState } from './model-state.js';

interface Compiled {
  optimizer: Optimizer;
  loss: ResolvedLoss;
  metrics: MetricName[];
  schedule: LearningRateSchedule | null;
}

const SEQUENTIAL_KEYS = ['seed', 'backend', 'name'] as const;
const COMPILE_KEYS = ['optimizer', 'loss', 'metrics', 'schedule'] as const;

/**
 * A linear stack of layers.
 * @example
 * ```ts
 * const model = new Sequential({ seed: 42 });
 * model.add(layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }));
 * model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
 * model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
 * const history = await model.fit(x, y, { epochs: 200, batchSize: 4 });
 * ```
 */
export class Sequential implements CallbackModel {
  readonly name: string;
  readonly seed: number;
  readonly backend: Backend;
  /** Set to true (e.g. from a callback) to stop fit after the current epoch. Reset when fit starts. */
  stopTraining = false;

  private readonly layerList: Layer[] = [];
  /** The weight source layers read through; compile swaps the arena. */
  private readonly store: { arena: Arena | null } = { arena: null };
  private inputs: number | null = null;
  private compiled: Compiled | null = null;
  private compileConfig: ModelConfig['compiled'] | undefined;
  private spec: PlanSpec | null = null;
  private planHandle: PlanHandle | null = null;
  private step = 0;
  private pre: JsonObject | null = null;
  private busy = false; // a fit is running
  private planQueue: Promise<unknown> = Promise.resolve(); // serializes plan calls

  /**
   * @throws ConfigError for an unknown option or a bad seed/backend/name.
   * @throws BackendError when backend 'native' is asked for and the addon cannot load.
   */
  constructor(options: SequentialOptions = {}) {
    readOptions('Sequential', options, SEQUENTIAL_KEYS);
    this.seed = checkInteger('seed', options.seed ?? 0, { min: 0, max: 0xffffffff });
    if (options.name !== undefined && !isString(options.name)) throw invalid('name', 'string', options.name);
    this.name = options.name ?? 'sequential';
    const backend = options.backend === undefined ? undefined : checkChoice('backend', options.backend, BACKEND_NAMES);
    this.backend = getBackend(backend);
  }

  /** The layers, in order (a copy of the list). */
  get layers(): Layer[] {
    return [...this.layerList];
  }

  /** True once the weights exist (after build, or the first fit/evaluate/predict). */
  get built(): boolean {
    return this.store.arena !== null;
  }

  /** Input width, or null before build. */
  get inputWidth(): number | null {
    return this.inputs;
  }

  /** Output width, once known (the last dense layer's units, or from the input width). */
  get outputWidth(): number {
    if (this.layerList.length === 0) throw new ConfigError('The model has no layers');
    const width = this.inputs ?? this.layerList[0].inputShape?.[0];
    if (width !== undefined) return outputWidthOf(this.layerList, width);
    return this.layerList[this.layerList.length - 1].outputWidth;
  }

  /**
   * Appends a layer.
   * @throws ConfigError when the model is already built, or the layer is not a layer or is already in a model.
   */
  add(layer: Layer): this {
    if (typeof layer !== 'object' || layer === null || typeof (layer as Partial<Layer>).toSpec !== 'function') {
      throw new ConfigError(`Expected a layer (e.g. layers.dense({ units: 8 })) for add but received ${describe(layer)}`);
    }
    if (this.built) throw new ConfigError('Cannot add layers to a built model; add every layer before build/fit');
    if (layer.built || this.layerList.includes(layer)) {
      throw new ConfigError(`${layer.label()} is already in a model; create a new layer instead`);
    }
    if (this.layerList.length > 0 && layer.inputShape !== undefined) {
      throw new ConfigError(`inputShape is only allowed on the first layer, but ${layer.label()} is layer ${this.layerList.length}`);
    }
    this.layerList.push(layer);
    return this;
  }

  /**
   * Creates the weights for `inputWidth` input features (default: the first layer's inputShape) and
   * initializes them from the model seed, layer by layer, kernel then bias. Called by fit/evaluate/predict
   * with the data width when needed. Building again with the same width does nothing.
   * @throws ConfigError without layers or without any input width; ShapeError for a width that differs
   *   from inputShape or from the built width.
   */
  build(inputWidth?: number): this {
    if (inputWidth !== undefined) checkInteger('inputWidth', inputWidth, { min: 1 });
    if (this.layerList.length === 0) throw new ConfigError('The model has no layers; add layers before build');
    const declared = this.layerList[0].inputShape?.[0];
    const width = inputWidth ?? declared;
    if (width === undefined) {
      throw new ConfigError('The input width is unknown: give the first layer inputShape: [features], or call build(features)');
    }
    if (declared !== undefined && declared !== width) {
      throw new ShapeError(`The model was declared with inputShape [${declared}] but build was asked for [${width}]`);
    }
    if (this.inputs !== null) {
      if (this.inputs !== width) throw new ShapeError(`The model is built for ${shape(this.inputs)} inputs and cannot be rebuilt for ${shape(width)}`);
      return this;
    }
    // (inputs, units) kernels and (units) biases laid out back to back, each 64-byte aligned
    const slots = [];
    const owners: { layer: Layer; inputs: number; first: number; count: number }[] = [];
    let w = width;
    for (const layer of this.layerList) {
      const own = layer.weightSlots(w);
      owners.push({ layer, inputs: w, first: slots.length, count: own.length });
      slots.push(...own);
      w = layer.outputWidthFor(w);
    }
    const { refs, paramCount } = layoutTensors(slots.map((s) => s.length));
    const arena = new Arena(paramCount, 0);
    const rng = new Rng(this.seed);
    slots.forEach((s, i) => s.initializer.fill(arena.param(refs[i]), s.fanIn, s.fanOut, rng));
    this.store.arena = arena;
    this.inputs = width;
    for (const o of owners) o.layer.attach(this.store, o.inputs, refs.slice(o.first, o.first + o.count));
    if (this.compiled !== null) this.finishCompile();
    return this;
  }

  /**
   * Sets the optimizer, loss, metrics and schedule. Compiling resets the optimizer state and step count;
   * weights are kept. Builds the model when the first layer has inputShape; otherwise the model is built
   * by build(width) or by the first fit/evaluate/predict, from the data's width.
   * @throws ConfigError for a missing/unknown optimizer or loss, an unknown key or metric, accuracy with a
   *   regression loss, or fromLogits with a non-linear last activation.
   */
  compile(options: CompileOptions): void {
    if (!isPlainObject(options)) throw invalid('the options of compile', "an options object such as { optimizer: 'adam', loss: 'mse' }", options);
    checkKeys('compile', options, COMPILE_KEYS);
    this.requireIdle('compile');
    if (options.optimizer === undefined) throw new ConfigError("compile needs an optimizer, e.g. optimizer: 'adam'");
    if (options.loss === undefined) throw new ConfigError("compile needs a loss, e.g. loss: 'mse'");
    if (this.layerList.length === 0) throw new ConfigError('The model has no layers; add layers before compile');
    const optimizer = resolveOptimizer(options.optimizer);
    const loss = resolveLoss(options.loss);
    lossSpecFor(this.layerList, loss); // validates fusion (fromLogits) now, not at the first fit
    const metrics = resolveMetrics(options.metrics, labelModeOf(loss), loss.name);
    const schedule = options.schedule === undefined ? null : resolveSchedule(options.schedule);
    this.compiled = { optimizer, loss, metrics, schedule };
    this.compileConfig = {
      optimizer: optimizer.getConfig(),
      loss: lossToConfig(loss),
      metrics: [...metrics],
      ...(schedule !== null ? { schedule: schedule.getConfig() } : {}),
    };
    if (this.built) this.finishCompile();
    else if (this.layerList[0].inputShape !== undefined) this.build(); // the input width is known: build now, as Keras
  }

  /** True once compile has been called. */
  get isCompiled(): boolean {
    return this.compiled !== null;
  }

  /** The compiled optimizer, or null. */
  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /** The plan a backend runs (after build and compile), for inspection. */
  get planSpec(): PlanSpec | null {
    return this.spec;
  }

  /**
   * Trains the model. Data is validated before anything runs: x's width against the model, rows of x
   * against y, NaN/Infinity, label ranges and widths for the loss.
   * With `checkpoint`, the training position is saved as it goes; `resumeFrom` continues such a run
   * exactly where it stopped (see FitOptions).
   * @returns per-epoch loss, metrics and val_* logs (for a resumed run, the checkpoint's epochs too).
   * @throws ConfigError (options, not compiled), ShapeError, DataError before training; NonFiniteError when
   *   a step produces NaN/Infinity (weights are those before that step); AbortError when `signal` aborts;
   *   ModelFileError when the resumeFrom file cannot be read or a checkpoint cannot be written.
   * @example
   * ```ts
   * const history = await model.fit(x, y, { epochs: 50, batchSize: 32, validationSplit: 0.2 });
   * console.log(history.history.val_loss);
   * // resumable: saves the training position every epoch and every 500 steps
   * await model.fit(x, y, { epochs: 50, checkpoint: { path: 'run.ckpt', everySteps: 500 } });
   * // after a crash, in a new process: the same call with resumeFrom continues where it stopped
   * await model.fit(x, y, { epochs: 50, checkpoint: { path: 'run.ckpt', everySteps: 500 }, resumeFrom: 'run.ckpt' });
   * ```
   */
  async fit(x: InputData | Dataset, y?: TargetData | FitOptions, options: FitOptions = {}): Promise<History> {
    if (isDataset(x)) return this.fitDataset(x, (y ?? {}) as FitOptions);
    if (y === undefined) throw new ConfigError('fit needs targets: fit(x, y, options), or fit(dataset, options)');
    let cfg = parseFitOptions(options);
    const resume = cfg.resumeFrom === null ? null : await loadResumeSource(cfg.resumeFrom);
    if (resume !== null) cfg = resumeConfig(cfg, options, resume);
    const compiled = this.requireCompiled('fit');
    this.requireIdle('fit');
    const width = this.widthFor(x);
    const rule = this.targetRule(compiled, width);
    // shapes are checked here; values (NaN, label ranges) below, in slices that yield to the event loop
    let xs = toInputMatrix(x, width, 'x', false);
    let ys = toTargetMatrix(y as TargetData, xs.rows, rule, 'y', false);
    let validation: { x: Matrix; y: Matrix } | null = null;
    const scans: [Matrix, string, TargetRule | null][] = [
      [xs, 'x', null],
      [ys, 'y', rule],
    ];
    if (cfg.validationData !== undefined) {
      validation = this.validationMatrices(cfg.validationData, width, rule);
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
    this.busy = true;
    try {
      for (const [m, name, r] of scans) await scanValues(m, name, r);
      if (cfg.signal?.aborted) throw new AbortError();
      this.build(width);
      const vds = cfg.validationDataset;
      const data = { x: xs, y: ys, validation, validationDataset: vds === null ? null : { dataset: this.checkDataset(vds, width, rule, 'validationData'), rule } };
      const callbacks = new CallbackList(cfg.callbacks, this);
      const defaultSeed = stepSeed(this.seed, this.step);
      const { start, checkpointer } = startRun(this, { cfg, data, callbacks, schedule: compiled.schedule, defaultSeed, resume });
      return await runFit(this.runtime(), data, cfg, start, callbacks, checkpointer);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Loss (including L1/L2 penalties, as Keras) and compiled metrics over x/y in inference mode.
   * `batchSize` (integer >= 1) defaults to 32; it changes speed, not the result.
   * @throws ConfigError (options, not compiled), ShapeError, DataError.
   * @example
   * ```ts
   * const { loss, accuracy } = await model.evaluate(xTest, yTest);
   * ```
   */
  async evaluate(x: InputData | Dataset, y?: TargetData | EvaluateOptions, options: EvaluateOptions = {}): Promise<Record<string, number>> {
    if (isDataset(x)) {
      const { batchSize } = parseBatchOptions('evaluate', y ?? {}, 32);
      const compiled = this.requireCompiled('evaluate');
      const width = this.inputs ?? x.inputWidth;
      const rule = this.targetRule(compiled, width);
      this.checkDataset(x, width, rule, 'the dataset');
      this.build(width);
      return runEvaluateDataset(this.runtime(), x, rule, batchSize);
    }
    if (y === undefined) throw new ConfigError('evaluate needs targets: evaluate(x, y, options), or evaluate(dataset, options)');
    const { batchSize } = parseBatchOptions('evaluate', options, 32);
    const compiled = this.requireCompiled('evaluate');
    const width = this.widthFor(x);
    const rule = this.targetRule(compiled, width);
    const xs = toInputMatrix(x, width, 'x', false);
    const ys = toTargetMatrix(y as TargetData, xs.rows, rule, 'y', false);
    await scanValues(xs, 'x', null);
    await scanValues(ys, 'y', rule);
    this.build(width);
    return runEvaluate(this.runtime(), xs, ys, batchSize);
  }

  /**
   * Outputs for every row of x (inference mode: no dropout or noise), as a (rows, outputWidth) Matrix.
   * Works on a built model that was never compiled. `batchSize` (integer >= 1) defaults to 256.
   * @throws ConfigError (options, no layers), ShapeError, DataError.
   * @example
   * ```ts
   * const out = await model.predict([[0, 1]]); // { data: Float32Array, rows: 1, cols: outputWidth }
   * const classes = argmaxRows(out);
   * ```
   */
  async predict(x: InputData, options: PredictOptions = {}): Promise<Matrix> {
    const { batchSize } = parseBatchOptions('predict', options, 256);
    if (this.layerList.length === 0) throw new ConfigError('The model has no layers');
    const width = this.widthFor(x);
    const xs = toInputMatrix(x, width, 'x', false);
    await scanValues(xs, 'x', null);
    this.build(width);
    if (this.compiled === null) {
      const specs = this.layerList.map((l) => l.toSpec());
      return forwardInference(this.backend, (fn) => this.exclusive(fn), specs, this.arena().params, xs, batchSize);
    }
    return runPredict(this.runtime(), xs, batchSize);
  }

  /** A Keras-like table of layers, output shapes and weight counts. */
  summary(): string {
    return summaryText(this.name, this.layerList, this.inputs ?? this.layerList[0]?.inputShape?.[0] ?? null);
  }

  /**
   * The parameters, a view into the model's arena (paramCount floats; tensors at their layers' offsets).
   * The view is replaced when compile adds optimizer slots, so do not keep it across compile.
   * @throws ConfigError before build.
   */
  get params(): Float32Array {
    return this.arena().params;
  }

  /**
   * Copies `values` into the parameters.
   * @throws ShapeError when the length differs from paramCount; ConfigError before build.
   */
  setParams(values: Float32Array): void {
    const params = this.arena().params;
    if (!(values instanceof Float32Array) || values.length !== params.length) {
      throw new ShapeError(
        `setParams expects a Float32Array of ${params.length} parameters but received ${values instanceof Float32Array ? `${values.length}` : describe(values)}`,
      );
    }
    params.set(values);
  }

  /** Copies of the optimizer slots and the step count, or null when the model is not compiled and built. */
  getOptimizerState(): OptimizerState | null {
    const arena = this.store.arena;
    if (this.compiled === null || arena === null) return null;
    return copyOptimizerState(arena, this.step);
  }

  /**
   * Restores optimizer state saved by getOptimizerState.
   * @throws ConfigError when not compiled and built or for a bad step; ShapeError for a wrong slot count or length.
   */
  setOptimizerState(state: OptimizerState): void {
    const arena = this.store.arena;
    if (this.compiled === null || arena === null) throw new ConfigError('setOptimizerState needs a built and compiled model');
    this.step = restoreOptimizerState(arena, this.compiled.optimizer.name, state);
  }

  /**
   * What the data layer needs to turn raw rows into this model's inputs and its outputs back into labels
   * (scalers, imputer, column mapping, categories, label and feature names): an opaque JSON object that
   * saveModel/loadModel and checkpoints keep with the weights. null when none was set.
   * The stored value is a frozen copy; set it again to change it.
   * @example model.preprocessing = { scaler: scaler.toJSON(), labels: ['setosa', 'versicolor', 'virginica'] };
   */
  get preprocessing(): JsonObject | null {
    return this.pre;
  }

  /**
   * Stores a frozen plain-JSON copy of `value` (objects with toJSON(), such as scalers, are converted);
   * null or undefined clears it.
   * @throws ConfigError for a non-object, or a value JSON cannot hold exactly (NaN, a typed array, a
   *   function, a cycle, ...), or larger than 64 MiB as JSON.
   */
  set preprocessing(value: object | null | undefined) {
    this.pre = checkPreprocessing(value);
  }

  /** Plain JSON describing the layers (with inputShape on the first) and the compile options. */
  toConfig(): ModelConfig {
    const layers = this.layerList.map((l) => l.getConfig() as LayerConfig);
    if (layers.length > 0 && this.inputs !== null) layers[0] = { ...layers[0], inputShape: [this.inputs] };
    const config: ModelConfig = { name: this.name, seed: this.seed, layers };
    if (this.compileConfig !== undefined) config.compiled = structuredClone(this.compileConfig);
    return config;
  }

  /**
   * A model from toConfig output: layers added, built when the first layer has inputShape, compiled when
   * the config has compile options. A custom schedule (a function) cannot be restored: the model is then
   * compiled without it and a warning is emitted.
   * @throws ConfigError for an invalid config.
   */
  static fromConfig(config: ModelConfig, options: { backend?: BackendName } = {}): Sequential {
    if (!isPlainObject(config) || !Array.isArray(config.layers)) throw invalid('model config', 'an object with layers', config);
    const model = new Sequential({ seed: config.seed, name: config.name, ...(options.backend !== undefined ? { backend: options.backend } : {}) });
    for (const layerConfig of config.layers) model.add(layerFromConfig(layerConfig));
    if (model.layerList.length > 0 && model.layerList[0].inputShape !== undefined) model.build();
    if (config.compiled !== undefined) model.compile(compileOptionsFromConfig(config.compiled));
    return model;
  }

  /**
   * Saves the model to `path` (see saveModel): architecture, compile options, weights, preprocessing and,
   * unless includeOptimizer is false, the optimizer state.
   */
  save(path: string, options?: { includeOptimizer?: boolean }): Promise<void> {
    return saveModel(this, path, options);
  }

  /**
   * Frees the plan's scratch memory. The model stays usable (a new plan is made on the next call).
   * @throws ConfigError while fit is running.
   */
  dispose(): void {
    this.requireIdle('dispose');
    this.planHandle?.dispose();
    this.planHandle = null;
  }

  // ---- internals ----

  /** Adds optimizer slots to the arena and compiles the plan spec (model built and compiled). */
  /**
   * fit over a Dataset: a memory dataset trains as its matrices do (all fit options apply); a stream is
   * read again every epoch in blocks (runStreamFit; checkpoint, resumeFrom, validationSplit and
   * initialEpoch need the data in memory and are rejected).
   */
  private async fitDataset(dataset: Dataset, options: FitOptions): Promise<History> {
    if (dataset.kind === 'memory') {
      for await (const block of dataset.blocks()) return this.fit(block.x, block.y, options);
      throw new ConfigError('The dataset has no rows: nothing to train on');
    }
    const cfg = parseFitOptions(options);
    const unsupported = (['checkpoint', 'resumeFrom', 'validationSplit', 'initialEpoch'] as const).find((k) => options[k] !== undefined && options[k] !== 0);
    if (unsupported !== undefined) {
      throw new ConfigError(`The option '${unsupported}' needs the data in memory; it cannot be used with a streaming dataset (split a stream with hashSplitter when reading it)`);
    }
    const compiled = this.requireCompiled('fit');
    this.requireIdle('fit');
    const width = this.inputs ?? dataset.inputWidth;
    const rule = this.targetRule(compiled, width);
    this.checkDataset(dataset, width, rule, 'the dataset');
    const validation = cfg.validationDataset !== null ? this.checkDataset(cfg.validationDataset, width, rule, 'validationData') : cfg.validationData !== undefined ? this.validationMatrices(cfg.validationData, width, rule) : null;
    this.busy = true;
    try {
      if (validation !== null && !('blocks' in validation)) {
        await scanValues(validation.x, 'validationData[0] (x)', null);
        await scanValues(validation.y, 'validationData[1] (y)', rule);
      }
      this.build(width);
      const callbacks = new CallbackList(cfg.callbacks, this);
      const seed = cfg.seed ?? stepSeed(this.seed, this.step);
      return await runStreamFit(this.runtime(), dataset, rule, validation, cfg, seed, callbacks);
    } finally {
      this.busy = false;
    }
  }

  private checkDataset(dataset: Dataset, width: number, rule: TargetRule, name: string): Dataset {
    if (dataset.inputWidth !== width) throw new ShapeError(`${name} has inputs of width ${dataset.inputWidth} but the model expects ${width}`);
    if (dataset.targetWidth !== rule.labelWidth) {
      throw new ShapeError(`${name} has targets of width ${dataset.targetWidth} but ${rule.lossName} needs ${rule.labelWidth} per row`);
    }
    return dataset;
  }

  private validationMatrices(vd: [unknown, unknown], width: number, rule: TargetRule): { x: Matrix; y: Matrix } {
    const x = toInputMatrix(vd[0], width, 'validationData[0] (x)', false);
    return { x, y: toTargetMatrix(vd[1], x.rows, rule, 'validationData[1] (y)', false) };
  }

  private finishCompile(): void {
    const compiled = this.compiled;
    const arena = this.store.arena;
    if (compiled === null || arena === null || this.inputs === null) return;
    const next = arena.withSlots(compiled.optimizer.slotCount);
    compiled.optimizer.initSlots(next.slots);
    this.store.arena = next;
    this.step = 0;
    this.spec = compilePlan(this.layerList, this.inputs, next.paramCount, lossSpecFor(this.layerList, compiled.loss), compiled.optimizer);
    this.dispose(); // the old plan points at the old arena
  }

  private targetRule(compiled: Compiled, inputWidth: number): TargetRule {
    const outputWidth = outputWidthOf(this.layerList, inputWidth);
    const labelMode = labelModeOf(compiled.loss);
    return { labelMode, outputWidth, labelWidth: labelMode === LabelMode.sparse ? 1 : outputWidth, lossName: compiled.loss.name };
  }

  private runtime(): TrainingRuntime {
    const compiled = this.compiled;
    const spec = this.spec;
    if (compiled === null || spec === null) throw new ConfigError('The model is not compiled');
    const arena = this.arena();
    return {
      backend: this.backend,
      spec,
      arena,
      optimizer: compiled.optimizer,
      schedule: compiled.schedule,
      metrics: compiled.metrics,
      model: this,
      plan: (maxBatch) => (this.planHandle ??= this.backend.createPlan(spec, arena, maxBatch)),
      getStep: () => this.step,
      advanceStep: (steps) => {
        this.step += steps;
      },
      exclusive: (fn) => this.exclusive(fn),
    };
  }

  private arena(): Arena {
    const arena = this.store.arena;
    if (arena === null) throw new ConfigError('The model is not built yet: call build(), or fit/predict with data, first');
    return arena;
  }

  /** The input width: the built one, else the first layer's inputShape, else the data's. */
  private widthFor(x: InputData): number {
    return this.inputs ?? this.layerList[0].inputShape?.[0] ?? inputWidthOf(x);
  }

  private requireCompiled(method: string): Compiled {
    if (this.compiled === null) throw new ConfigError(`Call compile({ optimizer, loss }) before ${method}()`);
    if (this.layerList.length === 0) throw new ConfigError('The model has no layers');
    return this.compiled;
  }

  private requireIdle(method: string): void {
    if (this.busy) throw new ConfigError(`Cannot ${method} while fit is running; await it first (evaluate and predict may run during fit)`);
  }

  /** Runs `fn` after every plan call queued before it (one plan call at a time per model). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.planQueue.then(fn, fn);
    this.planQueue = run.catch(() => undefined);
    return run;
  }
}

const shape = (width: number) => `[N, ${width}]`;
