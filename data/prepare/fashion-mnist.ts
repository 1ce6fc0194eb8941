// Fashion-MNIST from Debian's `dataset-fashion-mnist` package (gzipped IDX files; CI installs it with apt,
// nothing here installs or downloads anything) → raw caches under data/.cache/, shared by bench/, the
// examples and the tests:
//   fmnist-{train,test}-x.f32   (rows, 784) float32 in [0, 1], little-endian
//   fmnist-{train,test}-y.u8    (rows) labels 0..9
// `node --import tsx data/prepare/fashion-mnist.ts [--csv]`; --csv also writes
//   fmnist-{train,test}.csv     (rows, 785): label first, then the integer pixels 0..255, no header.

import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const DATASET_CACHE = fileURLToPath(new URL('../.cache/', import.meta.url));
const PACKAGE = 'dataset-fashion-mnist';
const DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';
export const PIXELS = 784;
export type Split = 'train' | 'test';
const SPLITS: Split[] = ['train', 'test'];
const FILES: Record<Split, { images: string; labels: string; rows: number }> = {
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz', rows: 60000 },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz', rows: 10000 },
};

export const cachePath = (split: Split, what: 'x' | 'y' | 'csv'): string =>
  join(DATASET_CACHE, what === 'csv' ? `fmnist-${split}.csv` : `fmnist-${split}-${what}.${what === 'x' ? 'f32' : 'u8'}`);

/** The directory holding the package's IDX files, or undefined when the package is not installed. */
function packageDir(): string | undefined {
  try {
    const files = execFileSync('dpkg', ['-L', PACKAGE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
    const hit = files.find((f) => f.endsWith(FILES.train.images));
    if (hit !== undefined) return hit.slice(0, -FILES.train.images.length - 1);
  } catch {
    // no dpkg, or the package is not installed: look in the package's usual place
  }
  return SPLITS.every((s) => existsSync(join(DEFAULT_DIR, FILES[s].images)) && existsSync(join(DEFAULT_DIR, FILES[s].labels))) ? DEFAULT_DIR : undefined;
}

const cached = (csv: boolean): boolean => SPLITS.every((s) => existsSync(cachePath(s, 'x')) && existsSync(cachePath(s, 'y')) && (!csv || existsSync(cachePath(s, 'csv'))));

/** Why prepareFashionMnist cannot run here (the package is absent and the caches are incomplete), or undefined. */
export function fashionMnistMissing(options: { csv?: boolean } = {}): string | undefined {
  if (cached(options.csv === true) || packageDir() !== undefined) return undefined;
  return `Fashion-MNIST is not available: install Debian's ${PACKAGE} (apt-get install ${PACKAGE})`;
}

/** Reads a gzipped IDX file: checks the magic (unsigned byte, `dims` dimensions) and returns the payload. */
function readIdx(path: string, dims: number, expect: number[]): Uint8Array {
  const buf = gunzipSync(readFileSync(path));
  const magic = buf.readUInt32BE(0);
  if (magic !== 0x0800 + dims) throw new Error(`${path}: IDX magic 0x${magic.toString(16)}, expected 0x${(0x800 + dims).toString(16)}`);
  const shape = Array.from({ length: dims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  if (shape.join('x') !== expect.join('x')) throw new Error(`${path}: shape ${shape.join('x')}, expected ${expect.join('x')}`);
  const offset = 4 + 4 * dims;
  const size = expect.reduce((a, b) => a * b, 1);
  if (buf.length !== offset + size) throw new Error(`${path}: ${buf.length} bytes, expected ${offset + size}`);
  return new Uint8Array(buf.buffer, buf.byteOffset + offset, size);
}

async function writeCsv(path: string, pixels: Uint8Array, labels: Uint8Array): Promise<void> {
  const out = createWriteStream(path);
  const rows = labels.length;
  for (let r = 0; r < rows; r += 1000) {
    const lines: string[] = [];
    for (let i = r; i < Math.min(rows, r + 1000); i++) lines.push(`${labels[i]},${pixels.subarray(i * PIXELS, (i + 1) * PIXELS).join(',')}\n`);
    if (!out.write(lines.join(''))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Writes the caches that are missing (and the CSV files when `csv`); returns the cache directory. Throws when the package is absent. */
export async function prepareFashionMnist(options: { csv?: boolean } = {}): Promise<string> {
  if (cached(options.csv === true)) return DATASET_CACHE;
  const dir = packageDir();
  if (dir === undefined) throw new Error(fashionMnistMissing(options));
  mkdirSync(DATASET_CACHE, { recursive: true });
  for (const split of SPLITS) {
    const f = FILES[split];
    const pixels = readIdx(join(dir, f.images), 3, [f.rows, 28, 28]);
    const labels = readIdx(join(dir, f.labels), 1, [f.rows]);
    if (labels.some((l) => l > 9)) throw new Error(`${f.labels}: label outside 0..9`);
    const x = new Float32Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) x[i] = pixels[i] / 255;
    writeFileSync(cachePath(split, 'x'), new Uint8Array(x.buffer));
    writeFileSync(cachePath(split, 'y'), labels);
    if (options.csv === true) await writeCsv(cachePath(split, 'csv'), pixels, labels);
  }
  return DATASET_CACHE;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = await prepareFashionMnist({ csv: process.argv.includes('--csv') });
  console.log(`Fashion-MNIST caches in ${dir}`);
}
