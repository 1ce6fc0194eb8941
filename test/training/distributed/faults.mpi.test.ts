// Distributed fits that survive failures, under a real mpirun (fault-program.ts is each process):
// checkpoints written by rank 0 alone and resumed bit for bit (only rank 0 reads the file); a killed rank
// ends the job within seconds and the run then completes from rank 0's last checkpoint; the watchdog
// ends a job whose rank stops making progress (never reaching its fit, or stopped by SIGSTOP). Skips,
// saying why, where mpirun or nntrain's MPI addon is missing.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { MpiCases } from '../../helpers/mpi-cases.js';
import { MPI_SKIP, removeScratch, runRanks, scratchDir, startRanks } from './helpers.js';

const PROGRAM = 'test/training/distributed/fault-program.ts';
if (MPI_SKIP !== null) console.warn(`skipping the mpirun fault tests: ${MPI_SKIP}`);

interface RankResult {
  rank: number;
  hash: string;
  loss: number[];
  epochs: number;
  error?: string;
  message?: string;
}

const run = (np: number, env: Record<string, string>, timeoutMs?: number) => runRanks<RankResult>(PROGRAM, np, env, timeoutMs);

// the runs that other runs resume from or compare with: one -np 2 launch
const ckpts = scratchDir();
const KILL_ENV = { EPOCHS: '8', EVERY_STEPS: '4' };
const prepared = new MpiCases<RankResult>(PROGRAM);
prepared.add('straight', 2, { EPOCHS: '4', CKPT: join(ckpts, 'straight.ckpt') });
prepared.add('first', 2, { EPOCHS: '2', CKPT: join(ckpts, 'run.ckpt'), CKPT_RANK1: join(ckpts, 'rank1.ckpt') });
prepared.add('one-epoch', 2, { EPOCHS: '1', CKPT: join(ckpts, 'np2.ckpt') });
prepared.add('straight-8', 2, { ...KILL_ENV, CKPT: join(ckpts, 'straight-8.ckpt') });
afterAll(() => {
  prepared.remove();
  removeScratch();
});

async function waitForFile(path: string, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      if (text !== '') return text;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} did not appear within ${timeoutMs} ms`);
}

describe.skipIf(MPI_SKIP !== null)('distributed fits and failures under mpirun', () => {
  it('-np 2: 2 epochs, then a resume to 4 from the checkpoint equals 4 epochs straight, bit for bit on both ranks; only rank 0 writes and reads it', async () => {
    const dir = ckpts;
    const straight = await prepared.result('straight');
    expect(straight.code, straight.stderr).toBe(0);
    const first = await prepared.result('first');
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(join(dir, 'run.ckpt'))).toBe(true);
    expect(existsSync(join(dir, 'rank1.ckpt'))).toBe(false); // rank 1 never writes
    // rank 1 cannot see rank 0's file (another machine's disk): its contents come over MPI
    const resumed = await run(2, { EPOCHS: '4', RESUME: join(dir, 'run.ckpt'), RESUME_RANK1: join(dir, 'missing.ckpt') });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(straight.ranks).toHaveLength(2);
    expect(straight.ranks[1].hash).toBe(straight.ranks[0].hash);
    for (const r of resumed.ranks) {
      expect(r.hash).toBe(straight.ranks[0].hash);
      expect(r.loss).toEqual(straight.ranks[0].loss); // the History continues the checkpoint's
      expect(r.epochs).toBe(4);
    }
    expect(first.ranks[0].hash).not.toBe(straight.ranks[0].hash);
  });

  it('a checkpoint of 2 processes is refused on 3, on every rank, naming the count', async () => {
    const first = await prepared.result('one-epoch');
    expect(first.code, first.stderr).toBe(0);
    const wrong = await run(3, { EPOCHS: '2', RESUME: join(ckpts, 'np2.ckpt') });
    expect(wrong.code).not.toBe(0);
    expect(wrong.code).not.toBe(-1);
    expect(wrong.stderr).toMatch(/written by a fit of 2 processes but this job has 3: resume it with mpirun -np 2/);
  });

  it('a resume whose file rank 0 cannot read fails on every rank instead of leaving one waiting', async () => {
    const dir = scratchDir();
    const { code, stderr } = await run(2, { EPOCHS: '2', RESUME: join(dir, 'missing.ckpt') }, 30_000);
    expect(code).not.toBe(0);
    expect(code).not.toBe(-1);
    expect(stderr).toMatch(/missing\.ckpt/);
  });

  it('SIGKILL of rank 1 mid-training ends the job within seconds, naming rank 1; a fresh mpirun resumes from the checkpoint to the uninterrupted weights', async () => {
    const dir = scratchDir();
    const env = KILL_ENV;
    const ckpt = join(dir, 'run.ckpt');
    const job = startRanks(PROGRAM, 2, { ...env, CKPT: ckpt, OUT_DIR: dir, READY_FILE: join(dir, 'ready'), READY_EPOCH: '2' });
    const pid = Number(await waitForFile(join(dir, 'ready'), 20_000));
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const ended = await job.exited;
    expect(ended.at - killedAt).toBeLessThan(30_000); // measured about 1 s
    expect(ended.code === 0).toBe(false);
    expect(ended.stderr).toMatch(/process rank 1 with PID \d+ on node \S+ exited on signal 9 \(Killed\)/);
    expect(existsSync(ckpt)).toBe(true);

    const [resumed, straight] = [await run(2, { ...env, CKPT: ckpt, RESUME: ckpt }), await prepared.result('straight-8')];
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(straight.code, straight.stderr).toBe(0);
    expect(resumed.ranks).toHaveLength(2);
    for (const r of resumed.ranks) expect(r.hash).toBe(straight.ranks[0].hash);
    expect(resumed.ranks[0].loss).toEqual(straight.ranks[0].loss);
  }, 90_000);

  it("a checkpoint that rank 0 cannot write (its directory removed mid-run) stops every rank at once with an error naming the file, not after the watchdog's timeout", async () => {
    const dir = join(scratchDir(), 'removed');
    mkdirSync(dir);
    const started = Date.now();
    // the watchdog's default timeout (300 s) is far past this run's limit: a rank left waiting shows as -1
    const { code, stderr, ranks } = await run(2, { EPOCHS: '4', CKPT: join(dir, 'run.ckpt'), RM_CKPT_DIR_EPOCH: '1' }, 40_000);
    expect(code, stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(ranks.map((r) => r.error)).toEqual(['ModelFileError', 'ModelFileError']);
    expect(ranks[0].message).toMatch(/removed\/run\.ckpt: could not be written \(ENOENT/);
    expect(ranks[1].message).toMatch(/removed\/run\.ckpt: rank 0 of 2 failed to write this checkpoint, so every rank stops: .*could not be written \(ENOENT/);
  });

  it('watchdog: a rank that never reaches its fit ends the job after NNTRAIN_MPI_TIMEOUT with rank 0 naming the handshake', async () => {
    const started = Date.now();
    const { code, stderr } = await run(2, { BUSY_RANK: '1', NNTRAIN_MPI_TIMEOUT: '2' }, 40_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(code).not.toBe(0);
    expect(code).not.toBe(-1); // -1: the test's timeout killed a hung job
    expect(stderr).toMatch(/nntrain: rank 0: no progress for [23] s in the handshake at the start of a fit/);
    expect(stderr).toMatch(/Aborting the job \(exit code 124\)/);
  });

  it("watchdog: a rank stopped by SIGSTOP mid-training ends the job after fit's distributedTimeout, rank 0 naming the gradient all-reduce", async () => {
    const started = Date.now();
    const { code, stderr } = await run(2, { STOP_RANK: '1', DIST_TIMEOUT: '2', EPOCHS: '3' }, 40_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(code).not.toBe(0);
    expect(code).not.toBe(-1);
    expect(stderr).toMatch(/nntrain: rank 0: no progress for [23] s in the gradient all-reduce of a training step \(\d+ values\)/);
  });
});
