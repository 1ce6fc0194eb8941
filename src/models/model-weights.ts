// Sequential's weights as Keras shows them: getWeights / setWeights over every layer's tensors in order
// (a dense layer's kernel (inputs, units), then its bias), each a row-major copy without the arena's
// alignment gaps, and countParams, the number of real parameters (summary()'s total).

import type { Layer } from '../layers/layer.js';
import { weightList, type WeightInput, type WeightTensor } from '../layers/weight-values.js';
import { ConfigError } from '../util/errors.js';
import { layerDisplayName } from './summary.js';

/** Every tensor of the built `layers`, in order: its `<layer>/<weight>` name, shape and arena view. */
function targets(layers: readonly Layer[]) {
  return layers.flatMap((layer, i) =>
    layer.weightShapes().map((w) => ({ key: `${i}/${w.name}`, name: `${layerDisplayName(layer, i)}/${w.name}`, shape: w.shape, view: () => layer.getWeights()[w.name] })),
  );
}

/** Copies of every weight tensor of the built `layers`, in Keras's order. */
export function readWeights(layers: readonly Layer[]): WeightTensor[] {
  return targets(layers).map((t) => ({ name: t.name, shape: [...t.shape], data: t.view().slice() }));
}

/**
 * Writes `values` (one per tensor, in readWeights order) into the built `layers`, after checking them all.
 * @throws ConfigError for a wrong count (listing every expected name and shape); ShapeError / DataError
 *   naming the tensor for a wrong shape or a non-finite value.
 */
export function writeWeights(layers: readonly Layer[], values: readonly WeightInput[]): void {
  const all = targets(layers);
  if (!Array.isArray(values)) throw new ConfigError(`setWeights expects a list of arrays, one per weight tensor, as getWeights returns them`);
  const checked = weightList(values, all, 'setWeights');
  checked.forEach((v, i) => all[i].view().set(v));
}
