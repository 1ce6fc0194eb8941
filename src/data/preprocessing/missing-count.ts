// How many values of which columns are missing (NaN) in raw features, before the imputer fills them:
// what the command line reports as imputed. A missing category fills its whole one-hot group with NaN
// and counts once.

import type { CsvSchema } from '../csv/schema.js';
import type { Matrix } from '../matrix.js';

/** Missing values by column name (columns without any left out), and their total. */
export interface MissingCounts {
  values: number;
  columns: Record<string, number>;
}

/** Counts NaN cells per feature column over the chunks it is given (x in the schema's feature order). */
export class MissingCounter {
  private readonly names: string[] = [];
  /** The x column each feature is counted in: its own, or its one-hot group's first. */
  private readonly at: number[] = [];
  /** Per counted column: its NaN cells so far (a distributed run sums them over the ranks in place). */
  readonly counts: Float64Array;
  private cols = 0;

  constructor(schema: CsvSchema) {
    for (const c of schema.columns) {
      if (c.role !== 'feature') continue;
      const width = c.kind === 'categorical' && c.encoding === 'onehot' ? (c.categories ?? []).length : 1;
      if (width > 0) {
        this.names.push(c.name);
        this.at.push(this.cols);
      }
      this.cols += width;
    }
    this.counts = new Float64Array(this.names.length);
  }

  /** Adds the NaN cells of raw features `x` ((rows, the schema's x width)). */
  add(x: Matrix): void {
    if (x.cols !== this.cols) return; // not this schema's features: nothing to count
    const { data, rows, cols } = x;
    for (let k = 0; k < this.at.length; k++) {
      const c = this.at[k];
      let n = 0;
      for (let r = 0; r < rows; r++) if (Number.isNaN(data[r * cols + c])) n++;
      this.counts[k] += n;
    }
  }

  /** The counts so far (columns by descending count). */
  result(): MissingCounts {
    const order = this.names.map((_, k) => k).filter((k) => this.counts[k] > 0);
    order.sort((a, b) => this.counts[b] - this.counts[a]);
    const columns: Record<string, number> = {};
    let values = 0;
    for (const k of order) {
      columns[this.names[k]] = this.counts[k];
      values += this.counts[k];
    }
    return { values, columns };
  }
}

/** The sum of two counts (a training file's and its validation file's). */
export function addMissing(a: MissingCounts, b: MissingCounts): MissingCounts {
  const columns: Record<string, number> = { ...a.columns };
  for (const [name, n] of Object.entries(b.columns)) columns[name] = (columns[name] ?? 0) + n;
  const sorted = Object.fromEntries(Object.entries(columns).sort((x, y) => y[1] - x[1]));
  return { values: a.values + b.values, columns: sorted };
}

/** `312 values in 3 columns (age 300, income 10, city 2)`, or null when nothing is missing. */
export function describeMissing(counts: MissingCounts): string | null {
  const entries = Object.entries(counts.columns);
  if (counts.values === 0) return null;
  const list = entries.map(([name, n]) => `${name} ${n}`).join(', ');
  return `${counts.values} value${counts.values === 1 ? '' : 's'} in ${entries.length} column${entries.length === 1 ? '' : 's'} (${list})`;
}
