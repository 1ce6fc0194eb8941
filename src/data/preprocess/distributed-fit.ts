// Fitting the imputer and the scalers on rows spread over the ranks of an MPI job, so every rank gets
// the fit one process would get on all the rows. Every statistic they keep merges exactly or nearly:
// counts, per-value category counts and one-hot group counts add up (exact: the same modes, ties
// included); min and max are exact; means and M2 (for the std) merge by Chan's pairwise update in rank
// order, so they match a one-process fit to float64 rounding (relative differences around 1e-15) and
// are bit-identical on every rank. No kept statistic needs the rows themselves (there is no median).
// Each rank fits its own rows, then one allgather of the fitted state (its JSON, a few numbers per
// column) carries every rank's, or its failure, so a bad value on one rank fails every rank.

import { allgatherJson, distributedContext } from '../../backend/mpi-context.js';
import { ShapeError } from '../../util/errors.js';
import { checkChoice, readOptions } from '../../util/validate.js';
import { describeFailure, peerError, type Failure } from '../collective.js';
import type { Matrix } from '../matrix.js';
import { ColumnStats, type ColumnStatsJSON } from './column-stats.js';
import type { Imputer, ImputerState } from './imputer.js';
import type { Scaler } from './scaler.js';

/** Options of {@link fitScaler} and {@link fitImputer}. */
export interface DistributedFitOptions {
  /** The rows of x to fit on (default all), as fit's `rows`. */
  rows?: ArrayLike<number>;
  /** 'mpi': every rank of an MPI job calls it with its own rows; the fit is that of all of them. Default: off (a plain fit). */
  distributed?: 'mpi';
}

type Share<T> = { cols: number; state: T; failure: null } | { failure: Failure };

/** Fits locally with `fit`, then gathers every rank's `state()` (collective; fails on every rank together). */
function gatherFits<T>(what: string, x: Matrix, fit: () => void, state: () => T): T[] {
  const ctx = distributedContext();
  let local: unknown;
  let share: Share<T>;
  try {
    fit();
    share = { cols: x.cols, state: JSON.parse(JSON.stringify(state())) as T, failure: null }; // as every other rank sees it (-0 too)
  } catch (err) {
    local = err;
    share = { failure: describeFailure(err) };
  }
  const all = allgatherJson(ctx, share, `the ${what} fit`);
  const failed = all.findIndex((s) => s.failure !== null);
  if (failed >= 0) throw failed === ctx.rank ? local : peerError(`fitting the ${what}`, failed, ctx.size, all[failed].failure as Failure);
  const ok = all as { cols: number; state: T }[];
  const widths = ok.map((s) => s.cols);
  if (widths.some((w) => w !== widths[0])) throw new ShapeError(`The ranks fitted the ${what} on different widths (${widths.join(', ')} columns by rank): every rank needs the same columns`);
  return ok.map((s) => s.state);
}

/** Column statistics merged in rank order. */
function mergeStats(parts: ColumnStatsJSON[]): ColumnStatsJSON {
  const merged = ColumnStats.fromArrays(parts[0]);
  for (const p of parts.slice(1)) merged.merge(ColumnStats.fromArrays(p));
  return merged.toJSON();
}

function checkFitOptions(name: string, options: DistributedFitOptions | undefined): DistributedFitOptions {
  const o = readOptions<DistributedFitOptions>(name, options, ['rows', 'distributed']);
  if (o.distributed !== undefined) checkChoice('distributed', o.distributed, ['mpi'] as const);
  return o;
}

/**
 * Fits `scaler` on the rows of `x` (in place; returns it). With `distributed: 'mpi'` every rank calls it
 * on its own rows and every rank ends with the statistics of all of them (see the file comment: min/max
 * exact, mean/std within float64 rounding of a one-process fit), the same on every rank.
 * @example
 * ```ts
 * const scaler = fitScaler(scalers.standard({ exclude }), train.x, { distributed: 'mpi' });
 * scaler.transform(train.x, train.x);
 * ```
 * @throws as Scaler.fit (on every rank when it throws on one: that rank its own error, the others a
 *   DataError naming it); ShapeError when the ranks' widths differ; BackendError without the MPI addon.
 */
export function fitScaler(scaler: Scaler, x: Matrix, options?: DistributedFitOptions): Scaler {
  const o = checkFitOptions('fitScaler', options);
  if (o.distributed === undefined) return scaler.fit(x, o.rows);
  const states = gatherFits(
    'scaler',
    x,
    () => scaler.fit(x, o.rows),
    () => scaler.toJSON().stats,
  );
  return scaler.loadStatistics(x.cols, states[0] === null ? null : mergeStats(states as ColumnStatsJSON[]));
}

/**
 * Fits `imputer` on the rows of `x` (in place; returns it). With `distributed: 'mpi'` every rank calls it
 * on its own rows and every rank ends with the fill values of all of them: the same modes as a
 * one-process fit exactly, means within float64 rounding.
 * @example
 * ```ts
 * fitImputer(new Imputer({ categorical: data.indexColumns }), train.x, { distributed: 'mpi' }).transform(train.x, train.x);
 * ```
 * @throws as Imputer.fit, and as {@link fitScaler} across ranks.
 */
export function fitImputer(imputer: Imputer, x: Matrix, options?: DistributedFitOptions): Imputer {
  const o = checkFitOptions('fitImputer', options);
  if (o.distributed === undefined) return imputer.fit(x, o.rows);
  const states = gatherFits<ImputerState>(
    'imputer',
    x,
    () => imputer.fit(x, o.rows),
    () => imputer.state(),
  );
  const categoryCounts = states[0].categoryCounts.map((_, k) => {
    const sum = new Map<number, number>();
    for (const s of states) for (const [v, n] of s.categoryCounts[k]) sum.set(v, (sum.get(v) ?? 0) + n);
    return [...sum].sort((a, b) => a[0] - b[0]);
  });
  const groupCounts = states[0].groupCounts.map((counts, k) => counts.map((_, j) => states.reduce((n, s) => n + s.groupCounts[k][j], 0)));
  return imputer.loadState({ cols: x.cols, stats: mergeStats(states.map((s) => s.stats)), categoryCounts, groupCounts });
}
