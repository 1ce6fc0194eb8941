// With several threads the native reader fills each block with positioned reads in parallel parts
// (1 MB or more each). Blocks that end mid-file, mid-part and at the file's end must give the rows
// a single-threaded read gives.

import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../src/index.js';
import { Rng } from '../../../src/util/rng.js';
import { expectSameData, NATIVE, tempDir } from '../../helpers/csv.js';

const file = tempDir();

describe.skipIf(!NATIVE)('parallel block reads', () => {
  it('give the rows of a one-thread read, for block sizes that end inside parts and at the end', async () => {
    const rng = new Rng(11);
    const lines = ['a,b,c,d'];
    // about 7.3 MB: not a multiple of any block size below
    for (let r = 0; r < 200_000; r++) lines.push(`${r},${rng.normal().toFixed(6)},${Math.floor(rng.uniform() * 1000)},${rng.uniform().toFixed(4)}`);
    const path = file('big.csv', `${lines.join('\n')}\n`);
    const one = await readCsv(path, { threads: 1, target: 'd' });
    expect(one.rows).toBe(200_000);
    for (const [threads, blockBytes] of [[2, 2 << 20], [3, 3 << 20], [2, 5 << 20], [4, 8 << 20]]) {
      expectSameData(await readCsv(path, { threads, blockBytes, target: 'd' }), one);
    }
    // the two-pass path (shared memory) fills blocks the same way in its scan and its read
    expectSameData(await readCsv(path, { threads: 2, blockBytes: 2 << 20, target: 'd', shared: true }), one);
  });
});
