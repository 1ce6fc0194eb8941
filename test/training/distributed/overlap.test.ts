// The gradient all-reduce overlapped with backward (buckets reduced by the chunk's communication thread,
// native/train/exchange.h) against one all-reduce after backward, under a real mpirun: the same weights
// bit for bit on every rank, with buckets split between every tensor (NNTRAIN_BUCKET_BYTES=1) or a few
// tensors together, odd layer sizes, dropout, uneven shards (the short last batch's pre-scaling) and a
// non-finite loss on one rank. Skips where mpirun or nntrain's MPI addon is missing.

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { mpiAddonPath } from '../../../src/backend/mpi.js';
import { ROOT } from '../../helpers/run-script.js';

const PROGRAM = 'test/training/distributed/rank-program.ts';
const hasMpirun = spawnSync('mpirun', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = !hasMpirun ? 'mpirun is not on PATH (apt-get install openmpi-bin libopenmpi-dev)' : !existsSync(mpiAddonPath()) ? `nntrain's MPI addon is not built (${mpiAddonPath()}; npm run build:mpi)` : null;
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

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** rank-program.ts on `np` processes; each rank's result in rank order. */
function run(np: number, env: Record<string, string>): Promise<{ code: number; stderr: string; ranks: RankResult[] }> {
  const out = mkdtempSync(join(tmpdir(), 'nntrain-overlap-'));
  scratch.push(out);
  const args = ['--allow-run-as-root', '--oversubscribe', '-np', String(np), process.execPath, '--import', 'tsx', PROGRAM];
  const base = { ...process.env };
  delete base.NNTRAIN_OVERLAP;
  delete base.NNTRAIN_BUCKET_BYTES;
  return new Promise((resolve) => {
    execFile('mpirun', args, { cwd: ROOT, env: { ...base, OUT_DIR: out, ...env }, timeout: 45_000 }, (err, _stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      const files = readdirSync(out).filter((f) => f.endsWith('.json')).sort();
      resolve({ code, stderr, ranks: files.map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as RankResult) });
    });
  });
}

// 6 → 13 → 7 → 29 → 5 → 3: tensors of odd lengths, so buckets start and end off any alignment
const MODEL = { HIDDEN: '13,7,29,5', DROPOUT: '0.2' };
const OFF = { NNTRAIN_OVERLAP: '0' };
const EVERY_TENSOR = { NNTRAIN_BUCKET_BYTES: '1' };
const FEW_TENSORS = { NNTRAIN_BUCKET_BYTES: '600' };

/** Runs each setting in turn and checks that every rank of every run ends with the same weights and losses. */
async function expectSameTraining(np: number, env: Record<string, string>, settings: Record<string, string>[]): Promise<RankResult[][]> {
  const runs = [];
  for (const s of settings) runs.push(await run(np, { ...MODEL, ...env, ...s }));
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
    const [off] = await expectSameTraining(2, {}, [OFF, EVERY_TENSOR, FEW_TENSORS]);
    expect(off.map((r) => r.rows)).toEqual([48, 48]);
  });

  it('-np 3 with uneven shards (the short last batch is pre-scaled per bucket): the same weights bit for bit', async () => {
    const [off] = await expectSameTraining(3, { SHARD: 'uneven', ROWS: '107', ROWS_PER_RANK: '50,37,20' }, [OFF, EVERY_TENSOR, FEW_TENSORS]);
    expect(off.map((r) => r.rows)).toEqual([50, 37, 20]);
  });

  it('a loss that overflows on one rank still stops every rank at the same batch', async () => {
    // the default model (6 → 16 → 3), whose loss overflows at once: rank 1 skips backward and sends its NaN
    const { code, stderr, ranks } = await run(2, { ...EVERY_TENSOR, NAN_RANK: '1' });
    expect(code, stderr).toBe(0);
    expect(ranks.map((r) => r.error)).toEqual(['NonFiniteError', 'NonFiniteError']);
    expect(ranks[1].batch).toBe(ranks[0].batch);
    expect(ranks[1].message).toMatch(/loss became NaN/);
    expect(ranks[0].message).toMatch(/gradient became NaN/);
  });

  it('ranks that disagree on the bucket size all throw a ConfigError naming it', async () => {
    // rank 1 alone overlaps: the ranks would make different all-reduce calls
    const { code, stderr, ranks } = await run(2, { ...MODEL, NNTRAIN_OVERLAP_RANK1: '1' });
    expect(code, stderr).toBe(0);
    for (const r of ranks) {
      expect(r.error).toBe('ConfigError');
      expect(r.message).toMatch(/differ in the all-reduce bucket size/);
    }
  });
});
