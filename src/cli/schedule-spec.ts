// `--schedule NAME[:key=value,…]` (or a config object `{ "name": …, … }`) to a learning-rate schedule
// config, with the options a schedule requires defaulted from the run's length, so a bare
// `--schedule cosineAnnealing` decays over the whole run.

import { closest } from '../util/validate.js';
import { toNumber } from './flags.js';
import { UsageError } from './errors.js';

export const SCHEDULE_NAMES = ['constant', 'stepDecay', 'exponentialDecay', 'cosineAnnealing', 'reduceOnPlateau'] as const;
/** Short spellings. */
const ALIASES: Record<string, (typeof SCHEDULE_NAMES)[number]> = {
  step: 'stepDecay',
  exponential: 'exponentialDecay',
  cosine: 'cosineAnnealing',
  plateau: 'reduceOnPlateau',
};

/** What the defaults depend on. */
export interface RunLength {
  epochs: number;
  stepsPerEpoch: number;
  /** Whether val_loss exists (reduceOnPlateau watches it, else the training loss). */
  validation: boolean;
}

/**
 * The schedule config for compile, or undefined for a constant learning rate.
 * @throws UsageError for an unknown name (with a hint) or a malformed `key=value` list.
 */
export function scheduleConfig(spec: string | Record<string, unknown>, run: RunLength): Record<string, unknown> | undefined {
  const parsed = typeof spec === 'string' ? parseSpec(spec) : { ...spec };
  const name = resolveName(String(parsed.name));
  const options: Record<string, unknown> = { ...parsed, name };
  const totalSteps = run.epochs * run.stepsPerEpoch;
  switch (name) {
    case 'constant':
      return Object.keys(parsed).length > 1 ? options : undefined;
    case 'stepDecay':
      options.stepSize ??= Math.max(1, Math.round(run.epochs / 4));
      break;
    case 'exponentialDecay':
      options.decaySteps ??= run.stepsPerEpoch;
      options.decayRate ??= 0.95;
      break;
    case 'cosineAnnealing': {
      const warmup = typeof options.warmupSteps === 'number' ? options.warmupSteps : 0;
      options.decaySteps ??= Math.max(1, totalSteps - warmup);
      break;
    }
    case 'reduceOnPlateau':
      options.monitor ??= run.validation ? 'val_loss' : 'loss';
      break;
  }
  return options;
}

function resolveName(name: string): (typeof SCHEDULE_NAMES)[number] {
  if ((SCHEDULE_NAMES as readonly string[]).includes(name)) return name as (typeof SCHEDULE_NAMES)[number];
  if (ALIASES[name] !== undefined) return ALIASES[name];
  const hint = closest(name, [...SCHEDULE_NAMES, ...Object.keys(ALIASES)]);
  throw new UsageError(`Unknown --schedule '${name}'.${hint ? ` Did you mean '${hint}'?` : ''} Expected one of: ${SCHEDULE_NAMES.join(', ')} (or step, exponential, cosine, plateau)`);
}

/** 'cosineAnnealing:warmupSteps=100,minLearningRate=1e-5' → { name, warmupSteps: 100, … }. */
function parseSpec(spec: string): Record<string, unknown> {
  const colon = spec.indexOf(':');
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const out: Record<string, unknown> = { name };
  if (colon < 0) return out;
  for (const part of spec.slice(colon + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`Expected key=value after '${name}:' for --schedule but received '${part}' (e.g. --schedule ${name}:key=value)`);
    const key = part.slice(0, eq).trim();
    const text = part.slice(eq + 1).trim();
    out[key] = text === 'true' ? true : text === 'false' ? false : toNumber(text);
  }
  return out;
}
