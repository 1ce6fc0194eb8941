// Schedule factories and name/config resolution (the `schedule` option of compile and model files).

import { ConfigError } from '../util/errors.js';
import { checkChoice, invalid, isPlainObject, isString } from '../util/validate.js';
import { CustomSchedule } from './custom.js';
import {
  ConstantSchedule,
  CosineAnnealing,
  type CosineAnnealingOptions,
  ExponentialDecay,
  type ExponentialDecayOptions,
  StepDecay,
  type StepDecayOptions,
} from './decay.js';
import { ReduceOnPlateau, type ReduceOnPlateauOptions } from './reduceOnPlateau.js';
import type { LearningRateSchedule, ScheduleConfig, ScheduleName } from './schedule.js';

export type * from './schedule.js';
export type { StepDecayOptions, ExponentialDecayOptions, CosineAnnealingOptions } from './decay.js';
export type { ReduceOnPlateauOptions, ReduceOnPlateauState } from './reduceOnPlateau.js';
export { ConstantSchedule, StepDecay, ExponentialDecay, CosineAnnealing } from './decay.js';
export { ReduceOnPlateau } from './reduceOnPlateau.js';
export { CustomSchedule } from './custom.js';

/**
 * Learning-rate schedule factories. Each multiplies or replaces the optimizer's learningRate per step.
 * @example
 * ```ts
 * model.compile({ optimizer: 'adam', loss: 'mse', schedule: schedules.cosineAnnealing({ decaySteps: 900, warmupSteps: 100 }) });
 * ```
 */
export const schedules = {
  /** lr = baseLr. */
  constant: (): ConstantSchedule => new ConstantSchedule(),
  /** lr = baseLr · gamma^⌊epoch / stepSize⌋ (gamma default 0.1). */
  stepDecay: (options: StepDecayOptions): StepDecay => new StepDecay(options),
  /** lr = baseLr · decayRate^(step / decaySteps), floored exponent when staircase. */
  exponentialDecay: (options: ExponentialDecayOptions): ExponentialDecay => new ExponentialDecay(options),
  /** Linear warmup over warmupSteps, cosine to minLearningRate over decaySteps, then minLearningRate. */
  cosineAnnealing: (options: CosineAnnealingOptions): CosineAnnealing => new CosineAnnealing(options),
  /** Keras ReduceLROnPlateau on a monitored log key. */
  reduceOnPlateau: (options?: ReduceOnPlateauOptions): ReduceOnPlateau => new ReduceOnPlateau(options),
  /** lr = fn(epoch, step); checked finite and > 0 at every use. Not serializable. */
  custom: (fn: (epoch: number, step: number) => number): CustomSchedule => new CustomSchedule(fn),
};

const NAMES: readonly ScheduleName[] = ['constant', 'stepDecay', 'exponentialDecay', 'cosineAnnealing', 'reduceOnPlateau', 'custom'];

function fromNameAndOptions(name: unknown, options: Record<string, unknown>): LearningRateSchedule {
  const choice = checkChoice('schedule', name, NAMES);
  switch (choice) {
    case 'constant':
      return new ConstantSchedule(options as Record<string, never>);
    case 'stepDecay':
      return new StepDecay(options as unknown as StepDecayOptions);
    case 'exponentialDecay':
      return new ExponentialDecay(options as unknown as ExponentialDecayOptions);
    case 'cosineAnnealing':
      return new CosineAnnealing(options as unknown as CosineAnnealingOptions);
    case 'reduceOnPlateau':
      return new ReduceOnPlateau(options as ReduceOnPlateauOptions);
    case 'custom':
      throw new ConfigError(
        'A custom schedule cannot be restored from a config (its function is not saved); pass schedules.custom(fn) again',
      );
  }
}

/**
 * Rebuilds a schedule from getConfig() output, with fresh state.
 * @throws ConfigError for a custom schedule (not serializable), an unknown name or bad options.
 */
export function scheduleFromConfig(config: ScheduleConfig): LearningRateSchedule {
  if (!isPlainObject(config)) throw invalid('schedule config', 'a config object', config);
  const { name, ...options } = config as Record<string, unknown>;
  return fromNameAndOptions(name, options);
}

function isSchedule(value: unknown): value is LearningRateSchedule {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<LearningRateSchedule>;
  return typeof v.at === 'function' && typeof v.getConfig === 'function' && isString(v.name);
}

/**
 * The schedule for the `schedule` option: undefined/null (constant), a LearningRateSchedule, a function
 * (custom), a name (with default options; only 'constant' and 'reduceOnPlateau' need none), or a config
 * object `{ name, ...options }`.
 * @throws ConfigError for an unknown name (with a did-you-mean hint), unknown keys or bad values.
 */
export function resolveSchedule(value: unknown): LearningRateSchedule {
  if (value === undefined || value === null) return new ConstantSchedule();
  if (isSchedule(value)) return value;
  if (typeof value === 'function') return new CustomSchedule(value as (epoch: number, step: number) => number);
  if (isString(value)) return fromNameAndOptions(value, {});
  if (isPlainObject(value)) {
    const { name, ...options } = value;
    return fromNameAndOptions(name, options);
  }
  throw invalid('schedule', 'a schedule name, config object, function or LearningRateSchedule', value);
}
