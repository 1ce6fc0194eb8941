// gelu's tanh form through ONNX: the exporter writes 0.5·x·(1 + Tanh(√(2/π)·(x + 0.044715·x³))) (opset 17
// has no Gelu), onnxruntime runs it within 1e-5 of predict, the importer reads it back as the tanh form
// bit for bit, and a Gelu node with approximate='tanh' or the Pow(x, 3) spelling imports as it too.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Activation } from '../../../src/backend/codes.js';
import { importOnnx, layers, matrix, Rng, Sequential } from '../../../src/index.js';
import { writeOnnxFile } from '../../../src/io/onnx/onnx-file.js';
import { OnnxType, type OnnxModel, type OnnxNode, type OnnxTensor } from '../../../src/io/onnx/onnx-model.js';
import { checkBits, checkClose } from '../../helpers/check.js';
import { loadOrt, ortRun } from './helpers.js';

const { ort, reason } = await loadOrt();
const dir = mkdtempSync(join(tmpdir(), 'nntrain-onnx-gelu-tanh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rng = new Rng(2);
const X = matrix(Float32Array.from({ length: 40 * 5 }, () => 2 * rng.normal()), 5);

function model(): Sequential {
  const m = new Sequential({ seed: 4, name: 'gelu_tanh' });
  m.add(layers.dense({ units: 12, activation: { name: 'gelu', approximate: 'tanh' }, inputShape: [5] }));
  m.add(layers.dense({ units: 6, activation: 'gelu' }));
  m.add(layers.activation({ activation: 'geluTanh' }));
  m.add(layers.dense({ units: 3, activation: 'softmax' }));
  return m;
}

const activations = (m: Sequential) => (m.planSpec?.layers ?? []).map((l) => l.activation);

describe('gelu approximate tanh in ONNX', () => {
  it('export then import gives the tanh form back and the same predictions bit for bit', async () => {
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const path = join(dir, 'model.onnx');
    await m.exportOnnx(path);
    const imported = await importOnnx(path, { backend: m.backend.name });
    imported.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    expect(activations(imported).filter((a) => a === Activation.geluTanh)).toHaveLength(2);
    expect(activations(imported)).toContain(Activation.gelu);
    checkBits((await imported.predict(X)).data, (await m.predict(X)).data, 'imported vs original');
  });

  it.skipIf(ort === null)(`onnxruntime runs the exported tanh form within 1e-5 of predict${reason === null ? '' : ` (skipped: ${reason})`}`, async () => {
    const m = model();
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const path = join(dir, 'ort.onnx');
    await m.exportOnnx(path);
    const actual = await ortRun(ort!, path, X, 'probabilities');
    checkClose(actual, (await m.predict(X)).data, { abs: 1e-5, rel: 0 }, 'onnxruntime vs predict');
  });

  // input x (rows × 3) → Gemm(W) → z → the nodes → y
  const W: OnnxTensor = { name: 'W', dims: [3, 2], data: Float32Array.of(1, -2, 0.5, 1, -1, 0.25) };
  const scalar = (name: string, v: number): OnnxTensor => ({ name, dims: [], data: Float32Array.of(v) });
  async function importNodes(name: string, nodes: Partial<OnnxNode>[], scalars: OnnxTensor[]): Promise<Sequential> {
    const full = [{ opType: 'Gemm', inputs: ['x', 'W'], outputs: ['z'] }, ...nodes].map((n, i) => ({ opType: 'Relu', domain: '', name: `n${i}`, inputs: [], outputs: [], attributes: [], ...n }));
    const onnx: OnnxModel = {
      irVersion: 8,
      opsetImports: [{ domain: '', version: 20 }],
      producerName: 'test',
      producerVersion: '',
      docString: '',
      graph: { name: 'g', docString: '', nodes: full, initializers: [W, ...scalars], inputs: [{ name: 'x', elemType: OnnxType.float, shape: ['N', 3] }], outputs: [{ name: 'y', elemType: OnnxType.float, shape: ['N', 2] }] },
      metadata: [],
    };
    const path = join(dir, `${name}.onnx`);
    await writeOnnxFile(path, onnx);
    const m = await importOnnx(path, { backend: 'js' });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    return m;
  }

  it("a Gelu node with approximate='tanh' is the tanh form; another approximate is named", async () => {
    const m = await importNodes('gelu-node', [{ opType: 'Gelu', inputs: ['z'], outputs: ['y'], attributes: [{ name: 'approximate', kind: 'string', value: 'tanh' }] }], []);
    expect(activations(m)).toEqual([Activation.geluTanh]);
    const bad = importNodes('gelu-bad', [{ opType: 'Gelu', inputs: ['z'], outputs: ['y'], attributes: [{ name: 'approximate', kind: 'string', value: 'sigmoid' }] }], []);
    await expect(bad).rejects.toThrow(/Gelu with approximate='sigmoid'/);
  });

  it('x³ as Pow(x, 3), constants on either side, is the tanh form too', async () => {
    const nodes: Partial<OnnxNode>[] = [
      { opType: 'Pow', inputs: ['z', 'three'], outputs: ['c'] },
      { opType: 'Mul', inputs: ['kappa', 'c'], outputs: ['k'] },
      { opType: 'Add', inputs: ['k', 'z'], outputs: ['i'] },
      { opType: 'Mul', inputs: ['beta', 'i'], outputs: ['s'] },
      { opType: 'Tanh', inputs: ['s'], outputs: ['t'] },
      { opType: 'Add', inputs: ['one', 't'], outputs: ['a'] },
      { opType: 'Mul', inputs: ['a', 'z'], outputs: ['m'] },
      { opType: 'Mul', inputs: ['half', 'm'], outputs: ['y'] },
    ];
    const scalars = [scalar('three', 3), scalar('kappa', 0.044715), scalar('beta', Math.sqrt(2 / Math.PI)), scalar('one', 1), scalar('half', 0.5)];
    const m = await importNodes('gelu-pow', nodes, scalars);
    expect(activations(m)).toEqual([Activation.geluTanh]);
  });
});
