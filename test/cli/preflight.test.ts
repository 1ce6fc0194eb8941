// What the commands check before they read data or train (src/cli/preflight.ts), through the real command:
// output paths that cannot be written and option values fail before any work (no data line, no epoch
// line); a file that is not nntrain's is never replaced; temp files of dead processes are removed, a live
// one's kept; and tune and ensemble never replace the files train wrote by default.

import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeBundledCsvs } from './helpers.js';

const { dir, cleanup } = tempDir('preflight');
afterAll(cleanup);
const at = (name: string) => join(dir, name);
let iris = '';

beforeAll(() => {
  iris = writeBundledCsvs(dir).iris;
  mkdirSync(at('a-directory'));
});

const TRAIN = () => ['train', iris, '--target', 'species', '--epochs', '2'];

/** The run failed on its checks: nothing was read or trained, and stderr holds one line. */
function expectNoWork(run: { stdout: string; stderr: string }, message: string): void {
  expect(run.stdout).not.toContain('data:');
  expect(run.stdout).not.toContain('Epoch');
  expect(run.stdout).not.toContain('saved:');
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('nntrain: '));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(message);
}

describe('checked before the data are read', () => {
  it.each([
    ['--out in a missing directory', () => [...TRAIN(), '--out', '/nonexistent/x'], 1, '/nonexistent/x: could not be written (ENOENT): the directory /nonexistent does not exist (--out)'],
    ['--out an existing directory', () => [...TRAIN(), '--out', at('a-directory')], 1, 'could not be written (EISDIR): it is a directory'],
    ['--out a place nothing can be created in', () => [...TRAIN(), '--out', '/proc/m.nntrain'], 1, '/proc/m.nntrain: could not be written'],
    ['--out the data file itself', () => [...TRAIN(), '--out', iris], 1, 'it exists and is not an nntrain model, checkpoint or ensemble manifest, so it is left alone'],
    ['--checkpoint in a missing directory', () => [...TRAIN(), '--checkpoint', '/nonexistent/c.ckpt', '--out', at('c.nntrain')], 1, '(--checkpoint)'],
    ['the report where a directory is', () => [...TRAIN(), '--out', at('rep.nntrain')], 1, "rep.report.html: could not be written (EISDIR): it is a directory; give a file name (--out's report)"],
    ['an ensemble member in a missing directory', () => ['ensemble', iris, '--target', 'species', '--models', '2', '--out', '/nonexistent/e.nntrain'], 1, '(--out)'],
    ['a missing --val-file', () => [...TRAIN(), '--val-file', '/nonexistent/v.csv', '--out', at('v.nntrain')], 1, '/nonexistent/v.csv: cannot be read (ENOENT) (--val-file)'],
    ['a bad --schedule', () => [...TRAIN(), '--schedule', 'cosin'], 2, "Unknown --schedule 'cosin'. Did you mean 'cosine'?"],
    ['a bad schedule option', () => [...TRAIN(), '--schedule', 'step:gamma=-1'], 2, '--schedule'],
    ['predict --out in a missing directory', () => ['predict', at('no-such-model.nntrain'), iris, '--out', '/nonexistent/p.csv'], 1, '/nonexistent/p.csv: cannot be written (ENOENT)'],
    ['predict --out the input data', () => ['predict', at('no-such-model.nntrain'), iris, '--out', iris], 2, 'is an input of this command'],
  ] as const)('%s', async (_what, args, code, message) => {
    if (_what.startsWith('the report')) mkdirSync(at('rep.report.html'), { recursive: true });
    const before = readFileSync(iris);
    const run = await runCli(args());
    expect(run.code).toBe(code);
    expectNoWork(run, message);
    expect(readFileSync(iris).equals(before)).toBe(true);
  });
});

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid as number;
}

describe('stale temp files', () => {
  it("the next run in a directory removes a dead process's temp files and keeps a live one's", async () => {
    const sub = at('temps');
    mkdirSync(sub);
    const dead = await deadPid();
    const stale = [`.m.nntrain.${dead}.0a1b2c3d4e5f.tmp`, `.pred.csv.${dead}.tmp`, `.m.ckpt.${dead}.ffffffffffff.tmp`];
    const live = `.m.nntrain.${process.pid}.0a1b2c3d4e5f.tmp`;
    const other = '.notes.tmp'; // not a temp-file name of ours
    for (const name of [...stale, live, other]) writeFileSync(join(sub, name), '');
    const run = await runCli([...TRAIN(), '--no-report', '--out', join(sub, 'm.nntrain')]);
    expect(run.code).toBe(0);
    expect(readdirSync(sub).sort()).toEqual([live, other, 'm.nntrain'].sort());
  });
});

describe('commands do not replace each other’s files', () => {
  it('train, tune and ensemble default to distinct names; train’s files are left as they were', async () => {
    const sub = at('names');
    mkdirSync(sub);
    const data = join(sub, 'iris.csv');
    writeFileSync(data, readFileSync(iris));
    const quick = ['--target', 'species', '--epochs', '2'];
    expect((await runCli(['train', data, ...quick], { cwd: sub })).code).toBe(0);
    const trained = readdirSync(sub).sort();
    expect(trained).toEqual(['iris.csv', 'iris.nntrain', 'iris.report.html', 'iris.report.svg']);
    const stamps = trained.map((f) => [f, statSync(join(sub, f)).mtimeMs, readFileSync(join(sub, f)).length]);
    const tune = await runCli(['tune', data, ...quick, '--grid', 'lr=1e-2,3e-2'], { cwd: sub });
    expect(tune.code).toBe(0);
    expect(tune.stdout).toContain(`saved: ${join(sub, 'iris.tune.nntrain')}`);
    const ensemble = await runCli(['ensemble', data, ...quick, '--models', '2', '--no-report'], { cwd: sub });
    expect(ensemble.code).toBe(0);
    expect(readdirSync(sub).sort()).toEqual(
      [...trained, 'iris.tune.nntrain', 'iris.tune.report.html', 'iris.tune.report.svg', 'iris.ensemble.nntrain', 'iris.ensemble.member1.nntrain', 'iris.ensemble.member2.nntrain'].sort(),
    );
    expect(trained.map((f) => [f, statSync(join(sub, f)).mtimeMs, readFileSync(join(sub, f)).length])).toEqual(stamps);
  });
});
