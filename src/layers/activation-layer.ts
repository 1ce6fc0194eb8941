// A standalone activation: A' = act(A), e.g. a softmax after a linear dense layer.

import { LayerKind, type ActivationCode } from '../backend/codes.js';
import type { LayerSpec } from '../backend/contract.js';
import { checkKeys, invalid, isPlainObject } from '../util/validate.js';
import { activationToConfig, resolveActivation, type ActivationConfig, type ResolvedActivation } from './activations.js';
import type { ActivationOption } from './dense.js';
import { COMMON_LAYER_KEYS, Layer, type CommonLayerOptions, type LayerConfigBase } from './layer.js';

export interface ActivationLayerOptions extends CommonLayerOptions {
  /** Activation name or `{ name, alpha }`. Required. */
  activation: ActivationOption;
}

export interface ActivationLayerConfig extends LayerConfigBase {
  type: 'activation';
  activation: ActivationConfig;
}

export class ActivationLayer extends Layer {
  readonly type = 'activation' as const;
  readonly activation: ResolvedActivation;

  /** @throws ConfigError for a missing or unknown activation or an unknown option. */
  constructor(options: ActivationLayerOptions) {
    if (!isPlainObject(options)) throw invalid('the options of activation', "an options object such as { activation: 'relu' }", options);
    checkKeys('activation', options, ['activation', ...COMMON_LAYER_KEYS]);
    super(options);
    if (options.activation === undefined) throw invalid('activation', "an activation name such as 'relu'", undefined);
    this.activation = resolveActivation('activation', options.activation);
  }

  outputWidthFor(inputs: number): number {
    return inputs;
  }

  lastActivation(): ActivationCode {
    return this.activation.code;
  }

  toSpec(): LayerSpec {
    const width = this.inputWidth;
    return {
      kind: LayerKind.activation,
      inputs: width,
      units: width,
      activation: this.activation.code,
      activationParam: this.activation.param,
      rate: 0,
      kernel: null,
      bias: null,
      kernelPenalty: { l1: 0, l2: 0 },
      biasPenalty: { l1: 0, l2: 0 },
    };
  }

  getConfig(): ActivationLayerConfig {
    return { type: 'activation', ...this.commonConfig(), activation: activationToConfig(this.activation) };
  }
}
