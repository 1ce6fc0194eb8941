// An nntrain activation as ONNX opset-17 nodes. Opset 17 has no Gelu (added in 20) and no SiLU, so gelu
// is written as 0.5·x·(1 + Erf(x·(1/√2))), geluTanh as 0.5·x·(1 + Tanh(√(2/π)·(x + 0.044715·x·x·x))) and
// silu as x·Sigmoid(x); the importer recognises these patterns (activation-patterns.ts). Softmax is over the last axis, as nntrain's row-wise softmax.

import type { ResolvedActivation } from '../../layers/activations.js';
import type { GraphBuilder } from './graph-builder.js';

/** Appends the nodes of `act` applied to tensor `x`; returns the output tensor (`x` itself for linear). */
export function activationNodes(b: GraphBuilder, act: ResolvedActivation, x: string): string {
  const name = act.name;
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return b.node('Relu', [x]);
    case 'leakyRelu':
      return b.node('LeakyRelu', [x], [{ name: 'alpha', kind: 'float', value: act.param }]);
    case 'elu':
      return b.node('Elu', [x], [{ name: 'alpha', kind: 'float', value: act.param }]);
    case 'gelu': {
      const erf = b.node('Erf', [b.node('Mul', [x, b.scalar('gelu_inv_sqrt2', Math.SQRT1_2)])]);
      const onePlus = b.node('Add', [erf, b.scalar('gelu_one', 1)]);
      return b.node('Mul', [b.node('Mul', [x, onePlus]), b.scalar('gelu_half', 0.5)]);
    }
    case 'geluTanh': {
      const cube = b.node('Mul', [b.node('Mul', [x, x]), x]);
      const inner = b.node('Add', [x, b.node('Mul', [cube, b.scalar('gelu_tanh_kappa', 0.044715)])]);
      const tanh = b.node('Tanh', [b.node('Mul', [inner, b.scalar('gelu_tanh_beta', Math.sqrt(2 / Math.PI))])]);
      const onePlus = b.node('Add', [tanh, b.scalar('gelu_one', 1)]);
      return b.node('Mul', [b.node('Mul', [x, onePlus]), b.scalar('gelu_half', 0.5)]);
    }
    case 'silu':
      return b.node('Mul', [x, b.node('Sigmoid', [x])]);
    case 'tanh':
      return b.node('Tanh', [x]);
    case 'sigmoid':
      return b.node('Sigmoid', [x]);
    case 'softplus':
      return b.node('Softplus', [x]);
    case 'softmax':
      return b.node('Softmax', [x], [{ name: 'axis', kind: 'int', value: -1 }]);
    default: {
      const unhandled: never = name; // a new activation must be given its ONNX form here
      throw new Error(`no ONNX form for activation ${String(unhandled)}`);
    }
  }
}
