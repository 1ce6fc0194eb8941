// The streaming split: a row's part is a seeded hash of its row number, so a dataset read in chunks, epoch
// after epoch, puts every row in the same part each time without an index list and without writing a second
// copy of the data. The same function over 0..n−1 gives the in-memory version of the split.
//
// Hash: two rounds of murmur3's 32-bit finalizer (fmix32, bijective) keyed by the seed,
//   h = fmix32(fmix32(lo ^ k1) + hi + k2),  k1 = fmix32(seed ^ 0x9e3779b9), k2 = fmix32(k1 + 0x632be5ab),
// where lo/hi are the low and high 32 bits of the row number. For a fixed seed and hi it is a bijection of
// lo, so consecutive rows spread uniformly over [0, 2^32) and the part sizes follow the fractions to within
// sampling noise (about √(n·f·(1−f)) rows). The part is found by comparing h with the cumulative fractions
// scaled to 2^32: train first, then validation, then test, then (when they sum to < 1) unused.

import { checkSeed, UINT32_MAX } from './args.js';
import { FRACTION_KEYS, parseFractions, SplitPart, type SplitFractions, type SplitIndices } from './fractions.js';
import { fmix32 } from '../../util/rng.js';
import { checkInteger, invalid, isPlainObject, readOptions } from '../../util/validate.js';

const TWO_POW_32 = 4294967296;

/** A part number: 0 train, 1 validation, 2 test, −1 unused (see SplitPart). */
export type SplitPartNumber = (typeof SplitPart)[keyof typeof SplitPart];

/** The part of a row number: a function from hashSplitter, checked once and cheap per row. */
export type RowSplitter = (rowNumber: number) => SplitPartNumber;

/**
 * A function from a row number (integer >= 0, below 2^53) to its part under `seed` and `fractions`, for
 * streaming: call it with each row's 0-based position in the file (a chunk's first row number plus the
 * row's index in the chunk). Same seed and fractions, same parts, in every epoch and process.
 * @example
 * ```ts
 * const partOf = hashSplitter(42, { testFraction: 0.2 });
 * if (partOf(firstRow + i) === SplitPart.train) ... // train on it
 * ```
 * @throws ConfigError for a bad seed or fractions; the returned function throws ConfigError for a row
 *   number that is not an integer in [0, 2^53).
 */
export function hashSplitter(seed: number, fractions: SplitFractions): RowSplitter {
  const s = checkSeed(seed);
  if (!isPlainObject(fractions)) throw invalid('fractions', 'an object such as { testFraction: 0.2 }', fractions);
  const [train, validation, test] = parseFractions(readOptions<SplitFractions>('hashSplit', fractions, FRACTION_KEYS));
  const t0 = Math.floor(train * TWO_POW_32);
  const t1 = Math.floor((train + validation) * TWO_POW_32);
  const t2 = Math.min(TWO_POW_32, Math.round((train + validation + test) * TWO_POW_32)); // a sum of 1 covers every hash
  const k1 = fmix32((s ^ 0x9e3779b9) >>> 0);
  const k2 = fmix32((k1 + 0x632be5ab) >>> 0);
  return (rowNumber: number): SplitPartNumber => {
    if (!(Number.isSafeInteger(rowNumber) && rowNumber >= 0)) throw invalid('rowNumber', 'integer >= 0', rowNumber);
    const lo = rowNumber >>> 0;
    const hi = Math.floor(rowNumber / TWO_POW_32) >>> 0;
    const h = fmix32((fmix32((lo ^ k1) >>> 0) + hi + k2) >>> 0);
    return h < t0 ? 0 : h < t1 ? 1 : h < t2 ? 2 : -1;
  };
}

/**
 * The part of row `rowNumber`: 0 train, 1 validation, 2 test, −1 unused. One call validates its arguments;
 * for many rows make the function once with {@link hashSplitter}.
 * @example hashSplit(12345, 7, { testFraction: 0.1, validationFraction: 0.1 }) // 0, 1 or 2
 */
export function hashSplit(rowNumber: number, seed: number, fractions: SplitFractions): SplitPartNumber {
  return hashSplitter(seed, fractions)(rowNumber);
}

/**
 * The hash split of rows 0..rows−1 as index arrays (ascending): the in-memory twin of a streaming split, so
 * both modes of one dataset agree row for row. Sizes follow the fractions only statistically; use
 * randomSplit for exact sizes.
 */
export function hashSplitIndices(rows: number, seed: number, fractions: SplitFractions): SplitIndices {
  const n = checkInteger('rows', rows, { min: 0, max: UINT32_MAX });
  const partOf = hashSplitter(seed, fractions);
  const partOfRow = new Int8Array(n);
  const counts = [0, 0, 0];
  for (let r = 0; r < n; r++) {
    const p = partOf(r);
    partOfRow[r] = p;
    if (p >= 0) counts[p]++;
  }
  const parts = counts.map((c) => new Uint32Array(c));
  const filled = [0, 0, 0];
  for (let r = 0; r < n; r++) {
    const p = partOfRow[r];
    if (p >= 0) parts[p][filled[p]++] = r;
  }
  return { train: parts[0], validation: parts[1], test: parts[2] };
}
