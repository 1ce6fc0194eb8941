// Layer factories (`layers.dense({...})`, Keras-style options) and config restoration for model files.

import { ConfigError } from '../util/errors.js';
import { checkChoice, isPlainObject } from '../util/validate.js';
import { ActivationLayer, type ActivationLayerConfig, type ActivationLayerOptions } from './activation-layer.js';
import { Dense, type DenseConfig, type DenseOptions } from './dense.js';
import { Dropout, type DropoutConfig, type DropoutOptions } from './dropout.js';
import { GaussianNoise, type GaussianNoiseConfig, type GaussianNoiseOptions } from './gaussian-noise.js';
import type { LayerType } from './layer.js';
import {
  BatchNormalization,
  LayerNormalization,
  type BatchNormalizationConfig,
  type BatchNormalizationOptions,
  type LayerNormalizationConfig,
  type LayerNormalizationOptions,
} from './normalization.js';

export { Layer, type LayerType, type CommonLayerOptions, type LayerConfigBase, type WeightSlot } from './layer.js';
export { Dense, type DenseOptions, type DenseConfig } from './dense.js';
export type { WeightTensor, WeightInput } from './weight-values.js';
export { Dropout, type DropoutOptions, type DropoutConfig } from './dropout.js';
export { GaussianNoise, type GaussianNoiseOptions, type GaussianNoiseConfig } from './gaussian-noise.js';
export { ActivationLayer, type ActivationLayerOptions, type ActivationLayerConfig } from './activation-layer.js';
export {
  BatchNormalization,
  LayerNormalization,
  type BatchNormalizationOptions,
  type BatchNormalizationConfig,
  type LayerNormalizationOptions,
  type LayerNormalizationConfig,
} from './normalization.js';

/** Any serialized layer. */
export type LayerConfig = DenseConfig | DropoutConfig | GaussianNoiseConfig | ActivationLayerConfig | BatchNormalizationConfig | LayerNormalizationConfig;

/** Any built-in layer. */
export type AnyLayer = Dense | Dropout | GaussianNoise | ActivationLayer | BatchNormalization | LayerNormalization;

/**
 * Layer factories. Every option is validated here, so a bad value fails where it was written.
 * @example
 * ```ts
 * model.add(layers.dense({ units: 64, activation: 'relu', inputShape: [784] }));
 * model.add(layers.dropout({ rate: 0.2 }));
 * model.add(layers.dense({ units: 10, activation: 'softmax' }));
 * ```
 */
export const layers = {
  /** Fully connected: units (>= 1), activation ('linear'), useBias (true), initializers, regularizers. */
  dense: (options: DenseOptions): Dense => new Dense(options),
  /** Inverted dropout with rate in [0, 1); identity at inference. */
  dropout: (options: DropoutOptions): Dropout => new Dropout(options),
  /** Additive N(0, stddev²) noise in training, stddev >= 0; identity at inference. */
  gaussianNoise: (options: GaussianNoiseOptions): GaussianNoise => new GaussianNoise(options),
  /** A standalone activation. */
  activation: (options: ActivationLayerOptions): ActivationLayer => new ActivationLayer(options),
  /** Batch normalization over features (PyTorch's BatchNorm1d): momentum (0.1), epsilon (1e-5). */
  batchNormalization: (options: BatchNormalizationOptions = {}): BatchNormalization => new BatchNormalization(options),
  /** Layer normalization over each row's features (PyTorch's LayerNorm): epsilon (1e-5). */
  layerNormalization: (options: LayerNormalizationOptions = {}): LayerNormalization => new LayerNormalization(options),
};

const LAYER_TYPES: readonly LayerType[] = ['dense', 'dropout', 'gaussianNoise', 'activation', 'batchNormalization', 'layerNormalization'];

/**
 * The layer a `getConfig()` result describes.
 * @throws ConfigError for an unknown type or invalid options.
 */
export function layerFromConfig(config: LayerConfig): AnyLayer {
  if (!isPlainObject(config)) throw new ConfigError('A layer config must be an object with a type');
  const type = checkChoice('layer type', config.type, LAYER_TYPES);
  const { type: _type, ...options } = config;
  switch (type) {
    case 'dense':
      return new Dense(options as Omit<DenseConfig, 'type'>);
    case 'dropout':
      return new Dropout(options as DropoutOptions);
    case 'gaussianNoise':
      return new GaussianNoise(options as GaussianNoiseOptions);
    case 'activation':
      return new ActivationLayer(options as ActivationLayerOptions);
    case 'batchNormalization':
      return new BatchNormalization(options as BatchNormalizationOptions);
    case 'layerNormalization':
      return new LayerNormalization(options as LayerNormalizationOptions);
  }
}
