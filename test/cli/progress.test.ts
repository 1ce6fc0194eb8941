// What training prints: on a terminal (a pseudo-terminal from util-linux `script`), a live bar per epoch
// with batches, samples/s, ETA and the running loss, then one line per epoch; into a pipe, the plain
// lines alone, without any control characters. Also the version line, through tsx as developers run it.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEntry, cliThroughTsx, DATA, runCli, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir('progress');
afterAll(cleanup);

const SCRIPT = '/usr/bin/script';
// the js backend: epochs long enough (~0.2 s) for the bar to redraw mid-epoch
const ARGS = ['train', join(DATA, 'digits.csv'), '--no-header', '--target', '-1', '--backend', 'js', '--layers', '256,128', '--epochs', '2', '--no-report'];

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

describe('training output', () => {
  it.runIf(existsSync(SCRIPT))('on a terminal: a progress bar per epoch, then its line', async () => {
    // `script -qec CMD /dev/null` runs CMD on a pseudo-terminal and copies what it shows to stdout
    const cmd = [process.execPath, cliEntry(), ...ARGS, '--out', join(dir, 'tty.nntrain')].map(quote).join(' ');
    const out = await new Promise<string>((resolve, reject) =>
      execFile(SCRIPT, ['-qec', cmd, '/dev/null'], { env: { ...process.env, NNTRAIN_THREADS: '1' }, timeout: 60_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    expect(out).toMatch(/Epoch 1\/2 \[[^\]]+\] 0\/45 batches \| - samples\/s \| ETA \d+s \| loss -/);
    expect(out).toMatch(/Epoch \d\/2 \[[^\]]+\] \d+\/45 batches \| [\d,]+ samples\/s \| ETA \d+s \| loss \d\.\d{4}/);
    expect(out).toMatch(/Epoch 2\/2 - \d+\.\ds - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4} - [\d,]+ samples\/s/);
    expect(out).toContain('\x1b['); // the bar is redrawn in place
  });

  it('into a pipe: one plain line per epoch', async () => {
    const run = await runCli(['train', join(DATA, 'digits.csv'), '--no-header', '--target', '-1', '--layers', '32', '--epochs', '3', '--no-report', '--out', join(dir, 'pipe.nntrain')]);
    expect(run.code, run.stderr).toBe(0);
    const epochs = run.stdout.split('\n').filter((l) => l.startsWith('Epoch '));
    expect(epochs).toHaveLength(3);
    for (const [i, line] of epochs.entries()) expect(line).toMatch(new RegExp(`^Epoch ${i + 1}/3 - \\d+\\.\\ds - loss: \\d\\.\\d{4} - accuracy: \\d\\.\\d{4} - val_loss: \\d\\.\\d{4} - val_accuracy: \\d\\.\\d{4} - [\\d,]+ samples/s$`));
    expect(run.stdout).not.toContain('\x1b');
  });

  it('nntrain --version names the backend and kernel (through tsx, from the sources)', async () => {
    const run = await cliThroughTsx(['--version']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^nntrain \d+\.\d+\.\d+\nnode v\d+\.\d+\.\d+, native addon (loaded|unavailable)\nbackend: (native|js) \(kernel \w+, \d+ threads?\)\n$/);
  });
});
