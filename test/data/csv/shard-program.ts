// One process of the distributed CSV tests (shard.mpi.test.ts runs it under mpirun): reads FILE with
// OPTIONS (JSON) plus distributed: 'mpi' and writes what it got to OUT_DIR/rank-<rank>.json.
//   MODE=read: readCsv (x, y, every field that describes columns, shard);
//   MODE=infer: inferCsvSchema;
//   MODE=stream: csvDataset (SPLIT: JSON of its split option), every block's rows of EPOCHS passes;
//   MODE=stats: readCsv with index and with one-hot encoding, then fitImputer / fitScaler (standard and
//     minMax) across the ranks on the rows read.
// A call that throws writes { error, message } (and the process still ends with code 0).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvDataset, fitImputer, fitScaler, Imputer, inferCsvSchema, initDistributed, readCsv, scalers } from '../../../src/index.js';

const env = (key: string, fallback: string): string => process.env[key] ?? fallback;
const file = env('FILE', '');
const options = JSON.parse(env('OPTIONS', '{}')) as Record<string, unknown>;
const { rank, size } = initDistributed();
const out = (result: object): void => writeFileSync(join(env('OUT_DIR', '.'), `rank-${rank}.json`), JSON.stringify({ rank, size, ...result }));

async function main(): Promise<object> {
  switch (env('MODE', 'read')) {
    case 'infer':
      return { schema: await inferCsvSchema(file, { ...options, distributed: 'mpi' }) };
    case 'stream': {
      const split = process.env.SPLIT ? JSON.parse(process.env.SPLIT) : undefined;
      const ds = await csvDataset(file, { ...(options as { target: string }), distributed: 'mpi', bufferRows: 5, split });
      const epochs: number[][][] = [];
      for (let e = 0; e < Number(env('EPOCHS', '2')); e++) {
        const rows: number[][] = [];
        for await (const block of ds.blocks()) rows.push(...rowsOf(block));
        epochs.push(rows);
      }
      const shard = ds.shard;
      await ds.close();
      return { epochs, shard };
    }
    case 'stats': {
      const fits = [];
      for (const encoding of ['index', 'onehot'] as const) {
        const d = await readCsv(file, { ...options, encoding, distributed: 'mpi' });
        const imputer = fitImputer(new Imputer({ categorical: d.indexColumns, oneHotGroups: d.oneHotGroups }), d.x, { distributed: 'mpi' });
        const exclude = [...d.oneHotGroups.flat(), ...d.indexColumns];
        const standard = fitScaler(scalers.standard({ exclude }), d.x, { distributed: 'mpi' });
        const minMax = fitScaler(scalers.minMax({ exclude }), d.x, { distributed: 'mpi' });
        fits.push({ imputer: imputer.toJSON(), fill: Array.from(imputer.fillValues()), standard: standard.toJSON(), minMax: minMax.toJSON() });
      }
      return { fits };
    }
    default: {
      const d = await readCsv(file, { ...options, distributed: 'mpi' });
      const { x, y, seconds: _s, ...rest } = d;
      return { ...rest, x: Array.from(x.data), xRows: x.rows, y: y === null ? null : Array.from(y.data) };
    }
  }
}

try {
  out(await main());
} catch (err) {
  const e = err as Error;
  out({ error: e.name, message: e.message });
}

/** A block's rows, each its x then its y values. */
function rowsOf(block: { x: { data: Float32Array; cols: number; rows: number }; y: { data: Float32Array; cols: number } }): number[][] {
  const { x, y } = block;
  return Array.from({ length: x.rows }, (_, i) => [...x.data.subarray(i * x.cols, (i + 1) * x.cols), ...y.data.subarray(i * y.cols, (i + 1) * y.cols)]);
}
