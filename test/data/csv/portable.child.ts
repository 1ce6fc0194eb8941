// Child process of batched.test.ts: reads each CSV named on the command line (no header, target 0) with
// the native reader as NNTRAIN_CSV_SIMD set it at load, and prints one JSON line: per file, x and y as
// arrays of float32 bit patterns, or the error message.

import { readCsv } from '../../../src/index.js';

const out: { x?: number[]; y?: number[]; error?: string }[] = [];
for (const path of process.argv.slice(2)) {
  try {
    const d = await readCsv(path, { header: false, target: 0, backend: 'native' });
    const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
    out.push({ x: bits(d.x.data), y: bits(d.y!.data) });
  } catch (err) {
    out.push({ error: (err as Error).message });
  }
}
console.log(JSON.stringify(out));
