// Options and serialized configs of the optimizers. Option names follow torch.optim in camelCase; a config
// is the options with every default filled in plus the optimizer's name, and is plain JSON.

/** Options every optimizer accepts. */
export interface OptimizerOptions {
  /** Step size, > 0. Default per optimizer (see each class). */
  learningRate?: number;
  /** >= 0, 0 = off. Scales all gradients so their global L2 norm is at most clipNorm. Default 0. */
  clipNorm?: number;
  /** >= 0, 0 = off. Clamps every gradient to [-clipValue, clipValue]. Default 0. */
  clipValue?: number;
}

export interface SgdOptions extends OptimizerOptions {
  /** Momentum factor μ in [0, 1]. Default 0. */
  momentum?: number;
  /** Dampening τ of the momentum in [0, 1]. Default 0. */
  dampening?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. Default false. */
  nesterov?: boolean;
  /** L2 penalty λ >= 0 added to the gradient (g += λp). Default 0. */
  weightDecay?: number;
}

export interface AdagradOptions extends OptimizerOptions {
  /** Learning-rate decay >= 0: lr / (1 + (t − 1)·lrDecay). Default 0. */
  lrDecay?: number;
  /** L2 penalty λ >= 0 added to the gradient. Default 0. */
  weightDecay?: number;
  /** Starting value (>= 0) of the sum of squared gradients. Default 0. */
  initialAccumulatorValue?: number;
  /** Added to the denominator, > 0. Default 1e-10. */
  eps?: number;
}

export interface AdadeltaOptions extends OptimizerOptions {
  /** Decay ρ of the running averages, in [0, 1]. Default 0.9. */
  rho?: number;
  /** Added inside the square roots, > 0. Default 1e-6. */
  eps?: number;
  /** L2 penalty λ >= 0 added to the gradient. Default 0. */
  weightDecay?: number;
}

export interface RmsPropOptions extends OptimizerOptions {
  /** Smoothing constant α of the squared-gradient average, in [0, 1]. Default 0.99. */
  alpha?: number;
  /** Added to the denominator, > 0. Default 1e-8. */
  eps?: number;
  /** L2 penalty λ >= 0 added to the gradient. Default 0. */
  weightDecay?: number;
  /** Momentum factor μ in [0, 1]. Default 0. */
  momentum?: number;
  /** Normalize by the estimated variance (sq − ga²) instead of the raw second moment. Default false. */
  centered?: boolean;
}

export interface AdamOptions extends OptimizerOptions {
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to the denominator, > 0. Default 1e-8. */
  eps?: number;
  /** Weight decay λ >= 0 (adam: added to the gradient; adamw: decoupled). Default 0 (adam), 0.01 (adamw). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (AMSGrad). Default false. */
  amsgrad?: boolean;
}

export type AdamWOptions = AdamOptions;

export interface AdamaxOptions extends OptimizerOptions {
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the infinity norm, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to |g| in the infinity norm, > 0. Default 1e-8. */
  eps?: number;
  /** L2 penalty λ >= 0 added to the gradient. Default 0. */
  weightDecay?: number;
}

export interface NadamOptions extends OptimizerOptions {
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to the denominator, > 0. Default 1e-8. */
  eps?: number;
  /** Weight decay λ >= 0: added to the gradient, or decoupled (see decoupledWeightDecay). Default 0. */
  weightDecay?: number;
  /** ψ >= 0 of the momentum schedule μ_t = β1·(1 − 0.5·0.96^(t·ψ)). Default 0.004. */
  momentumDecay?: number;
  /** Decay the weights directly (p *= 1 − lr·λ, as AdamW) instead of adding λ·p to the gradient. Default false. */
  decoupledWeightDecay?: boolean;
}

export interface RadamOptions extends OptimizerOptions {
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to the denominator, > 0. Default 1e-8. */
  eps?: number;
  /** Weight decay λ >= 0: added to the gradient, or decoupled (see decoupledWeightDecay). Default 0. */
  weightDecay?: number;
  /** Decay the weights directly (p *= 1 − lr·λ, as AdamW) instead of adding λ·p to the gradient. Default false. */
  decoupledWeightDecay?: boolean;
}

type ConfigOf<N extends string, O> = { name: N } & Required<O>;

export type SgdConfig = ConfigOf<'sgd', SgdOptions>;
export type AdagradConfig = ConfigOf<'adagrad', AdagradOptions>;
export type AdadeltaConfig = ConfigOf<'adadelta', AdadeltaOptions>;
export type RmsPropConfig = ConfigOf<'rmsprop', RmsPropOptions>;
export type AdamConfig = ConfigOf<'adam', AdamOptions>;
export type AdamWConfig = ConfigOf<'adamw', AdamWOptions>;
export type AdamaxConfig = ConfigOf<'adamax', AdamaxOptions>;
export type NadamConfig = ConfigOf<'nadam', NadamOptions>;
export type RadamConfig = ConfigOf<'radam', RadamOptions>;

/** The serialized form of any optimizer: its name and every option (defaults filled in). */
export type OptimizerConfig =
  | SgdConfig
  | AdagradConfig
  | AdadeltaConfig
  | RmsPropConfig
  | AdamConfig
  | AdamWConfig
  | AdamaxConfig
  | NadamConfig
  | RadamConfig;
