// The schema of the training options, built with zod from the option table, and the one place where their
// values are checked: a config file's keys and the command-line flags go through the same schema, and a
// bad value is reported in the project's style, naming the flag (`--epochs`) or the file and key.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { checkChoice, closest, describe } from '../util/validate.js';
import { UsageError } from './errors.js';
import { OPTION_TABLE, optionByKey, type OptionSpec } from './option-table.js';

/** Where a given value came from: a flag (with its text) or a config file. */
export interface GivenValue {
  value: unknown;
  source: 'flag' | 'config';
  /** The flag's text as typed, for messages about lists. */
  raw?: string;
}

/** Values the user gave (config file and flags), by key. */
export type GivenValues = Map<string, GivenValue>;

/** Keys a config file may hold besides the options: the data file. */
const EXTRA_KEYS = { data: z.string().min(1) };

function fieldSchema(spec: OptionSpec): z.ZodType {
  const bounded = (n: z.ZodNumber): z.ZodNumber => {
    let s = n;
    if (spec.min !== undefined) s = spec.minOpen ? s.gt(spec.min) : s.gte(spec.min);
    if (spec.max !== undefined) s = spec.maxOpen ? s.lt(spec.max) : s.lte(spec.max);
    return s;
  };
  switch (spec.kind) {
    case 'int':
      return bounded(z.number().int());
    case 'number':
      return bounded(z.number());
    case 'string':
      return spec.key === 'delimiter' ? z.string().length(1) : z.string().min(1);
    case 'choice':
      return z.enum(spec.choices as [string, ...string[]]);
    case 'bool':
      return z.boolean();
    case 'intList':
      return z.array(bounded(z.number().int()));
    case 'stringList':
      return z.array(z.string().min(1));
    case 'target':
      return z.union([z.string().min(1), z.number().int()]);
    case 'schedule':
      return z.union([z.string().min(1), z.looseObject({ name: z.string() })]);
    case 'earlyStop':
      return z.union([bounded(z.number().int()), z.literal(false)]);
    case 'classWeight':
      return z.union([z.literal('balanced'), z.record(z.string(), z.number().nonnegative())]);
  }
}

/** The config file schema: every option of the table, all optional, no other keys. */
export const trainingOptionsSchema = z.strictObject({
  ...EXTRA_KEYS,
  ...Object.fromEntries(OPTION_TABLE.map((spec) => [spec.key, fieldSchema(spec)])),
}).partial();

const KNOWN_KEYS = [...Object.keys(EXTRA_KEYS), ...OPTION_TABLE.map((o) => o.key)];

/**
 * Checks the given values against the schema.
 * @throws UsageError for the first bad value, naming the flag or the config file and key.
 */
export function checkGivenValues(given: GivenValues, configPath: string | undefined): Record<string, unknown> {
  const object = Object.fromEntries([...given].map(([k, v]) => [k, v.value]));
  const result = trainingOptionsSchema.safeParse(object);
  if (result.success) return result.data as Record<string, unknown>;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') throw unknownKey(issue.keys[0], configPath);
  const key = String(issue.path[0]);
  throw badValue(key, given.get(key), configPath);
}

function unknownKey(key: string, configPath: string | undefined): UsageError {
  const hint = closest(key, KNOWN_KEYS);
  return new UsageError(`Unknown option '${key}' in ${configPath ?? 'the config'}.${hint ? ` Did you mean '${hint}'?` : ''} Valid options: ${KNOWN_KEYS.join(', ')}`);
}

/** The message for a value that failed the schema: choices get a did-you-mean hint, others the expected range. */
export function badValue(key: string, given: GivenValue | undefined, configPath: string | undefined): UsageError {
  const spec = optionByKey(key);
  const label = given?.source === 'flag' && spec ? spec.flag : `'${key}' in ${configPath ?? 'the config'}`;
  const value = given?.value;
  if (spec?.kind === 'choice' && spec.choices) {
    try {
      checkChoice(label, value, spec.choices);
    } catch (err) {
      return new UsageError((err as Error).message);
    }
  }
  const shown = given?.raw !== undefined && (spec?.kind === 'intList' || spec?.kind === 'stringList') ? given.raw : value;
  const expected = spec?.expected ?? (key === 'data' ? 'a CSV file path' : 'a valid value');
  return new UsageError(`Expected ${expected} for ${label} but received ${describe(shown)}`);
}

/**
 * The options in a JSON config file, keyed as in the option table (e.g. `{ "target": "species",
 * "layers": [256, 128], "lr": 0.001 }`); checkGivenValues checks them once the flags are merged in.
 * @throws UsageError for a missing or unreadable file, invalid JSON (with line and column) or a non-object.
 */
export async function readConfigFile(path: string): Promise<GivenValues> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read config file '${path}': ${code === 'ENOENT' ? 'no such file' : (err as Error).message} (--config)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: ${jsonPosition(text, err as Error)}invalid JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`${path}: expected a JSON object of options such as { "target": "species", "epochs": 50 } but found ${describe(json)}`);
  }
  // checked after the flags are merged in (givenValues), so a flag may override a bad value
  return new Map(Object.entries(json).map(([k, value]) => [k, { value, source: 'config' as const }]));
}

/** "line 3, column 5: " from the position in a JSON.parse message, when it has one. */
function jsonPosition(text: string, err: Error): string {
  const match = /position (\d+)/.exec(err.message);
  if (match === null) return '';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: `;
}
