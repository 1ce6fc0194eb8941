// A synthetic numeric CSV of any size for scale tests: a header, then rows of an integer label (0..9)
// and `cols` float features in the notations real files mix (fixed decimals, integers, exponents,
// negatives). Deterministic for a seed.
//   node --import tsx bench/make-synthetic-csv.ts --mb 2048 [--cols 100] [--seed 1] [--out bench/.cache/synthetic-2048mb.csv]

import { createWriteStream } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/util/rng.js';
import { CACHE_DIR } from './cache.js';

export interface SyntheticOptions {
  /** Approximate size in MB (10^6 bytes); the file stops at the first row past it. */
  mb: number;
  cols?: number;
  seed?: number;
  out?: string;
}

/** The default path for a size: bench/.cache/synthetic-<mb>mb.csv. */
export const syntheticPath = (mb: number): string => `${CACHE_DIR}synthetic-${mb}mb.csv`;

/** One feature value; mostly fixed-point, some integers, exponents and negatives. */
export function syntheticValue(rng: Rng): string {
  const u = rng.uniform();
  const x = rng.normal();
  if (u < 0.6) return x.toFixed(4);
  if (u < 0.75) return String(Math.round(x * 100));
  if (u < 0.85) return (x * 1e-3).toExponential(3);
  return (x * 1000).toFixed(2);
}

/** Writes the file; resolves with its path, rows and bytes. */
export async function makeSyntheticCsv(options: SyntheticOptions): Promise<{ path: string; rows: number; bytes: number }> {
  const cols = options.cols ?? 100;
  const path = options.out ?? syntheticPath(options.mb);
  const limit = options.mb * 1e6;
  mkdirSync(dirname(path), { recursive: true });
  const rng = new Rng(options.seed ?? 1);
  const out = createWriteStream(path);
  let bytes = 0;
  let rows = 0;
  const header = `label,${Array.from({ length: cols }, (_, i) => `f${i + 1}`).join(',')}\n`;
  out.write(header);
  bytes += header.length;
  while (bytes < limit) {
    const lines: string[] = [];
    for (let r = 0; r < 1000 && bytes < limit; r++) {
      const fields = [String(Math.floor(rng.uniform() * 10))];
      for (let c = 0; c < cols; c++) fields.push(syntheticValue(rng));
      const line = `${fields.join(',')}\n`;
      bytes += line.length;
      lines.push(line);
      rows++;
    }
    if (!out.write(lines.join(''))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { path, rows, bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const mb = Number(arg('mb') ?? 256);
  if (!(mb > 0)) throw new Error('--mb must be a positive number');
  const t0 = performance.now();
  const r = await makeSyntheticCsv({ mb, cols: arg('cols') ? Number(arg('cols')) : undefined, seed: arg('seed') ? Number(arg('seed')) : undefined, out: arg('out') });
  console.log(`${r.path}: ${r.rows.toLocaleString('en-US')} rows, ${(r.bytes / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
