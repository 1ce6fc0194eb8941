// Commander options generated from the option table, and the values the user actually typed: commander
// keeps every flag as text (no commander defaults, so a config file's value is not overwritten by a
// default), and this file turns the text into numbers and lists for the schema to check.

import { Command, Option } from 'commander';
import { optionByKey, optionsFor, type OptionSpec, type TrainingCommand } from './option-table.js';
import type { GivenValue, GivenValues } from './config-schema.js';
import { UsageError } from './errors.js';

const GROUP_TITLES: Record<OptionSpec['group'], string> = {
  data: 'Data',
  model: 'Model',
  optimizer: 'Optimizer',
  training: 'Training',
  search: 'Search',
  output: 'Output',
};

/** Adds the options of `command` to `cmd`, grouped in the help, with their defaults shown. */
export function addTrainingOptions(cmd: Command, command: TrainingCommand): Command {
  cmd.addOption(valueOption('--config <file.json>', 'read options from a JSON file (flags override it)'));
  let group: OptionSpec['group'] | null = null;
  for (const spec of optionsFor(command)) {
    const shown = spec.defaultText ?? (spec.default === undefined ? undefined : Array.isArray(spec.default) ? spec.default.join(',') || undefined : String(spec.default));
    const choices = spec.kind === 'choice' && spec.choices ? `; one of ${spec.choices.join(', ')}` : '';
    const help = `${spec.help}${choices}${shown !== undefined && spec.kind !== 'bool' ? ` (default: ${shown})` : ''}`;
    if (spec.group !== group) {
      group = spec.group;
      cmd.optionsGroup(`${GROUP_TITLES[group]} options:`);
    }
    const negated = spec.negateHelp ?? `turn ${spec.flag} off`;
    if (spec.kind === 'bool' && spec.negate !== undefined) {
      cmd.addOption(new Option(spec.negate, negated)); // on by default: only the --no-… form is a flag
      continue;
    }
    cmd.addOption(spec.arg === undefined ? new Option(spec.flag, help) : valueOption(`${spec.flag} ${spec.arg}`, help, spec.kind === 'stringList'));
    if (spec.negate !== undefined) cmd.addOption(new Option(spec.negate, negated));
  }
  cmd.optionsGroup('');
  return cmd;
}

/** Adds --backend and --threads (the commands that run a saved model) with the training commands' help. */
export function addRuntimeFlags(cmd: Command): Command {
  for (const key of ['backend', 'threads']) {
    const spec = optionByKey(key);
    if (spec !== undefined) cmd.addOption(valueOption(`${spec.flag} ${spec.arg ?? ''}`.trim(), `${spec.help}${spec.defaultText ? ` (default: ${spec.defaultText})` : ''}`));
  }
  return cmd;
}

/**
 * An option that takes a value. Given twice, a one-value option is a usage error naming the flag (not a
 * silent last-wins); a list option (`list`: --ignore, --categorical, predict's --keep) adds the values
 * of each occurrence: `--ignore id --ignore name` is `--ignore id,name`.
 */
export function valueOption(flags: string, help: string, list = false): Option {
  const option = new Option(flags, help);
  const flag = flags.split(/[ ,]/)[0];
  return option.argParser((value: string, previous: unknown): string => {
    if (typeof previous !== 'string') return value;
    if (list) return `${previous},${value}`;
    throw new UsageError(`${flag} was given twice ('${previous}', then '${value}'); it takes one value`);
  });
}

/** A numeric literal as a number; anything else stays text (and the schema reports it). */
export function toNumber(text: string): number | string {
  const t = text.trim();
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return text;
  return Number(t);
}

/** A flag's JSON text as a value (the schema then checks its shape). @throws UsageError for text that is not JSON. */
function jsonValue(spec: OptionSpec, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${spec.flag} '${text}' is not valid JSON (${(err as Error).message}); expected ${spec.expected}`);
  }
}

/** The typed value of one flag from commander's parsed value. */
export function flagValue(spec: OptionSpec, parsed: unknown): GivenValue {
  if (typeof parsed !== 'string') return { value: parsed, source: 'flag' }; // on/off flags, --no-…
  switch (spec.kind) {
    case 'int':
    case 'number':
      return { value: toNumber(parsed), source: 'flag' };
    case 'earlyStop':
      return { value: parsed === 'false' || parsed === 'off' ? false : toNumber(parsed), source: 'flag' };
    case 'intList':
      return { value: parsed.trim() === 'none' ? [] : parsed.split(',').map(toNumber), source: 'flag', raw: parsed };
    case 'stringList':
      return { value: parsed.split(',').map((s) => s.trim()), source: 'flag', raw: parsed };
    case 'classWeight':
      return { value: parsed.trim() === 'balanced' ? 'balanced' : jsonValue(spec, parsed), source: 'flag', raw: parsed };
    default:
      return { value: parsed, source: 'flag' };
  }
}

/** The flags given on the command line (value source 'cli'), typed, keyed as in the option table. */
export function givenFlags(cmd: Command, command: TrainingCommand): GivenValues {
  const given: GivenValues = new Map();
  const opts = cmd.opts<Record<string, unknown>>();
  for (const spec of optionsFor(command)) {
    const attr = camel(spec.flag);
    if (cmd.getOptionValueSource(attr) !== 'cli') continue;
    given.set(spec.key, flagValue(spec, opts[attr]));
  }
  return given;
}

/** '--batch-size' → 'batchSize', as commander names option values. */
function camel(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
