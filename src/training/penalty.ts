// The L1/L2 penalty of a whole model from its weights, in float64: l1·Σ|w| + l2·Σw² per tensor. Training
// stats carry it per step; evaluation adds it here, as Keras adds regularization losses to val_loss.

import type { PenaltySpec, PlanSpec, TensorRef } from '../backend/contract.js';

export function modelPenalty(spec: PlanSpec, params: Float32Array): number {
  let total = 0;
  for (const layer of spec.layers) {
    total += tensorPenalty(params, layer.kernel, layer.kernelPenalty);
    total += tensorPenalty(params, layer.bias, layer.biasPenalty);
  }
  return total;
}

function tensorPenalty(params: Float32Array, ref: TensorRef | null, p: PenaltySpec): number {
  if (ref === null || (p.l1 === 0 && p.l2 === 0)) return 0;
  let abs = 0;
  let sq = 0;
  for (let i = ref.offset, end = ref.offset + ref.length; i < end; i++) {
    const w = params[i];
    abs += Math.abs(w);
    sq += w * w;
  }
  return p.l1 * abs + p.l2 * sq;
}
