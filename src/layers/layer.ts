// The layer base class. A layer is a validated, immutable description (its options) plus, once its model
// is built, the TensorRefs of its weights. Weights are never stored in the layer: views are read through
// the owning model's current arena, which compile replaces (adding optimizer slots).

import { Activation, type ActivationCode, type LayerKindCode } from '../backend/codes.js';
import type { LayerSpec, TensorRef } from '../backend/contract.js';
import type { Initializer } from '../initializers/index.js';
import type { Arena } from '../memory/arena.js';
import { ConfigError } from '../util/errors.js';
import { checkInteger, checkKeys, invalid, isPlainObject, isString } from '../util/validate.js';
import { weightList, type WeightInput } from './weight-values.js';

/** The layer kinds, as stored in a LayerConfig's `type`. */
export type LayerType = 'dense' | 'dropout' | 'gaussianNoise' | 'activation' | 'batchNormalization' | 'layerNormalization';

/** Options every layer accepts. */
export interface CommonLayerOptions {
  /** Input width of the model, as `[features]`; only meaningful on the first layer. */
  inputShape?: [number];
  /** A label shown by `summary()`. Default: the layer type and its index. */
  name?: string;
}

export const COMMON_LAYER_KEYS = ['inputShape', 'name'] as const;

/** Where a built layer reads its weights: the owning model's current arena. */
export interface WeightSource {
  readonly arena: Arena | null;
}

/** One weight tensor a layer needs, in the order the model lays out and initializes them. */
export interface WeightSlot {
  name: string;
  /** Row-major shape, e.g. a dense kernel's (inputs, units); its product is `length`. */
  shape: number[];
  length: number;
  fanIn: number;
  fanOut: number;
  initializer: Initializer;
  /** false: saved with the model but never trained (batchNorm's running statistics). Default true. */
  trainable?: boolean;
}

/** Serialized layer: the layer type plus its options with every default filled in (plain JSON). */
export interface LayerConfigBase {
  type: LayerType;
  name?: string;
  inputShape?: [number];
}

/**
 * The base of every layer: options common to all, the weights it needs (as arena slots) and its plan
 * spec. A layer belongs to one model; create layers with the `layers` factories.
 */
export abstract class Layer {
  abstract readonly type: LayerType;
  readonly name: string | undefined;
  readonly inputShape: [number] | undefined;
  private source: WeightSource | null = null;
  private inputs = 0;
  private refs: TensorRef[] = [];

  protected constructor(options: CommonLayerOptions) {
    if (options.name !== undefined && !isString(options.name)) throw invalid('name', 'string', options.name);
    this.name = options.name;
    if (options.inputShape !== undefined) {
      const shape: unknown = options.inputShape;
      if (!Array.isArray(shape) || shape.length !== 1) throw invalid('inputShape', 'an array [features]', shape);
      this.inputShape = [checkInteger('inputShape[0]', shape[0], { min: 1 })];
    }
  }

  /** Output width for a given input width. */
  abstract outputWidthFor(inputs: number): number;

  /** The activation applied last by this layer, or null when the layer does not apply one. */
  abstract lastActivation(): ActivationCode | null;

  /** The weights this layer needs for `inputs` input features (none by default). */
  weightSlots(_inputs: number): WeightSlot[] {
    return [];
  }

  /** The plan entry of this built layer. */
  abstract toSpec(): LayerSpec;

  /** The options with defaults filled in; `layerFromConfig` restores an equal layer. */
  abstract getConfig(): LayerConfigBase;

  /** True once the owning model is built. */
  get built(): boolean {
    return this.source !== null;
  }

  /** Input width; set when the model is built. */
  get inputWidth(): number {
    this.requireBuilt();
    return this.inputs;
  }

  /** Output width (features per row). @throws ConfigError when it depends on an input width not known yet. */
  get outputWidth(): number {
    const inputs = this.source !== null ? this.inputs : this.inputShape?.[0];
    if (inputs === undefined) {
      throw new ConfigError(`${this.label()} is not built yet: its output width depends on its input width`);
    }
    return this.outputWidthFor(inputs);
  }

  /**
   * Views of this layer's weights in the model's arena (e.g. `{ kernel, bias }` for dense). Writing
   * into them changes the model.
   * @throws ConfigError when the model is not built.
   */
  getWeights(): Record<string, Float32Array> {
    const arena = this.requireBuilt();
    const out: Record<string, Float32Array> = {};
    const slots = this.weightSlots(this.inputs);
    for (let i = 0; i < slots.length; i++) out[slots[i].name] = arena.param(this.refs[i]);
    return out;
  }

  /**
   * Copies `values` into this layer's weights: a list in weightSlots order (a dense layer's kernel, then
   * its bias), as Keras's `layer.set_weights`, or a record such as getWeights returns (`{ kernel, bias }`).
   * Each value is a flat row-major array, rows (`number[][]`) for a kernel, or `{ data, shape }`; all are
   * checked before any is written. During a fit, call it from a callback (between chunks of steps).
   * @example layer.setWeights([kernel, bias]) // kernel: inputs × units values, bias: units values
   * @throws ConfigError when the model is not built, or for a wrong count or key (listing the expected
   *   names and shapes); ShapeError for a wrong shape or length; DataError for a non-finite value.
   */
  setWeights(values: readonly WeightInput[] | Readonly<Record<string, WeightInput>>): void {
    const arena = this.requireBuilt();
    const slots = this.weightSlots(this.inputs);
    const targets = slots.map((s) => ({ key: s.name, name: s.name, shape: s.shape }));
    const checked = weightList(values, targets, `setWeights of ${this.label()}`);
    checked.forEach((v, i) => arena.param(this.refs[i]).set(v));
  }

  /** The names and shapes of this layer's weights, in weightSlots order. @throws ConfigError when the model is not built. */
  weightShapes(): { name: string; shape: number[] }[] {
    this.requireBuilt();
    return this.weightSlots(this.inputs).map((s) => ({ name: s.name, shape: [...s.shape] }));
  }

  /**
   * Binds the layer to a model (called by Sequential.build; not for users).
   * @throws ConfigError when the layer already belongs to another model.
   */
  attach(source: WeightSource, inputs: number, refs: TensorRef[]): void {
    if (this.source !== null && this.source !== source) {
      throw new ConfigError(`${this.label()} already belongs to another model; create a new layer instead`);
    }
    this.source = source;
    this.inputs = inputs;
    this.refs = refs;
  }

  /** The ref of weight slot `index` (in weightSlots order); null when the layer has fewer. */
  protected ref(index: number): TensorRef | null {
    return this.refs[index] ?? null;
  }

  protected commonConfig(): { name?: string; inputShape?: [number] } {
    const out: { name?: string; inputShape?: [number] } = {};
    if (this.name !== undefined) out.name = this.name;
    if (this.inputShape !== undefined) out.inputShape = [this.inputShape[0]];
    return out;
  }

  /** A short description for messages: the name, else the type. */
  label(): string {
    return this.name !== undefined ? `layer '${this.name}'` : `${this.type} layer`;
  }

  private requireBuilt(): Arena {
    const arena = this.source?.arena ?? null;
    if (arena === null) throw new ConfigError(`${this.label()} is not built yet: add it to a model and build or fit the model`);
    return arena;
  }
}

/** Checks a layer's options object and its keys; `example` shows a valid options object in the message. */
export function checkLayerOptions(type: LayerType, options: unknown, keys: readonly string[], example: string): void {
  if (!isPlainObject(options)) throw invalid(`the options of ${type}`, `an options object such as ${example}`, options);
  checkKeys(type, options, [...keys, ...COMMON_LAYER_KEYS]);
}

/** Base of the layers that keep the width: dropout, gaussianNoise, activation (no weights) and the normalizations. */
export abstract class ShapePreservingLayer extends Layer {
  outputWidthFor(inputs: number): number {
    return inputs;
  }

  lastActivation(): ActivationCode | null {
    return null;
  }

  /** The plan entry of a weightless layer of this width. */
  protected weightlessSpec(
    kind: LayerKindCode,
    rate: number,
    activation: ActivationCode = Activation.linear,
    activationParam = 0,
  ): LayerSpec {
    const width = this.inputWidth;
    return {
      kind,
      inputs: width,
      units: width,
      activation,
      activationParam,
      rate,
      kernel: null,
      bias: null,
      kernelPenalty: { l1: 0, l2: 0 },
      biasPenalty: { l1: 0, l2: 0 },
    };
  }
}
