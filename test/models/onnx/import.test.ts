// importOnnx: import(export(model)) predicts as the model (the same float32 weights and layers), the
// imported model fine-tunes, Gemm's transB/alpha/beta and MatMul + Add become dense layers, and what
// nntrain cannot represent is an error naming the operator and its node.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importOnnx, ModelFileError } from '../../../src/index.js';
import { writeOnnxFile } from '../../../src/io/onnx/onnx-file.js';
import { OnnxType, type OnnxModel, type OnnxNode, type OnnxTensor } from '../../../src/io/onnx/onnx-model.js';
import { checkBits, checkClose } from '../../helpers/check.js';
import { shortestDecimal } from '../../../src/models/onnx/activation-patterns.js';
import { bundledDatasets } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nntrain-onnx-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('import(export(model))', async () => {
  const datasets = await bundledDatasets();
  it.each(datasets.map((d) => [d.name, d] as const))('%s: predicts as the model bit for bit and fine-tunes', async (name, d) => {
    const model = d.model();
    const path = join(dir, `${name}.onnx`);
    await model.exportOnnx(path);
    const imported = await importOnnx(path, { backend: model.backend.name });
    const dense = model.layers.filter((l) => l.type === 'dense').length;
    expect(imported.layers.filter((l) => l.type === 'dense').length).toBe(dense);
    expect(imported.layers.some((l) => l.type === 'dropout' || l.type === 'gaussianNoise')).toBe(false);
    expect(imported.countParams()).toBe(model.countParams());
    checkBits((await imported.predict(d.x)).data, (await model.predict(d.x)).data, `${name}: imported vs original`);
    const binary = name === 'breast_cancer';
    imported.compile({ optimizer: 'adam', loss: binary ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy' });
    const history = await imported.fit(d.x, d.y, { epochs: 1, batchSize: 64, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0])).toBe(true);
  });
});

// a hand-written graph: input 'x' (rows × 3), the nodes, output 'y'
function graph(nodes: Partial<OnnxNode>[], initializers: OnnxTensor[], extra: Partial<OnnxModel['graph']> = {}): OnnxModel {
  const full = nodes.map((n, i) => ({ opType: 'Relu', domain: '', name: `n${i}`, inputs: [], outputs: [], attributes: [], ...n }));
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'test',
    producerVersion: '',
    docString: '',
    graph: {
      name: 'g',
      docString: '',
      nodes: full,
      initializers,
      inputs: [{ name: 'x', elemType: OnnxType.float, shape: ['N', 3] }],
      outputs: [{ name: 'y', elemType: OnnxType.float, shape: ['N', 2] }],
      ...extra,
    },
    metadata: [],
  };
}
const t = (name: string, dims: number[], values: number[]): OnnxTensor => ({ name, dims, data: Float32Array.from(values) });
const X = { data: Float32Array.of(1, 2, 3, -1, 0.5, 2), rows: 2, cols: 3 };
// W is (3, 2); Wt its transpose (2, 3)
const W = [1, -2, 0.5, 1, -1, 0.25];
const Wt = [1, 0.5, -1, -2, 1, 0.25];

async function load(name: string, model: OnnxModel) {
  const path = join(dir, `${name}.onnx`);
  await writeOnnxFile(path, model);
  return { path, model: () => importOnnx(path, { backend: 'js' }) };
}

/** x·W + b in float64 */
function affine(w: number[], b: number[]): number[] {
  const out: number[] = [];
  for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) out.push(b[c] + [0, 1, 2].reduce((s, k) => s + X.data[r * 3 + k] * w[k * 2 + c], 0));
  return out;
}

describe('Gemm and MatMul forms', () => {
  it('Gemm with transB=1, alpha and beta is alpha·x·Bᵀ + beta·C', async () => {
    const f = await load('gemm-t', graph([{ opType: 'Gemm', inputs: ['x', 'B', 'C'], outputs: ['y'], attributes: [{ name: 'transB', kind: 'int', value: 1 }, { name: 'alpha', kind: 'float', value: 0.5 }, { name: 'beta', kind: 'float', value: 2 }] }], [t('B', [2, 3], Wt), t('C', [1, 2], [0.1, -0.2])]));
    const model = await f.model();
    const expected = affine(W.map((v) => 0.5 * v), [0.2, -0.4]);
    checkClose((await model.predict(X)).data, expected, { abs: 1e-6, rel: 1e-6 }, 'Gemm transB alpha beta');
  });

  it('MatMul + Add (bias first or second) with a following Softmax is one dense softmax layer', async () => {
    const f = await load('matmul', graph([{ opType: 'MatMul', inputs: ['x', 'W'], outputs: ['m'] }, { opType: 'Add', inputs: ['b', 'm'], outputs: ['z'] }, { opType: 'Softmax', inputs: ['z'], outputs: ['y'] }], [t('W', [3, 2], W), t('b', [2], [0.3, 0])]));
    const model = await f.model();
    expect(model.layers.map((l) => l.type)).toEqual(['dense']);
    const z = affine(W, [0.3, 0]);
    const expected = [0, 1].flatMap((r) => {
      const e = [Math.exp(z[2 * r]), Math.exp(z[2 * r + 1])];
      return e.map((v) => v / (e[0] + e[1]));
    });
    checkClose((await model.predict(X)).data, expected, { abs: 1e-6, rel: 1e-6 }, 'MatMul + Add + Softmax');
  });

  it('a Gemm without C is a dense layer without bias; a scalar C broadcasts', async () => {
    const none = await (await load('nobias', graph([{ opType: 'Gemm', inputs: ['x', 'W'], outputs: ['y'] }], [t('W', [3, 2], W)]))).model();
    expect(none.layers[0].getConfig()).toMatchObject({ useBias: false });
    const scalar = await (await load('scalar-c', graph([{ opType: 'Gemm', inputs: ['x', 'W', 'c'], outputs: ['y'] }], [t('W', [3, 2], W), t('c', [], [1.5])]))).model();
    checkClose((await scalar.predict(X)).data, affine(W, [1.5, 1.5]), { abs: 1e-6, rel: 1e-6 }, 'scalar C');
  });
});

describe('normalization forms', () => {
  it('BatchNormalization (inference form) and LayerNormalization without B become normalization layers', async () => {
    const gemm = { opType: 'Gemm', inputs: ['x', 'W'], outputs: ['z'] };
    const nodes = [gemm, { opType: 'BatchNormalization', inputs: ['z', 's', 'b', 'm', 'v'], outputs: ['n'], attributes: [{ name: 'epsilon', kind: 'float' as const, value: Math.fround(1e-3) }] }, { opType: 'LayerNormalization', inputs: ['n', 'g'], outputs: ['y'] }];
    const f = await load('norms', graph(nodes, [t('W', [3, 2], W), t('s', [2], [2, 0.5]), t('b', [2], [0.1, -0.1]), t('m', [2], [0.5, -1]), t('v', [2], [4, 0.25]), t('g', [2], [1.5, 1])]));
    const model = await f.model();
    expect(model.layers.map((l) => l.getConfig())).toMatchObject([{ type: 'dense' }, { type: 'batchNormalization', epsilon: 1e-3 }, { type: 'layerNormalization', epsilon: 1e-5 }]);
    const z = affine(W, [0, 0]);
    const bn = z.map((v, i) => [2, 0.5][i % 2] * ((v - [0.5, -1][i % 2]) / Math.sqrt([4, 0.25][i % 2] + 1e-3)) + [0.1, -0.1][i % 2]);
    const expected = [0, 1].flatMap((r) => {
      const row = bn.slice(2 * r, 2 * r + 2);
      const mean = (row[0] + row[1]) / 2;
      const sd = Math.sqrt(((row[0] - mean) ** 2 + (row[1] - mean) ** 2) / 2 + 1e-5);
      return row.map((v, c) => [1.5, 1][c] * ((v - mean) / sd));
    });
    checkClose((await model.predict(X)).data, expected, { abs: 1e-5, rel: 1e-5 }, 'Gemm → BatchNormalization → LayerNormalization');
  });
});

describe('what cannot be imported is named', () => {
  const gemm = { opType: 'Gemm', inputs: ['x', 'W', 'b'], outputs: ['z'] };
  const weights = [t('W', [3, 2], W), t('b', [2], [0, 0])];
  const cases: [string, OnnxModel, RegExp][] = [
    ['an unsupported operator', graph([gemm, { opType: 'Conv', name: 'conv_7', inputs: ['z'], outputs: ['y'] }], weights), /unsupported operator Conv in node 'conv_7'/],
    ['Gemm with transA', graph([{ ...gemm, outputs: ['y'], attributes: [{ name: 'transA', kind: 'int', value: 1 }] }], weights), /node 'n0' \(Gemm\): transA=1 is not supported/],
    ['a bias of rows × units', graph([{ ...gemm, outputs: ['y'] }], [t('W', [3, 2], W), t('b', [2, 2], [0, 0, 0, 0])]), /the bias 'b' has dims \[2, 2\]/],
    ['weights that are a graph input, not an initializer', graph([{ opType: 'Gemm', inputs: ['x', 'W2'], outputs: ['y'] }], []), /its B 'W2' is not an initializer/],
    ['Softmax over axis 0', graph([gemm, { opType: 'Softmax', inputs: ['z'], outputs: ['y'], attributes: [{ name: 'axis', kind: 'int', value: 0 }] }], weights), /Softmax over axis 0/],
    ['an operator of another domain', graph([gemm, { opType: 'Normalizer', domain: 'ai.onnx.ml', name: 'norm', inputs: ['z'], outputs: ['y'] }], weights), /unsupported operator ai\.onnx\.ml\.Normalizer in node 'norm'/],
    ['a branch', graph([gemm, { opType: 'Relu', inputs: ['x'], outputs: ['y'] }], weights), /node 'n1' \(Relu\) does not take the previous layer's output 'z'/],
    ['a width mismatch', graph([gemm, { opType: 'Gemm', inputs: ['z', 'V'], outputs: ['y'] }], [...weights, t('V', [3, 2], W)]), /takes 3 inputs but receives 2/],
    ['BatchNormalization in training mode', graph([gemm, { opType: 'BatchNormalization', inputs: ['z', 's', 'b', 'm', 'v'], outputs: ['y'], attributes: [{ name: 'training_mode', kind: 'int', value: 1 }] }], [...weights, ...['s', 'b', 'm', 'v'].map((n) => t(n, [2], [1, 1]))]), /\(BatchNormalization\): training_mode=1 is not supported/],
    ['LayerNormalization over axis 0', graph([gemm, { opType: 'LayerNormalization', inputs: ['z', 's'], outputs: ['y'], attributes: [{ name: 'axis', kind: 'int', value: 0 }] }], [...weights, t('s', [2], [1, 1])]), /\(LayerNormalization\): axis=0 is not supported/],
    ['a normalization of another width', graph([gemm, { opType: 'LayerNormalization', inputs: ['z', 's'], outputs: ['y'] }], [...weights, t('s', [3], [1, 1, 1])]), /normalizes 3 features but receives 2/],
    ['two inputs', graph([{ ...gemm, outputs: ['y'] }], weights, { inputs: [{ name: 'x', elemType: 1, shape: null }, { name: 'x2', elemType: 1, shape: null }] }), /has 2 graph inputs/],
  ];
  it.each(cases)('%s', async (name, model, message) => {
    const f = await load(name.replace(/\W+/g, '-'), model);
    const err = await f.model().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).toContain(f.path);
    expect((err as Error).message).toMatch(message);
  });

  it('a file that is not ONNX is a ModelFileError naming it', async () => {
    const path = join(dir, 'not.onnx');
    writeFileSync(path, 'hello, this is text');
    await expect(importOnnx(path)).rejects.toThrow(ModelFileError);
    await expect(importOnnx(path)).rejects.toThrow(path);
  });
});

describe('float attributes', () => {
  it('a float32 alpha comes back as the shortest decimal that rounds to it', () => {
    expect(shortestDecimal(Math.fround(0.2))).toBe(0.2);
    expect(shortestDecimal(Math.fround(0.7))).toBe(0.7);
    expect(shortestDecimal(Math.fround(1 / 3))).toBe(0.33333334);
  });
});
