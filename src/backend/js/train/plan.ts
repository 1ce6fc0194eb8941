// The plan executor of the js backend (twin of native/train/): forward, loss, backward and update for a
// chunk of training steps, following the algorithm in contract.ts PlanHandle. Scratch is sized for
// `capacity` rows, allocated when the plan is created and grown once when a call needs more rows; a
// training step allocates nothing.

import { Activation, LayerKind, LossFusion, Precision, STATS_WIDTH, Stat, TrainStatus, type TrainStatusCode } from '../../codes.js';
import type { ArenaViews, LayerSpec, PlanHandle, PlanSpec, StepBatch, TrainJob, TrainResult } from '../../contract.js';
import { Rng, stepRng } from '../../../util/rng.js';
import { BackendError, ShapeError } from '../../../util/errors.js';
import { activationBackward, activationForward } from '../act/activation.js';
import { denseBackward, denseForward } from '../dense.js';
import { batchNormBackward, batchNormForward, layerNormBackward, layerNormForward } from '../norm.js';
import { lossBackward, lossForward } from '../loss/loss.js';
import { weightedLossBackward, weightedLossForward } from '../loss/weighted.js';
import { accumulateStats } from '../loss/stats.js';
import { clipByValue, penaltyBackward, penaltyLoss, scaleInPlace, sumSquares } from '../optim/clip.js';
import { optimizerStep } from '../optim/optim.js';
import { validatePlan } from './plan-validate.js';

const EMPTY = new Float32Array(0);
const EMPTY64 = new Float64Array(0);

/** Whether a layer kind owns trainable tensors (kernel and bias: a norm layer's gamma and beta). */
function ownsTensors(kind: number): boolean {
  return kind === LayerKind.dense || kind === LayerKind.batchNorm || kind === LayerKind.layerNorm;
}

/** Copies `rows` rows of `width` floats from src (starting at row `from`) to the start of dst. */
function copyRows(dst: Float32Array, src: Float32Array, from: number, rows: number, width: number): void {
  const n = rows * width;
  const o = from * width;
  for (let i = 0; i < n; i++) dst[i] = src[o + i];
}

export class JsPlan implements PlanHandle {
  private readonly layers: LayerSpec[];
  private readonly fused: boolean;
  /** Every GEMM rounds its inputs to bfloat16 (PlanSpec.precision). */
  private readonly bf16: boolean;
  /** Index of the first layer owning tensors: backward stops there (nothing before it has parameters). */
  private readonly firstParamLayer: number;
  private readonly maxWidth: number;
  // Views into the arena, made once: kernel/bias parameters and gradients per layer (EMPTY when absent).
  private readonly kernels: Float32Array[] = [];
  private readonly kernelGrads: Float32Array[] = [];
  private readonly biases: (Float32Array | null)[] = [];
  private readonly biasGrads: (Float32Array | null)[] = [];
  // batchNorm: views of its running statistics (EMPTY elsewhere)
  private readonly runningMeans: Float32Array[] = [];
  private readonly runningVars: Float32Array[] = [];
  /** Floats of params the optimizer, clipping and the norm cover (the running statistics lie past them). */
  private readonly trainable: number;
  // Scratch for `capacity` rows.
  private capacity = 0;
  private acts: Float32Array[] = []; // acts[0] (cap, inputWidth) gathered input; acts[l+1] output of layer l
  private preacts: (Float32Array | null)[] = []; // dense with a non-linear activation: Z (cap, units)
  private masks: (Float32Array | null)[] = []; // dropout: the scaled keep mask (cap, units)
  private targets = EMPTY; // (cap, labelWidth) gathered targets
  private weights = EMPTY; // (cap) gathered row weights of a weighted chunk
  private readonly rowPred: Float32Array; // (outputWidth) and (labelWidth): one row for the weighted loss
  private readonly rowTarget: Float32Array;
  private gradA = EMPTY; // (cap, maxWidth) ping-pong activation gradients
  private gradB = EMPTY;
  private dpreact = EMPTY; // (cap, maxWidth) dZ scratch of denseBackward
  // Per norm layer, the last forward pass's statistics: batchNorm per column (units), layerNorm per row (cap).
  private normMean: Float64Array[] = [];
  private normInvStd: Float64Array[] = [];
  private readonly normSums: Float64Array; // (2·maxWidth) per-column sums of norm backward
  private forwardTraining = false;
  // Set by each forward pass: what layer l read and wrote (aliases of the buffers above, or of the input).
  private readonly layerIn: Float32Array[];
  private readonly layerOut: Float32Array[];
  private readonly rng = new Rng(0);
  private lastPenalty = 0; // penalty of the last lossAndStats call
  private pendingRows = 0; // rows of a forwardStep that backwardStep may finish (0: none)
  private pendingWeighted = false; // that forwardStep gathered row weights into this.weights
  private disposed = false;

  constructor(
    private readonly spec: PlanSpec,
    private readonly arena: ArenaViews,
    maxBatch: number,
  ) {
    validatePlan(spec, arena, maxBatch);
    this.layers = spec.layers;
    this.fused = spec.loss.fusion !== LossFusion.none;
    this.bf16 = spec.precision === Precision.bf16;
    this.firstParamLayer = this.layers.findIndex((l) => ownsTensors(l.kind));
    this.trainable = spec.trainableCount ?? spec.paramCount;
    this.maxWidth = Math.max(spec.inputWidth, ...this.layers.map((l) => l.units));
    for (const layer of this.layers) {
      const k = layer.kernel;
      const b = layer.bias;
      this.kernels.push(k ? arena.params.subarray(k.offset, k.offset + k.length) : EMPTY);
      this.kernelGrads.push(k ? arena.grads.subarray(k.offset, k.offset + k.length) : EMPTY);
      this.biases.push(b ? arena.params.subarray(b.offset, b.offset + b.length) : null);
      this.biasGrads.push(b ? arena.grads.subarray(b.offset, b.offset + b.length) : null);
      const rm = layer.runningMean ?? null;
      const rv = layer.runningVar ?? null;
      this.runningMeans.push(rm ? arena.params.subarray(rm.offset, rm.offset + rm.length) : EMPTY);
      this.runningVars.push(rv ? arena.params.subarray(rv.offset, rv.offset + rv.length) : EMPTY);
    }
    this.normSums = new Float64Array(2 * this.maxWidth);
    this.layerIn = this.layers.map(() => EMPTY);
    this.layerOut = this.layers.map(() => EMPTY);
    this.rowPred = new Float32Array(spec.outputWidth);
    this.rowTarget = new Float32Array(spec.labelWidth);
    this.ensureCapacity(maxBatch);
  }

  /** Grows every scratch buffer to hold `rows` rows (no-op when it already does). */
  private ensureCapacity(rows: number): void {
    if (this.disposed) throw new Error('This plan was disposed');
    if (rows <= this.capacity) return;
    const cap = rows;
    const { inputWidth, labelWidth } = this.spec;
    this.acts = [new Float32Array(cap * inputWidth), ...this.layers.map((l) => new Float32Array(cap * l.units))];
    this.preacts = this.layers.map((l) => (l.kind === LayerKind.dense && l.activation !== Activation.linear ? new Float32Array(cap * l.units) : null));
    this.masks = this.layers.map((l) => (l.kind === LayerKind.dropout ? new Float32Array(cap * l.units) : null));
    this.targets = new Float32Array(cap * labelWidth);
    this.weights = new Float32Array(cap);
    this.gradA = new Float32Array(cap * this.maxWidth);
    this.gradB = new Float32Array(cap * this.maxWidth);
    this.dpreact = new Float32Array(cap * this.maxWidth);
    const statsLength = (l: LayerSpec) => (l.kind === LayerKind.batchNorm ? l.units : l.kind === LayerKind.layerNorm ? cap : 0);
    this.normMean = this.layers.map((l) => (statsLength(l) > 0 ? new Float64Array(statsLength(l)) : EMPTY64));
    this.normInvStd = this.layers.map((l) => (statsLength(l) > 0 ? new Float64Array(statsLength(l)) : EMPTY64));
    this.capacity = cap;
  }

  /** Forward over `rows` rows of `input`; records layerIn/layerOut and returns the output (rows, outputWidth). */
  /** `updateRunning`: a training pass moves the batchNorm running statistics (a training step does, computeGradients does not). */
  private forward(input: Float32Array, rows: number, training: boolean, updateRunning = false): Float32Array {
    this.pendingRows = 0; // a forwardStep's activations are overwritten
    const rng = this.rng;
    let cur = input;
    this.forwardTraining = training;
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      const width = layer.units;
      const n = rows * width;
      this.layerIn[l] = cur;
      switch (layer.kind) {
        case LayerKind.dense: {
          const out = this.acts[l + 1];
          denseForward(out, this.preacts[l], cur, this.kernels[l], this.biases[l], rows, layer.inputs, width, layer.activation, layer.activationParam, this.bf16);
          cur = out;
          break;
        }
        case LayerKind.dropout:
          if (training) {
            const out = this.acts[l + 1];
            const mask = this.masks[l] as Float32Array;
            const keep = 1 / (1 - layer.rate);
            for (let i = 0; i < n; i++) {
              const m = rng.uniform() >= layer.rate ? keep : 0;
              mask[i] = m;
              out[i] = cur[i] * m;
            }
            cur = out;
          }
          break;
        case LayerKind.gaussianNoise:
          if (training) {
            const out = this.acts[l + 1];
            const std = layer.rate;
            for (let i = 0; i < n; i++) out[i] = cur[i] + std * rng.normal();
            cur = out;
          }
          break;
        case LayerKind.activation: {
          const out = this.acts[l + 1];
          activationForward(out, cur, rows, width, layer.activation, layer.activationParam);
          cur = out;
          break;
        }
        case LayerKind.batchNorm: {
          if (training && rows < 2) throw new ShapeError(`batchNormalization needs more than 1 row per batch when training (batch statistics of one row are undefined), but a batch has ${rows}`);
          const out = this.acts[l + 1];
          const gamma = this.kernels[l];
          const beta = this.biases[l] as Float32Array;
          const keep = training && !updateRunning; // read-only in inference
          batchNormForward(out, this.normMean[l], this.normInvStd[l], keep ? null : this.runningMeans[l], keep ? null : this.runningVars[l], cur, gamma, beta, rows, width, layer.rate, layer.momentum ?? 0, training);
          cur = out;
          break;
        }
        case LayerKind.layerNorm: {
          const out = this.acts[l + 1];
          layerNormForward(out, this.normMean[l], this.normInvStd[l], cur, this.kernels[l], this.biases[l] as Float32Array, rows, width, layer.rate);
          cur = out;
          break;
        }
      }
      this.layerOut[l] = cur;
    }
    return cur;
  }

  /** What the loss reads after a forward pass: the output, or the last layer's pre-activation when fused. */
  private lossInput(): Float32Array {
    const last = this.layers.length - 1;
    if (!this.fused) return this.layerOut[last];
    if (this.layers[last].kind === LayerKind.dense) return this.preacts[last] ?? this.layerOut[last];
    return this.layerIn[last]; // activation layer: its input is the logits
  }

  /** L1/L2 penalty of the whole model. */
  private penalty(): number {
    let s = 0;
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      if (layer.kind !== LayerKind.dense) continue;
      s += penaltyLoss(this.kernels[l], layer.kernelPenalty);
      const b = this.biases[l];
      if (b) s += penaltyLoss(b, layer.biasPenalty);
    }
    return s;
  }

  /**
   * Loss gradient, then layers in reverse into the (already zeroed) gradient region, with penalty gradients.
   * `given`, when not null, is ∂loss/∂output from the caller (target and weights are then not read).
   */
  private backward(target: Float32Array, weights: Float32Array | null, rows: number, training: boolean, given: Float32Array | null = null): void {
    if (this.firstParamLayer < 0) return;
    const last = this.layers.length - 1;
    const outW = this.spec.outputWidth;
    let dout = this.gradA;
    let spare = this.gradB;
    if (given) dout.set(given.subarray(0, rows * outW)); // copied: an activation layer's backward works in place
    else if (weights) weightedLossBackward(dout, this.lossInput(), target, weights, rows, outW, this.spec.loss);
    else lossBackward(dout, this.lossInput(), target, rows, outW, this.spec.loss);
    const fused = this.fused && given === null;
    for (let l = last; l >= this.firstParamLayer; l--) {
      const layer = this.layers[l];
      const fusedHere = fused && l === last;
      const n = rows * layer.units;
      switch (layer.kind) {
        case LayerKind.dense: {
          const dinp = l > this.firstParamLayer ? spare : null;
          const out = this.layerOut[l];
          const dW = this.kernelGrads[l];
          const db = this.biasGrads[l];
          denseBackward(dinp, dW, db, this.dpreact, dout, this.layerIn[l], this.kernels[l], this.preacts[l] ?? out, out, rows, layer.inputs, layer.units, layer.activation, layer.activationParam, fusedHere, this.bf16);
          penaltyBackward(dW, this.kernels[l], layer.kernelPenalty);
          const b = this.biases[l];
          if (b && db) penaltyBackward(db, b, layer.biasPenalty);
          if (dinp) {
            spare = dout;
            dout = dinp;
          }
          break;
        }
        case LayerKind.dropout:
          if (training) {
            const mask = this.masks[l] as Float32Array;
            for (let i = 0; i < n; i++) dout[i] *= mask[i];
          }
          break;
        case LayerKind.gaussianNoise:
          break; // additive noise: identity gradient
        case LayerKind.activation:
          if (!fusedHere) activationBackward(dout, dout, this.layerIn[l], this.layerOut[l], rows, layer.units, layer.activation, layer.activationParam);
          break;
        case LayerKind.batchNorm:
        case LayerKind.layerNorm: {
          const dinp = l > this.firstParamLayer ? spare : null;
          const dgamma = this.kernelGrads[l];
          const dbeta = this.biasGrads[l] as Float32Array;
          if (layer.kind === LayerKind.batchNorm) {
            batchNormBackward(dinp, dgamma, dbeta, this.normSums, dout, this.layerIn[l], this.kernels[l], this.normMean[l], this.normInvStd[l], rows, layer.units, this.forwardTraining, true);
          } else {
            layerNormBackward(dinp, dgamma, dbeta, this.normSums, dout, this.layerIn[l], this.kernels[l], this.normMean[l], this.normInvStd[l], rows, layer.units, true);
          }
          if (dinp) {
            spare = dout;
            dout = dinp;
          }
          break;
        }
      }
    }
  }

  /** Forward + losses + stats row (overwritten at stats[at..]); returns the data loss and leaves the penalty in `lastPenalty`. */
  private lossAndStats(input: Float32Array, target: Float32Array, weights: Float32Array | null, rows: number, training: boolean, stats: Float64Array, at: number, updateRunning = false): number {
    const out = this.forward(input, rows, training, updateRunning);
    const loss = this.spec.loss;
    const dataLoss = this.batchLoss(target, weights, rows);
    const pen = this.penalty();
    stats.fill(0, at, at + STATS_WIDTH);
    stats[at + Stat.lossSum] = dataLoss * rows;
    stats[at + Stat.regLossSum] = pen * rows;
    stats[at + Stat.rows] = rows;
    accumulateStats(stats, at, out, target, rows, this.spec.outputWidth, loss.labelMode, loss.threshold);
    this.lastPenalty = pen;
    return dataLoss;
  }

  /** The batch's data loss, weighted per row unless weights is null. */
  private batchLoss(target: Float32Array, weights: Float32Array | null, rows: number): number {
    const { outputWidth, loss } = this.spec;
    if (weights) return weightedLossForward(this.lossInput(), target, weights, rows, outputWidth, loss, this.rowPred, this.rowTarget);
    return lossForward(this.lossInput(), target, rows, outputWidth, loss);
  }

  /** Runs the steps of `job` synchronously (inside the returned Promise); see contract.ts TrainJob. */
  async train(job: TrainJob): Promise<TrainResult> {
    return this.trainSync(job);
  }

  private trainSync(job: TrainJob): TrainResult {
    if (job.comm !== undefined) {
      // JS cannot reach MPI: the all-reduce runs inside the native addon's chunk
      throw new BackendError("Distributed (MPI) training needs the native backend; the js backend trains on one process only");
    }
    const { inputWidth, labelWidth, paramCount, optimizer } = this.spec;
    const { x, y, order, batchSize, steps } = job;
    const n = order.length;
    const datasetRows = Math.floor(x.length / inputWidth);
    if (job.lrs.length < steps || job.stats.length < steps * STATS_WIDTH) {
      throw new ShapeError(`Expected lrs of length >= ${steps} and stats of length >= ${steps * STATS_WIDTH} but received ${job.lrs.length} and ${job.stats.length}`);
    }
    if (y.length < datasetRows * labelWidth) {
      throw new ShapeError(`Expected y of length >= ${datasetRows * labelWidth} for ${datasetRows} rows but received ${y.length}`);
    }
    const w = job.weights;
    if (w && w.length < datasetRows) throw new ShapeError(`Expected weights of length >= ${datasetRows} for ${datasetRows} rows but received ${w.length}`);
    this.ensureCapacity(Math.min(batchSize, n));
    const { params, grads, slots } = this.arena;
    const x0 = this.acts[0];
    const target = this.targets;
    for (let i = 0; i < steps; i++) {
      if (Atomics.load(job.control, 0) !== 0) return { stepsDone: i, status: TrainStatus.aborted };
      const start = (job.firstBatch + i) * batchSize;
      const rows = Math.min(batchSize, n - start);
      if (rows <= 0) throw new ShapeError(`Batch ${job.firstBatch + i} starts at row ${start} but the epoch has ${n} rows`);
      for (let r = 0; r < rows; r++) {
        const src = order[start + r];
        if (src >= datasetRows) throw new ShapeError(`Row index ${src} in order is out of range for ${datasetRows} rows`);
        const xo = src * inputWidth;
        const xd = r * inputWidth;
        for (let j = 0; j < inputWidth; j++) x0[xd + j] = x[xo + j];
        const yo = src * labelWidth;
        const yd = r * labelWidth;
        for (let j = 0; j < labelWidth; j++) target[yd + j] = y[yo + j];
        if (w) this.weights[r] = w[src];
      }
      const step = job.globalStep + i;
      stepRng(job.seed, step, this.rng);
      const weights = w ? this.weights : null;
      const dataLoss = this.lossAndStats(x0, target, weights, rows, true, job.stats, i * STATS_WIDTH, true);
      if (!Number.isFinite(dataLoss + this.lastPenalty)) return { stepsDone: i, status: TrainStatus.nonFiniteLoss };
      grads.fill(0, 0, paramCount);
      this.backward(target, weights, rows, true);
      const trained = this.trainable; // the running statistics past it take no step
      if (optimizer.clipValue > 0) clipByValue(grads, trained, optimizer.clipValue);
      const norm = Math.sqrt(sumSquares(grads, trained));
      if (!Number.isFinite(norm)) return { stepsDone: i, status: TrainStatus.nonFiniteGradient };
      if (optimizer.clipNorm > 0 && norm > optimizer.clipNorm) scaleInPlace(grads, trained, optimizer.clipNorm / (norm + 1e-6));
      optimizerStep(params, grads, slots, trained, optimizer, job.lrs[i], step + 1);
    }
    return { stepsDone: steps, status: TrainStatus.ok };
  }

  forwardStep(b: StepBatch): void {
    const { inputWidth, labelWidth, outputWidth } = this.spec;
    const { x, y, order, begin, rows } = b;
    const datasetRows = Math.floor(x.length / inputWidth);
    if (!(Number.isInteger(rows) && rows >= 1 && Number.isInteger(begin) && begin >= 0 && begin + rows <= order.length)) {
      throw new ShapeError(`Expected rows >= 1 from begin ${begin} within the ${order.length} rows of order but received ${rows}`);
    }
    if (y.length < datasetRows * labelWidth || b.out.length < rows * outputWidth || b.target.length < rows * labelWidth) {
      throw new ShapeError(`Expected y (${datasetRows}, ${labelWidth}), out (${rows}, ${outputWidth}) and target (${rows}, ${labelWidth}) but received lengths ${y.length}, ${b.out.length}, ${b.target.length}`);
    }
    const w = b.weights;
    const wOut = b.rowWeights;
    if ((w === null) !== (wOut === null) || (w && w.length < datasetRows) || (wOut && wOut.length < rows)) {
      throw new ShapeError(`Expected weights (${datasetRows}) and rowWeights (${rows}), or both null`);
    }
    this.ensureCapacity(rows);
    const x0 = this.acts[0];
    const target = this.targets;
    for (let r = 0; r < rows; r++) {
      const src = order[begin + r];
      if (src >= datasetRows) throw new ShapeError(`Row index ${src} in order is out of range for ${datasetRows} rows`);
      x0.set(x.subarray(src * inputWidth, (src + 1) * inputWidth), r * inputWidth);
      target.set(y.subarray(src * labelWidth, (src + 1) * labelWidth), r * labelWidth);
      if (w && wOut) wOut[r] = this.weights[r] = w[src];
    }
    stepRng(b.seed, b.step, this.rng);
    const out = this.forward(x0, rows, true, true);
    b.out.set(out.subarray(0, rows * outputWidth));
    b.target.set(target.subarray(0, rows * labelWidth));
    this.pendingRows = rows;
    this.pendingWeighted = w !== null;
  }

  backwardStep(dOut: Float32Array | null, rows: number, loss: number, lr: number, step: number, stats: Float64Array, statsRow: number): TrainStatusCode {
    const { outputWidth, paramCount, optimizer } = this.spec;
    if (this.pendingRows !== rows || rows < 1) throw new Error(`backwardStep: no forwardStep of ${rows} rows to finish (call forwardStep first, with nothing between)`);
    const at = statsRow * STATS_WIDTH;
    if ((dOut !== null && dOut.length < rows * outputWidth) || !(Number.isInteger(statsRow) && statsRow >= 0) || stats.length < at + STATS_WIDTH) {
      throw new ShapeError(`Expected dOut (${rows}, ${outputWidth}) and stats row ${statsRow} of ${STATS_WIDTH} but received lengths ${dOut?.length}, ${stats.length}`);
    }
    this.pendingRows = 0;
    const weights = this.pendingWeighted ? this.weights : null;
    if (dOut === null) loss = this.batchLoss(this.targets, weights, rows);
    const pen = this.penalty();
    if (!Number.isFinite(loss + pen)) return TrainStatus.nonFiniteLoss;
    const { params, grads, slots } = this.arena;
    grads.fill(0, 0, paramCount);
    this.backward(this.targets, weights, rows, true, dOut);
    const trained = this.trainable; // the running statistics past it take no step
    if (optimizer.clipValue > 0) clipByValue(grads, trained, optimizer.clipValue);
    const norm = Math.sqrt(sumSquares(grads, trained));
    if (!Number.isFinite(norm)) return TrainStatus.nonFiniteGradient;
    if (optimizer.clipNorm > 0 && norm > optimizer.clipNorm) scaleInPlace(grads, trained, optimizer.clipNorm / (norm + 1e-6));
    const { labelMode, threshold } = this.spec.loss;
    stats.fill(0, at, at + STATS_WIDTH);
    stats[at + Stat.lossSum] = loss * rows;
    stats[at + Stat.regLossSum] = pen * rows;
    stats[at + Stat.rows] = rows;
    accumulateStats(stats, at, this.layerOut[this.layers.length - 1], this.targets, rows, outputWidth, labelMode, threshold);
    optimizerStep(params, grads, slots, trained, optimizer, lr, step + 1);
    return TrainStatus.ok;
  }

  computeGradients(x: Float32Array, y: Float32Array, rows: number, training: boolean, seed: number, step: number, stats: Float64Array, weights?: Float32Array): number {
    const { inputWidth, labelWidth, paramCount } = this.spec;
    if (x.length < rows * inputWidth || y.length < rows * labelWidth || stats.length < STATS_WIDTH) {
      throw new ShapeError(`Expected x (${rows}, ${inputWidth}), y (${rows}, ${labelWidth}) and ${STATS_WIDTH} stats but received lengths ${x.length}, ${y.length}, ${stats.length}`);
    }
    if (weights && weights.length < rows) throw new ShapeError(`Expected weights of length >= ${rows} but received ${weights.length}`);
    this.ensureCapacity(rows);
    if (training) stepRng(seed, step, this.rng);
    const dataLoss = this.lossAndStats(x, y, weights ?? null, rows, training, stats, 0);
    this.arena.grads.fill(0, 0, paramCount);
    this.backward(y, weights ?? null, rows, training);
    return dataLoss + this.lastPenalty;
  }

  async evaluate(x: Float32Array, y: Float32Array, start: number, count: number, batchSize: number, stats: Float64Array, weights?: Float32Array): Promise<void> {
    const { inputWidth, labelWidth, outputWidth, loss } = this.spec;
    this.checkRange(x, start, count, batchSize);
    if (y.length < (start + count) * labelWidth) throw new ShapeError(`Expected y of length >= ${(start + count) * labelWidth} but received ${y.length}`);
    if (weights && weights.length < start + count) throw new ShapeError(`Expected weights of length >= ${start + count} but received ${weights.length}`);
    if (stats.length < STATS_WIDTH) throw new ShapeError(`Expected stats of length >= ${STATS_WIDTH} but received ${stats.length}`);
    this.ensureCapacity(Math.min(batchSize, count));
    for (let b = start; b < start + count; b += batchSize) {
      const rows = Math.min(batchSize, start + count - b);
      copyRows(this.acts[0], x, b, rows, inputWidth);
      copyRows(this.targets, y, b, rows, labelWidth);
      if (weights) copyRows(this.weights, weights, b, rows, 1);
      const out = this.forward(this.acts[0], rows, false);
      const dataLoss = this.batchLoss(this.targets, weights ? this.weights : null, rows);
      stats[Stat.lossSum] += dataLoss * rows;
      stats[Stat.rows] += rows;
      accumulateStats(stats, 0, out, this.targets, rows, outputWidth, loss.labelMode, loss.threshold);
    }
  }

  async predict(x: Float32Array, start: number, count: number, batchSize: number, out: Float32Array): Promise<void> {
    this.predictSync(x, start, count, batchSize, out);
  }

  predictSync(x: Float32Array, start: number, count: number, batchSize: number, out: Float32Array): void {
    const { inputWidth, outputWidth } = this.spec;
    this.checkRange(x, start, count, batchSize);
    if (out.length < count * outputWidth) throw new ShapeError(`Expected out of length >= ${count * outputWidth} but received ${out.length}`);
    this.ensureCapacity(Math.min(batchSize, count));
    for (let b = start; b < start + count; b += batchSize) {
      const rows = Math.min(batchSize, start + count - b);
      copyRows(this.acts[0], x, b, rows, inputWidth);
      const y = this.forward(this.acts[0], rows, false);
      const o = (b - start) * outputWidth;
      const nOut = rows * outputWidth;
      for (let i = 0; i < nOut; i++) out[o + i] = y[i];
    }
  }

  private checkRange(x: Float32Array, start: number, count: number, batchSize: number): void {
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new ShapeError(`Expected integer >= 1 for batchSize but received ${batchSize}`);
    if (!(Number.isInteger(start) && start >= 0 && Number.isInteger(count) && count >= 0)) {
      throw new ShapeError(`Expected integers >= 0 for start and count but received ${start} and ${count}`);
    }
    const need = (start + count) * this.spec.inputWidth;
    if (x.length < need) throw new ShapeError(`Expected x of length >= ${need} for rows [${start}, ${start + count}) but received ${x.length}`);
  }

  dispose(): void {
    this.disposed = true;
    this.capacity = 0;
    this.acts = [];
    this.preacts = [];
    this.masks = [];
    this.normMean = [];
    this.normInvStd = [];
    this.targets = this.weights = this.gradA = this.gradB = this.dpreact = EMPTY;
  }
}

