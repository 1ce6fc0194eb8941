// Crash and resume across processes: a training script is killed with SIGKILL mid-epoch, after a
// checkpoint was written; a new process resumes from that file; its final weights are bit-identical to
// those of an uninterrupted run in a third process (NNTRAIN_THREADS=1), with the same History and
// preprocessing. While the killed run writes, every read of the checkpoint sees a complete, valid file.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nativeAvailable, readCheckpoint, type Checkpoint } from '../../src/index.js';
import { ROOT, runNode } from '../helpers/run-script.js';
import { transpiled } from '../helpers/transpiled.js';

const SCRIPT = 'test/training/fixtures/resume-train.child.ts';
const BACKENDS = ['js', ...(nativeAvailable() ? ['native'] : [])];
const dir = mkdtempSync(join(tmpdir(), 'nntrain-resume-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface RunOutput {
  backend: string;
  params: string; // base64 of the float32 bytes
  step: number;
  epoch: number[];
  history: Record<string, number[]>;
  preprocessing: unknown;
}

async function run(env: Record<string, string>): Promise<RunOutput> {
  const result = await runNode([transpiled(SCRIPT)], env, 180_000);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(readFileSync(env.OUT, 'utf8')) as RunOutput;
}

/**
 * Starts the script, polls its checkpoint until `ready` holds, then kills it with SIGKILL. Returns the
 * checkpoint seen last before the kill. Every read must succeed once the file exists (atomic writes).
 */
async function killWhen(env: Record<string, string>, ready: (c: Checkpoint) => boolean): Promise<Checkpoint> {
  const child = spawn(process.execPath, [transpiled(SCRIPT)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let running = true;
  void exited.then(() => (running = false));
  const deadline = Date.now() + 120_000;
  let seen: Checkpoint | null = null;
  while (running && Date.now() < deadline) {
    if (existsSync(env.CKPT)) {
      seen = await readCheckpoint(env.CKPT); // throws (failing the test) on a torn or invalid file
      if (ready(seen)) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(running, `the script ended before the kill: ${stderr}`).toBe(true);
  child.kill('SIGKILL');
  expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
  if (seen === null) throw new Error('no checkpoint was written');
  return seen;
}

// the backends' runs are independent processes with their own files: run them at once
describe.concurrent.each(BACKENDS)('killed with SIGKILL and resumed (%s backend)', (backend) => {
  it('the resumed run ends bit-identical to an uninterrupted one', async () => {
    const env = { NNTRAIN_BACKEND: backend, NNTRAIN_THREADS: '1' };
    const ckpt = join(dir, `${backend}.ckpt`);
    const straight = await run({ ...env, OUT: join(dir, `${backend}-straight.json`) });
    expect(straight.backend).toBe(backend);
    expect(straight.epoch.length).toBeGreaterThan(4);

    // 364 training rows / 16 = 23 batches per epoch; the run waits after step 35 (mid second epoch), so
    // the kill lands after the mid-epoch checkpoint of step 30 however busy the machine is
    const killedOut = join(dir, `${backend}-killed.json`);
    const atKill = await killWhen({ ...env, OUT: killedOut, CKPT: ckpt, PAUSE_AT_STEP: '35' }, (c) => c.training.batch > 0 && c.training.step >= 30);
    expect(existsSync(killedOut)).toBe(false);
    const last = await readCheckpoint(ckpt); // the kill may land after a newer checkpoint than the one polled
    expect(last.training.step).toBeGreaterThanOrEqual(atKill.training.step);
    expect(last.training.step).toBeLessThan(straight.step);

    const resumed = await run({ ...env, OUT: join(dir, `${backend}-resumed.json`), CKPT: ckpt, RESUME: '1' });
    expect(resumed.step).toBe(straight.step);
    expect(resumed.epoch).toEqual(straight.epoch);
    expect(resumed.history).toEqual(straight.history);
    expect(resumed.preprocessing).toEqual(straight.preprocessing);
    expect(resumed.params).toBe(straight.params); // the float32 bytes, base64: bit-identical
    // the resumed run kept checkpointing to the same file: it now holds the finished run
    const end = await readCheckpoint(ckpt);
    expect([end.training.epoch, end.training.batch, end.training.step]).toEqual([straight.epoch.length, 0, straight.step]);
    expect(end.training.history.epoch).toEqual(straight.epoch);
  }, 300_000);
});
