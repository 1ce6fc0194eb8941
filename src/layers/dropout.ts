// Dropout: in training, each element is kept with probability 1 − rate and scaled by 1/(1 − rate)
// (inverted dropout, as Keras and PyTorch); at inference the layer is the identity.

import { LayerKind } from '../backend/codes.js';
import type { LayerSpec } from '../backend/contract.js';
import { checkNumber } from '../util/validate.js';
import { checkLayerOptions, ShapePreservingLayer, type CommonLayerOptions, type LayerConfigBase } from './layer.js';

/** Options of `layers.dropout(options)`. */
export interface DropoutOptions extends CommonLayerOptions {
  /** Fraction of inputs dropped during training, in [0, 1). Required. */
  rate: number;
}

export interface DropoutConfig extends LayerConfigBase {
  type: 'dropout';
  rate: number;
}

/**
 * Zeroes each input with probability `rate` during fit and scales the kept ones by 1/(1 − rate)
 * (inverted dropout), so inference is the identity; made by `layers.dropout`.
 */
export class Dropout extends ShapePreservingLayer {
  readonly type = 'dropout' as const;
  readonly rate: number;

  /** @throws ConfigError for a rate outside [0, 1) or an unknown option. */
  constructor(options: DropoutOptions) {
    checkLayerOptions('dropout', options, ['rate'], '{ rate: 0.5 }');
    super(options);
    this.rate = checkNumber('rate', options.rate, { min: 0, max: 1, maxOpen: true });
  }

  toSpec(): LayerSpec {
    return this.weightlessSpec(LayerKind.dropout, this.rate);
  }

  getConfig(): DropoutConfig {
    return { type: 'dropout', ...this.commonConfig(), rate: this.rate };
  }
}
