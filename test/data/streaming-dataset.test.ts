// streamingDataset over a fake row source: blocks cover every row once per pass in source order, the
// split keeps exactly the rows of its part, transforms apply per block, passes rewind, and the block
// buffer never exceeds bufferRows.

import { describe, expect, it } from 'vitest';
import { memoryDataset, streamingDataset, type RowSource } from '../../src/data/streaming-dataset.js';
import type { DataBlock } from '../../src/data/dataset.js';

/** n rows: x = [r, -r], y = [r % 3]; reads at most `chunk` rows per call. */
function fakeSource(n: number, chunk: number): RowSource & { rewinds: number } {
  let next = 0;
  const src = {
    rewinds: 0,
    async read(maxRows: number, b: { x: Float32Array; y: Float32Array }) {
      if (next >= n) return null;
      const rows = Math.min(maxRows, chunk, n - next);
      for (let i = 0; i < rows; i++) {
        b.x[2 * i] = next + i;
        b.x[2 * i + 1] = -(next + i);
        b.y[i] = (next + i) % 3;
      }
      const firstRow = next;
      next += rows;
      return { rows, firstRow };
    },
    async rewind() {
      src.rewinds++;
      next = 0;
    },
  };
  return src;
}

async function collect(blocks: AsyncIterable<DataBlock>): Promise<{ xs: number[]; ys: number[]; sizes: number[] }> {
  const xs: number[] = [];
  const ys: number[] = [];
  const sizes: number[] = [];
  for await (const b of blocks) {
    sizes.push(b.x.rows);
    for (let r = 0; r < b.x.rows; r++) {
      xs.push(b.x.data[2 * r]);
      expect(b.x.data[2 * r + 1]).toBe(-b.x.data[2 * r]);
      ys.push(b.y.data[r]);
    }
  }
  return { xs, ys, sizes };
}

describe('streamingDataset', () => {
  it('yields every row once per pass, in blocks of at most bufferRows, and rewinds between passes', async () => {
    const src = fakeSource(1000, 37);
    const ds = streamingDataset(src, { inputWidth: 2, targetWidth: 1, bufferRows: 128, readRows: 50 });
    for (let pass = 0; pass < 2; pass++) {
      const { xs, ys, sizes } = await collect(ds.blocks());
      expect(xs).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      expect(ys).toEqual(xs.map((v) => v % 3));
      expect(Math.max(...sizes)).toBeLessThanOrEqual(128);
      expect(sizes.slice(0, -1).every((s) => s === 128)).toBe(true);
    }
    expect(src.rewinds).toBe(2);
    expect(ds.rows).toBe(1000);
  });

  it('keeps only the rows of the wanted split part', async () => {
    const partOf = (row: number) => (row % 5 === 0 ? 1 : 0);
    const train = streamingDataset(fakeSource(503, 64), { inputWidth: 2, targetWidth: 1, bufferRows: 100, split: { partOf, part: 0 } });
    const val = streamingDataset(fakeSource(503, 64), { inputWidth: 2, targetWidth: 1, bufferRows: 100, split: { partOf, part: 1 } });
    const t = await collect(train.blocks());
    const v = await collect(val.blocks());
    expect(t.xs).toEqual(Array.from({ length: 503 }, (_, i) => i).filter((i) => i % 5 !== 0));
    expect(v.xs).toEqual(Array.from({ length: 503 }, (_, i) => i).filter((i) => i % 5 === 0));
  });

  it('applies the transform to each block before it is used', async () => {
    const ds = streamingDataset(fakeSource(10, 3), {
      inputWidth: 2,
      targetWidth: 1,
      bufferRows: 4,
      transform: (b) => {
        for (let i = 0; i < b.x.rows; i++) b.x.data[2 * i + 1] = -b.x.data[2 * i];
        for (let i = 0; i < b.x.rows * 2; i++) b.x.data[i] *= 2;
      },
    });
    const { xs } = await collect(ds.blocks());
    expect(xs).toEqual(Array.from({ length: 10 }, (_, i) => 2 * i));
  });

  it('stops at an aborted signal and refuses two passes at once', async () => {
    const ds = streamingDataset(fakeSource(100, 10), { inputWidth: 2, targetWidth: 1, bufferRows: 10 });
    const ac = new AbortController();
    let blocks = 0;
    for await (const _ of ds.blocks({ signal: ac.signal })) {
      blocks++;
      ac.abort();
    }
    expect(blocks).toBe(1);
    const first = ds.blocks()[Symbol.asyncIterator]();
    await first.next();
    await expect(ds.blocks()[Symbol.asyncIterator]().next()).rejects.toThrow(/one pass at a time/);
  });

  it('memoryDataset is one block of the whole data', async () => {
    const x = { data: Float32Array.from([0, -0, 1, -1, 2, -2]), rows: 3, cols: 2 };
    const y = { data: Float32Array.from([0, 1, 2]), rows: 3, cols: 1 };
    const { xs, sizes } = await collect(memoryDataset(x, y).blocks());
    expect(xs).toEqual([0, 1, 2]);
    expect(sizes).toEqual([3]);
  });
});
