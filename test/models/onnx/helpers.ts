// Shared by the ONNX tests: onnxruntime-node when it is installed (a devDependency whose install may be
// skipped or fail on some machines: the tests that need it skip with the reason), Python's reference
// ONNX checker when a Python with the onnx package exists, the bundled datasets (standardized features),
// and one model per dataset covering every activation, dropout and noise.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { layers, readCsv, scalers, Sequential } from '../../../src/index.js';
import type { Matrix } from '../../../src/data/matrix.js';
import { ROOT } from '../../helpers/run-script.js';

type Ort = typeof import('onnxruntime-node');

/** onnxruntime-node, or the reason it cannot be loaded. */
export async function loadOrt(): Promise<{ ort: Ort; reason: null } | { ort: null; reason: string }> {
  try {
    return { ort: await import('onnxruntime-node'), reason: null };
  } catch (err) {
    return { ort: null, reason: `onnxruntime-node cannot be loaded (${(err as Error).message.split('\n')[0]}): npm install it (ONNXRUNTIME_NODE_INSTALL=skip offline)` };
  }
}

/** The output `name` of the ONNX model in `path` run by onnxruntime on `x` (input 'features'). */
export async function ortRun(ort: Ort, path: string, x: Matrix, name: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(path);
  try {
    const out = await session.run({ features: new ort.Tensor('float32', x.data, [x.rows, x.cols]) });
    const t = out[name];
    if (t === undefined) throw new Error(`no output '${name}' (outputs: ${Object.keys(out).join(', ')})`);
    return t.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** A python3 whose `import onnx` works (Debian's python3-onnx is in /usr/bin), or null. */
export function pythonWithOnnx(): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import onnx'], { stdio: 'ignore' });
      return python;
    } catch {
      // next candidate
    }
  }
  return null;
}

export interface Bundled {
  name: string;
  x: Matrix;
  y: Matrix;
  model: () => Sequential;
}

/** data/iris.csv, data/breast_cancer.csv and data/digits.csv, features standardized, with a model for each (digits': batch and layer normalization). */
export async function bundledDatasets(): Promise<Bundled[]> {
  const read = async (file: string, options: Parameters<typeof readCsv>[1]) => {
    const { x, y } = await readCsv(join(ROOT, 'data', file), options);
    return { x: scalers.standard().fit(x).transform(x), y: y as Matrix };
  };
  const iris = await read('iris.csv', { target: 'species' });
  const cancer = await read('breast_cancer.csv', { target: 'diagnosis' });
  const digits = await read('digits.csv', { header: false, target: 64 });
  return [
    {
      name: 'iris',
      ...iris,
      model: () => stack(4, [layers.dense({ units: 16, activation: 'gelu' }), layers.dropout({ rate: 0.1 }), layers.dense({ units: 12, activation: 'silu' }), layers.gaussianNoise({ stddev: 0.1 }), layers.dense({ units: 3, activation: 'softmax' })]),
    },
    {
      name: 'breast_cancer',
      ...cancer,
      model: () => stack(30, [layers.dense({ units: 16, activation: { name: 'leakyRelu', alpha: 0.2 } }), layers.dense({ units: 8, activation: { name: 'elu', alpha: 0.7 }, useBias: false }), layers.dense({ units: 1, activation: 'sigmoid' })]),
    },
    {
      name: 'digits',
      ...digits,
      model: () =>
        stack(64, [
          layers.dense({ units: 32, useBias: false }),
          layers.batchNormalization({ momentum: 0.3 }),
          layers.activation({ activation: 'relu' }),
          layers.dense({ units: 16, activation: 'tanh' }),
          layers.layerNormalization({ epsilon: 1e-3 }),
          layers.activation({ activation: 'softplus' }),
          layers.dense({ units: 10 }),
          layers.activation({ activation: 'softmax' }),
        ]),
    },
  ];
}

function stack(inputs: number, list: ReturnType<(typeof layers)[keyof typeof layers]>[]): Sequential {
  const model = new Sequential({ seed: 11, name: 'onnx_test' });
  model.add(layers.dense({ units: 8, activation: 'relu', inputShape: [inputs] }));
  for (const layer of list) model.add(layer);
  return model;
}
