// Checks a PlanSpec against its arena once, when a plan is created, so the executor can index freely.

import { LabelMode, LayerKind, Loss, LossFusion, OPTIMIZER_SLOTS, Precision } from '../../codes.js';
import type { ArenaViews, LayerSpec, PlanSpec, TensorRef } from '../../contract.js';
import { ConfigError, ShapeError } from '../../../util/errors.js';

function checkRef(ref: TensorRef | null, expected: number, what: string, paramCount: number): void {
  if (!ref) return;
  if (ref.length !== expected) throw new ShapeError(`Expected ${expected} floats for ${what} but received ${ref.length}`);
  if (!(Number.isInteger(ref.offset) && ref.offset >= 0 && ref.offset + ref.length <= paramCount)) {
    throw new ShapeError(`${what} at [${ref.offset}, ${ref.offset + ref.length}) lies outside the ${paramCount} parameters`);
  }
}

/** gamma and beta among the trained floats; batchNorm's running statistics past them. */
function checkNorm(layer: LayerSpec, i: number, paramCount: number, trainable: number): void {
  if (!layer.kernel || !layer.bias) throw new ShapeError(`Normalization layer ${i} has no gamma or beta`);
  checkRef(layer.kernel, layer.units, `the gamma of layer ${i}`, trainable);
  checkRef(layer.bias, layer.units, `the beta of layer ${i}`, trainable);
  if (!(Number.isFinite(layer.rate) && layer.rate > 0)) throw new ConfigError(`Expected epsilon > 0 for layer ${i} but received ${layer.rate}`);
  if (layer.kind === LayerKind.layerNorm) return;
  const momentum = layer.momentum ?? 0;
  if (!(momentum >= 0 && momentum <= 1)) throw new ConfigError(`Expected momentum in [0, 1] for layer ${i} but received ${momentum}`);
  for (const [ref, what] of [[layer.runningMean, 'running mean'], [layer.runningVar, 'running variance']] as const) {
    if (!ref) throw new ShapeError(`batchNorm layer ${i} has no ${what}`);
    checkRef(ref, layer.units, `the ${what} of layer ${i}`, paramCount);
    if (ref.offset < trainable) throw new ShapeError(`The ${what} of layer ${i} at ${ref.offset} lies among the trained floats [0, ${trainable})`);
  }
}

/**
 * @throws ShapeError when widths do not chain, a tensor does not fit the arena or slots are missing.
 * @throws ConfigError for a fusion that does not match the loss or the last layer, maxBatch < 1 or an unknown precision.
 */
export function validatePlan(spec: PlanSpec, arena: ArenaViews, maxBatch: number): void {
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new ConfigError(`Expected integer >= 1 for maxBatch but received ${maxBatch}`);
  const { layers, paramCount } = spec;
  const trainable = spec.trainableCount ?? paramCount;
  if (!(Number.isInteger(trainable) && trainable >= 0 && trainable <= paramCount)) throw new ShapeError(`Expected trainableCount in [0, ${paramCount}] but received ${trainable}`);
  if (layers.length === 0) throw new ConfigError('Expected at least one layer in the plan but received none');
  if (arena.params.length < paramCount || arena.grads.length < paramCount) {
    throw new ShapeError(`Expected params and grads of length >= ${paramCount} but received ${arena.params.length} and ${arena.grads.length}`);
  }
  if (spec.precision !== undefined && spec.precision !== Precision.fp32 && spec.precision !== Precision.bf16) {
    throw new ConfigError(`Unknown precision code ${String(spec.precision)}`);
  }
  const slots = OPTIMIZER_SLOTS[spec.optimizer.kind];
  if (slots === undefined) throw new ConfigError(`Unknown optimizer code ${String(spec.optimizer.kind)}`);
  if (arena.slots.length < slots || arena.slots.some((s, i) => i < slots && s.length < paramCount)) {
    throw new ShapeError(`Expected ${slots} optimizer slots of length >= ${paramCount} but received ${arena.slots.length}`);
  }
  let width = spec.inputWidth;
  layers.forEach((layer, i) => {
    if (layer.inputs !== width) throw new ShapeError(`Layer ${i} expects ${layer.inputs} inputs but the previous layer gives ${width}`);
    if (layer.kind !== LayerKind.dense && layer.units !== layer.inputs) {
      throw new ShapeError(`Layer ${i} (kind ${layer.kind}) must keep its width ${layer.inputs} but has ${layer.units} units`);
    }
    if (layer.kind === LayerKind.dense) {
      if (!layer.kernel) throw new ShapeError(`Dense layer ${i} has no kernel`);
      checkRef(layer.kernel, layer.inputs * layer.units, `the kernel of layer ${i}`, trainable);
      checkRef(layer.bias, layer.units, `the bias of layer ${i}`, trainable);
    }
    if (layer.kind === LayerKind.batchNorm || layer.kind === LayerKind.layerNorm) checkNorm(layer, i, paramCount, trainable);
    if (layer.kind === LayerKind.dropout && !(layer.rate >= 0 && layer.rate < 1)) {
      throw new ConfigError(`Expected a dropout rate in [0, 1) for layer ${i} but received ${layer.rate}`);
    }
    width = layer.units;
  });
  if (width !== spec.outputWidth) throw new ShapeError(`The last layer gives ${width} outputs but outputWidth is ${spec.outputWidth}`);
  const { fusion, kind } = spec.loss;
  const sparse = kind === Loss.sparseCategoricalCrossentropy;
  if (spec.labelWidth !== (sparse ? 1 : spec.outputWidth)) {
    throw new ShapeError(`Expected labelWidth ${sparse ? 1 : spec.outputWidth} but received ${spec.labelWidth}`);
  }
  if (spec.loss.labelMode === LabelMode.sparse && spec.labelWidth !== 1) {
    throw new ShapeError(`Expected labelWidth 1 for sparse labels but received ${spec.labelWidth}`);
  }
  if (fusion !== LossFusion.none) {
    const last = layers[layers.length - 1];
    if (last.kind !== LayerKind.dense && last.kind !== LayerKind.activation) {
      throw new ConfigError('A fused loss needs a dense or activation layer last');
    }
    const fits = fusion === LossFusion.softmax ? kind === Loss.categoricalCrossentropy || sparse : fusion === LossFusion.sigmoid && kind === Loss.binaryCrossentropy;
    if (!fits) throw new ConfigError(`Loss fusion ${fusion} does not apply to loss ${kind}`);
  }
}
