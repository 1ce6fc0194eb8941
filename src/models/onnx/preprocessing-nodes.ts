// A command-line model's saved preprocessing as ONNX nodes around the network, computed as nntrain
// computes it so the folded graph gives the same inputs bit for bit: missing cells (NaN) become the
// imputer's float32 fill value (Where over IsNaN, per column; a one-hot group's missing category is NaN in
// each of its columns, so the group gets its most frequent category), then the scaler's
// (x − center) / scale in float64 rounded to float32 (Cast, Sub, Div, Cast, with float64 constants),
// rather than folding it into the first Gemm's weights, which would round differently. A regression
// model's output is mapped back to the target's units the same way (value·scale + center).

import type { Imputer, Scaler } from '../../data/preprocess/index.js';
import { OnnxType } from '../../io/onnx/onnx-model.js';
import type { GraphBuilder } from './graph-builder.js';

/** Appends imputation of `x` (width `cols`); returns the filled tensor. */
export function imputeNodes(b: GraphBuilder, imputer: Imputer, x: string): string {
  const fill = Float32Array.from(imputer.fillValues());
  const mask = b.node('IsNaN', [x]);
  return b.node('Where', [mask, b.tensor('imputer_fill', [fill.length], fill), x]);
}

/** Appends `scaler.transform` of `x`; returns `x` itself for an identity scaler. */
export function scaleNodes(b: GraphBuilder, scaler: Scaler, x: string, prefix: string): string {
  const { center, scale } = scaler.parameters();
  if (center.every((c) => c === 0) && scale.every((s) => s === 1)) return x;
  const wide = b.node('Cast', [x], [{ name: 'to', kind: 'int', value: OnnxType.double }]);
  const centered = b.node('Sub', [wide, b.tensor(`${prefix}_center`, [center.length], center)]);
  const scaled = b.node('Div', [centered, b.tensor(`${prefix}_scale`, [scale.length], scale)]);
  return b.node('Cast', [scaled], [{ name: 'to', kind: 'int', value: OnnxType.float }]);
}

/** Appends `scaler.inverseTransform` of `y`; returns `y` itself for an identity scaler. */
export function unscaleNodes(b: GraphBuilder, scaler: Scaler, y: string, prefix: string): string {
  const { center, scale } = scaler.parameters();
  if (center.every((c) => c === 0) && scale.every((s) => s === 1)) return y;
  const wide = b.node('Cast', [y], [{ name: 'to', kind: 'int', value: OnnxType.double }]);
  const scaled = b.node('Mul', [wide, b.tensor(`${prefix}_scale`, [scale.length], scale)]);
  const moved = b.node('Add', [scaled, b.tensor(`${prefix}_center`, [center.length], center)]);
  return b.node('Cast', [moved], [{ name: 'to', kind: 'int', value: OnnxType.float }]);
}
