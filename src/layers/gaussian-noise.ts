// Additive Gaussian noise: in training A' = A + stddev·N(0, 1) per element (a regularizer, as Keras's
// GaussianNoise); at inference the layer is the identity.

import { LayerKind } from '../backend/codes.js';
import type { LayerSpec } from '../backend/contract.js';
import { checkNumber } from '../util/validate.js';
import { checkLayerOptions, ShapePreservingLayer, type CommonLayerOptions, type LayerConfigBase } from './layer.js';

/** Options of `layers.gaussianNoise(options)`. */
export interface GaussianNoiseOptions extends CommonLayerOptions {
  /** Standard deviation of the noise, >= 0. Required. */
  stddev: number;
}

export interface GaussianNoiseConfig extends LayerConfigBase {
  type: 'gaussianNoise';
  stddev: number;
}

/** Adds N(0, stddev²) noise to every input during fit only (a regularizer); made by `layers.gaussianNoise`. */
export class GaussianNoise extends ShapePreservingLayer {
  readonly type = 'gaussianNoise' as const;
  readonly stddev: number;

  /** @throws ConfigError for a negative or non-finite stddev or an unknown option. */
  constructor(options: GaussianNoiseOptions) {
    checkLayerOptions('gaussianNoise', options, ['stddev'], '{ stddev: 0.1 }');
    super(options);
    this.stddev = checkNumber('stddev', options.stddev, { min: 0 });
  }

  toSpec(): LayerSpec {
    return this.weightlessSpec(LayerKind.gaussianNoise, this.stddev);
  }

  getConfig(): GaussianNoiseConfig {
    return { type: 'gaussianNoise', ...this.commonConfig(), stddev: this.stddev };
  }
}
