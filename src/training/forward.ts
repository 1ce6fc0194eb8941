// Inference without a compiled plan (a built model that was never compiled): the per-op kernels of the
// backend, layer by layer, over batches. Dropout and noise are the identity at inference. Batch and layer
// normalization run the js backend's kernels, whose float64 operations the native ones repeat exactly.

import { LayerKind } from '../backend/codes.js';
import type { Backend, LayerSpec } from '../backend/contract.js';
import type { Matrix } from '../data/matrix.js';
import { batchNormForward, layerNormForward } from '../backend/js/norm.js';
import { inChunks } from './evaluate.js';

/** Outputs (rows, last width) of `layers` for all rows of x. */
export async function forwardInference(
  backend: Backend,
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>,
  layers: readonly LayerSpec[],
  params: Float32Array,
  x: Matrix,
  batchSize: number,
): Promise<Matrix> {
  const inWidth = x.cols;
  const outWidth = layers.length > 0 ? layers[layers.length - 1].units : inWidth;
  const widest = layers.reduce((w, l) => Math.max(w, l.units), inWidth);
  const bs = Math.min(batchSize, x.rows);
  // ping-pong activations (bs, widest)
  const bufA = new Float32Array(bs * widest);
  const bufB = new Float32Array(bs * widest);
  const out = new Float32Array(x.rows * outWidth);
  const mean = new Float64Array(Math.max(bs, widest)); // per-column or per-row statistics of a normalization
  const invStd = new Float64Array(Math.max(bs, widest));
  const view = (ref: { offset: number; length: number }) => params.subarray(ref.offset, ref.offset + ref.length);
  await inChunks({ backend, exclusive }, x.rows, bs, (start, count) => {
    for (let r0 = start; r0 < start + count; r0 += bs) {
      const rows = Math.min(bs, start + count - r0);
      let cur = x.data.subarray(r0 * inWidth, (r0 + rows) * inWidth);
      let spare = bufA;
      for (const layer of layers) {
        const dst = spare.subarray(0, rows * layer.units);
        if (layer.kind === LayerKind.dense && layer.kernel !== null) {
          const bias = layer.bias === null ? null : view(layer.bias);
          backend.denseForward(dst, null, cur, view(layer.kernel), bias, rows, layer.inputs, layer.units, layer.activation, layer.activationParam);
        } else if (layer.kind === LayerKind.activation) {
          backend.activationForward(dst, cur, rows, layer.units, layer.activation, layer.activationParam);
        } else if (layer.kind === LayerKind.batchNorm && layer.kernel && layer.bias && layer.runningMean && layer.runningVar) {
          batchNormForward(dst, mean, invStd, view(layer.runningMean), view(layer.runningVar), cur, view(layer.kernel), view(layer.bias), rows, layer.units, layer.rate, 0, false);
        } else if (layer.kind === LayerKind.layerNorm && layer.kernel && layer.bias) {
          layerNormForward(dst, mean, invStd, cur, view(layer.kernel), view(layer.bias), rows, layer.units, layer.rate);
        } else {
          dst.set(cur); // dropout / noise: identity at inference
        }
        cur = dst;
        spare = spare === bufA ? bufB : bufA;
      }
      out.set(cur, r0 * outWidth);
    }
  });
  return { data: out, rows: x.rows, cols: outWidth };
}
