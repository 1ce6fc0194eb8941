// Exact k-nearest-neighbour search by brute force, for SMOTE (neighbours within one class of the training
// split). A query scans every candidate row: O(m·d) per query, O(m²·d) for all m rows of a class. That is
// fine for the tabular class sizes SMOTE is used on (thousands of rows) and has no approximation; a
// tree or graph index would only pay off for much larger classes.
//
// No allocation per pair: the running k best distances and rows live in two arrays allocated once per
// search object, and a pair's squared distance is accumulated in a local, abandoning the pair as soon as
// the partial sum exceeds the current k-th best (the sum only grows).

import type { Matrix } from '../matrix.js';

/** Nearest-neighbour queries over the rows of one matrix. */
export class NeighbourSearch {
  private readonly x: Matrix;
  private readonly k: number;
  private readonly dist: Float64Array; // (k) squared distances of the best so far, ascending

  /** Searches for up to `k` neighbours (integer >= 1) among rows of `x`. */
  constructor(x: Matrix, k: number) {
    this.x = x;
    this.k = k;
    this.dist = new Float64Array(k);
  }

  /**
   * Writes into out[offset .. offset + found) the rows among `candidates` (ascending row indices) nearest
   * to row `i` by Euclidean distance, nearest first, excluding `i` itself; among equal distances the
   * smaller row index comes first. Returns how many were found: min(k, candidates other than i).
   */
  query(i: number, candidates: Uint32Array, out: Uint32Array, offset: number): number {
    const { data, cols } = this.x;
    const { k, dist } = this;
    const base = i * cols;
    let found = 0;
    for (let n = 0; n < candidates.length; n++) {
      const j = candidates[n];
      if (j === i) continue;
      const bound = found < k ? Infinity : dist[k - 1];
      const other = j * cols;
      let d = 0;
      for (let c = 0; c < cols && d <= bound; c++) {
        const t = data[base + c] - data[other + c];
        d += t * t;
      }
      if (found === k && d >= bound) continue; // not nearer than the k-th best (a tie keeps the earlier row)
      let p = found < k ? found++ : k - 1;
      while (p > 0 && dist[p - 1] > d) {
        dist[p] = dist[p - 1];
        out[offset + p] = out[offset + p - 1];
        p--;
      }
      dist[p] = d;
      out[offset + p] = j;
    }
    return found;
  }
}
