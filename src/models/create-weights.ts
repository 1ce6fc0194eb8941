// Creates a model's weights: every layer's kernels and biases laid out back to back in one new arena and
// initialized from the model seed, layer by layer, kernel then bias.

import type { TensorRef } from '../backend/contract.js';
import type { Layer, WeightSlot } from '../layers/layer.js';
import { Arena, ARENA_ALIGN, type CacheLineShift, layoutTensors } from '../memory/arena.js';
import { Rng } from '../util/rng.js';

/** Where one layer's weights are: what Layer.attach takes besides the weight source. */
export interface LayerWeights {
  layer: Layer;
  /** The layer's input width. */
  inputs: number;
  /** Its weight tensors, in weightSlots order. */
  refs: TensorRef[];
}

/**
 * A new arena (no optimizer slots) holding the initialized weights of `layers` for `inputWidth` inputs,
 * and where each layer's weights are in it. The layers are not attached. `shiftOf`: the backend's
 * cacheLineShift, so the arena starts on a cache line.
 */
export function createWeights(layers: readonly Layer[], inputWidth: number, seed: number, shiftOf: CacheLineShift): { arena: Arena; placement: LayerWeights[] } {
  const { slots, owners, refs, paramCount } = weightLayout(layers, inputWidth);
  const arena = new Arena(paramCount, 0, shiftOf);
  const rng = new Rng(seed);
  slots.forEach((s, i) => s.initializer.fill(arena.param(refs[i]), s.fanIn, s.fanOut, rng));
  const placement = owners.map((o) => ({ layer: o.layer, inputs: o.inputs, refs: refs.slice(o.first, o.first + o.count) }));
  return { arena, placement };
}

/**
 * Where the weights of `layers` for `inputWidth` inputs go, without creating them: (inputs, units)
 * kernels and (units) biases back to back, each 64-byte aligned, then the weights that are not trained
 * (batchNorm's running statistics), so the optimizer's flat pass covers [0, trainableCount) only.
 * `paramCount` is the arena's size; `refs` follow `slots`' order.
 */
export function weightLayout(layers: readonly Layer[], inputWidth: number) {
  const slots: WeightSlot[] = [];
  const owners: { layer: Layer; inputs: number; first: number; count: number }[] = [];
  let w = inputWidth;
  for (const layer of layers) {
    const own = layer.weightSlots(w);
    owners.push({ layer, inputs: w, first: slots.length, count: own.length });
    slots.push(...own);
    w = layer.outputWidthFor(w);
  }
  const trained = slots.filter((s) => s.trainable !== false);
  const fixed = slots.filter((s) => s.trainable === false);
  const layout = layoutTensors([...trained, ...fixed].map((s) => s.length));
  const trainableCount = trained.length > 0 ? layout.refs[trained.length - 1].offset + alignedLength(trained[trained.length - 1].length) : 0;
  const placed = new Map<WeightSlot, TensorRef>([...trained, ...fixed].map((s, i) => [s, layout.refs[i]]));
  const refs = slots.map((s) => placed.get(s) as TensorRef);
  return { slots, owners, refs, paramCount: layout.paramCount, trainableCount };
}

function alignedLength(length: number): number {
  return Math.ceil(length / ARENA_ALIGN) * ARENA_ALIGN;
}
