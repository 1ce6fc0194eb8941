// `--grid 'lr=1e-3,1e-2 batch=32,128 layers=128|256,128'`: the values tune tries. Each word is
// key=alternatives; alternatives are separated by '|' when there is one (so a value may hold commas, as a
// layer list does), else by ','. Keys are option names (`lr`, `batch-size` or `batchSize`, `batch`).
// Every value is checked by the same schema as the flags, before any training starts.

import { Rng } from '../util/rng.js';
import { checkGivenValues, type GivenValues } from './config-schema.js';
import { UsageError } from './errors.js';
import { flagValue } from './flags.js';
import { OPTION_TABLE, type OptionSpec } from './option-table.js';
import { closest } from '../util/validate.js';

/** One option and the values to try. */
export interface GridAxis {
  key: string;
  spec: OptionSpec;
  /** The alternatives as typed (for the table) and as values. */
  texts: string[];
  values: unknown[];
}

/** Options a grid may vary: the model, the optimizer and the training loop (not the data or outputs). */
const TUNABLE = OPTION_TABLE.filter((o) => ['model', 'optimizer'].includes(o.group) || ['epochs', 'batchSize', 'earlyStop', 'scale'].includes(o.key));
const ALIASES: Record<string, string> = { batch: 'batchSize', 'learning-rate': 'lr', learningRate: 'lr' };

function tunable(word: string): OptionSpec {
  const key = ALIASES[word] ?? word;
  const spec = TUNABLE.find((o) => o.key === key || o.flag === `--${key}`);
  if (spec !== undefined) return spec;
  const names = TUNABLE.map((o) => o.flag.slice(2));
  const hint = closest(word, [...names, ...Object.keys(ALIASES)]);
  throw new UsageError(`Unknown --grid key '${word}'.${hint ? ` Did you mean '${hint}'?` : ''} Keys that can be tuned: ${names.join(', ')}, batch`);
}

/**
 * The axes of a grid spec, each value checked.
 * @throws UsageError for a malformed word, an unknown or repeated key, or a bad value (naming the key).
 */
export function parseGrid(spec: string): GridAxis[] {
  const axes: GridAxis[] = [];
  for (const word of spec.trim().split(/\s+/).filter((w) => w !== '')) {
    const eq = word.indexOf('=');
    if (eq <= 0 || eq === word.length - 1) {
      throw new UsageError(`Expected key=value1,value2 in --grid but received '${word}' (e.g. --grid 'lr=1e-3,1e-2 layers=128|256,128')`);
    }
    const option = tunable(word.slice(0, eq));
    if (axes.some((a) => a.key === option.key)) throw new UsageError(`--grid names '${option.key}' twice; list all its values in one key=v1,v2`);
    const rest = word.slice(eq + 1);
    const texts = rest.split(rest.includes('|') ? '|' : ',').map((t) => t.trim());
    const values = texts.map((text) => {
      const given: GivenValues = new Map([[option.key, flagValue(option, text)]]);
      try {
        return checkGivenValues(given, undefined)[option.key];
      } catch (err) {
        throw new UsageError(`--grid ${word.slice(0, eq)}: ${(err as Error).message}`);
      }
    });
    axes.push({ key: option.key, spec: option, texts, values });
  }
  if (axes.length === 0) throw new UsageError("--grid is empty: give key=values words, e.g. --grid 'lr=1e-3,1e-2'");
  return axes;
}

/** Number of combinations. */
export function gridSize(axes: readonly GridAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** Combination `index` (mixed radix, the last axis fastest) as chosen value indices. */
function combination(axes: readonly GridAxis[], index: number): number[] {
  const picks = new Array<number>(axes.length);
  for (let i = axes.length - 1; i >= 0; i--) {
    picks[i] = index % axes[i].values.length;
    index = Math.floor(index / axes[i].values.length);
  }
  return picks;
}

/**
 * The combinations to try, as value-index lists: all of the grid in order, or `trials` distinct ones
 * drawn with a generator seeded by `seed` (random search).
 */
export function trialsOf(axes: readonly GridAxis[], trials: number | undefined, seed: number): number[][] {
  const size = gridSize(axes);
  if (trials === undefined || trials >= size) {
    if (size > 10_000) throw new UsageError(`--grid has ${size} combinations; search a sample of them with --trials N`);
    return Array.from({ length: size }, (_, i) => combination(axes, i));
  }
  const rng = new Rng(seed);
  const chosen = new Set<number>();
  while (chosen.size < trials) chosen.add(Math.floor(rng.uniform53() * size));
  return [...chosen].map((i) => combination(axes, i));
}
