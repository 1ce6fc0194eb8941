// A fully connected layer: Z = A·W + b, A' = act(Z), with the kernel W stored (inputs, units) as in Keras.

import { LayerKind, type ActivationCode } from '../backend/codes.js';
import type { LayerSpec, PenaltySpec } from '../backend/contract.js';
import { resolveInitializer, type Initializer, type InitializerConfig, type InitializerName } from '../initializers/index.js';
import { resolveRegularizer, type Regularizer } from '../regularizers/index.js';
import { checkBoolean, checkInteger, checkKeys, invalid, isPlainObject } from '../util/validate.js';
import {
  activationToConfig,
  resolveActivation,
  type ActivationConfig,
  type GeluApproximate,
  type ResolvedActivation,
} from './activations.js';
import { COMMON_LAYER_KEYS, Layer, type CommonLayerOptions, type LayerConfigBase, type WeightSlot } from './layer.js';

/** An activation name ('relu'), `{ name, alpha }` for leakyRelu and elu, or `{ name: 'gelu', approximate: 'tanh' }`. */
export type ActivationOption =
  | ActivationConfig
  | { name: ActivationConfig & string; alpha?: number }
  | { name: 'gelu'; approximate?: GeluApproximate };
/** An initializer name ('heNormal'), instance (`initializers.heNormal()`) or config. */
export type InitializerOption = InitializerName | Initializer | InitializerConfig;
/** A regularizer (`regularizers.l2(1e-4)`), a name ('l1', 'l2', 'l1l2') or `{ l1?, l2? }`. */
export type RegularizerOption = Regularizer | 'l1' | 'l2' | 'l1l2' | { l1?: number; l2?: number };

/** Options of `layers.dense(options)`; only `units` is required. */
export interface DenseOptions extends CommonLayerOptions {
  /** Output width, integer >= 1. Required. */
  units: number;
  /** Activation name or `{ name, alpha }`. Default 'linear'. */
  activation?: ActivationOption;
  /** Add a bias vector. Default true. */
  useBias?: boolean;
  /** Kernel initializer name or instance. Default 'glorotUniform' (Keras). */
  kernelInitializer?: InitializerOption;
  /** Bias initializer name or instance. Default 'zeros'. */
  biasInitializer?: InitializerOption;
  /** L1/L2 penalty on the kernel, e.g. `regularizers.l2(1e-4)`. Default none. */
  kernelRegularizer?: RegularizerOption;
  /** L1/L2 penalty on the bias. Default none. */
  biasRegularizer?: RegularizerOption;
}

export interface DenseConfig extends LayerConfigBase {
  type: 'dense';
  units: number;
  activation: ActivationConfig;
  useBias: boolean;
  kernelInitializer: InitializerConfig;
  biasInitializer: InitializerConfig;
  kernelRegularizer: PenaltySpec;
  biasRegularizer: PenaltySpec;
}

const DENSE_KEYS = [
  'units',
  'activation',
  'useBias',
  'kernelInitializer',
  'biasInitializer',
  'kernelRegularizer',
  'biasRegularizer',
  ...COMMON_LAYER_KEYS,
] as const;

const NO_PENALTY: PenaltySpec = { l1: 0, l2: 0 };

/**
 * A fully connected layer: out = act(x·W + b), W of shape (inputs, units) as in Keras; made by
 * `layers.dense`. Weights live in the model's arena once the model is built.
 */
export class Dense extends Layer {
  readonly type = 'dense' as const;
  readonly units: number;
  readonly activation: ResolvedActivation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelPenalty: PenaltySpec;
  readonly biasPenalty: PenaltySpec;

  /** @throws ConfigError naming the option for a missing/invalid value or an unknown key. */
  constructor(options: DenseOptions) {
    if (!isPlainObject(options)) throw invalid('the options of dense', 'an options object such as { units: 8 }', options);
    checkKeys('dense', options, DENSE_KEYS);
    super(options);
    this.units = checkInteger('units', options.units, { min: 1 });
    this.activation = resolveActivation('activation', options.activation ?? 'linear');
    this.useBias = checkBoolean('useBias', options.useBias ?? true);
    this.kernelInitializer = resolveInitializer('kernelInitializer', options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = resolveInitializer('biasInitializer', options.biasInitializer ?? 'zeros');
    this.kernelPenalty = options.kernelRegularizer === undefined ? NO_PENALTY : resolveRegularizer('kernelRegularizer', options.kernelRegularizer);
    this.biasPenalty = options.biasRegularizer === undefined ? NO_PENALTY : resolveRegularizer('biasRegularizer', options.biasRegularizer);
  }

  outputWidthFor(): number {
    return this.units;
  }

  lastActivation(): ActivationCode {
    return this.activation.code;
  }

  override weightSlots(inputs: number): WeightSlot[] {
    const kernel = { name: 'kernel', shape: [inputs, this.units], length: inputs * this.units, fanIn: inputs, fanOut: this.units, initializer: this.kernelInitializer };
    if (!this.useBias) return [kernel];
    return [kernel, { name: 'bias', shape: [this.units], length: this.units, fanIn: inputs, fanOut: this.units, initializer: this.biasInitializer }];
  }

  /** Number of weights for `inputs` input features. */
  paramCountFor(inputs: number): number {
    return inputs * this.units + (this.useBias ? this.units : 0);
  }

  toSpec(): LayerSpec {
    return {
      kind: LayerKind.dense,
      inputs: this.inputWidth,
      units: this.units,
      activation: this.activation.code,
      activationParam: this.activation.param,
      rate: 0,
      kernel: this.ref(0),
      bias: this.useBias ? this.ref(1) : null,
      kernelPenalty: { ...this.kernelPenalty },
      biasPenalty: this.useBias ? { ...this.biasPenalty } : { ...NO_PENALTY },
    };
  }

  getConfig(): DenseConfig {
    return {
      type: 'dense',
      ...this.commonConfig(),
      units: this.units,
      activation: activationToConfig(this.activation),
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.getConfig(),
      biasInitializer: this.biasInitializer.getConfig(),
      kernelRegularizer: { ...this.kernelPenalty },
      biasRegularizer: { ...this.biasPenalty },
    };
  }
}
