// Every number TypeScript shares with the C++ addon, as one table keyed as the addon's codes()
// (native/binding/codes.cc) returns it, and the check the native loader runs on the two at load.

import {
  Activation, LabelMode, LayerKind, Loss, LossFusion, MAX_THREADS, Optimizer, OPTIMIZER_HYPER_LENGTH, OPTIMIZER_SLOTS,
  PLAN_FORMAT_VERSION, PLAN_HEADER, PLAN_LAYER_WIDTH, PlanField, PlanLayerField, Precision, Stat, STATS_WIDTH, TrainStatus,
  CSV_LAYOUT_WIDTH, KIND_CODE, MISSING_CODE,
} from './codes.js';
import { BackendError } from '../util/errors.js';

/** Named numbers, nested one level or more. */
export interface CodeTable {
  readonly [name: string]: number | CodeTable;
}

/** This build's side of every shared number. */
export const SHARED_CODES: CodeTable = {
  Activation, Loss, LossFusion, LayerKind, Optimizer, OPTIMIZER_SLOTS, OPTIMIZER_HYPER_LENGTH, Stat, STATS_WIDTH,
  LabelMode, TrainStatus, MAX_THREADS, Precision,
  PLAN_FORMAT_VERSION, PLAN_HEADER, PLAN_LAYER_WIDTH, PlanField, PlanLayerField,
  KIND_CODE, MISSING_CODE, CSV_LAYOUT_WIDTH,
};

function same(a: unknown, b: unknown): boolean {
  if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') return Object.is(a, b);
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    if (!Object.hasOwn(b, k) || !same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

// Only on a mismatch: "Group.name" -> value.
function flatten(value: unknown, path: string, out: Map<string, unknown>): Map<string, unknown> {
  if (value === null || typeof value !== 'object') return out.set(path, value);
  for (const [key, inner] of Object.entries(value)) flatten(inner, path ? `${path}.${key}` : key, out);
  return out;
}

/**
 * Compares this build's numbering with the addon's codes(), entry by entry (an entry on one side only
 * differs too).
 * @throws BackendError naming each differing entry with both values, or saying the addon has no codes().
 */
export function checkAddonCodes(ts: CodeTable, native: unknown): void {
  const rebuild = 'Rebuild the addon from these sources: npm rebuild nntrain (in a checkout: npm run build:native).';
  if (native === null || typeof native !== 'object') {
    throw new BackendError(`nntrain: the native addon reports no codes(): it was built from other sources.\n${rebuild}`);
  }
  if (same(ts, native)) return;
  const mine = flatten(ts, '', new Map());
  const theirs = flatten(native, '', new Map());
  const names = [...new Set([...mine.keys(), ...theirs.keys()])];
  const differing = names.filter((name) => !Object.is(mine.get(name), theirs.get(name)));
  const show = (v: unknown) => (v === undefined ? 'absent' : typeof v === 'number' ? String(v) : JSON.stringify(v));
  throw new BackendError([
    `nntrain: the native addon's numbering differs from TypeScript's in ${differing.length} entr${differing.length === 1 ? 'y' : 'ies'} (a stale or mismatched binary):`,
    ...differing.map((name) => `  ${name}: TypeScript ${show(mine.get(name))}, native ${show(theirs.get(name))}`),
    rebuild,
  ].join('\n'));
}
