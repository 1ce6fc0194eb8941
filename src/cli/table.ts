// Plain-text tables and summary statistics for the commands that compare several models (cv, tune,
// ensemble): aligned columns for people, the same numbers as JSON for machines.

import { formatMetricValue } from '../evaluation/headline.js';

/** Rows of cells as columns two spaces apart: the first column left-aligned, the others right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd())
    .join('\n');
}

/** Metric values formatted as the CLI prints them (4 decimals, `nan`). */
export function metricCells(values: Record<string, number>, names: readonly string[]): string[] {
  return names.map((n) => formatMetricValue(values[n] ?? NaN));
}

/** Mean and population standard deviation (numpy's default, as scikit-learn reports fold scores) of the finite values. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { mean: NaN, std: NaN };
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const variance = finite.reduce((a, b) => a + (b - mean) ** 2, 0) / finite.length;
  return { mean, std: Math.sqrt(variance) };
}

/** The mean of each metric over several runs. */
export function meanOf(runs: readonly Record<string, number>[]): Record<string, number> {
  const names = Object.keys(runs[0] ?? {});
  return Object.fromEntries(names.map((n) => [n, meanStd(runs.map((r) => r[n])).mean]));
}
