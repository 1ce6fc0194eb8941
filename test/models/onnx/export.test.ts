// exportOnnx's file as read back: opset 17 and IR version 8, input 'features' and output
// 'probabilities'/'output', a Gemm per dense layer with the activation's nodes, no dropout or noise,
// metadata, option checks; and Python's reference checker (onnx.checker, full_check) accepts the files.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, layers, Sequential } from '../../../src/index.js';
import { decodeOnnx } from '../../../src/io/onnx/onnx-file.js';
import { bundledDatasets, pythonWithOnnx } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nntrain-onnx-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exported(model: Sequential, name: string, options?: Parameters<Sequential['exportOnnx']>[1]) {
  const path = join(dir, `${name}.onnx`);
  await model.exportOnnx(path, options);
  return { path, onnx: decodeOnnx(readFileSync(path), path) };
}

describe('the exported graph', () => {
  it('has opset 17, named input and output, a Gemm per dense layer and decomposed gelu and silu', async () => {
    const [iris] = await bundledDatasets();
    const { onnx } = await exported(iris.model(), 'iris', { columns: ['a', 'b', 'c', 'd'] });
    expect(onnx.opsetImports).toEqual([{ domain: '', version: 17 }]);
    expect(onnx.irVersion).toBe(8);
    expect(onnx.producerName).toBe('nntrain');
    expect(onnx.graph.inputs).toEqual([{ name: 'features', elemType: 1, shape: ['rows', 4] }]);
    expect(onnx.graph.outputs).toEqual([{ name: 'probabilities', elemType: 1, shape: ['rows', 3] }]);
    // dense(8, relu), dense(16, gelu), dropout, dense(12, silu), noise, dense(3, softmax)
    expect(onnx.graph.nodes.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Gemm', 'Mul', 'Erf', 'Add', 'Mul', 'Mul', 'Gemm', 'Sigmoid', 'Mul', 'Gemm', 'Softmax']);
    expect(onnx.graph.nodes.at(-1)?.outputs).toEqual(['probabilities']);
    expect(Object.fromEntries(onnx.metadata)).toMatchObject({ columns: '["a","b","c","d"]', preprocessing: 'none', 'nntrain.model': 'onnx_test' });
    const kernel = onnx.graph.initializers.find((t) => t.name === 'dense_0/kernel');
    expect(kernel?.dims).toEqual([4, 8]);
  });

  it("a model ending in a linear layer has output 'output' (a bias-free layer's Gemm has two inputs)", async () => {
    const model = new Sequential({ seed: 1 });
    model.add(layers.dense({ units: 3, activation: 'tanh', inputShape: [2] }));
    model.add(layers.dense({ units: 1, useBias: false }));
    const { onnx } = await exported(model, 'linear');
    expect(onnx.graph.outputs[0].name).toBe('output');
    expect(onnx.graph.nodes.map((n) => [n.opType, n.inputs.length])).toEqual([['Gemm', 3], ['Tanh', 1], ['Gemm', 2]]);
  });

  it('refuses an unbuilt model, unknown options and columns of the wrong count', async () => {
    const unbuilt = new Sequential();
    unbuilt.add(layers.dense({ units: 2 }));
    await expect(unbuilt.exportOnnx(join(dir, 'x.onnx'))).rejects.toThrow(ConfigError);
    const model = new Sequential();
    model.add(layers.dense({ units: 2, inputShape: [3] }));
    await expect(model.exportOnnx(join(dir, 'x.onnx'), { colums: [] } as never)).rejects.toThrow(/colums/);
    await expect(model.exportOnnx(join(dir, 'x.onnx'), { columns: ['a'] })).rejects.toThrow(/columns has 1 names but the model takes 3 inputs/);
  });
});

const python = pythonWithOnnx();
describe.skipIf(python === null)(`the reference ONNX checker${python === null ? ' (skipped: no python3 with the onnx package; Debian: apt install python3-onnx)' : ''}`, async () => {
  const datasets = await bundledDatasets();
  it.each(datasets.map((d) => [d.name, d] as const))('%s: onnx.checker.check_model(full_check=True) passes', async (name, d) => {
    const { path } = await exported(d.model(), `checked-${name}`);
    const script = 'import sys, onnx\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nprint(m.opset_import[0].version, len(m.graph.node))';
    const out = execFileSync(python as string, ['-c', script, path], { encoding: 'utf8' }).trim();
    expect(out.split(' ')[0]).toBe('17');
  });
});
