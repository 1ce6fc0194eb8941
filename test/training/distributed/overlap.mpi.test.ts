// The gradient all-reduce overlapped with backward (buckets reduced by the chunk's communication thread,
// native/train/exchange.h) against one all-reduce after backward, under a real mpirun: the same weights
// bit for bit on every rank, with buckets split between every tensor (NNTRAIN_BUCKET_BYTES=1) or a few
// tensors together, odd layer sizes, dropout, uneven shards (the short last batch's pre-scaling) and a
// non-finite loss on one rank. Skips where mpirun or nntrain's MPI addon is missing.

import { afterAll, describe, expect, it } from 'vitest';

import { MpiCases } from '../../helpers/mpi-cases.js';
import { MPI_SKIP } from '../../helpers/mpirun.js';

const PROGRAM = 'test/training/distributed/rank-program.ts';
const skip = MPI_SKIP;
if (skip !== null) console.warn(`skipping the overlap tests: ${skip}`);

interface RankResult {
  rank: number;
  rows: number;
  hash?: string;
  loss?: number[];
  error?: string;
  message?: string;
  batch?: number;
}

// 6 → 13 → 7 → 29 → 5 → 3: tensors of odd lengths, so buckets start and end off any alignment
const MODEL = { HIDDEN: '13,7,29,5', DROPOUT: '0.2' };
const OFF = { NNTRAIN_OVERLAP: '0' };
const EVERY_TENSOR = { NNTRAIN_BUCKET_BYTES: '1' };
const FEW_TENSORS = { NNTRAIN_BUCKET_BYTES: '600' };
const SETTINGS = { off: OFF, every: EVERY_TENSOR, few: FEW_TENSORS };
const UNEVEN = { SHARD: 'uneven', ROWS: '107', ROWS_PER_RANK: '50,37,20' };

// one launch per process count, without this process's overlap settings
const cases = new MpiCases<RankResult>(PROGRAM, { unset: ['NNTRAIN_OVERLAP', 'NNTRAIN_BUCKET_BYTES'] });
for (const [name, s] of Object.entries(SETTINGS)) {
  cases.add(`np2-${name}`, 2, { ...MODEL, ...s });
  cases.add(`np3-${name}`, 3, { ...MODEL, ...UNEVEN, ...s });
}
cases.add('nan', 2, { ...EVERY_TENSOR, NAN_RANK: '1' });
cases.add('rank1-overlaps', 2, { ...MODEL, NNTRAIN_OVERLAP_RANK1: '1' });
const run = (name: string) => cases.result(name);
afterAll(() => cases.remove());

/** The runs of each setting: every rank of every run must end with the same weights and losses. */
async function expectSameTraining(np: number): Promise<RankResult[][]> {
  const runs = [];
  for (const s of Object.keys(SETTINGS)) runs.push(await run(`np${np}-${s}`));
  for (const r of runs) {
    expect(r.code, r.stderr).toBe(0);
    expect(r.ranks).toHaveLength(np);
  }
  const reference = runs[0].ranks[0];
  expect(reference.hash).toMatch(/^[0-9a-f]{64}$/);
  for (const r of runs.flatMap((x) => x.ranks)) {
    expect(r.hash).toBe(reference.hash);
    expect(r.loss).toEqual(reference.loss);
  }
  return runs.map((r) => r.ranks);
}

describe.skipIf(skip !== null)('the gradient all-reduce overlapped with backward', () => {
  it('-np 2: one all-reduce after backward, a bucket per tensor and buckets of a few tensors give the same weights bit for bit', async () => {
    const [off] = await expectSameTraining(2);
    expect(off.map((r) => r.rows)).toEqual([48, 48]);
  });

  it('-np 3 with uneven shards (the short last batch is pre-scaled per bucket): the same weights bit for bit', async () => {
    const [off] = await expectSameTraining(3);
    expect(off.map((r) => r.rows)).toEqual([50, 37, 20]);
  });

  it('a loss that overflows on one rank still stops every rank at the same batch', async () => {
    // the default model (6 → 16 → 3), whose loss overflows at once: rank 1 skips backward and sends its NaN
    const { code, stderr, ranks } = await run('nan');
    expect(code, stderr).toBe(0);
    expect(ranks.map((r) => r.error)).toEqual(['NonFiniteError', 'NonFiniteError']);
    expect(ranks[1].batch).toBe(ranks[0].batch);
    expect(ranks[1].message).toMatch(/loss became NaN/);
    expect(ranks[0].message).toMatch(/gradient became NaN/);
  });

  it('ranks that disagree on the bucket size all throw a ConfigError naming it', async () => {
    // rank 1 alone overlaps: the ranks would make different all-reduce calls
    const { code, stderr, ranks } = await run('rank1-overlaps');
    expect(code, stderr).toBe(0);
    for (const r of ranks) {
      expect(r.error).toBe('ConfigError');
      expect(r.message).toMatch(/differ in the all-reduce bucket size/);
    }
  });
});
