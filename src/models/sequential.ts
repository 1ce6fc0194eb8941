// A linear stack of layers (Keras's Sequential): build lays the weights out in one arena and initializes
// them from the model seed; compile adds optimizer slots and produces the PlanSpec; fit and evaluate
// hand off to training (trainModel, evaluateModel) through the TrainableModel of trainable.ts; predict runs
// the plan. All memory of a model is its one Arena (params | grads | slots), kept with the plan by its
// ModelRuntime. What a model file holds besides the weights is in model-state.ts (config, optimizer state)
// and src/io (files); checkpoints are written and resumed by src/training.

import type { Backend, PlanSpec } from '../backend/contract.js';
import { BACKEND_NAMES, getBackend, type BackendName } from '../backend/index.js';
import type { CallbackModel } from '../callbacks/callback.js';
import { isDataset, type Dataset } from '../data/dataset.js';
import type { Matrix } from '../data/matrix.js';
import type { InputData, PredictInput, TargetData } from '../data/validate-data.js';
import { checkPreprocessing, type JsonObject } from '../io/json-value.js';
import { saveModel, type SavableModel } from '../io/model-file.js';
import type { Layer } from '../layers/layer.js';
import type { WeightInput, WeightTensor } from '../layers/weight-values.js';
import { layerFromConfig, type LayerConfig } from '../layers/index.js';
import type { Optimizer } from '../optimizers/index.js';
import { evaluateModel } from '../training/evaluate-model.js';
import type { EvaluateOptions, FitOptions, PredictOptions } from '../training/fit-options.js';
import type { History } from '../training/history.js';
import { trainModel } from '../training/train-model.js';
import type { TrainableModel } from '../training/trainable-model.js';
import { ConfigError, ShapeError } from '../util/errors.js';
import { checkChoice, checkInteger, checkKeys, describe, invalid, isPlainObject, isString, readOptions } from '../util/validate.js';
import { COMPILE_KEYS, resolveCompileOptions, type CompileOptions } from './compile-options.js';
import { outputWidthOf } from './compile-plan.js';
import { createWeights } from './create-weights.js';
import { exportOnnx, type OnnxExportOptions } from './onnx/export-onnx.js';
import { buildWidth, checkNewLayer } from './model-checks.js';
import { ModelRuntime } from './model-runtime.js';
import { checkCustomObjects, compileOptionsFromConfig, type CustomObject, type ModelConfig, type OptimizerState } from './model-state.js';
import { readWeights, writeWeights } from './model-weights.js';
import { predictMatrices } from './predict-matrices.js';
import { paramCountOf, summaryText } from './summary.js';
import { trainableModel } from './trainable.js';

/** Options of `new Sequential(options)`; every field is optional. */
export interface SequentialOptions {
  /** uint32 seed of the weight initialization (and the default fit seed). Default 0. */
  seed?: number;
  /** 'native' or 'js'; default: NNTRAIN_BACKEND, else native with a fallback to js (see getBackend). */
  backend?: BackendName;
  /** Shown by summary(). Default 'sequential'. */
  name?: string;
}

export type { CompileOptions } from './compile-options.js';
export type { ModelConfig, OptimizerState } from './model-state.js';

const SEQUENTIAL_KEYS = ['seed', 'backend', 'name'] as const;

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
  /** The arena (the weight source layers read through), compiled options, plan, step count and plan-call queue. */
  private readonly rt: ModelRuntime;
  /** This model as training sees it. */
  private readonly trainable: TrainableModel;
  private inputs: number | null = null;
  private compileConfig: ModelConfig['compiled'] | undefined;
  private pre: JsonObject | null = null;

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
    this.rt = new ModelRuntime(this.backend);
    this.trainable = trainableModel(this, this.rt);
  }

  /** The layers, in order (a copy of the list). */
  get layers(): Layer[] {
    return [...this.layerList];
  }

  /** True once the weights exist (after build, or the first fit/evaluate/predict). */
  get built(): boolean {
    return this.rt.store.arena !== null;
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
    checkNewLayer(layer, this.layerList, this.built);
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
    const width = buildWidth(this.layerList, inputWidth);
    if (this.inputs !== null) {
      if (this.inputs !== width) throw new ShapeError(`The model is built for ${shape(this.inputs)} inputs and cannot be rebuilt for ${shape(width)}`);
      return this;
    }
    const { arena, placement } = createWeights(this.layerList, width, this.seed, (view) => this.backend.cacheLineShift(view));
    this.rt.store.arena = arena;
    this.inputs = width;
    for (const p of placement) p.layer.attach(this.rt.store, p.inputs, p.refs);
    if (this.rt.compiled !== null) this.rt.finishCompile(this.layerList, this.inputs);
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
    this.rt.requireIdle('compile');
    const { compiled, config } = resolveCompileOptions(options, this.layerList);
    this.rt.compiled = compiled;
    this.compileConfig = config;
    if (this.built) this.rt.finishCompile(this.layerList, this.inputs);
    else if (this.layerList[0].inputShape !== undefined) this.build(); // the input width is known: build now, as Keras
  }

  /** True once compile has been called. */
  get isCompiled(): boolean {
    return this.rt.compiled !== null;
  }

  /** The compiled optimizer, or null. */
  get optimizer(): Optimizer | null {
    return this.rt.compiled?.optimizer ?? null;
  }

  /** The plan a backend runs (after build and compile), for inspection. */
  get planSpec(): PlanSpec | null {
    return this.rt.spec;
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
    if (isDataset(x)) return trainModel(this.trainable, x, (y ?? {}) as FitOptions);
    if (y === undefined) throw new ConfigError('fit needs targets: fit(x, y, options), or fit(dataset, options)');
    return trainModel(this.trainable, { x, y: y as TargetData }, options);
  }

  /**
   * Loss (including L1/L2 penalties, as Keras) and compiled metrics over x/y in inference mode.
   * `batchSize` (integer >= 1) defaults to 32; it changes speed, and the result only by the float64
   * rounding of the per-batch sums (a few 1e-16 relative). With `distributed: 'mpi'` every process of an
   * MPI job passes its own rows and all of them return the figures over every process's rows.
   * @throws ConfigError (options, not compiled), ShapeError, DataError; with distributed, ConfigError on
   *   every rank when another rank's evaluate failed.
   * @example
   * ```ts
   * const { loss, accuracy } = await model.evaluate(xTest, yTest);
   * ```
   */
  async evaluate(x: InputData | Dataset, y?: TargetData | EvaluateOptions, options: EvaluateOptions = {}): Promise<Record<string, number>> {
    if (isDataset(x)) return evaluateModel(this.trainable, x, (y ?? {}) as EvaluateOptions);
    if (y === undefined) throw new ConfigError('evaluate needs targets: evaluate(x, y, options), or evaluate(dataset, options)');
    return evaluateModel(this.trainable, { x, y: y as TargetData }, options);
  }

  /**
   * Outputs for every row of x (inference mode: no dropout or noise), as a (rows, outputWidth) Matrix.
   * x is rows (number[][] or an array of typed arrays), a Matrix, or one sample: a flat number[] or typed
   * array of exactly inputWidth numbers, which gives one output row (with inputWidth 1, `[v]` is one
   * sample; a longer flat array is an error, never read as several rows: pass `[[a], [b]]` then).
   * Works on a built model that was never compiled. `batchSize` (integer >= 1) defaults to 1024.
   * Always per process: under MPI, each process predicts the rows it passes (there is nothing to sum).
   * @throws ConfigError (options, no layers), ShapeError, DataError.
   * @example
   * ```ts
   * const out = await model.predict([[0, 1]]); // { data: Float32Array, rows: 1, cols: outputWidth }
   * const classes = argmaxRows(out);
   * const one = await model.predict([5.1, 3.5, 1.4, 0.2]); // one sample of a 4-input model: rows 1
   * ```
   */
  async predict(x: PredictInput, options: PredictOptions = {}): Promise<Matrix> {
    return predictMatrices(this, this.rt, x, options);
  }

  /** A Keras-like table of layers, output shapes and weight counts. */
  summary(): string {
    return summaryText(this.name, this.layerList, this.inputs ?? this.layerList[0]?.inputShape?.[0] ?? null);
  }

  /**
   * The number of weights (every kernel and bias), summary()'s "Total params". `params.length` is larger:
   * the arena starts each tensor on a 64-byte line, and the gaps are not parameters.
   * @example model.countParams() // 4·8 + 8 + 8·3 + 3 = 67 for a 4-8-3 model
   * @throws ConfigError while the input width is unknown (no inputShape and not built yet).
   */
  countParams(): number {
    const width = this.inputs ?? this.layerList[0]?.inputShape?.[0];
    if (width === undefined) throw new ConfigError('countParams needs the input width: give the first layer inputShape, or build/fit the model first');
    return paramCountOf(this.layerList, width);
  }

  /**
   * Copies of the weights, one entry per tensor in Keras's order (each dense layer's kernel, then its
   * bias): `{ name: 'dense_0/kernel', shape: [inputs, units], data }`, `data` row-major with no alignment
   * padding (Σ data.length = countParams()). During a fit it resolves between two chunks of steps, so it
   * holds the weights after one whole step on either backend. Builds the model first when the first
   * layer has inputShape.
   * @example const weights = await model.getWeights(); other.setWeights(weights); // same predictions
   * @throws ConfigError when the model cannot be built yet (no inputShape, not built).
   */
  async getWeights(): Promise<WeightTensor[]> {
    this.buildIfDeclared();
    return this.rt.exclusive(async () => readWeights(this.layerList));
  }

  /**
   * Copies `weights` into the model: one entry per tensor, in getWeights's order (the list getWeights
   * returns, or flat row-major arrays, kernel rows as `number[][]`, any typed array). All are checked —
   * count, each shape, finite values — before any is written. During a fit, call it from a callback.
   * Builds the model first when the first layer has inputShape.
   * @throws ConfigError when the model cannot be built yet, or for a wrong count (listing every expected
   *   name and shape); ShapeError naming the layer's tensor and both shapes; DataError for a non-finite value.
   */
  setWeights(weights: readonly WeightInput[]): void {
    this.buildIfDeclared();
    writeWeights(this.layerList, weights);
  }

  /** Builds a model whose first layer declares inputShape; then requires the arena (ConfigError while the width is unknown). */
  private buildIfDeclared(): void {
    if (!this.built && this.layerList[0]?.inputShape !== undefined) this.build();
    this.rt.arena();
  }

  /**
   * The parameters, a view into the model's arena (paramCount floats; tensors at their layers' offsets,
   * each on a 64-byte line, so it is longer than countParams() by the gaps; getWeights has no gaps).
   * The view is replaced when compile adds optimizer slots, so do not keep it across compile.
   * @throws ConfigError before build.
   */
  get params(): Float32Array {
    return this.rt.arena().params;
  }

  /**
   * Copies `values` into the parameters.
   * @throws ShapeError when the length differs from paramCount; ConfigError before build.
   */
  setParams(values: Float32Array): void {
    const params = this.rt.arena().params;
    if (!(values instanceof Float32Array) || values.length !== params.length) {
      throw new ShapeError(
        `setParams expects a Float32Array of ${params.length} parameters but received ${values instanceof Float32Array ? `${values.length}` : describe(values)}`,
      );
    }
    params.set(values);
  }

  /** Copies of the optimizer slots and the step count, or null when the model is not compiled and built. */
  getOptimizerState(): OptimizerState | null {
    return this.rt.getOptimizerState();
  }

  /**
   * Restores optimizer state saved by getOptimizerState.
   * @throws ConfigError when not compiled and built or for a bad step; ShapeError for a wrong slot count or length.
   */
  setOptimizerState(state: OptimizerState): void {
    this.rt.setOptimizerState(state);
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
  static fromConfig(config: ModelConfig, options: { backend?: BackendName; customObjects?: readonly CustomObject[] } = {}): Sequential {
    if (!isPlainObject(config) || !Array.isArray(config.layers)) throw invalid('model config', 'an object with layers', config);
    const customObjects = checkCustomObjects(options.customObjects);
    const model = new Sequential({ seed: config.seed, name: config.name, ...(options.backend !== undefined ? { backend: options.backend } : {}) });
    for (const layerConfig of config.layers) model.add(layerFromConfig(layerConfig));
    if (model.layerList.length > 0 && model.layerList[0].inputShape !== undefined) model.build();
    if (config.compiled !== undefined) model.compile(compileOptionsFromConfig(config.compiled, customObjects));
    return model;
  }

  /**
   * Saves the model to `path` (see saveModel): architecture, compile options, weights, preprocessing and,
   * unless includeOptimizer is false, the optimizer state. While a fit runs, the file holds the weights
   * after a whole step (the save waits for the current chunk of steps to end).
   */
  save(path: string, options?: { includeOptimizer?: boolean }): Promise<void> {
    return saveModel(savable(this, this.rt), path, options);
  }

  /**
   * Writes the model to `path` as an ONNX model (opset 17): a Gemm and the activation's nodes per dense
   * layer, dropout and noise left out, a command-line model's imputer and scalers folded in; input
   * 'features', output 'probabilities' (softmax/sigmoid) or 'output'. Runs like getWeights during a fit.
   * @example await model.exportOnnx('iris.onnx'); // onnxruntime: session.run({ features })
   * @throws ConfigError when the model is not built or for a bad option.
   */
  exportOnnx(path: string, options?: OnnxExportOptions): Promise<void> {
    return exportOnnx(this, path, options);
  }

  /**
   * Frees the plan's scratch memory. The model stays usable (a new plan is made on the next call).
   * @throws ConfigError while fit is running.
   */
  dispose(): void {
    this.rt.dispose();
  }
}

const shape = (width: number) => `[N, ${width}]`;

/** `model` as saveModel reads it: during a fit, between two steps (native steps update weights on a worker thread). */
function savable(model: Sequential, rt: ModelRuntime): SavableModel {
  return {
    toConfig: () => model.toConfig(),
    get params() {
      return model.params;
    },
    getOptimizerState: () => model.getOptimizerState(),
    get preprocessing() {
      return model.preprocessing;
    },
    atWholeStep: (read) => rt.atWholeStep(read),
  };
}
