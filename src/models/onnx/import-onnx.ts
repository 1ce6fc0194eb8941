// ONNX → Sequential, for fine-tuning: a chain of Gemm (or MatMul with an optional Add of a bias) and the
// activations of activation-patterns.ts becomes dense layers (an activation right after a dense layer
// becomes its activation; any other a standalone activation layer); BatchNormalization (inference
// form) and LayerNormalization (last axis) become normalization layers; Identity and Dropout
// (inference identities) are skipped. Anything else is an error naming the first node nntrain cannot represent.
// The model comes back built, with the file's weights, and not compiled.

import type { BackendName } from '../../backend/index.js';
import { readOnnxFile } from '../../io/onnx/onnx-file.js';
import { attributeOf, OnnxType, type OnnxModel, type OnnxNode, type OnnxTensor } from '../../io/onnx/onnx-model.js';
import type { ActivationConfig } from '../../layers/activations.js';
import { layers } from '../../layers/index.js';
import { ModelFileError } from '../../util/errors.js';
import { checkInteger, checkChoice, invalid, isString, readOptions } from '../../util/validate.js';
import { Sequential } from '../sequential.js';
import { matchActivation, shortestDecimal, UnsupportedUse } from './activation-patterns.js';

/** Options of `importOnnx(path, options)`. */
export interface OnnxImportOptions {
  /** The model's backend (see Sequential). */
  backend?: BackendName;
  /** The model's seed (see Sequential). Default 0. */
  seed?: number;
  /** The model's name. Default: the graph's name, else 'onnx'. */
  name?: string;
}

interface DenseEntry {
  kind: 'dense';
  kernel: Float32Array; // (inputs, units)
  bias: Float32Array | null;
  units: number;
  activation: ActivationConfig | null;
}
/** BatchNormalization (inference form) or LayerNormalization over the last axis. */
interface NormEntry {
  kind: 'batchNorm' | 'layerNorm';
  epsilon: number;
  tensors: Float32Array[]; // gamma, beta (, running mean, running variance)
}
type Entry = DenseEntry | NormEntry | { kind: 'activation'; activation: ActivationConfig };

const SUPPORTED =
  'Gemm, MatMul (+ Add), Relu, Sigmoid, Tanh, Softmax, LeakyRelu, Elu, Softplus, Gelu (or its Erf form), x·Sigmoid(x), BatchNormalization, LayerNormalization, Identity, Dropout';

/**
 * Reads an ONNX MLP into a Sequential for fine-tuning (compile it before fit).
 * @example
 * ```ts
 * const model = await importOnnx('mlp.onnx');
 * model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
 * ```
 * @throws ModelFileError naming the file and the first unsupported operator and its node (or what else
 *   does not fit: several inputs, a Gemm with transA, a bias that is not a vector, a width mismatch).
 */
export async function importOnnx(path: string, options: OnnxImportOptions = {}): Promise<Sequential> {
  if (!isString(path) || path === '') throw invalid('path', 'a file path', path);
  const o = readOptions<OnnxImportOptions>('importOnnx', options, ['backend', 'seed', 'name']);
  return modelFromOnnx(await readOnnxFile(path), path, o);
}

/** The Sequential of an ONNX model read from `path` (see importOnnx). */
export function modelFromOnnx(m: OnnxModel, path: string, options: OnnxImportOptions = {}): Sequential {
  const fail = (message: string) => new ModelFileError(path, message);
  const g = m.graph;
  const initializers = new Map<string, OnnxTensor>(g.initializers.map((t) => [t.name, t]));
  const inputs = g.inputs.filter((v) => !initializers.has(v.name));
  if (inputs.length !== 1) throw fail(`has ${inputs.length} graph inputs; nntrain imports models of one input (rows × features)`);
  if (g.outputs.length !== 1) throw fail(`has ${g.outputs.length} graph outputs; nntrain imports models of one output`);
  if (inputs[0].elemType !== OnnxType.float) throw fail(`input '${inputs[0].name}' is not float32 (element type ${inputs[0].elemType})`);
  const shape = inputs[0].shape;
  if (shape !== null && shape.length !== 2) throw fail(`input '${inputs[0].name}' has ${shape.length} dimensions; nntrain imports rows × features`);
  let width: number | null = typeof shape?.[1] === 'number' && shape[1] > 0 ? shape[1] : null;
  const scalar = (name: string) => {
    const t = initializers.get(name);
    return t !== undefined && t.data.length === 1 && t.otherType === undefined ? t.data[0] : undefined;
  };
  const weight = (node: OnnxNode, name: string | undefined, what: string): OnnxTensor => {
    const t = name === undefined ? undefined : initializers.get(name);
    if (t === undefined) throw fail(`node '${node.name}' (${node.opType}): its ${what} '${name ?? ''}' is not an initializer (nntrain imports fixed weights)`);
    if (t.otherType !== undefined) throw fail(`node '${node.name}' (${node.opType}): its ${what} '${t.name}' has element type ${t.otherType}, not float`);
    return t;
  };

  const entries: Entry[] = [];
  let x = inputs[0].name;
  for (let i = 0; i < g.nodes.length; ) {
    const n = g.nodes[i];
    const where = `node '${n.name}' (${n.opType})`;
    if (n.domain !== '' && n.domain !== 'ai.onnx') throw fail(`unsupported operator ${n.domain}.${n.opType} in node '${n.name}'; nntrain imports ${SUPPORTED}`);
    if (!n.inputs.includes(x)) throw fail(`${where} does not take the previous layer's output '${x}': nntrain imports a chain of layers`);
    if (n.opType === 'Gemm' || n.opType === 'MatMul') {
      if (n.inputs[0] !== x) throw fail(`${where}: the data must be its first input`);
      const dense = n.opType === 'Gemm' ? gemmLayer(n, weight, fail) : matMulLayer(n, weight, fail);
      const add = n.opType === 'MatMul' ? g.nodes[i + 1] : undefined;
      let consumed = 1;
      if (add?.opType === 'Add' && add.inputs.includes(n.outputs[0])) {
        const other = add.inputs[0] === n.outputs[0] ? add.inputs[1] : add.inputs[0];
        dense.bias = biasOf(add, weight(add, other, 'bias'), dense.units, 1, fail);
        consumed = 2;
      }
      const inputsOf = dense.kernel.length / dense.units;
      if (width === null) width = inputsOf;
      const previous = entries.filter((e) => e.kind !== 'activation').at(-1) as DenseEntry | NormEntry | undefined;
      const expected = previous === undefined ? width : previous.kind === 'dense' ? previous.units : previous.tensors[0].length;
      if (inputsOf !== expected) throw fail(`${where} takes ${inputsOf} inputs but receives ${expected}`);
      entries.push(dense);
      x = g.nodes[i + consumed - 1].outputs[0];
      i += consumed;
      continue;
    }
    if (n.opType === 'BatchNormalization' || n.opType === 'LayerNormalization') {
      if (n.inputs[0] !== x) throw fail(`${where}: the data must be its first input`);
      const norm = n.opType === 'BatchNormalization' ? batchNormLayer(n, weight, fail) : layerNormLayer(n, weight, fail);
      const units = norm.tensors[0].length;
      const previous = entries.filter((e) => e.kind !== 'activation').at(-1);
      const expected = previous === undefined ? width : previous.kind === 'dense' ? previous.units : previous.tensors[0].length;
      if (expected !== null && units !== expected) throw fail(`${where} normalizes ${units} features but receives ${expected}`);
      if (width === null) width = units;
      entries.push(norm);
      x = n.outputs[0];
      i++;
      continue;
    }
    if (n.opType === 'Identity' || n.opType === 'Dropout') {
      x = n.outputs[0];
      i++;
      continue;
    }
    let match;
    try {
      match = matchActivation(g.nodes, i, x, scalar);
    } catch (err) {
      if (err instanceof UnsupportedUse) throw fail(`${where}: ${err.message}`);
      throw err;
    }
    if (match === null) throw fail(`unsupported operator ${n.opType} in node '${n.name}'; nntrain imports ${SUPPORTED}`);
    const last = entries.at(-1);
    if (last?.kind === 'dense' && last.activation === null) last.activation = match.activation;
    else entries.push({ kind: 'activation', activation: match.activation });
    x = match.output;
    i += match.nodes;
  }
  if (x !== g.outputs[0].name) throw fail(`the graph output '${g.outputs[0].name}' is not the end of the chain of layers ('${x}')`);
  if (entries.length === 0) throw fail('has no layers nntrain can import (no Gemm, MatMul or activation)');
  if (width === null) throw fail(`input '${inputs[0].name}' has no fixed number of features and no Gemm or MatMul gives it`);
  return buildModel(entries, width, m, options);
}

type WeightOf = (node: OnnxNode, name: string | undefined, what: string) => OnnxTensor;
type Fail = (message: string) => ModelFileError;

function intAttr(n: OnnxNode, name: string, fallback: number): number {
  const a = attributeOf(n, name);
  return a?.kind === 'int' ? a.value : fallback;
}
function floatAttr(n: OnnxNode, name: string, fallback: number): number {
  const a = attributeOf(n, name);
  return a?.kind === 'float' ? a.value : fallback;
}

/** Gemm: Y = alpha·A·op(B) + beta·C; transA is refused (the data is rows × features). */
function gemmLayer(n: OnnxNode, weight: WeightOf, fail: Fail): DenseEntry {
  if (intAttr(n, 'transA', 0) !== 0) throw fail(`node '${n.name}' (Gemm): transA=1 is not supported (the data must be rows × features, not transposed)`);
  const transB = intAttr(n, 'transB', 0) !== 0;
  const alpha = floatAttr(n, 'alpha', 1);
  const beta = floatAttr(n, 'beta', 1);
  const b = weight(n, n.inputs[1], 'B');
  if (b.dims.length !== 2) throw fail(`node '${n.name}' (Gemm): B '${b.name}' has dims [${b.dims.join(', ')}], not a matrix`);
  const [rows, cols] = b.dims;
  const units = transB ? rows : cols;
  const ins = transB ? cols : rows;
  const kernel = new Float32Array(ins * units);
  for (let r = 0; r < ins; r++) {
    for (let c = 0; c < units; c++) kernel[r * units + c] = alpha * (transB ? b.data[c * cols + r] : b.data[r * cols + c]);
  }
  const cName = n.inputs[2];
  const bias = cName === undefined || cName === '' ? null : biasOf(n, weight(n, cName, 'C'), units, beta, fail);
  return { kind: 'dense', kernel, bias, units, activation: null };
}

/** A vector of `units` values (or of any length when units is null) from a tensor of dims [n]. */
function vectorOf(n: OnnxNode, t: OnnxTensor, units: number | null, what: string, fail: Fail): Float32Array {
  if (t.dims.length !== 1 || (units !== null && t.dims[0] !== units)) {
    throw fail(`node '${n.name}' (${n.opType}): its ${what} '${t.name}' has dims [${t.dims.join(', ')}], not [${units ?? 'features'}]`);
  }
  return Float32Array.from(t.data);
}

/** BatchNormalization in inference form: scale, B, mean, var over the features (axis 1 of rows × features). */
function batchNormLayer(n: OnnxNode, weight: WeightOf, fail: Fail): NormEntry {
  if (intAttr(n, 'training_mode', 0) !== 0) throw fail(`node '${n.name}' (BatchNormalization): training_mode=1 is not supported (nntrain imports the inference form)`);
  const names = ['scale', 'B', 'input_mean', 'input_var'];
  const gamma = vectorOf(n, weight(n, n.inputs[1], names[0]), null, names[0], fail);
  const rest = names.slice(1).map((what, k) => vectorOf(n, weight(n, n.inputs[k + 2], what), gamma.length, what, fail));
  return { kind: 'batchNorm', epsilon: shortestDecimal(floatAttr(n, 'epsilon', 1e-5)), tensors: [gamma, ...rest] };
}

/** LayerNormalization over the last axis: Scale and an optional B. */
function layerNormLayer(n: OnnxNode, weight: WeightOf, fail: Fail): NormEntry {
  const axis = intAttr(n, 'axis', -1);
  if (axis !== -1 && axis !== 1) throw fail(`node '${n.name}' (LayerNormalization): axis=${axis} is not supported (nntrain normalizes each row over its features: axis -1)`);
  const gamma = vectorOf(n, weight(n, n.inputs[1], 'Scale'), null, 'Scale', fail);
  const bName = n.inputs[2];
  const beta = bName === undefined || bName === '' ? new Float32Array(gamma.length) : vectorOf(n, weight(n, bName, 'B'), gamma.length, 'B', fail);
  return { kind: 'layerNorm', epsilon: shortestDecimal(floatAttr(n, 'epsilon', 1e-5)), tensors: [gamma, beta] };
}

/** MatMul(x, W): W is (inputs, units). */
function matMulLayer(n: OnnxNode, weight: WeightOf, fail: Fail): DenseEntry {
  const w = weight(n, n.inputs[1], 'weights');
  if (w.dims.length !== 2) throw fail(`node '${n.name}' (MatMul): '${w.name}' has dims [${w.dims.join(', ')}], not a matrix`);
  return { kind: 'dense', kernel: Float32Array.from(w.data), bias: null, units: w.dims[1], activation: null };
}

/** A bias of `units` values, scaled by `beta`, from a tensor of dims [units], [1, units], [] or [1] (broadcast). */
function biasOf(n: OnnxNode, t: OnnxTensor, units: number, beta: number, fail: Fail): Float32Array {
  const size = t.dims.reduce((a, b) => a * b, 1);
  const vector = size === units && t.dims.slice(0, -1).every((d) => d === 1);
  if (!vector && size !== 1) throw fail(`node '${n.name}' (${n.opType}): the bias '${t.name}' has dims [${t.dims.join(', ')}], not ${units} values or one`);
  return Float32Array.from({ length: units }, (_, c) => beta * t.data[vector ? c : 0]);
}

function buildModel(entries: Entry[], width: number, m: OnnxModel, options: OnnxImportOptions): Sequential {
  const name = options.name ?? (m.graph.name !== '' ? m.graph.name : 'onnx');
  const seed = options.seed === undefined ? undefined : checkInteger('seed', options.seed, { min: 0, max: 2 ** 32 - 1 });
  const backend = options.backend === undefined ? undefined : checkChoice('backend', options.backend, ['native', 'js'] as const);
  const model = new Sequential({ name, ...(seed !== undefined ? { seed } : {}), ...(backend !== undefined ? { backend } : {}) });
  const weights: Float32Array[] = [];
  entries.forEach((e, k) => {
    const inputShape = k === 0 ? { inputShape: [width] as [number] } : {};
    if (e.kind === 'activation') {
      model.add(layers.activation({ activation: e.activation, ...inputShape }));
      return;
    }
    if (e.kind !== 'dense') {
      model.add(e.kind === 'batchNorm' ? layers.batchNormalization({ epsilon: e.epsilon, ...inputShape }) : layers.layerNormalization({ epsilon: e.epsilon, ...inputShape }));
      weights.push(...e.tensors);
      return;
    }
    model.add(layers.dense({ units: e.units, activation: e.activation ?? 'linear', useBias: e.bias !== null, ...inputShape }));
    weights.push(e.kernel);
    if (e.bias !== null) weights.push(e.bias);
  });
  model.setWeights(weights);
  return model;
}
