// Loads the Fashion-MNIST caches (preparing them first when absent) as nntrain Matrices.
// x: (rows, 784) float32 in [0, 1]; y: (rows) class labels 0..9 as float32 (sparse cross-entropy targets).

import { readFileSync } from 'node:fs';
import type { Matrix } from '../src/index.js';
import { cachePath, PIXELS, prepareFashionMnist, type Split } from '../data/prepare/fashion-mnist.js';

export interface FashionMnistSplit {
  x: Matrix; // (rows, 784)
  y: Float32Array; // (rows)
  labels: Uint8Array; // (rows), the same labels as bytes
}

/** Train: 60,000 rows; test: 10,000 rows. */
export async function loadFashionMnist(split: Split): Promise<FashionMnistSplit> {
  await prepareFashionMnist();
  const xb = readFileSync(cachePath(split, 'x'));
  const labels = new Uint8Array(readFileSync(cachePath(split, 'y')));
  // copy into an aligned buffer (a Buffer from readFileSync may share a pool at an odd offset)
  const data = new Float32Array(xb.length / 4);
  new Uint8Array(data.buffer).set(xb);
  if (data.length !== labels.length * PIXELS) throw new Error(`Fashion-MNIST ${split} cache is corrupt; delete data/.cache/`);
  return { x: { data, rows: labels.length, cols: PIXELS }, y: Float32Array.from(labels), labels };
}

/** The first `rows` rows as views (no copy). */
export function headRows(s: FashionMnistSplit, rows: number): { x: Matrix; y: Float32Array } {
  const n = Math.min(rows, s.x.rows);
  return { x: { data: s.x.data.subarray(0, n * PIXELS), rows: n, cols: PIXELS }, y: s.y.subarray(0, n) };
}
