// Activation name resolution: the `activation` option of dense and activation layers → code + param.

import { Activation, type ActivationCode, type ActivationName } from '../backend/codes.js';
import { ConfigError } from '../util/errors.js';
import { checkChoice, checkKeys, checkNumber, invalid, isPlainObject, isString, orDefault } from '../util/validate.js';

/** An activation as a plan needs it. `param` is alpha for leakyRelu and elu, else 0. gelu with approximate 'tanh' is the code geluTanh. */
export interface ResolvedActivation {
  name: ActivationName;
  code: ActivationCode;
  param: number;
}

/** gelu's form, as PyTorch's `approximate`: 'none' (exact, erf) or 'tanh'. */
export type GeluApproximate = 'none' | 'tanh';

/** The serialized form: a name, `{ name, alpha }` for the activations with a parameter, or gelu with its `approximate`. */
export type ActivationConfig =
  | ActivationName
  | { name: 'leakyRelu' | 'elu'; alpha: number }
  | { name: 'gelu'; approximate: GeluApproximate };

const GELU_APPROXIMATE: readonly GeluApproximate[] = ['none', 'tanh'];

export const ACTIVATION_NAMES = Object.keys(Activation) as ActivationName[];

/** Default alpha: leakyRelu 0.01 (PyTorch negative_slope), elu 1.0. */
const DEFAULT_ALPHA: Partial<Record<ActivationName, number>> = { leakyRelu: 0.01, elu: 1.0 };

/**
 * The activation for option `option`: undefined/null (linear), a name from codes.ts Activation
 * ('relu', 'softmax', 'geluTanh', ...), `{ name, alpha? }` (alpha only for leakyRelu and elu, finite >= 0),
 * or `{ name: 'gelu', approximate: 'none' | 'tanh' }` (PyTorch's; 'tanh' is the same as 'geluTanh').
 * @example resolveActivation('activation', { name: 'leakyRelu', alpha: 0.2 }) // { name: 'leakyRelu', code: 2, param: 0.2 }
 * @example resolveActivation('activation', { name: 'gelu', approximate: 'tanh' }) // { name: 'geluTanh', code: 10, param: 0 }
 * @throws ConfigError for an unknown name (with a did-you-mean hint), an unknown key, a bad alpha, or
 *   approximate on another activation than gelu, or other than 'none' or 'tanh'.
 */
export function resolveActivation(option: string, value: unknown): ResolvedActivation {
  if (value === undefined || value === null) return { name: 'linear', code: Activation.linear, param: 0 };
  if (isString(value)) return make(checkChoice(option, value, ACTIVATION_NAMES), undefined, option);
  if (isPlainObject(value)) {
    checkKeys(option, value, ['name', 'alpha', 'approximate']);
    const name = checkChoice(option, value.name, ACTIVATION_NAMES);
    if (value.approximate !== undefined) return gelu(name, value, option);
    return make(name, value.alpha, option);
  }
  throw invalid(option, "an activation name, { name, alpha } or { name: 'gelu', approximate }", value);
}

/** `{ name: 'gelu', approximate }` (no alpha): the exact or the tanh form. */
function gelu(name: ActivationName, value: Record<string, unknown>, option: string): ResolvedActivation {
  if (name !== 'gelu') throw new ConfigError(`approximate applies only to gelu, not to ${option} '${name}'`);
  const approximate = checkChoice(`${option}.approximate`, value.approximate, GELU_APPROXIMATE);
  return make(approximate === 'tanh' ? 'geluTanh' : 'gelu', value.alpha, option);
}

function make(name: ActivationName, alpha: unknown, option: string): ResolvedActivation {
  const fallback = DEFAULT_ALPHA[name];
  if (fallback === undefined) {
    if (alpha !== undefined) throw new ConfigError(`alpha applies only to leakyRelu and elu, not to ${option} '${name}'`);
    return { name, code: Activation[name], param: 0 };
  }
  const param = checkNumber(`${option}.alpha`, orDefault(alpha, fallback), { min: 0 });
  return { name, code: Activation[name], param };
}

/** The serializable form of a resolved activation (resolveActivation reads it back). */
export function activationToConfig(a: ResolvedActivation): ActivationConfig {
  if (a.name === 'leakyRelu' || a.name === 'elu') return { name: a.name, alpha: a.param };
  if (a.name === 'geluTanh') return { name: 'gelu', approximate: 'tanh' };
  return a.name;
}
