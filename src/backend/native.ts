// The native backend: loads the C++ addon (build/Release/nntrain.node or a prebuild, via node-gyp-build)
// and adapts it to the Backend contract. Kernels are thin synchronous calls; a plan's train/evaluate/predict
// run in AsyncWorkers off the event loop. A failed load becomes one BackendError listing what to try; an
// addon whose numbering differs from TypeScript's (shared-codes.ts) is refused with another.

import { createRequire } from 'node:module';

import {
  MAX_THREADS, OPTIMIZER_HYPER_LENGTH, PLAN_FORMAT_VERSION, PLAN_HEADER, PLAN_LAYER_WIDTH, PlanField, PlanLayerField, Precision, STATS_WIDTH,
  type ActivationCode, type LossCode, type LossFusionCode, type OptimizerCode, type TrainStatusCode,
} from './codes.js';
import type { ArenaViews, Backend, BackendInfo, LayerSpec, LossSpec, OptimizerSpec, PlanHandle, PlanSpec, StepBatch, TrainJob, TrainResult } from './contract.js';
import { checkAddonCodes, SHARED_CODES } from './shared-codes.js';
import type { NativeCsvReaderClass } from './native-csv.js';
import { BackendError, ShapeError } from '../util/errors.js';
import { packageRoot } from '../util/package-info.js';
import { checkInteger } from '../util/validate.js';

export { MAX_THREADS, PLAN_FORMAT_VERSION, PLAN_HEADER, PLAN_LAYER_WIDTH } from './codes.js';

// ---- the plan as numbers (layout in codes.ts; decoded by native/binding/plan_decode.cc) ----

/**
 * Encodes a PlanSpec as the fixed numeric layout the addon decodes (native/binding/plan_decode.h): a
 * header of PLAN_HEADER doubles at the offsets of {@link PlanField}, then PLAN_LAYER_WIDTH doubles per
 * layer at the offsets of {@link PlanLayerField}; optimizer.hyper is zero-padded to OPTIMIZER_HYPER_LENGTH.
 * Length: PLAN_HEADER + PLAN_LAYER_WIDTH·L. The addon re-validates everything (throws RangeError).
 * @throws ShapeError when optimizer.hyper has more than OPTIMIZER_HYPER_LENGTH entries.
 */
export function encodePlan(spec: PlanSpec): Float64Array {
  const { loss, optimizer } = spec;
  if (optimizer.hyper.length > OPTIMIZER_HYPER_LENGTH) {
    throw new ShapeError(`Expected at most ${OPTIMIZER_HYPER_LENGTH} optimizer hyperparameters but received ${optimizer.hyper.length}`);
  }
  const out = new Float64Array(PLAN_HEADER + PLAN_LAYER_WIDTH * spec.layers.length);
  const F = PlanField;
  out[F.version] = PLAN_FORMAT_VERSION;
  out[F.inputWidth] = spec.inputWidth;
  out[F.outputWidth] = spec.outputWidth;
  out[F.labelWidth] = spec.labelWidth;
  out[F.paramCount] = spec.paramCount;
  out[F.layerCount] = spec.layers.length;
  out[F.lossKind] = loss.kind;
  out[F.lossParam] = loss.param;
  out[F.lossFusion] = loss.fusion;
  out[F.labelMode] = loss.labelMode;
  out[F.threshold] = loss.threshold;
  out[F.optimizerKind] = optimizer.kind;
  out[F.clipNorm] = optimizer.clipNorm;
  out[F.clipValue] = optimizer.clipValue;
  out.set(optimizer.hyper, F.hyper);
  out[F.trainableCount] = spec.trainableCount ?? spec.paramCount;
  out[F.precision] = spec.precision ?? Precision.fp32;
  spec.layers.forEach((l, i) => encodeLayer(out.subarray(PLAN_HEADER + PLAN_LAYER_WIDTH * i), l));
  return out;
}

function encodeLayer(out: Float64Array, l: LayerSpec): void {
  const F = PlanLayerField;
  out[F.kind] = l.kind;
  out[F.inputs] = l.inputs;
  out[F.units] = l.units;
  out[F.activation] = l.activation;
  out[F.activationParam] = l.activationParam;
  out[F.rate] = l.rate;
  out[F.kernelOffset] = l.kernel ? l.kernel.offset : -1;
  out[F.kernelLength] = l.kernel ? l.kernel.length : 0;
  out[F.biasOffset] = l.bias ? l.bias.offset : -1;
  out[F.biasLength] = l.bias ? l.bias.length : 0;
  out[F.kernelL1] = l.kernelPenalty.l1;
  out[F.kernelL2] = l.kernelPenalty.l2;
  out[F.biasL1] = l.biasPenalty.l1;
  out[F.biasL2] = l.biasPenalty.l2;
  out[F.momentum] = l.momentum ?? 0;
  out[F.meanOffset] = l.runningMean ? l.runningMean.offset : -1;
  out[F.meanLength] = l.runningMean ? l.runningMean.length : 0;
  out[F.varOffset] = l.runningVar ? l.runningVar.offset : -1;
  out[F.varLength] = l.runningVar ? l.runningVar.length : 0;
}

// ---- the addon's shape (native/binding/*.cc) ----

interface NativePlan {
  train(x: Float32Array, y: Float32Array, order: Uint32Array, lrs: Float32Array, stats: Float64Array, control: Int32Array,
    firstBatch: number, steps: number, batchSize: number, globalStep: number, seed: number,
    comm?: unknown, lastStepRows?: number, bucketBytes?: number, weights?: Float32Array): Promise<{ stepsDone: number; status: number }>;
  computeGradients(x: Float32Array, y: Float32Array, rows: number, training: boolean, seed: number, step: number, stats: Float64Array, weights?: Float32Array): number;
  evaluate(x: Float32Array, y: Float32Array, start: number, count: number, batchSize: number, stats: Float64Array, weights?: Float32Array): Promise<void>;
  predict(x: Float32Array, start: number, count: number, batchSize: number, out: Float32Array): Promise<void>;
  forwardStep(x: Float32Array, y: Float32Array, weights: Float32Array | null, order: Uint32Array, begin: number, rows: number, seed: number, step: number,
    out: Float32Array, target: Float32Array, weightsOut: Float32Array | null): void;
  backwardStep(dOut: Float32Array | null, rows: number, loss: number, lr: number, step: number, stats: Float64Array, statsRow: number): number;
  /** Absent in an addon built before it. */
  predictSync?(x: Float32Array, start: number, count: number, batchSize: number, out: Float32Array): void;
  dispose(): void;
  readonly maxBatch: number;
}

/** The raw exports of nntrain.node. Every entry checks its arguments and throws TypeError/RangeError. */
export interface NativeAddon {
  /**
   * kernelBf16: the bf16 GEMM in use ('avx512bf16', or 'emulated' where the CPU lacks the instructions:
   * bf16Native false); kernelsBf16: the names NNTRAIN_KERNEL_BF16 accepts.
   */
  info(): { name: 'native'; kernel: string; kernels: string; kernelBf16: string; kernelsBf16: string; bf16Native: boolean; threads: number; napiVersion: number; collectiveVersion?: number };
  /** The numbering built into the addon, keyed as SHARED_CODES (native/binding/codes.cc); checked at load. */
  codes(): unknown;
  /** Threads this addon instance may use (integer in [1, 256], else RangeError). */
  setThreads(n: number): void;
  /** Floats from view[0] to the first 64-byte boundary (0..15). */
  cacheLineShift(view: Float32Array): number;
  gemm(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number): void;
  /**
   * The table's bf16 GEMM (testing entry): gemm with op(A), op(B) rounded to bf16 (nearest even) and fp32
   * accumulation; bias (n), z (m*n) and act/actParam as the dense forward epilogue (only where the fp32
   * kernel fuses epilogues, else it throws; act 0 = linear).
   */
  gemmBf16(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number, bias: Float32Array | null, z: Float32Array | null, act: number, actParam: number): void;
  gemmRef(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number): void;
  denseForward(out: Float32Array, preact: Float32Array | null, inp: Float32Array, weight: Float32Array, bias: Float32Array | null, B: number, C: number, OC: number, act: number, actParam: number): void;
  denseBackward(dinp: Float32Array | null, dweight: Float32Array, dbias: Float32Array | null, dpreact: Float32Array, dout: Float32Array, inp: Float32Array, weight: Float32Array, preact: Float32Array, out: Float32Array, B: number, C: number, OC: number, act: number, actParam: number, doutIsPreact: boolean): void;
  activationForward(out: Float32Array, inp: Float32Array, rows: number, cols: number, act: number, param: number): void;
  activationBackward(dinp: Float32Array, dout: Float32Array, inp: Float32Array, out: Float32Array, rows: number, cols: number, act: number, param: number): void;
  lossForward(pred: Float32Array, target: Float32Array, rows: number, cols: number, kind: LossCode, param: number, fusion: LossFusionCode): number;
  lossBackward(dpred: Float32Array, pred: Float32Array, target: Float32Array, rows: number, cols: number, kind: LossCode, param: number, fusion: LossFusionCode): void;
  optimizerStep(params: Float32Array, grads: Float32Array, slots: Float32Array[], n: number, kind: OptimizerCode, hyper: Float64Array, lr: number, step: number): void;
  sumSquares(x: Float32Array, n: number): number;
  /** stepRng(seed, step) draws into out: kind 0 uniform, 1 normal, 2 uint32 (parity with src/util/rng.ts). */
  rngFill(out: Float64Array, seed: number, step: number, kind: 0 | 1 | 2): void;
  Plan: new (spec: Float64Array, params: Float32Array, grads: Float32Array, slots: Float32Array[], maxBatch: number) => NativePlan;
  /** The CSV reader (native/binding/csv_wrap.h), used by src/data/csv/native-source.ts. */
  CsvReader: NativeCsvReaderClass;
}

// ---- loading ----

let addon: NativeAddon | undefined;

/**
 * The raw addon, loaded once per thread with node-gyp-build from the package root (build/Release, then
 * prebuilds/), after checking that its numbering equals this build's (a stale or mismatched binary never
 * runs). Works from src/ (tsx, vitest) and dist/src/ (compiled) alike.
 * @throws BackendError with the original error as `cause` and a list of possible solutions, or naming
 * each code that differs from TypeScript's.
 */
export function loadNativeAddon(): NativeAddon {
  if (addon) return addon;
  const lib = requireAddon();
  checkAddonCodes(SHARED_CODES, typeof lib.codes === 'function' ? lib.codes() : undefined);
  addon = lib;
  return addon;
}

function requireAddon(): NativeAddon {
  try {
    const require = createRequire(import.meta.url);
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
    return nodeGypBuild(packageRoot()) as NativeAddon;
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    throw new BackendError(
      [
        'nntrain: the native backend could not be loaded.',
        `  Cause: ${cause}`,
        'Possible solutions:',
        '  - Rebuild the addon for this Node.js: npm rebuild nntrain (in a checkout: npm run build:native).',
        '    Prebuilt binaries cover Linux x64 and arm64 with glibc 2.28+; elsewhere the install compiles one,',
        "    unless npm skipped nntrain's install script (--ignore-scripts, or allowScripts): allow it, then rebuild",
        '  - Install the build tools it needs: a C++20 compiler (g++ 10+ or clang++ 10+), make and python3',
        '    (macOS: xcode-select --install; Windows: Visual Studio Build Tools with "Desktop development with C++")',
        "  - Use the pure-TypeScript backend: set NNTRAIN_BACKEND=js or pass { backend: 'js' }",
      ].join('\n'),
      { cause: err },
    );
  }
}

/**
 * The native Backend over the addon.
 * @example
 * ```ts
 * const backend = loadNativeBackend();
 * backend.info(); // { name: 'native', kernel: 'avx2', threads: 2 }
 * ```
 * @throws BackendError when the addon cannot be loaded (see {@link loadNativeAddon}).
 */
export function loadNativeBackend(): Backend {
  return new NativeBackend(loadNativeAddon());
}

/**
 * Sets the threads the native backend may use (this thread's addon instance: its plans and kernels,
 * from the next call on). Results do not depend on the thread count. Default: the CPUs this process
 * may use, or NNTRAIN_THREADS. Does nothing when the addon cannot load (the js backend is single-threaded).
 * @param n integer in [1, 256].
 * @throws ConfigError when n is not an integer in [1, 256].
 * @example
 * ```ts
 * setThreads(1); // e.g. when several worker_threads each train a model
 * getBackend('native').info().threads; // 1
 * ```
 */
export function setThreads(n: number): void {
  checkInteger('threads', n, { min: 1, max: MAX_THREADS });
  let lib: NativeAddon;
  try {
    lib = loadNativeAddon();
  } catch {
    return;
  }
  lib.setThreads(n);
}

// ---- light shape checks (the addon repeats them as O(1) length checks) ----

function need(array: Float32Array | Float64Array | Uint32Array | Int32Array, length: number, what: string): void {
  if (array.length < length) throw new ShapeError(`Expected at least ${length} elements for ${what} but received ${array.length}`);
}

/** The hyperparameters as the Float64Array the addon takes, cached per OptimizerSpec object. */
const hyperCache = new WeakMap<OptimizerSpec, Float64Array>();
function hyperOf(opt: OptimizerSpec): Float64Array {
  let hyper = hyperCache.get(opt);
  if (!hyper || !opt.hyper.every((h, i) => h === hyper?.[i])) {
    if (opt.hyper.length > OPTIMIZER_HYPER_LENGTH) throw new ShapeError(`Expected at most ${OPTIMIZER_HYPER_LENGTH} optimizer hyperparameters but received ${opt.hyper.length}`);
    hyper = new Float64Array(OPTIMIZER_HYPER_LENGTH);
    hyper.set(opt.hyper);
    hyperCache.set(opt, hyper);
  }
  return hyper;
}

class NativeBackend implements Backend {
  readonly name = 'native' as const;
  constructor(private readonly lib: NativeAddon) {}

  info(): BackendInfo {
    const { kernel, kernelBf16, threads, collectiveVersion } = this.lib.info();
    return collectiveVersion === undefined ? { name: 'native', kernel, kernelBf16, threads } : { name: 'native', kernel, kernelBf16, threads, collectiveVersion };
  }

  setThreads(n: number): void {
    this.lib.setThreads(checkInteger('threads', n, { min: 1, max: MAX_THREADS }));
  }

  cacheLineShift(view: Float32Array): number {
    return this.lib.cacheLineShift(view);
  }

  gemm(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number): void {
    need(c, m * n, `c (${m}, ${n})`);
    need(a, m * k, `a (${transA ? `${k}, ${m}` : `${m}, ${k}`})`);
    need(b, k * n, `b (${transB ? `${n}, ${k}` : `${k}, ${n}`})`);
    this.lib.gemm(c, a, b, m, n, k, transA, transB, alpha, beta);
  }

  denseForward(out: Float32Array, preact: Float32Array | null, inp: Float32Array, weight: Float32Array, bias: Float32Array | null, B: number, C: number, OC: number, act: ActivationCode, actParam: number): void {
    need(inp, B * C, `inp (${B}, ${C})`);
    need(weight, C * OC, `weight (${C}, ${OC})`);
    need(out, B * OC, `out (${B}, ${OC})`);
    this.lib.denseForward(out, preact, inp, weight, bias, B, C, OC, act, actParam);
  }

  denseBackward(dinp: Float32Array | null, dweight: Float32Array, dbias: Float32Array | null, dpreact: Float32Array, dout: Float32Array, inp: Float32Array, weight: Float32Array, preact: Float32Array, out: Float32Array, B: number, C: number, OC: number, act: ActivationCode, actParam: number, doutIsPreact: boolean): void {
    need(dout, B * OC, `dout (${B}, ${OC})`);
    need(dweight, C * OC, `dweight (${C}, ${OC})`);
    need(inp, B * C, `inp (${B}, ${C})`);
    this.lib.denseBackward(dinp, dweight, dbias, dpreact, dout, inp, weight, preact, out, B, C, OC, act, actParam, doutIsPreact);
  }

  activationForward(out: Float32Array, inp: Float32Array, rows: number, cols: number, act: ActivationCode, param: number): void {
    need(inp, rows * cols, `inp (${rows}, ${cols})`);
    need(out, rows * cols, `out (${rows}, ${cols})`);
    this.lib.activationForward(out, inp, rows, cols, act, param);
  }

  activationBackward(dinp: Float32Array, dout: Float32Array, inp: Float32Array, out: Float32Array, rows: number, cols: number, act: ActivationCode, param: number): void {
    need(dout, rows * cols, `dout (${rows}, ${cols})`);
    need(dinp, rows * cols, `dinp (${rows}, ${cols})`);
    this.lib.activationBackward(dinp, dout, inp, out, rows, cols, act, param);
  }

  lossForward(pred: Float32Array, target: Float32Array, rows: number, cols: number, loss: LossSpec): number {
    need(pred, rows * cols, `pred (${rows}, ${cols})`);
    return this.lib.lossForward(pred, target, rows, cols, loss.kind, loss.param, loss.fusion);
  }

  lossBackward(dpred: Float32Array, pred: Float32Array, target: Float32Array, rows: number, cols: number, loss: LossSpec): void {
    need(pred, rows * cols, `pred (${rows}, ${cols})`);
    need(dpred, rows * cols, `dpred (${rows}, ${cols})`);
    this.lib.lossBackward(dpred, pred, target, rows, cols, loss.kind, loss.param, loss.fusion);
  }

  optimizerStep(params: Float32Array, grads: Float32Array, slots: Float32Array[], n: number, opt: OptimizerSpec, lr: number, step: number): void {
    need(params, n, 'params');
    need(grads, n, 'grads');
    this.lib.optimizerStep(params, grads, slots, n, opt.kind, hyperOf(opt), lr, step);
  }

  sumSquares(x: Float32Array, n: number): number {
    need(x, n, 'x');
    return this.lib.sumSquares(x, n);
  }

  createPlan(spec: PlanSpec, arena: ArenaViews, maxBatch: number): PlanHandle {
    need(arena.params, spec.paramCount, 'params');
    need(arena.grads, spec.paramCount, 'grads');
    let plan: NativePlan;
    try {
      plan = new this.lib.Plan(encodePlan(spec), arena.params, arena.grads, arena.slots, maxBatch);
    } catch (err) {
      // a bf16 plan on a CPU without AVX512_BF16 (the addon's check_precision)
      if ((err as { code?: unknown }).code === 'NNTRAIN_BF16_UNSUPPORTED') throw new BackendError(`nntrain: ${(err as Error).message}`, { cause: err });
      throw err;
    }
    return new NativePlanHandle(plan, spec);
  }
}

class NativePlanHandle implements PlanHandle {
  readonly predictSync?: (x: Float32Array, start: number, count: number, batchSize: number, out: Float32Array) => void;

  constructor(
    private readonly plan: NativePlan,
    private readonly spec: PlanSpec,
  ) {
    if (typeof plan.predictSync === 'function') {
      this.predictSync = (x, start, count, batchSize, out) => {
        this.checkPredict(x, start, count, out);
        plan.predictSync!(x, start, count, batchSize, out);
      };
    }
  }

  async train(job: TrainJob): Promise<TrainResult> {
    need(job.lrs, job.steps, 'lrs');
    need(job.stats, job.steps * STATS_WIDTH, `stats (${job.steps}, ${STATS_WIDTH})`);
    const { stepsDone, status } = await this.plan.train(job.x, job.y, job.order, job.lrs, job.stats, job.control,
      job.firstBatch, job.steps, job.batchSize, job.globalStep, job.seed, job.comm?.handle, job.comm?.lastStepRows, job.comm?.bucketBytes, job.weights);
    return { stepsDone, status: status as TrainStatusCode };
  }

  computeGradients(x: Float32Array, y: Float32Array, rows: number, training: boolean, seed: number, step: number, stats: Float64Array, weights?: Float32Array): number {
    need(x, rows * this.spec.inputWidth, `x (${rows}, ${this.spec.inputWidth})`);
    need(y, rows * this.spec.labelWidth, `y (${rows}, ${this.spec.labelWidth})`);
    if (weights) need(weights, rows, `weights (${rows})`);
    return this.plan.computeGradients(x, y, rows, training, seed, step, stats, weights);
  }

  forwardStep(b: StepBatch): void {
    this.plan.forwardStep(b.x, b.y, b.weights, b.order, b.begin, b.rows, b.seed, b.step, b.out, b.target, b.rowWeights);
  }

  backwardStep(dOut: Float32Array | null, rows: number, loss: number, lr: number, step: number, stats: Float64Array, statsRow: number): TrainStatusCode {
    return this.plan.backwardStep(dOut, rows, loss, lr, step, stats, statsRow) as TrainStatusCode;
  }

  evaluate(x: Float32Array, y: Float32Array, start: number, count: number, batchSize: number, stats: Float64Array, weights?: Float32Array): Promise<void> {
    need(x, (start + count) * this.spec.inputWidth, `x (${start + count}, ${this.spec.inputWidth})`);
    need(y, (start + count) * this.spec.labelWidth, `y (${start + count}, ${this.spec.labelWidth})`);
    if (weights) need(weights, start + count, `weights (${start + count})`);
    return this.plan.evaluate(x, y, start, count, batchSize, stats, weights);
  }

  predict(x: Float32Array, start: number, count: number, batchSize: number, out: Float32Array): Promise<void> {
    this.checkPredict(x, start, count, out);
    return this.plan.predict(x, start, count, batchSize, out);
  }

  private checkPredict(x: Float32Array, start: number, count: number, out: Float32Array): void {
    const { inputWidth, outputWidth } = this.spec;
    // the messages only on failure: a one-row predict is a few microseconds
    if (x.length < (start + count) * inputWidth) need(x, (start + count) * inputWidth, `x (${start + count}, ${inputWidth})`);
    if (out.length < count * outputWidth) need(out, count * outputWidth, `out (${count}, ${outputWidth})`);
  }

  dispose(): void {
    this.plan.dispose();
  }
}
