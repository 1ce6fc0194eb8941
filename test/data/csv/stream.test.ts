// openCsv: batches of bounded size whose concatenation is exactly the in-memory read; preallocated
// buffers; rewind for the next epoch; close.

import { describe, expect, it } from 'vitest';
import { ConfigError, openCsv, readCsv, ShapeError, type CsvReadOptions } from '../../../src/index.js';
import { Rng } from '../../../src/util/rng.js';
import { CSV_BACKENDS, tempDir } from '../../helpers/csv.js';
import { checkBits } from '../../helpers/check.js';

const file = tempDir();

function dataset(rows: number): string {
  const rng = new Rng(3);
  const lines = ['f1,f2,kind,"label"'];
  for (let r = 0; r < rows; r++) {
    const f2 = rng.uniform() < 0.03 ? 'NA' : (rng.uniform() * 10).toFixed(4);
    lines.push(`${r},${f2},${['a', 'b', '"c,d"'][r % 3]},${r % 7 === 0 ? 'yes' : 'no'}`);
  }
  return `${lines.join('\n')}\n`;
}

const OPTIONS: CsvReadOptions = { target: 'label', missing: { f2: 'drop' }, blockBytes: 1024, chunkBytes: 100 };

describe.each(CSV_BACKENDS)('openCsv ($backend)', ({ backend, available }) => {
  const path = file(`stream-${backend}.csv`, dataset(2500));

  it.skipIf(!available)('batches concatenated equal the in-memory read', async () => {
    const whole = await readCsv(path, { ...OPTIONS, backend });
    const stream = await openCsv(path, { ...OPTIONS, backend });
    expect(stream.schema).toEqual(whole.schema);
    expect(stream.recordCount).toBe(2500); // categories were collected, so the rows were counted
    expect(stream.xColumns).toEqual(whole.xColumns);
    const xs: number[] = [];
    const ys: number[] = [];
    let expectedFirst = 0;
    for await (const batch of stream.batches(333)) {
      expect(batch.firstRow).toBe(expectedFirst);
      expect(batch.rows).toBeLessThanOrEqual(333);
      expectedFirst += batch.rows;
      xs.push(...batch.x.data);
      ys.push(...batch.y!.data);
    }
    expect(expectedFirst).toBe(whole.rows);
    checkBits(new Float32Array(xs), whole.x.data, 'streamed x');
    checkBits(new Float32Array(ys), whole.y!.data, 'streamed y');
    expect(stream.missing()).toEqual(whole.missing);
    expect(await stream.read(10)).toBeNull();
    await stream.close();
  });

  it.skipIf(!available)('fills preallocated buffers, rewinds for another epoch, and closes', async () => {
    const stream = await openCsv(path, { ...OPTIONS, backend });
    const x = new Float32Array(100 * stream.xColumns.length);
    const y = new Float32Array(100);
    const first = await stream.read(100, { x, y });
    expect(first?.x.data.buffer).toBe(x.buffer);
    const firstRows = Array.from(first!.x.data);
    await stream.read(100, { x, y });
    await stream.rewind();
    const again = await stream.read(100);
    expect(Array.from(again!.x.data)).toEqual(firstRows);
    expect(again!.firstRow).toBe(0);
    await expect(stream.read(100, { x: new Float32Array(5) })).rejects.toThrow(ShapeError);
    await expect(stream.read(0)).rejects.toThrow(ConfigError);
    await stream.close();
    await expect(stream.read(1)).rejects.toThrow(/closed/);
  });

  it.skipIf(!available)('opens without a scan when no category must be collected', async () => {
    const numeric = file(`numeric-${backend}.csv`, 'a,b\n1,2\n3,4\n5,6\n');
    const stream = await openCsv(numeric, { backend });
    expect(stream.recordCount).toBeNull();
    expect((await stream.read(2))?.rows).toBe(2);
    expect((await stream.read(2))?.rows).toBe(1);
    expect(await stream.read(2)).toBeNull();
    await stream.close();
    const counted = await openCsv(numeric, { backend, countRows: true });
    expect(counted.recordCount).toBe(3);
    await counted.close();
  });
});
