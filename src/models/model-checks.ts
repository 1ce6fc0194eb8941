// The checks Sequential makes before any work: a layer to add, the width to build for, that the model is
// compiled, the input width data must have and the target rule of the compiled loss. (The data's shapes
// against these are checked by training: src/training/data-checks.ts.)

import { LabelMode } from '../backend/codes.js';
import { inputWidthOf, type InputData, type TargetRule } from '../data/validate-data.js';
import { ActivationLayer, BatchNormalization, Dense, Dropout, GaussianNoise, LayerNormalization, type Layer } from '../layers/index.js';
import { ConfigError, ShapeError } from '../util/errors.js';
import { checkInteger, describe } from '../util/validate.js';
import type { Compiled } from './compile-options.js';
import { labelModeOf, outputWidthOf } from './compile-plan.js';

/** The layer classes the backends have kernels for: exactly these, not subclasses of them. */
const BUILT_IN_LAYERS: readonly unknown[] = [Dense, Dropout, GaussianNoise, ActivationLayer, BatchNormalization, LayerNormalization];

/**
 * Checks a layer for Sequential.add on a model with `layers`.
 * @throws ConfigError when the model is already built, or the layer is not a layer or is already in a model,
 *   or has inputShape but is not the first layer, or is a class of the caller's own (a subclass of Layer
 *   or of a built-in layer): the backends run only the kernels of the built-in layers.
 */
export function checkNewLayer(layer: Layer, layers: readonly Layer[], built: boolean): void {
  if (typeof layer !== 'object' || layer === null || typeof (layer as Partial<Layer>).toSpec !== 'function') {
    throw new ConfigError(`Expected a layer (e.g. layers.dense({ units: 8 })) for add but received ${describe(layer)}`);
  }
  const kind = Object.getPrototypeOf(layer)?.constructor as unknown;
  if (!BUILT_IN_LAYERS.some((builtIn) => builtIn === kind)) {
    const name = typeof kind === 'function' && kind.name !== '' ? kind.name : 'a layer class';
    throw new ConfigError(
      `Custom layers are not supported: ${name} is not one of nntrain's layers. A model compiles to the kernels of layers.dense, layers.dropout, layers.gaussianNoise, layers.activation, layers.batchNormalization and layers.layerNormalization (both backends run only those); build the model from them`,
    );
  }
  if (built) throw new ConfigError('Cannot add layers to a built model; add every layer before build/fit');
  if (layer.built || layers.includes(layer)) {
    throw new ConfigError(`${layer.label()} is already in a model; create a new layer instead`);
  }
  if (layers.length > 0 && layer.inputShape !== undefined) {
    throw new ConfigError(`inputShape is only allowed on the first layer, but ${layer.label()} is layer ${layers.length}`);
  }
}

/**
 * The width Sequential.build(inputWidth) builds for: `inputWidth`, else the first layer's inputShape.
 * @throws ConfigError without layers or without any input width; ShapeError for a width that differs
 *   from inputShape.
 */
export function buildWidth(layers: readonly Layer[], inputWidth: number | undefined): number {
  if (inputWidth !== undefined) checkInteger('inputWidth', inputWidth, { min: 1 });
  if (layers.length === 0) throw new ConfigError('The model has no layers; add layers before build');
  const declared = layers[0].inputShape?.[0];
  const width = inputWidth ?? declared;
  if (width === undefined) {
    throw new ConfigError('The input width is unknown: give the first layer inputShape: [features], or call build(features)');
  }
  if (declared !== undefined && declared !== width) {
    throw new ShapeError(`The model was declared with inputShape [${declared}] but build was asked for [${width}]`);
  }
  return width;
}

/** The compiled options. @throws ConfigError before compile or without layers. */
export function requireCompiled(compiled: Compiled | null, layers: readonly Layer[], method: string): Compiled {
  if (compiled === null) throw new ConfigError(`Call compile({ optimizer, loss }) before ${method}()`);
  if (layers.length === 0) throw new ConfigError('The model has no layers');
  return compiled;
}

/** The input width: the built one (`inputs`), else the first layer's inputShape, else the data's. */
export function inputWidthFor(inputs: number | null, layers: readonly Layer[], x: InputData): number {
  return inputs ?? layers[0].inputShape?.[0] ?? inputWidthOf(x);
}

/** What targets must look like for the compiled loss, with `inputWidth` inputs. */
export function targetRule(layers: readonly Layer[], compiled: Compiled, inputWidth: number): TargetRule {
  const outputWidth = outputWidthOf(layers, inputWidth);
  const labelMode = labelModeOf(compiled.loss);
  return { labelMode, outputWidth, labelWidth: labelMode === LabelMode.sparse ? 1 : outputWidth, lossName: compiled.loss.name };
}
