// Recognising activations in an ONNX node list: single nodes (Relu, Sigmoid, Tanh, Softmax over the last
// axis, LeakyRelu, Elu, Softplus, Gelu) and the decompositions exporters write for opsets without them:
// gelu as 0.5·x·(1 + Erf(x/√2)) (Mul by 1/√2 or Div by √2, either operand order), gelu's tanh form as
// 0.5·x·(1 + Tanh(√(2/π)·(x + 0.044715·x³))) (x³ as Mul(Mul(x, x), x) or Pow(x, 3)), silu as x·Sigmoid(x).

import { attributeOf, type OnnxNode } from '../../io/onnx/onnx-model.js';
import type { ActivationConfig } from '../../layers/activations.js';

/** A matched activation: how many nodes it spans and the tensor it ends in. */
export interface ActivationMatch {
  activation: ActivationConfig;
  nodes: number;
  output: string;
}

/** A scalar constant's value (an initializer of one element), or undefined. */
export type ScalarOf = (name: string) => number | undefined;

/** Thrown for a recognised operator used in a way nntrain cannot represent (the message says how). */
export class UnsupportedUse extends Error {}

const near = (v: number | undefined, want: number) => v !== undefined && Math.abs(v - want) <= 1e-6 * Math.abs(want);

/** The activation starting at nodes[i], whose data input is `x`, or null when nodes[i] does not start one. */
export function matchActivation(nodes: readonly OnnxNode[], i: number, x: string, scalar: ScalarOf): ActivationMatch | null {
  const n = nodes[i];
  if (n.inputs[0] !== x && !(n.opType === 'Mul' || n.opType === 'Div')) return null;
  const one = (activation: ActivationConfig): ActivationMatch => ({ activation, nodes: 1, output: n.outputs[0] });
  const floatAttr = (name: string, fallback: number) => {
    const a = attributeOf(n, name);
    return a?.kind === 'float' ? shortestDecimal(a.value) : fallback;
  };
  switch (n.opType) {
    case 'Relu':
      return one('relu');
    case 'Tanh':
      return one('tanh');
    case 'Softplus':
      return one('softplus');
    case 'Sigmoid':
      return matchSilu(nodes, i, x) ?? one('sigmoid');
    case 'LeakyRelu':
      return one({ name: 'leakyRelu', alpha: floatAttr('alpha', 0.01) });
    case 'Elu':
      return one({ name: 'elu', alpha: floatAttr('alpha', 1.0) });
    case 'Softmax': {
      const axis = attributeOf(n, 'axis');
      const value = axis?.kind === 'int' ? axis.value : -1;
      if (value !== -1 && value !== 1) throw new UnsupportedUse(`Softmax over axis ${value} (nntrain's softmax is over the features, axis -1 or 1)`);
      return one('softmax');
    }
    case 'Gelu': {
      const approx = attributeOf(n, 'approximate');
      const form = approx?.kind === 'string' ? approx.value : 'none';
      if (form !== 'none' && form !== 'tanh') throw new UnsupportedUse(`Gelu with approximate='${form}' (nntrain's gelu is 'none' or 'tanh')`);
      return one(form === 'tanh' ? { name: 'gelu', approximate: 'tanh' } : 'gelu');
    }
    case 'Mul':
    case 'Div':
      return matchGelu(nodes, i, x, scalar) ?? matchGeluTanh(nodes, i, x, scalar);
    case 'Pow':
      return matchGeluTanh(nodes, i, x, scalar);
    default:
      return null;
  }
}

/** Sigmoid(x) → s, Mul(x, s): silu. */
function matchSilu(nodes: readonly OnnxNode[], i: number, x: string): ActivationMatch | null {
  const s = nodes[i].outputs[0];
  const mul = nodes[i + 1];
  if (mul?.opType !== 'Mul' || !sameSet(mul.inputs, [x, s])) return null;
  return { activation: 'silu', nodes: 2, output: mul.outputs[0] };
}

/** Mul(x, 1/√2) | Div(x, √2) → Erf → Add(·, 1) → Mul(x, ·) → Mul(·, 0.5): gelu. */
function matchGelu(nodes: readonly OnnxNode[], i: number, x: string, scalar: ScalarOf): ActivationMatch | null {
  const [scale, erf, add, mulX, half] = nodes.slice(i, i + 5);
  if (half === undefined) return null;
  const other = (n: OnnxNode, t: string) => (n.inputs[0] === t ? n.inputs[1] : n.inputs[1] === t ? n.inputs[0] : undefined);
  const scaled =
    (scale.opType === 'Mul' && near(scalar(other(scale, x) ?? ''), Math.SQRT1_2)) ||
    (scale.opType === 'Div' && scale.inputs[0] === x && near(scalar(scale.inputs[1]), Math.SQRT2));
  if (!scaled) return null;
  if (erf.opType !== 'Erf' || erf.inputs[0] !== scale.outputs[0]) return null;
  if (add.opType !== 'Add' || !near(scalar(other(add, erf.outputs[0]) ?? ''), 1)) return null;
  if (mulX.opType !== 'Mul' || !sameSet(mulX.inputs, [x, add.outputs[0]])) return null;
  if (half.opType !== 'Mul' || !near(scalar(other(half, mulX.outputs[0]) ?? ''), 0.5)) return null;
  return { activation: 'gelu', nodes: 5, output: half.outputs[0] };
}

/** x³ → Mul(·, 0.044715) → Add(x, ·) → Mul(·, √(2/π)) → Tanh → Add(·, 1) → Mul(x, ·) → Mul(·, 0.5): gelu, tanh form. */
function matchGeluTanh(nodes: readonly OnnxNode[], i: number, x: string, scalar: ScalarOf): ActivationMatch | null {
  const other = (n: OnnxNode, t: string) => (n.inputs[0] === t ? n.inputs[1] : n.inputs[1] === t ? n.inputs[0] : undefined);
  const first = nodes[i];
  let cubeNodes: number;
  if (first.opType === 'Pow' && first.inputs[0] === x && near(scalar(first.inputs[1]), 3)) cubeNodes = 1;
  else if (first.opType === 'Mul' && first.inputs[0] === x && first.inputs[1] === x) {
    const cube = nodes[i + 1];
    if (cube?.opType !== 'Mul' || !sameSet(cube.inputs, [first.outputs[0], x])) return null;
    cubeNodes = 2;
  } else return null;
  const [kappa, inner, beta, tanh, add, mulX, half] = nodes.slice(i + cubeNodes, i + cubeNodes + 7);
  if (half === undefined) return null;
  const cubed = nodes[i + cubeNodes - 1].outputs[0];
  if (kappa.opType !== 'Mul' || !near(scalar(other(kappa, cubed) ?? ''), 0.044715)) return null;
  if (inner.opType !== 'Add' || !sameSet(inner.inputs, [x, kappa.outputs[0]])) return null;
  if (beta.opType !== 'Mul' || !near(scalar(other(beta, inner.outputs[0]) ?? ''), Math.sqrt(2 / Math.PI))) return null;
  if (tanh.opType !== 'Tanh' || tanh.inputs[0] !== beta.outputs[0]) return null;
  if (add.opType !== 'Add' || !near(scalar(other(add, tanh.outputs[0]) ?? ''), 1)) return null;
  if (mulX.opType !== 'Mul' || !sameSet(mulX.inputs, [x, add.outputs[0]])) return null;
  if (half.opType !== 'Mul' || !near(scalar(other(half, mulX.outputs[0]) ?? ''), 0.5)) return null;
  return { activation: { name: 'gelu', approximate: 'tanh' }, nodes: cubeNodes + 7, output: half.outputs[0] };
}

/**
 * The shortest decimal that rounds to the float32 `v`: ONNX stores float attributes in float32, so an
 * exported alpha of 0.2 comes back as 0.2 (the value nntrain computes with in float64), not 0.2000000030.
 */
export function shortestDecimal(v: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const d = Number(v.toPrecision(digits));
    if (Math.fround(d) === v) return d;
  }
  return v;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && ((a[0] === b[0] && a[1] === b[1]) || (a[0] === b[1] && a[1] === b[0]));
}
