// Additive Gaussian noise: in training A' = A + stddev·N(0, 1) per element (a regularizer, as Keras's
// GaussianNoise); at inference the layer is the identity.

import { Activation, LayerKind, type ActivationCode } from '../backend/codes.js';
import type { LayerSpec } from '../backend/contract.js';
import { checkKeys, checkNumber, invalid, isPlainObject } from '../util/validate.js';
import { COMMON_LAYER_KEYS, Layer, type CommonLayerOptions, type LayerConfigBase } from './layer.js';

export interface GaussianNoiseOptions extends CommonLayerOptions {
  /** Standard deviation of the noise, >= 0. Required. */
  stddev: number;
}

export interface GaussianNoiseConfig extends LayerConfigBase {
  type: 'gaussianNoise';
  stddev: number;
}

export class GaussianNoise extends Layer {
  readonly type = 'gaussianNoise' as const;
  readonly stddev: number;

  /** @throws ConfigError for a negative or non-finite stddev or an unknown option. */
  constructor(options: GaussianNoiseOptions) {
    if (!isPlainObject(options)) throw invalid('the options of gaussianNoise', 'an options object such as { stddev: 0.1 }', options);
    checkKeys('gaussianNoise', options, ['stddev', ...COMMON_LAYER_KEYS]);
    super(options);
    this.stddev = checkNumber('stddev', options.stddev, { min: 0 });
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
      kind: LayerKind.gaussianNoise,
      inputs: width,
      units: width,
      activation: Activation.linear,
      activationParam: 0,
      rate: this.stddev,
      kernel: null,
      bias: null,
      kernelPenalty: { l1: 0, l2: 0 },
      biasPenalty: { l1: 0, l2: 0 },
    };
  }

  getConfig(): GaussianNoiseConfig {
    return { type: 'gaussianNoise', ...this.commonConfig(), stddev: this.stddev };
  }
}
