// The scaler factories and the reader of saved scalers (scalerFromJSON), which validates every field so a
// damaged model file fails with the field's name instead of scaling with a wrong number.

import { type FromJSONOptions, JsonFields } from './json-fields.js';
import { Scaler, SCALER_KINDS as KINDS, type MinMaxScalerOptions, type ScalerKind, type ScalerOptions } from './scaler.js';

/**
 * Scaler factories. Fit on the training split, then transform every split with the same statistics.
 * @example
 * ```ts
 * const scaler = scalers.minMax({ featureRange: [-1, 1] }).fit(x, split.train);
 * const xTest = scaler.transform(gatherRows(x, split.test));
 * ```
 */
export const scalers = {
  /** z-score: (x − mean) / std per column (population std; constant columns get std 1). */
  standard: (options?: ScalerOptions): Scaler => new Scaler('standard', options),
  /** To [low, high] (default [0, 1]) by the training min and max per column (constant columns: scale 1). */
  minMax: (options?: MinMaxScalerOptions): Scaler => new Scaler('minMax', options),
  /** The identity: keeps a pipeline's shape where no scaling is wanted. */
  none: (options?: ScalerOptions): Scaler => new Scaler('none', options),
};

/**
 * Restores a scaler from `scaler.toJSON()` output, as an object or as JSON text.
 * @throws ConfigError naming the field (e.g. `Expected an array of length 4 of finite numbers for
 *   scaler.stats.mean but received an array of length 3`), or ModelFileError naming the file and the field
 *   when `options.path` says the JSON came from a model file.
 */
export function scalerFromJSON(json: unknown, options: FromJSONOptions = {}): Scaler {
  const f = new JsonFields('scaler', options.path);
  const o = f.parse(json);
  f.header(o, 'nntrain.scaler', 1);
  const kind = o.kind;
  if (!(KINDS as readonly unknown[]).includes(kind)) throw f.fail('scaler.kind', `one of ${KINDS.map((k) => `'${k}'`).join(', ')}`, kind);
  const cols = f.int(o, 'cols', 1);
  const exclude = f.columns(o.exclude, 'scaler.exclude', cols);
  const scalerOptions: MinMaxScalerOptions = { exclude };
  if (kind === 'minMax') {
    const range = f.numbers(o.featureRange, 'scaler.featureRange', 2);
    if (!(range[0] < range[1])) throw f.fail('scaler.featureRange', 'an array [low, high] with low < high', range);
    scalerOptions.featureRange = [range[0], range[1]];
  }
  if (kind === 'none') {
    if (o.stats !== null) throw f.fail('scaler.stats', "null (a 'none' scaler keeps no statistics)", o.stats);
    return Scaler.restore(kind, scalerOptions, cols, null);
  }
  return Scaler.restore(kind as ScalerKind, scalerOptions, cols, f.stats(o.stats, 'scaler.stats', cols));
}
