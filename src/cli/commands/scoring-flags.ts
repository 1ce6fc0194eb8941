// What evaluate and predict share about reading a file to score: --unknown (the model's default for a
// category training never saw, overridden) and the line that says how many values were imputed.

import type { MissingCounts } from '../../data/preprocessing/index.js';
import { describeMissing } from '../../data/preprocessing/index.js';
import { UsageError } from '../errors.js';
import type { Output } from '../output.js';

/**
 * --unknown's value, or undefined when not given (the model's saved default applies).
 * @throws UsageError for a value other than error or ignore.
 */
export function unknownFlag(value: string | undefined): 'error' | 'ignore' | undefined {
  if (value === undefined) return undefined;
  if (value === 'error' || value === 'ignore') return value;
  throw new UsageError(`Expected one of error, ignore for --unknown but received '${value}'`);
}

/** `imputed: 312 values in 3 columns (age 300, income 10, city 2)`, and the `imputed` event; nothing when none was. */
export function reportImputed(output: Output, counts: MissingCounts, data: string): void {
  const line = describeMissing(counts);
  if (line === null) return;
  output.text(`imputed: ${line}`);
  output.event('imputed', { data, values: counts.values, columns: counts.columns });
}
