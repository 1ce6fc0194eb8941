// Dropout: in training, each element is kept with probability 1 − rate and scaled by 1/(1 − rate)
// (inverted dropout, as Keras and PyTorch); at inference the layer is the identity.

import { Activation, LayerKind, type ActivationCode } from '../backend/codes.js';
import type { LayerSpec } from '../backend/contract.js';
import { checkKeys, checkNumber, invalid, isPlainObject } from '../util/validate.js';
import { COMMON_LAYER_KEYS, Layer, type CommonLayerOptions, type LayerConfigBase } from './layer.js';

export interface DropoutOptions extends CommonLayerOptions {
  /** Fraction of inputs dropped during training, in [0, 1). Required. */
  rate: number;
}

export interface DropoutConfig extends LayerConfigBase {
  type: 'dropout';
  rate: number;
}

export class Dropout extends Layer {
  readonly type = 'dropout' as const;
  readonly rate: number;

  /** @throws ConfigError for a rate outside [0, 1) or an unknown option. */
  constructor(options: DropoutOptions) {
    if (!isPlainObject(options)) throw invalid('the options of dropout', 'an options object such as { rate: 0.5 }', options);
    checkKeys('dropout', options, ['rate', ...COMMON_LAYER_KEYS]);
    super(options);
    this.rate = checkNumber('rate', options.rate, { min: 0, max: 1, maxOpen: true });
  }

  outputWidthFor(inputs: number): number {
    return inputs;
  }

  lastActivation(): ActivationCode | null {
    return null;
  }

  toSpec(): LayerSpec {
    const width = this.inputWidth;
    return {
      kind: LayerKind.dropout,
      inputs: width,
      units: width,
      activation: Activation.linear,
      activationParam: 0,
      rate: this.rate,
      kernel: null,
      bias: null,
      kernelPenalty: { l1: 0, l2: 0 },
      biasPenalty: { l1: 0, l2: 0 },
    };
  }

  getConfig(): DropoutConfig {
    return { type: 'dropout', ...this.commonConfig(), rate: this.rate };
  }
}
