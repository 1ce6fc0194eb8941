// `nntrain train --distributed mpi` under a real mpirun (Open MPI), the command line as a user runs it:
// one model file and one report, written by rank 0, whose weights are the ones every rank ended with
// (the sha256 rank 0 prints is compared over the ranks and with the file); the preprocessing it saves
// equals a single process's on the same file; on 3 processes each reads its byte range and uneven parts
// end; --resume continues with rank 0 alone reading the checkpoint, also after a rank was killed
// mid-training (which ends the job within seconds); and mpirun without --distributed stops every
// process with a usage error. Skips, saying why, where mpirun or nntrain's MPI addon is
// missing (CI installs Open MPI, so they run there).

import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { weightsDigest } from '../../src/cli/distributed/weights.js';
import { loadModel } from '../../src/index.js';
import { readModelFileWithTraining } from '../../src/training/checkpoint-file.js';
import { execMpirun, MPI_SKIP, rankPid, spawnMpirun } from '../helpers/mpirun.js';
import type { ScriptResult } from '../helpers/run-script.js';
import { cliEntry, jsonEvents, runCli, tempDir } from './helpers.js';

const skip = MPI_SKIP;
if (skip !== null) console.warn(`skipping the distributed CLI tests: ${skip}`);

const { dir, cleanup } = tempDir('dist');
afterAll(cleanup);

/** `mpirun -np N nntrain ARGS` (the transpiled CLI), one native thread per process. */
function mpirunCli(np: number, args: readonly string[]): Promise<ScriptResult> {
  return mpirun(['-np', String(np), process.execPath, cliEntry(), ...args]);
}

/** `mpirun ARGV` (through the shared launcher: the flags a root container needs, its own session directory). */
function mpirun(argv: readonly string[]): Promise<ScriptResult> {
  return execMpirun(argv, { env: { NNTRAIN_THREADS: '1' }, timeoutMs: 60_000 });
}

/** Resolves with the first JSON event on the child's stdout that `match` accepts, or null when it exits first. */
function whenEvent(child: ChildProcess, match: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    let pending = '';
    child.stdout?.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const found = lines.flatMap((l) => (l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : [])).find(match);
      if (found !== undefined) resolve(found);
    });
    child.on('exit', () => resolve(null));
  });
}

/** The sha256 of the final weights that rank 0 printed (the `weights` event). */
const digestOf = (run: ScriptResult) => (jsonEvents(run.stdout).find((e) => e.event === 'weights') as { sha256: string } | undefined)?.sha256;

/** A CSV of `rows` rows: two numeric features (some missing), a category (some missing), an integer code, a 0/1 label. */
function writeData(name: string, rows: number, seed: number): string {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const lines = ['a,b,color,size,label'];
  for (let i = 0; i < rows; i++) {
    const a = rand() * 4 - 2;
    const b = rand() * 6;
    const color = ['red', 'green', 'blue'][Math.floor(rand() * 3)];
    const label = a + 0.3 * b + (color === 'red' ? 1 : 0) > 1.2 ? 1 : 0;
    lines.push(`${rand() < 0.05 ? '' : a.toFixed(4)},${b.toFixed(4)},${rand() < 0.05 ? '' : color},${1 + Math.floor(rand() * 5)},${label}`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** A new output directory for one run. */
function outDir(name: string): string {
  const out = join(dir, name);
  mkdirSync(out);
  return out;
}

/** The files of a run's output directory. */
function filesIn(out: string): string[] {
  return readdirSync(out).sort();
}

describe.skipIf(skip !== null)('nntrain train --distributed mpi under mpirun', () => {
  it('-np 2: rank 0 alone logs (the batch per process and global) and writes one model and report, whose weights every rank ended with and whose preprocessing equals one process\'s', async () => {
    const train = writeData('train.csv', 301, 1);
    const val = writeData('val.csv', 61, 2);
    const common = ['train', train, '--target', 'label', '--val-file', val, '--categorical', 'size', '--epochs', '4', '--batch-size', '16', '--seed', '3'];
    const [outD, outS] = [outDir('np2'), outDir('single')];
    const [dist, single] = await Promise.all([
      mpirunCli(2, [...common, '--distributed', 'mpi', '--out', join(outD, 'm.nntrain')]),
      runCli([...common, '--out', join(outS, 'm.nntrain')]),
    ]);
    expect(dist.code, dist.stderr).toBe(0);
    expect(single.code, single.stderr).toBe(0);
    const lines = dist.stdout.split('\n');
    const once = (pattern: RegExp) => expect(lines.filter((l) => pattern.test(l)), pattern.source).toHaveLength(1);
    once(/^distributed: 2 processes \(Open MPI [^)]*\), batch 16 per process, 32 global$/);
    once(/^data: train\.csv: 301 rows, .*; 301 training rows, 61 validation rows$/);
    once(/^read: each process its own byte range of train\.csv \([\d,]+ bytes\): [\d,]+–[\d,]+ bytes read and 150–151 rows per process$/);
    once(/^saved: /);
    expect(dist.stdout.match(/Epoch \d\/4 - [\d.]+s - loss/g)).toHaveLength(4); // one process printed them
    expect(dist.stderr).not.toMatch(/nntrain:/);

    expect(filesIn(outD)).toEqual(['m.nntrain', 'm.report.html', 'm.report.svg']);
    const digest = /^weights: sha256 ([0-9a-f]{64}), identical on 2 processes$/m.exec(dist.stdout)?.[1];
    const model = await loadModel(join(outD, 'm.nntrain'));
    expect(weightsDigest(model.params)).toBe(digest);

    // the same rows train in both runs (--val-file): what rank 0 saves is what one process saves
    type Saved = Record<string, { stats: { count: number[]; mean: number[]; m2: number[]; min: number[]; max: number[] } } & Record<string, unknown>>;
    const d = model.preprocessing as Saved;
    const s = (await loadModel(join(outS, 'm.nntrain'))).preprocessing as Saved;
    for (const key of ['schema', 'target', 'xColumns']) expect(d[key], key).toEqual(s[key]);
    expect(d.imputer.categoryCounts).toEqual(s.imputer.categoryCounts);
    expect(d.imputer.groupCounts).toEqual(s.imputer.groupCounts);
    for (const part of ['imputer', 'scaler'] as const) {
      const [a, b] = [d[part].stats, s[part].stats];
      expect(a.count, part).toEqual(b.count);
      expect([a.min, a.max]).toEqual([b.min, b.max]);
      // means and M2 merged from two halves (Chan's update): float64 rounding apart from one pass
      a.mean.forEach((v, i) => expect(Math.abs(v - b.mean[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b.mean[i]))));
      a.m2.forEach((v, i) => expect(Math.abs(v - b.m2[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b.m2[i]))));
    }
    expect(d.imputer.stats.count.some((c, i) => c < 301 && c > 0 && i < 2)).toBe(true); // the data had gaps to impute
  });

  it('-np 3 on a file whose rows do not divide evenly: each process reads its byte range, and all train to the end one model with every rank\'s validation rows', async () => {
    const train = writeData('uneven.csv', 12_001, 5);
    const bytes = statSync(train).size;
    const out = outDir('np3');
    const run = await mpirunCli(3, ['train', train, '--target', 'label', '--epochs', '2', '--batch-size', '64', '--distributed', 'mpi', '--no-early-stop', '--out', join(out, 'u.nntrain'), '--no-report', '--log-format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const events = jsonEvents(run.stdout);
    const of = (kind: string) => events.filter((e) => e.event === kind);
    expect(of('distributed')).toEqual([{ event: 'distributed', processes: 3, library: expect.stringMatching(/^Open MPI/), batch_per_process: 64, batch_global: 192 }]);
    expect(of('data')).toHaveLength(1);
    const [data] = of('data') as { rows: number; training_rows: number; validation_rows: number }[];
    expect(data.rows).toBe(12_001);
    expect(data.training_rows + data.validation_rows).toBe(12_001);

    // byte ranges: ranks 1 and 2 read about their third of the file (rank 0 also reads the sample the
    // schema is inferred from, which in a file this small is a good part of it)
    const [parts] = of('parts') as { bytes: number; per_rank: { first_line: number; bytes_read: number; rows: number }[] }[];
    expect(parts.bytes).toBe(bytes);
    expect(parts.per_rank.map((p) => p.rows).reduce((a, b) => a + b)).toBe(12_001);
    expect(parts.per_rank[0].first_line).toBe(2); // after the header
    expect(parts.per_rank[1].first_line).toBeGreaterThan(parts.per_rank[0].first_line);
    expect(parts.per_rank[2].first_line).toBeGreaterThan(parts.per_rank[1].first_line);
    for (const p of parts.per_rank.slice(1)) expect(p.bytes_read).toBeLessThan(bytes * 0.45);

    expect(of('epoch')).toHaveLength(2);
    // the last epoch's val_accuracy (summed over the ranks by the fit) is the final evaluation's, made
    // from every rank's validation predictions gathered
    const [metrics] = of('metrics') as { rows: number; accuracy: number }[];
    expect(metrics.rows).toBe(data.validation_rows);
    expect(metrics.accuracy).toBeCloseTo(of('epoch')[1].val_accuracy as number, 12);
    const [weights] = of('weights') as { sha256: string; per_rank: string[] }[];
    expect(weights.per_rank).toEqual([weights.sha256, weights.sha256, weights.sha256]);
    expect(filesIn(out)).toEqual(['u.nntrain']);
    expect(weightsDigest((await loadModel(join(out, 'u.nntrain'))).params)).toBe(weights.sha256);
  });

  it('--checkpoint-every, then --resume with only rank 0 seeing the checkpoint (another working directory for rank 1), ends with the weights of an uninterrupted run', async () => {
    const train = writeData('resume.csv', 120, 7);
    const [first, other] = [outDir('ckpt-rank0'), outDir('ckpt-rank1')];
    const common = ['train', train, '--target', 'label', '--batch-size', '16', '--no-early-stop', '--distributed', 'mpi', '--no-report', '--log-format', 'json'];
    const [straight, part] = await Promise.all([
      mpirunCli(2, [...common, '--epochs', '4', '--out', join(outDir('straight'), 's.nntrain')]),
      mpirunCli(2, [...common, '--epochs', '2', '--checkpoint-every', '5', '--out', join(first, 'r.nntrain')]),
    ]);
    expect(straight.code, straight.stderr).toBe(0);
    expect(part.code, part.stderr).toBe(0);
    expect(filesIn(first)).toEqual(['r.ckpt', 'r.nntrain']); // rank 0 wrote the checkpoint beside the model
    const rank = (wdir: string) => ['-np', '1', '-wdir', wdir, process.execPath, cliEntry(), 'train', '--resume', 'r.ckpt', '--epochs', '4', '--log-format', 'json'];
    const resumed = await mpirun([...rank(first), ':', ...rank(other)]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonEvents(resumed.stdout).find((e) => e.event === 'resume')).toMatchObject({ epoch: 3, batch: 0 });
    expect(digestOf(resumed)).toMatch(/^[0-9a-f]{64}$/);
    expect(digestOf(resumed)).toBe(digestOf(straight));
    expect(filesIn(other)).toEqual([]);
  });

  it("SIGKILL of rank 1 mid-training ends the job within seconds, mpirun naming the rank; --resume from rank 0's last checkpoint then ends with the weights of an uninterrupted run", async () => {
    const train = writeData('kill.csv', 120, 11);
    const out = outDir('kill');
    const common = ['train', train, '--target', 'label', '--batch-size', '16', '--no-early-stop', '--distributed', 'mpi', '--no-report', '--log-format', 'json'];
    // far more epochs than it gets to: the kill lands mid-training however late this process sends it
    const job = spawnMpirun(['-np', '2', process.execPath, cliEntry(), ...common, '--epochs', '1000000', '--checkpoint-every', '2', '--out', join(out, 'k.nntrain')], { env: { NNTRAIN_THREADS: '1' } });
    let killedAt = 0;
    try {
      // two epochs ended: rank 0 has written checkpoints (every 2 steps and at each epoch's end)
      expect(await whenEvent(job.child, (e) => e.event === 'epoch' && e.epoch === 2)).not.toBeNull();
      const pid = rankPid(job.child.pid ?? -1, 1);
      expect(pid).not.toBeNull();
      killedAt = Date.now();
      process.kill(pid ?? -1, 'SIGKILL');
    } finally {
      if (killedAt === 0) job.child.kill(); // mpirun passes SIGTERM on to the ranks
    }
    const ended = await job.exited;
    expect(ended.at - killedAt).toBeLessThan(30_000); // measured about 2 s on a busy machine
    expect(ended.code).not.toBe(0);
    expect(ended.output).toMatch(/process rank 1 with PID \d+ on node \S+ exited on signal 9 \(Killed\)/);

    // resumed to two epochs past the checkpoint's position, against a straight run of as many epochs
    const ckpt = join(out, 'k.ckpt');
    const { training } = await readModelFileWithTraining(ckpt);
    expect(training).not.toBeNull();
    const at = { epoch: training?.epoch ?? -1, batch: training?.batch ?? -1 };
    const epochs = String(at.epoch + 2);
    const [resumed, straight] = await Promise.all([
      mpirunCli(2, ['train', '--resume', ckpt, '--epochs', epochs, '--log-format', 'json']),
      mpirunCli(2, [...common, '--epochs', epochs, '--out', join(outDir('kill-straight'), 's.nntrain')]),
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(straight.code, straight.stderr).toBe(0);
    expect(jsonEvents(resumed.stdout).find((e) => e.event === 'resume')).toMatchObject({ epoch: at.epoch + 1, batch: at.batch });
    expect(digestOf(resumed)).toMatch(/^[0-9a-f]{64}$/);
    expect(digestOf(resumed)).toBe(digestOf(straight));
  });

  it('a failure on rank 0 (its model cannot be written) is printed by it, naming the rank, and fails the job', async () => {
    const train = writeData('fail.csv', 60, 9);
    const run = await mpirunCli(2, ['train', train, '--target', 'label', '--epochs', '1', '--distributed', 'mpi', '--out', join(dir, 'no-such-dir', 'm.nntrain')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^nntrain: rank 0: \S*no-such-dir\/m\.nntrain: could not be written \(ENOENT/m);
    expect(run.stderr).not.toMatch(/nntrain: rank 1:/);
  });

  it('under mpirun without --distributed mpi, every process stops before reading the data with a usage error naming its rank', async () => {
    const out = join(dir, 'refused');
    const run = await mpirunCli(2, ['train', join(dir, 'missing.csv'), '--target', 'label', '--out', join(out, 'x.nntrain')]);
    expect(run.code).toBe(2); // a usage error's code, passed on by mpirun (-1: the job hung until the timeout)
    // each process prints it; mpirun ends the job at the first exit, which may cut the other's line
    expect(run.stderr).toMatch(/nntrain: rank [01]: mpirun started 2 processes, and without --distributed mpi each would train its own copy of the model: add --distributed mpi/);
    expect(run.stderr).not.toMatch(/missing\.csv/); // stopped before the (absent) file was opened
    expect(existsSync(out)).toBe(false);
  });

  it('evaluate under mpirun says it runs on one process', async () => {
    const run = await mpirunCli(2, ['evaluate', join(dir, 'absent.nntrain'), join(dir, 'absent.csv')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/nntrain: rank [01]: nntrain evaluate runs on one process, but mpirun started 2/);
  });
});

describe('--distributed outside mpirun', () => {
  it('with the js backend: a backend error naming it, before any data is read', async () => {
    const run = await runCli(['train', join(dir, 'absent.csv'), '--target', 'label', '--distributed', 'mpi', '--backend', 'js']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("nntrain: --distributed mpi needs the native backend (the all-reduce runs inside the addon's training chunk), but this run uses the js backend (--backend js)\n");
  });

  it('a value other than mpi, and commands other than train, are usage errors', async () => {
    const bad = await runCli(['train', 'x.csv', '--target', 'y', '--distributed', 'nccl']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--distributed.*mpi/);
    const cv = await runCli(['cv', join(dir, 'absent.csv'), '--target', 'label', '--distributed', 'mpi']);
    expect(cv.code).toBe(2);
    expect(cv.stderr).toBe('nntrain: --distributed mpi applies to nntrain train only; nntrain cv runs on one process: run it without mpirun\n');
    const ensemble = await runCli(['train', join(dir, 'absent.csv'), '--target', 'label', '--ensemble', '3', '--distributed', 'mpi']);
    expect(ensemble.code).toBe(2);
    expect(ensemble.stderr).toBe('nntrain: --ensemble trains its members on one process; it cannot be combined with --distributed mpi\n');
  });
});
