// The reader of saved imputers: imputerFromJSON checks every field of Imputer.toJSON() output, so a damaged
// model file fails with the field's name instead of filling gaps with a wrong number.

import { type FromJSONOptions, JsonFields } from './json-fields.js';
import { Imputer } from './imputer.js';
import { ConfigError } from '../../util/errors.js';
import { isNumber } from '../../util/validate.js';

/**
 * Restores an imputer from `imputer.toJSON()` output, as an object or as JSON text.
 * @throws ConfigError naming the field (e.g. `Expected integer >= 0 for imputer.groupCounts[0][1] but
 *   received -2`), or ModelFileError naming the file and the field when `options.path` is given.
 */
export function imputerFromJSON(json: unknown, options: FromJSONOptions = {}): Imputer {
  const f = new JsonFields('imputer', options.path);
  const o = f.parse(json);
  f.header(o, 'nntrain.imputer', 1);
  const cols = f.int(o, 'cols', 1);
  const categorical = f.columns(o.categorical, 'imputer.categorical', cols);
  const exclude = f.columns(o.exclude, 'imputer.exclude', cols);
  if (!Array.isArray(o.oneHotGroups)) throw f.fail('imputer.oneHotGroups', 'an array of column lists', o.oneHotGroups);
  const oneHotGroups = o.oneHotGroups.map((g: unknown, i) => f.columns(g, `imputer.oneHotGroups[${i}]`, cols));
  let imputer: Imputer;
  try {
    imputer = new Imputer({ categorical, oneHotGroups, exclude });
  } catch (err) {
    // the option rules (groups of >= 2 columns, one role per column), reported as a bad file when from one
    if (err instanceof ConfigError) throw f.failWith(`imputer options: ${err.message}`);
    throw err;
  }
  const count = (v: number) => Number.isInteger(v) && v >= 0;
  if (!Array.isArray(o.categoryCounts) || o.categoryCounts.length !== categorical.length) {
    throw f.fail('imputer.categoryCounts', `an array of ${categorical.length} lists of [value, count] pairs`, o.categoryCounts);
  }
  const categoryCounts = o.categoryCounts.map((pairs: unknown, k) => {
    const field = `imputer.categoryCounts[${k}]`;
    if (!Array.isArray(pairs)) throw f.fail(field, 'an array of [value, count] pairs', pairs);
    return pairs.map((pair: unknown, j): [number, number] => {
      const ok = Array.isArray(pair) && pair.length === 2 && isNumber(pair[0]) && isNumber(pair[1]) && count(pair[1]);
      if (!ok) throw f.fail(`${field}[${j}]`, 'a pair [finite value, integer count >= 0]', pair);
      return [pair[0] as number, pair[1] as number];
    });
  });
  if (!Array.isArray(o.groupCounts) || o.groupCounts.length !== oneHotGroups.length) {
    throw f.fail('imputer.groupCounts', `an array of ${oneHotGroups.length} count lists`, o.groupCounts);
  }
  const groupCounts = o.groupCounts.map((counts: unknown, k) =>
    f.numbers(counts, `imputer.groupCounts[${k}]`, oneHotGroups[k].length, count, 'integer >= 0'),
  );
  const stats = f.stats(o.stats, 'imputer.stats', cols);
  return imputer.loadState({ cols, stats, categoryCounts, groupCounts });
}
