// Hold-out splits of an in-memory dataset into train / validation / test row indices: random, stratified by
// class, and time-ordered. All are seeded (xoshiro128** from util/rng.ts), so a seed gives the same split
// on every machine; the indices then gather the rows (gather.ts).

import { checkMatrix, checkSeed, UINT32_MAX } from './args.js';
import { apportion, apportionClass, FRACTION_KEYS, parseFractions, type SplitFractions, type SplitIndices } from './fractions.js';
import { classIndices, groupByClass, type LabelInput } from './labels.js';
import { ConfigError, DataError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { checkInteger, invalid, readOptions } from '../../util/validate.js';
import { isMatrix, type Matrix } from '../matrix.js';

/** Options of randomSplit: the fractions and a seed. */
export interface RandomSplitOptions extends SplitFractions {
  /** uint32 seed of the shuffle. Default 0 (so an unseeded split is reproducible too). */
  seed?: number;
}

/** Options of stratifiedSplit. */
export interface StratifiedSplitOptions extends RandomSplitOptions {
  /** With a multi-column label Matrix: the column holding class indices (else its rows are read as one-hot). */
  labelColumn?: number;
}

/** Options of timeSplit. */
export interface TimeSplitOptions extends SplitFractions {
  /** With a Matrix: the column whose values order the rows in time (else the row order is the time order). */
  column?: number;
}

const part = (order: Uint32Array | number[], start: number, size: number) => Uint32Array.from(order.slice(start, start + size));
const sorted = (a: Uint32Array) => a.sort();

/**
 * Random train/validation/test split of `rows` rows. Part sizes are the fractions of `rows` rounded by
 * largest remainder (each within one row of its share, summing to the rows used); rows are drawn by one
 * seeded Fisher–Yates shuffle; each part's indices are returned ascending (cache-friendly gathers; fit
 * shuffles anyway).
 * @example randomSplit(1000, { testFraction: 0.2, validationFraction: 0.1, seed: 7 }) // 700 / 100 / 200 rows
 * @throws ConfigError naming a bad fraction, their sum, the seed, rows, or an unknown option.
 */
export function randomSplit(rows: number, options: RandomSplitOptions): SplitIndices {
  const o = readOptions<RandomSplitOptions>('randomSplit', options, [...FRACTION_KEYS, 'seed']);
  const n = checkInteger('rows', rows, { min: 0, max: UINT32_MAX });
  const shares = parseFractions(o);
  const order = identity(n);
  new Rng(checkSeed(o.seed)).shuffle(order);
  const [train, validation, test] = apportion(n, shares);
  return {
    train: sorted(part(order, 0, train)),
    validation: sorted(part(order, train, validation)),
    test: sorted(part(order, train + validation, test)),
  };
}

/**
 * Random split that keeps each class's share in every part: within each class (classes ascending), the
 * rows are shuffled by one seeded generator and cut by largest-remainder rounding of the class's count, so
 * every part holds each class to within one row of its exact share. A class with 1 row goes to train, and
 * a class with >= 2 rows always has a row in train (a model cannot learn a class it never sees).
 * `labels`: a label-index column, one-hot rows, or a Matrix column picked by `labelColumn` (see classIndices).
 * Part sizes are the sums over classes, so they can differ by a few rows from randomSplit's.
 * @throws ConfigError for bad options; DataError for labels that are not class indices / one-hot rows.
 */
export function stratifiedSplit(labels: LabelInput, options: StratifiedSplitOptions): SplitIndices {
  const o = readOptions<StratifiedSplitOptions>('stratifiedSplit', options, [...FRACTION_KEYS, 'seed', 'labelColumn']);
  const shares = parseFractions(o);
  const rng = new Rng(checkSeed(o.seed));
  const groups = groupByClass(classIndices(labels, o.labelColumn));
  const parts: number[][] = [[], [], [], []];
  for (const members of groups.members) {
    const rowsOfClass = members.slice();
    rng.shuffle(rowsOfClass);
    let start = 0;
    apportionClass(rowsOfClass.length, shares).forEach((size, p) => {
      for (let i = start; i < start + size; i++) parts[p].push(rowsOfClass[i]);
      start += size;
    });
  }
  const [train, validation, test] = parts.map((p) => sorted(Uint32Array.from(p)));
  return { train, validation, test };
}

/**
 * Time-ordered split: the earliest rows train, the next validate, the latest test — a model is evaluated on
 * data from after everything it learned from, as it will be used. Time is the row order, or with a Matrix
 * and `column`, that column's values ascending (a stable sort: rows with equal times keep their row order,
 * and a tie at a boundary is cut by row order). Indices come back in time order. With a trainFraction and
 * fractions summing to less than 1, the rows left out are the earliest ones.
 * @example timeSplit(x, { column: 0, testFraction: 0.2 }) // test = the 20% of rows with the latest column-0 values
 * @throws ConfigError for bad options; DataError for a NaN in the time column (naming the row).
 */
export function timeSplit(data: number | Matrix, options: TimeSplitOptions): SplitIndices {
  const o = readOptions<TimeSplitOptions>('timeSplit', options, [...FRACTION_KEYS, 'column']);
  const shares = parseFractions(o);
  let order: Uint32Array;
  if (isMatrix(data)) {
    const m = checkMatrix('data', data);
    order = o.column === undefined ? identity(m.rows) : byColumn(m, checkInteger('column', o.column, { min: 0, max: m.cols - 1 }));
  } else {
    if (typeof data !== 'number') throw invalid('the data of timeSplit', 'a row count or a Matrix', data);
    if (o.column !== undefined) throw new ConfigError('The column option of timeSplit needs a Matrix: pass the data, not a row count');
    order = identity(checkInteger('rows', data, { min: 0, max: UINT32_MAX }));
  }
  const [train, validation, test, unused] = apportion(order.length, shares);
  return {
    train: part(order, unused, train),
    validation: part(order, unused + train, validation),
    test: part(order, unused + train + validation, test),
  };
}

function identity(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Row indices ordered by column `column` ascending, ties by row index. */
function byColumn(m: Matrix, column: number): Uint32Array {
  const key = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    const v = m.data[r * m.cols + column];
    if (v !== v) throw new DataError(`The time column ${column} has NaN at row ${r}: every row needs a time`, { row: r, column });
    key[r] = v;
  }
  return identity(m.rows).sort((a, b) => key[a] - key[b] || a - b);
}
