// Streaming datasets and evaluate() under a real mpirun (stream-program.ts is each process). Streaming
// ranks hold uneven rows in blocks that do not line up, yet every rank must make the same collectives:
// the steps of an epoch follow the rule of src/training/distributed/stream-epoch.ts, which
// expectedSteps() below restates; every rank ends with the same weights; one process equals a plain
// streaming fit bit for bit. evaluate sums over the ranks: halves on 2 processes give the figures of
// all rows on one. Skips, saying why, where mpirun or nntrain's MPI addon is missing.

import { afterAll, describe, expect, it } from 'vitest';

import { MpiCases } from '../../helpers/mpi-cases.js';
import { MPI_SKIP } from './helpers.js';

const PROGRAM = 'test/training/distributed/stream-program.ts';
if (MPI_SKIP !== null) console.warn(`skipping the mpirun streaming tests: ${MPI_SKIP}`);

interface RankResult {
  rank: number;
  rows: number;
  hash?: string;
  loss?: number[];
  batchesSeen?: number;
  logs?: Record<string, number>;
  error?: string;
  message?: string;
}

// one launch per process count; the one-process references run in the -np 1 launch
const cases = new MpiCases<RankResult>(PROGRAM);
cases.add('uneven-2', 2, { ROWS_PER_RANK: '40,27', BUFFER: '16' });
cases.add('bad-stream', 2, { ROWS_PER_RANK: '40,27', BAD_RANK: '1' });
cases.add('evaluate-0', 2, { ROWS_PER_RANK: '50,47', MODE: 'evaluate', DATASET: '0' });
cases.add('evaluate-1', 2, { ROWS_PER_RANK: '50,47', MODE: 'evaluate', DATASET: '1' });
cases.add('evaluate-bad', 2, { MODE: 'evaluate', BAD_RANK: '0' });
cases.add('uneven-3', 3, { ROWS_PER_RANK: '45,20,33', BUFFER: '12' });
cases.add('np1', 1, { ROWS_PER_RANK: '45', BUFFER: '16' });
cases.add('plain', 1, { ROWS_PER_RANK: '45', BUFFER: '16', MODE: 'plain' });
cases.add('weighted-2', 2, { ROWS_PER_RANK: '40,27', BUFFER: '16', WEIGHTED: '1' });
cases.add('weighted-np1', 1, { ROWS_PER_RANK: '45', BUFFER: '16', WEIGHTED: '1' });
cases.add('weighted-plain', 1, { ROWS_PER_RANK: '45', BUFFER: '16', MODE: 'plain', WEIGHTED: '1' });
cases.add('evaluate-single', 1, { ROWS_PER_RANK: '50,47', MODE: 'evaluate-single' });
const run = (name: string) => cases.result(name);
afterAll(() => cases.remove());

/**
 * Steps per epoch by the rule: every step, each rank trains min(batch, rows left in its block), reading
 * its next block when one is used up; the epoch ends when a rank has no rows left.
 */
function expectedSteps(rowsPerRank: number[], bufferRows: number, batch: number): number {
  const blocks = rowsPerRank.map((n) => Array.from({ length: Math.ceil(n / bufferRows) }, (_, i) => Math.min(bufferRows, n - i * bufferRows)));
  const at = blocks.map(() => ({ block: -1, left: 0 }));
  for (let steps = 0; ; steps++) {
    at.forEach((s, k) => {
      while (s.left === 0 && s.block + 1 < blocks[k].length) s.left = blocks[k][++s.block];
    });
    if (at.some((s) => s.left === 0)) return steps;
    for (const s of at) s.left -= Math.min(batch, s.left);
  }
}

describe.skipIf(MPI_SKIP !== null)('distributed streaming fits and evaluate under mpirun', () => {
  it('the step rule on a worked case: 40 and 27 rows in blocks of 16, batch 8, take 4 steps', () => {
    // blocks 16,16,8 and 16,11: two full steps, one, then (8, 3) rows; rank 1 is then out of rows
    expect(expectedSteps([40, 27], 16, 8)).toBe(4);
  });

  it('-np 2 with uneven streams (40 and 27 rows): same weights and loss on both ranks, 4 steps per epoch', async () => {
    const { code, stderr, ranks } = await run('uneven-2');
    expect(code, stderr).toBe(0);
    expect(ranks.map((r) => r.rows)).toEqual([40, 27]);
    expect(ranks[1].hash).toBe(ranks[0].hash);
    expect(ranks[1].loss).toEqual(ranks[0].loss);
    for (const r of ranks) expect(r.batchesSeen).toBe(3 * expectedSteps([40, 27], 16, 8));
  });

  it('-np 3 with uneven streams (45, 20, 33 rows, blocks of 12): same weights on every rank, steps by the rule', async () => {
    const { code, stderr, ranks } = await run('uneven-3');
    expect(code, stderr).toBe(0);
    expect(ranks).toHaveLength(3);
    const steps = expectedSteps([45, 20, 33], 12, 8);
    expect(steps).toBe(3); // blocks 12,8 for the 20 rows: (8,8,8), (4,4,4), then (8,8,8); 20 rows are then done
    for (const r of ranks) {
      expect(r.hash).toBe(ranks[0].hash);
      expect(r.loss).toEqual(ranks[0].loss);
      expect(r.batchesSeen).toBe(3 * steps);
    }
  });

  it('-np 1 streaming is bit-identical to a plain streaming fit (short block ends included)', async () => {
    const [dist, plain] = [await run('np1'), await run('plain')];
    expect(dist.code, dist.stderr).toBe(0);
    expect(plain.code, plain.stderr).toBe(0);
    expect(dist.ranks[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(dist.ranks[0].hash).toBe(plain.ranks[0].hash);
    expect(dist.ranks[0].loss).toEqual(plain.ranks[0].loss);
    expect(dist.ranks[0].batchesSeen).toBe(plain.ranks[0].batchesSeen);
  });

  it('weighted streams (row weights × classWeight): ranks agree, -np 1 equals a plain weighted fit, weights change the run', async () => {
    const [two, one, plain, unweighted] = [await run('weighted-2'), await run('weighted-np1'), await run('weighted-plain'), await run('plain')];
    for (const r of [two, one, plain]) expect(r.code, r.stderr).toBe(0);
    expect(two.ranks[1].hash).toBe(two.ranks[0].hash);
    expect(two.ranks[1].loss).toEqual(two.ranks[0].loss);
    expect(two.ranks[0].hash).not.toBe((await run('uneven-2')).ranks[0].hash);
    expect(one.ranks[0].hash).toBe(plain.ranks[0].hash);
    expect(one.ranks[0].loss).toEqual(plain.ranks[0].loss);
    expect(plain.ranks[0].hash).not.toBe(unweighted.ranks[0].hash);
  });

  it('a rank whose stream holds a NaN fails with DataError; the other rank throws a ConfigError instead of waiting', async () => {
    const { code, stderr, ranks } = await run('bad-stream');
    expect(code, stderr).toBe(0);
    expect(ranks.map((r) => r.error)).toEqual(['ConfigError', 'DataError']);
    expect(ranks[0].message).toMatch(/Another rank of the distributed fit failed reading or checking its dataset/);
  });

  it('evaluate({ distributed }) on 2 halves returns the figures of all rows on one process, on both ranks (matrices and a dataset)', async () => {
    const single = await run('evaluate-single');
    expect(single.code, single.stderr).toBe(0);
    for (const dataset of ['0', '1']) {
      const dist = await run(`evaluate-${dataset}`);
      expect(dist.code, dist.stderr).toBe(0);
      expect(dist.ranks.map((r) => r.rows)).toEqual([49, 48]);
      const all = single.ranks[0].logs!;
      for (const r of dist.ranks) {
        expect(r.logs!.loss).toBeCloseTo(all.loss, 6); // sums in another order
        expect(r.logs!.accuracy).toBe(all.accuracy);
      }
      expect(dist.ranks[1].logs).toEqual(dist.ranks[0].logs);
    }
  });

  it('a rank whose evaluate fails makes the other throw too', async () => {
    const { code, stderr, ranks } = await run('evaluate-bad');
    expect(code, stderr).toBe(0);
    expect(ranks.map((r) => r.error)).toEqual(['DataError', 'ConfigError']);
    expect(ranks[1].message).toMatch(/Another process of the distributed job failed to evaluate its rows/);
  });
});
