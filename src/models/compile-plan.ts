// From a model and its compile options to the PlanSpec a backend runs: layer specs with arena offsets,
// the loss with its fusion into the last activation, label layout and accuracy threshold, and the
// optimizer's numeric spec.

import { Activation, LabelMode, Loss, LossFusion, Precision, type ActivationCode, type LabelModeCode, type LossFusionCode, type PrecisionCode } from '../backend/codes.js';
import type { LossSpec, PlanSpec } from '../backend/contract.js';
import type { Layer } from '../layers/layer.js';
import type { ResolvedLoss } from '../losses/index.js';
import type { Optimizer } from '../optimizers/index.js';
import { ConfigError } from '../util/errors.js';
import { weightLayout } from './create-weights.js';

export type { ResolvedLoss };

/** How targets are laid out for a loss: class indices, one-hot rows, 0/1 values, or real values. */
export function labelModeOf(loss: ResolvedLoss): LabelModeCode {
  switch (loss.code) {
    case Loss.sparseCategoricalCrossentropy:
      return LabelMode.sparse;
    case Loss.categoricalCrossentropy:
      return LabelMode.onehot;
    case Loss.binaryCrossentropy:
      return LabelMode.binary;
    default:
      return LabelMode.regression;
  }
}

/**
 * Decides how the loss meets the last activation:
 * - categorical / sparse CE: softmax last and !fromLogits, or linear last and fromLogits → softmax fusion;
 * - binaryCrossentropy: sigmoid last and !fromLogits, or linear last and fromLogits → sigmoid fusion;
 * - otherwise none (the loss is computed on the output).
 * @throws ConfigError for fromLogits when the last layer is not a linear dense/activation layer, or for
 *   fromLogits with a loss that has no logits form.
 */
function lossFusion(layers: readonly Layer[], loss: ResolvedLoss): LossFusionCode {
  const last: ActivationCode | null = layers.length > 0 ? layers[layers.length - 1].lastActivation() : null;
  const categorical = loss.code === Loss.categoricalCrossentropy || loss.code === Loss.sparseCategoricalCrossentropy;
  const binary = loss.code === Loss.binaryCrossentropy;
  if (loss.fromLogits) {
    if (!categorical && !binary) throw new ConfigError(`fromLogits applies to cross-entropy losses only, not to ${loss.name}`);
    if (last !== Activation.linear) {
      const lastLayer = layers[layers.length - 1];
      throw new ConfigError(
        `${loss.name} with fromLogits: true needs a last dense or activation layer with a linear activation, but the last layer is ${lastLayer ? describeLast(lastLayer) : 'missing'}. ` +
          `Either remove fromLogits or make the last activation 'linear'`,
      );
    }
    return categorical ? LossFusion.softmax : LossFusion.sigmoid;
  }
  if (categorical && last === Activation.softmax) return LossFusion.softmax;
  if (binary && last === Activation.sigmoid) return LossFusion.sigmoid;
  return LossFusion.none;
}

function describeLast(layer: Layer): string {
  const act = layer.lastActivation();
  if (act === null) return `a ${layer.type} layer`;
  const name = (Object.keys(Activation) as (keyof typeof Activation)[]).find((k) => Activation[k] === act);
  return `${layer.label()} with activation '${name}'`;
}

/** The loss part of a plan (validated; see {@link lossFusion}). */
export function lossSpecFor(layers: readonly Layer[], loss: ResolvedLoss): LossSpec {
  return {
    kind: loss.code,
    param: loss.code === Loss.huber ? loss.delta : 0,
    fusion: lossFusion(layers, loss),
    labelMode: labelModeOf(loss),
    threshold: loss.fromLogits ? 0 : 0.5,
  };
}

/** Output width of a layer stack for an input width. */
export function outputWidthOf(layers: readonly Layer[], inputWidth: number): number {
  let width = inputWidth;
  for (const layer of layers) width = layer.outputWidthFor(width);
  return width;
}

/**
 * The PlanSpec of a built model (layers attached to the arena) with a compiled loss and optimizer, and the
 * GEMM precision (left out of the spec for fp32).
 */
export function compilePlan(layers: readonly Layer[], inputWidth: number, paramCount: number, loss: LossSpec, optimizer: Optimizer, precision: PrecisionCode = Precision.fp32): PlanSpec {
  const specs = layers.map((layer) => layer.toSpec());
  const outputWidth = outputWidthOf(layers, inputWidth);
  const { trainableCount } = weightLayout(layers, inputWidth);
  return {
    inputWidth,
    outputWidth,
    labelWidth: loss.labelMode === LabelMode.sparse ? 1 : outputWidth,
    layers: specs,
    loss: { ...loss },
    optimizer: optimizer.toSpec(),
    paramCount,
    trainableCount,
    ...(precision !== Precision.fp32 ? { precision } : {}),
  };
}
