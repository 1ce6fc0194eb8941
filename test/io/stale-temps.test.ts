// removeStaleTemps: the temp files of processes that have exited go; a live process's, files of other
// names, directories and an unreadable directory are left alone.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processAlive, removeStaleTemps } from '../../src/io/stale-temps.js';

const dir = mkdtempSync(join(tmpdir(), 'nntrain-stale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid as number;
}

describe('removeStaleTemps', () => {
  it('removes only temp files whose process is gone', async () => {
    const dead = await deadPid();
    expect(processAlive(dead)).toBe(false);
    expect(processAlive(process.pid)).toBe(true);
    const gone = [`.a.nntrain.${dead}.00ff00ff00ff.tmp`, `.pred.csv.${dead}.tmp`];
    const kept = [`.a.nntrain.${process.pid}.00ff00ff00ff.tmp`, `a.nntrain.${dead}.00ff.tmp`, `.a.nntrain.${dead}.tmp.bak`, 'model.nntrain', `.x.${dead}.XYZ.tmp`];
    for (const name of [...gone, ...kept]) writeFileSync(join(dir, name), 'x');
    mkdirSync(join(dir, `.d.${dead}.abc.tmp`)); // a directory with that name: not ours
    const removed = await removeStaleTemps(dir);
    expect(removed.sort()).toEqual(gone.map((g) => join(dir, g)).sort());
    expect(readdirSync(dir).sort()).toEqual([...kept, `.d.${dead}.abc.tmp`].sort());
  });

  it('a directory that cannot be listed is skipped', async () => {
    expect(await removeStaleTemps(join(dir, 'missing'))).toEqual([]);
  });
});
