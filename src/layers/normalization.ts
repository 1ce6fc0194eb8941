// Batch and layer normalization over the feature axis, as PyTorch's BatchNorm1d and LayerNorm: a learnable
// gain gamma (init 1) and shift beta (init 0); batch normalization also keeps running statistics, which
// are weights the optimizer never touches (the model lays them out past every trained tensor).

import { Activation, LayerKind } from '../backend/codes.js';
import type { LayerSpec } from '../backend/contract.js';
import { initializers } from '../initializers/index.js';
import { checkNumber } from '../util/validate.js';
import { checkLayerOptions, ShapePreservingLayer, type CommonLayerOptions, type LayerConfigBase, type WeightSlot } from './layer.js';

/** Options of `layers.batchNormalization(options)`. */
export interface BatchNormalizationOptions extends CommonLayerOptions {
  /** Weight of each training batch in the running statistics, in [0, 1] (PyTorch's momentum). Default 0.1. */
  momentum?: number;
  /** Added to the variance before its square root, > 0. Default 1e-5. */
  epsilon?: number;
}

export interface BatchNormalizationConfig extends LayerConfigBase {
  type: 'batchNormalization';
  momentum: number;
  epsilon: number;
}

/** Options of `layers.layerNormalization(options)`. */
export interface LayerNormalizationOptions extends CommonLayerOptions {
  /** Added to the variance before its square root, > 0. Default 1e-5. */
  epsilon?: number;
}

export interface LayerNormalizationConfig extends LayerConfigBase {
  type: 'layerNormalization';
  epsilon: number;
}

const NO_PENALTY = { l1: 0, l2: 0 };

/** gamma and beta of a normalization layer of `units` features. */
function gainAndShift(units: number): WeightSlot[] {
  return [
    { name: 'gamma', shape: [units], length: units, fanIn: units, fanOut: units, initializer: initializers.ones() },
    { name: 'beta', shape: [units], length: units, fanIn: units, fanOut: units, initializer: initializers.zeros() },
  ];
}

/** The plan entry shared by both normalizations: gamma as the kernel, beta as the bias, epsilon as the rate. */
function normSpec(layer: ShapePreservingLayer, kind: LayerSpec['kind'], epsilon: number, gamma: LayerSpec['kernel'], beta: LayerSpec['bias']): LayerSpec {
  const width = layer.inputWidth;
  return { kind, inputs: width, units: width, activation: Activation.linear, activationParam: 0, rate: epsilon, kernel: gamma, bias: beta, kernelPenalty: { ...NO_PENALTY }, biasPenalty: { ...NO_PENALTY } };
}

/**
 * Normalizes each feature over the batch, as PyTorch's `nn.BatchNorm1d(features)`: in training
 * y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch's mean and biased variance (a batch needs at least 2
 * rows), and the running mean and variance move toward the batch's by `momentum` (the variance
 * unbiased); predict, evaluate and validation use the running statistics. Its weights are
 * `gamma`, `beta`, `movingMean` and `movingVariance` (the last two saved with the model, never trained).
 * @example model.add(layers.dense({ units: 64 })); model.add(layers.batchNormalization()); model.add(layers.activation({ activation: 'relu' }));
 */
export class BatchNormalization extends ShapePreservingLayer {
  readonly type = 'batchNormalization' as const;
  readonly momentum: number;
  readonly epsilon: number;

  /** @throws ConfigError for momentum outside [0, 1], epsilon <= 0 or an unknown option. */
  constructor(options: BatchNormalizationOptions = {}) {
    checkLayerOptions('batchNormalization', options, ['momentum', 'epsilon'], '{ momentum: 0.1, epsilon: 1e-5 }');
    super(options);
    this.momentum = checkNumber('momentum', options.momentum ?? 0.1, { min: 0, max: 1 });
    this.epsilon = checkNumber('epsilon', options.epsilon ?? 1e-5, { min: 0, minOpen: true });
  }

  override weightSlots(inputs: number): WeightSlot[] {
    const stat = (name: string, initializer: WeightSlot['initializer']): WeightSlot => ({ name, shape: [inputs], length: inputs, fanIn: inputs, fanOut: inputs, initializer, trainable: false });
    return [...gainAndShift(inputs), stat('movingMean', initializers.zeros()), stat('movingVariance', initializers.ones())];
  }

  toSpec(): LayerSpec {
    return { ...normSpec(this, LayerKind.batchNorm, this.epsilon, this.ref(0), this.ref(1)), momentum: this.momentum, runningMean: this.ref(2), runningVar: this.ref(3) };
  }

  getConfig(): BatchNormalizationConfig {
    return { type: 'batchNormalization', ...this.commonConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}

/**
 * Normalizes each row over its features, as PyTorch's `nn.LayerNorm(features)`:
 * y = γ·(x − μ_row)/√(σ²_row + ε) + β with the row's mean and biased variance, the same in training and
 * inference. Its weights are `gamma` and `beta`.
 * @example model.add(layers.layerNormalization({ epsilon: 1e-5 }));
 */
export class LayerNormalization extends ShapePreservingLayer {
  readonly type = 'layerNormalization' as const;
  readonly epsilon: number;

  /** @throws ConfigError for epsilon <= 0 or an unknown option. */
  constructor(options: LayerNormalizationOptions = {}) {
    checkLayerOptions('layerNormalization', options, ['epsilon'], '{ epsilon: 1e-5 }');
    super(options);
    this.epsilon = checkNumber('epsilon', options.epsilon ?? 1e-5, { min: 0, minOpen: true });
  }

  override weightSlots(inputs: number): WeightSlot[] {
    return gainAndShift(inputs);
  }

  toSpec(): LayerSpec {
    return normSpec(this, LayerKind.layerNorm, this.epsilon, this.ref(0), this.ref(1));
  }

  getConfig(): LayerNormalizationConfig {
    return { type: 'layerNormalization', ...this.commonConfig(), epsilon: this.epsilon };
  }
}
