// The backends under test and hand-built plans for them. Plans are written as PlanSpecs directly (not via
// the model API), so the conformance suite depends on contract.ts alone.

import { Activation, LabelMode, LayerKind, Loss, LossFusion, OPTIMIZER_HYPER_LENGTH, OPTIMIZER_SLOTS, Optimizer } from '../../src/backend/codes.js';
import type { ActivationName, LabelModeCode, LossName, OptimizerName } from '../../src/backend/codes.js';
import type { Backend, LayerSpec, OptimizerSpec, PenaltySpec, PlanSpec } from '../../src/backend/contract.js';
import { getBackend, nativeAvailable } from '../../src/backend/index.js';
import { Arena, layoutTensors } from '../../src/memory/arena.js';
import { Rng } from '../../src/util/rng.js';

export interface BackendCase {
  name: 'js' | 'native';
  available: boolean;
  /** The backend; call only inside a test (native throws when the addon is unavailable). */
  get: () => Backend;
}

/** Every backend, for `describe.each`; native cases are skipped (not dropped) when the addon is missing. */
export const BACKENDS: BackendCase[] = (['js', 'native'] as const).map((name) => ({
  name,
  available: name === 'js' || nativeAvailable(),
  get: () => getBackend(name),
}));

/** True when both backends load, so js-vs-native parity tests can run. */
export const BOTH_AVAILABLE = BACKENDS.every((b) => b.available);

export type LayerDesc =
  | { kind: 'dense'; units: number; activation?: ActivationName; param?: number; useBias?: boolean; kernelPenalty?: PenaltySpec; biasPenalty?: PenaltySpec }
  | { kind: 'dropout'; rate: number }
  | { kind: 'gaussianNoise'; stddev: number }
  | { kind: 'activation'; activation: ActivationName; param?: number }
  | { kind: 'batchNorm'; momentum?: number; epsilon?: number }
  | { kind: 'layerNorm'; epsilon?: number };

export interface ModelDesc {
  inputWidth: number;
  layers: LayerDesc[];
  loss: LossName;
  lossParam?: number; // huber delta
  fusion?: keyof typeof LossFusion; // default none
  /** Default: from the loss (sparse, onehot, binary, else regression). */
  labelMode?: keyof typeof LabelMode;
  /** Default 0.5, or 0 when fused with a linear last activation (fromLogits). */
  threshold?: number;
  optimizer?: OptimizerName;
  hyper?: number[];
  clipNorm?: number;
  clipValue?: number;
  seed?: number; // parameter initialization, default 1
}

/** Default activation parameters: leakyRelu 0.01 (PyTorch), elu 1. */
export function defaultParam(name: ActivationName): number {
  return name === 'leakyRelu' ? 0.01 : name === 'elu' ? 1 : 0;
}

/** Default hyperparameters per optimizer (torch.optim defaults), padded to OPTIMIZER_HYPER_LENGTH. */
export function defaultHyper(name: OptimizerName): number[] {
  const h: Record<OptimizerName, number[]> = {
    sgd: [0.9, 0, 0, 0],
    adagrad: [0, 0, 0, 1e-10],
    adadelta: [0.9, 1e-6, 0],
    rmsprop: [0.99, 1e-8, 0, 0, 0],
    adam: [0.9, 0.999, 1e-8, 0, 0],
    adamw: [0.9, 0.999, 1e-8, 0.01, 0],
    adamax: [0.9, 0.999, 1e-8, 0],
    nadam: [0.9, 0.999, 1e-8, 0, 0.004, 0],
    radam: [0.9, 0.999, 1e-8, 0, 0],
  };
  return padHyper(h[name]);
}

export function padHyper(h: number[]): number[] {
  return [...h, ...new Array<number>(OPTIMIZER_HYPER_LENGTH - h.length).fill(0)];
}

export function optimizerSpec(name: OptimizerName, hyper?: number[], clipNorm = 0, clipValue = 0): OptimizerSpec {
  return { kind: Optimizer[name], hyper: hyper ? padHyper(hyper) : defaultHyper(name), clipNorm, clipValue };
}

const NO_PENALTY: PenaltySpec = { l1: 0, l2: 0 };

/**
 * A PlanSpec and its Arena for a small MLP. Parameters are uniform with |w| in [0.1, 0.9]/√inputs (biases
 * [0.05, 0.5]) and a random sign, so no parameter sits at the L1 kink at 0. Optimizer slots are zero.
 */
export function buildPlan(desc: ModelDesc): { spec: PlanSpec; arena: Arena } {
  const lengths: number[] = [];
  let width = desc.inputWidth;
  const pending: { layer: LayerSpec; kernelAt: number; biasAt: number; statsAt: number }[] = [];
  const statLengths: number[] = []; // batchNorm running statistics, laid out after every trained tensor
  for (const d of desc.layers) {
    const base = { inputs: width, units: width, activation: Activation.linear, activationParam: 0, rate: 0, kernel: null, bias: null };
    let layer: LayerSpec;
    let kernelAt = -1;
    let biasAt = -1;
    let statsAt = -1;
    if (d.kind === 'batchNorm' || d.kind === 'layerNorm') {
      const kind = d.kind === 'batchNorm' ? LayerKind.batchNorm : LayerKind.layerNorm;
      layer = { ...base, kind, rate: d.epsilon ?? 1e-5, kernelPenalty: NO_PENALTY, biasPenalty: NO_PENALTY, ...(d.kind === 'batchNorm' ? { momentum: d.momentum ?? 0.1 } : {}) };
      kernelAt = lengths.push(width) - 1;
      biasAt = lengths.push(width) - 1;
      if (d.kind === 'batchNorm') statsAt = statLengths.push(width, width) - 2;
    } else if (d.kind === 'dense') {
      const act = d.activation ?? 'linear';
      layer = { ...base, kind: LayerKind.dense, units: d.units, activation: Activation[act], activationParam: d.param ?? defaultParam(act), kernelPenalty: d.kernelPenalty ?? NO_PENALTY, biasPenalty: d.biasPenalty ?? NO_PENALTY };
      kernelAt = lengths.push(width * d.units) - 1;
      if (d.useBias ?? true) biasAt = lengths.push(d.units) - 1;
      width = d.units;
    } else if (d.kind === 'activation') {
      layer = { ...base, kind: LayerKind.activation, activation: Activation[d.activation], activationParam: d.param ?? defaultParam(d.activation), kernelPenalty: NO_PENALTY, biasPenalty: NO_PENALTY };
    } else {
      const kind = d.kind === 'dropout' ? LayerKind.dropout : LayerKind.gaussianNoise;
      layer = { ...base, kind, rate: d.kind === 'dropout' ? d.rate : d.stddev, kernelPenalty: NO_PENALTY, biasPenalty: NO_PENALTY };
    }
    pending.push({ layer, kernelAt, biasAt, statsAt });
  }
  const trainableCount = layoutTensors(lengths).paramCount;
  const { refs, paramCount } = layoutTensors([...lengths, ...statLengths]);
  const stat = (k: number) => refs[lengths.length + k];
  const layers = pending.map(({ layer, kernelAt, biasAt, statsAt }) => ({
    ...layer,
    kernel: kernelAt >= 0 ? refs[kernelAt] : null,
    bias: biasAt >= 0 ? refs[biasAt] : null,
    ...(statsAt >= 0 ? { runningMean: stat(statsAt), runningVar: stat(statsAt + 1) } : {}),
  }));

  const loss = Loss[desc.loss];
  const fusion = LossFusion[desc.fusion ?? 'none'];
  const last = layers[layers.length - 1];
  const labelMode: LabelModeCode = desc.labelMode
    ? LabelMode[desc.labelMode]
    : desc.loss === 'sparseCategoricalCrossentropy'
      ? LabelMode.sparse
      : desc.loss === 'categoricalCrossentropy'
        ? LabelMode.onehot
        : desc.loss === 'binaryCrossentropy'
          ? LabelMode.binary
          : LabelMode.regression;
  const fromLogits = fusion !== LossFusion.none && last.activation === Activation.linear;
  const optName = desc.optimizer ?? 'sgd';
  const spec: PlanSpec = {
    inputWidth: desc.inputWidth,
    outputWidth: width,
    labelWidth: labelMode === LabelMode.sparse ? 1 : width,
    layers,
    loss: { kind: loss, param: desc.lossParam ?? (desc.loss === 'huber' ? 1 : 0), fusion, labelMode, threshold: desc.threshold ?? (fromLogits ? 0 : 0.5) },
    optimizer: optimizerSpec(optName, desc.hyper, desc.clipNorm ?? 0, desc.clipValue ?? 0),
    paramCount,
    ...(statLengths.length > 0 ? { trainableCount } : {}),
  };
  const arena = new Arena(paramCount, OPTIMIZER_SLOTS[spec.optimizer.kind]);
  const rng = new Rng(desc.seed ?? 1);
  const away = (lo: number, hi: number) => (rng.uniform() < 0.5 ? -1 : 1) * (lo + (hi - lo) * rng.uniform());
  for (const l of layers) {
    if (l.kernel) arena.param(l.kernel).forEach((_, i, w) => (w[i] = away(0.1, 0.9) / Math.sqrt(l.inputs)));
    if (l.bias) arena.param(l.bias).forEach((_, i, b) => (b[i] = away(0.05, 0.5)));
    if (l.runningMean && l.runningVar) {
      arena.param(l.runningMean).forEach((_, i, m) => (m[i] = away(0, 0.5)));
      arena.param(l.runningVar).forEach((_, i, v) => (v[i] = 0.5 + rng.uniform()));
    }
  }
  return { spec, arena };
}

/** A copy of an arena (params, grads and every slot). */
export function cloneArena(src: Arena): Arena {
  const a = new Arena(src.paramCount, src.slotCount);
  a.params.set(src.params);
  a.grads.set(src.grads);
  src.slots.forEach((s, i) => a.slots[i].set(s));
  return a;
}

/** Random float32 values: normal·scale. */
export function randn(rng: Rng, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

/** Inputs (rows, inputWidth) ~ N(0,1) and targets matching the plan's label mode. */
export function makeData(spec: PlanSpec, rows: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const x = randn(rng, rows * spec.inputWidth);
  const cols = spec.outputWidth;
  const y = new Float32Array(rows * spec.labelWidth);
  for (let r = 0; r < rows; r++) {
    const cls = rng.int(cols);
    for (let j = 0; j < spec.labelWidth; j++) {
      const i = r * spec.labelWidth + j;
      switch (spec.loss.labelMode) {
        case LabelMode.sparse:
          y[i] = cls;
          break;
        case LabelMode.onehot:
          y[i] = j === cls ? 1 : 0;
          break;
        case LabelMode.binary:
          y[i] = rng.uniform() < 0.5 ? 0 : 1;
          break;
        default:
          y[i] = rng.normal();
      }
    }
  }
  return { x, y };
}
