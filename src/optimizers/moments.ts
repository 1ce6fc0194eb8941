// The hyperparameters every Adam-style optimizer (Adam, AdamW, Adamax, NAdam, RAdam) validates alike.

import { checkNumber, orDefault } from '../util/validate.js';

/** β1, β2, eps and the weight decay λ of an Adam-style optimizer. */
export interface MomentHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/**
 * Validates betas in [0, 1), eps > 0 and weightDecay >= 0, with torch's defaults (0.9, 0.999, 1e-8).
 * @throws ConfigError naming the option out of range.
 */
export function readMomentHyper(o: Partial<MomentHyper>, defaultWeightDecay = 0): MomentHyper {
  return {
    beta1: checkNumber('beta1', orDefault(o.beta1, 0.9), { min: 0, max: 1, maxOpen: true }),
    beta2: checkNumber('beta2', orDefault(o.beta2, 0.999), { min: 0, max: 1, maxOpen: true }),
    eps: checkNumber('eps', orDefault(o.eps, 1e-8), { min: 0, minOpen: true }),
    weightDecay: checkNumber('weightDecay', orDefault(o.weightDecay, defaultWeightDecay), { min: 0 }),
  };
}
