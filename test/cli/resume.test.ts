// `nntrain train --resume`: a run checkpointing every 10 steps is killed with SIGKILL in the middle of an
// epoch; `nntrain train --resume CKPT` (no other option: the checkpoint holds the run's options) finishes
// it, and the model file it writes has the same weights, bit for bit, as an uninterrupted run, with the
// same history and metrics. The js backend is used so that a run lasts long enough to be killed mid-way.

import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, readCheckpoint, type Checkpoint } from '../../src/index.js';
import { DATA, jsonEvents, runCli, spawnCli, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir('resume');
afterAll(cleanup);

const RUN = ['train', join(DATA, 'digits.csv'), '--no-header', '--target', '-1', '--backend', 'js', '--layers', '128,64', '--epochs', '5', '--seed', '3', '--checkpoint-every', '10', '--log-format', 'json'];
const JS = { NNTRAIN_BACKEND: 'js' };

/** Starts a run, polls its checkpoint until `ready`, kills it with SIGKILL; every read must see a valid file. */
async function killWhen(args: string[], ckpt: string, ready: (c: Checkpoint) => boolean): Promise<Checkpoint> {
  const child = spawnCli(args, { cwd: dir, env: JS });
  // lowest priority: on a busy machine the run slows down before this poller does, so the poll still
  // sees the run mid-way (on an idle one nothing changes)
  if (child.pid !== undefined) setPriority(child.pid, 19);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  child.stdout?.resume();
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let running = true;
  void exited.then(() => (running = false));
  let seen: Checkpoint | null = null;
  const deadline = Date.now() + 60_000;
  while (running && Date.now() < deadline) {
    if (existsSync(ckpt)) {
      seen = await readCheckpoint(ckpt); // throws on a torn file: checkpoints are written atomically
      if (ready(seen)) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  expect(running, `the run ended before it could be killed: ${stderr}`).toBe(true);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  if (seen === null) throw new Error('no checkpoint was written');
  return seen;
}

describe('train --resume after a kill', () => {
  it('continues the checkpointed run and ends bit-identical to an uninterrupted one', async () => {
    const straightOut = join(dir, 'straight.nntrain');
    const killedOut = join(dir, 'killed.nntrain');
    const ckpt = join(dir, 'killed.ckpt');
    const [straight, atKill] = await Promise.all([
      runCli([...RUN, '--out', straightOut, '--checkpoint', join(dir, 'straight.ckpt')], { cwd: dir, env: JS }),
      // 45 steps per epoch: wait for a checkpoint in the middle of the second epoch
      killWhen([...RUN, '--out', killedOut, '--checkpoint', ckpt], ckpt, (c) => c.training.step >= 50 && c.training.batch > 0),
    ]);
    expect(straight.code, straight.stderr).toBe(0);
    expect(existsSync(killedOut)).toBe(false);
    const last = await readCheckpoint(ckpt);
    expect(last.training.step).toBeGreaterThanOrEqual(atKill.training.step);
    expect(last.training.epoch).toBeLessThan(5);

    const resumed = await runCli(['train', '--resume', ckpt, '--log-format', 'json'], { cwd: dir, env: JS });
    expect(resumed.code, resumed.stderr).toBe(0);
    const a = await loadModel(straightOut);
    const b = await loadModel(killedOut);
    expect(Buffer.from(b.params.buffer, b.params.byteOffset, b.params.byteLength).equals(Buffer.from(a.params.buffer, a.params.byteOffset, a.params.byteLength))).toBe(true);

    const metrics = (out: string) => jsonEvents(out).find((e) => e.event === 'metrics');
    expect(metrics(resumed.stdout)).toEqual(metrics(straight.stdout));
    const epochs = (out: string) => jsonEvents(out).filter((e) => e.event === 'epoch').map((e) => [e.epoch, e.loss, e.val_loss]);
    // the resumed run logs the epochs it finished; their values are the uninterrupted run's
    expect(epochs(straight.stdout).slice(-epochs(resumed.stdout).length)).toEqual(epochs(resumed.stdout));
    expect((await readCheckpoint(ckpt)).training.history).toEqual((await readCheckpoint(join(dir, 'straight.ckpt'))).training.history);
  });

  it('refuses an option that would change the run, and a file without a training position; info shows the position', async () => {
    const ckpt = join(dir, 'killed.ckpt');
    const [changed, notCheckpoint, info] = await Promise.all([
      runCli(['train', '--resume', ckpt, '--lr', '0.1'], { cwd: dir, env: JS }),
      runCli(['train', '--resume', join(dir, 'straight.nntrain')], { cwd: dir, env: JS }),
      runCli(['info', join(dir, 'straight.ckpt')], { cwd: dir, env: JS }),
    ]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/^nntrain: --lr 0\.1 differs from the checkpointed run's default .*Options that may change: --resume, --epochs/);
    expect(notCheckpoint.code).toBe(1);
    expect(notCheckpoint.stderr).toContain("is a model file without a training position; only files written by fit's checkpoint option can be resumed");
    expect(info.stdout).toContain('checkpoint (format version 2');
    expect(info.stdout).toContain('training: finished after 5 epochs, step 225');
  });
});
