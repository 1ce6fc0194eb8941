// A standalone activation: A' = act(A), e.g. a softmax after a linear dense layer.

import { LayerKind, type ActivationCode } from '../backend/codes.js';
import type { LayerSpec } from '../backend/contract.js';
import { invalid } from '../util/validate.js';
import { activationToConfig, resolveActivation, type ActivationConfig, type ResolvedActivation } from './activations.js';
import type { ActivationOption } from './dense.js';
import { checkLayerOptions, ShapePreservingLayer, type CommonLayerOptions, type LayerConfigBase } from './layer.js';

/** Options of `layers.activation(options)`. */
export interface ActivationLayerOptions extends CommonLayerOptions {
  /** Activation name or `{ name, alpha }`. Required. */
  activation: ActivationOption;
}

export interface ActivationLayerConfig extends LayerConfigBase {
  type: 'activation';
  activation: ActivationConfig;
}

/**
 * Applies an activation to its input without weights (e.g. a softmax after a linear dense layer); made by
 * `layers.activation`. A softmax/sigmoid here still fuses with a matching cross-entropy loss.
 */
export class ActivationLayer extends ShapePreservingLayer {
  readonly type = 'activation' as const;
  readonly activation: ResolvedActivation;

  /** @throws ConfigError for a missing or unknown activation or an unknown option. */
  constructor(options: ActivationLayerOptions) {
    checkLayerOptions('activation', options, ['activation'], "{ activation: 'relu' }");
    super(options);
    if (options.activation === undefined) throw invalid('activation', "an activation name such as 'relu'", undefined);
    this.activation = resolveActivation('activation', options.activation);
  }

  override lastActivation(): ActivationCode {
    return this.activation.code;
  }

  toSpec(): LayerSpec {
    return this.weightlessSpec(LayerKind.activation, 0, this.activation.code, this.activation.param);
  }

  getConfig(): ActivationLayerConfig {
    return { type: 'activation', ...this.commonConfig(), activation: activationToConfig(this.activation) };
  }
}
