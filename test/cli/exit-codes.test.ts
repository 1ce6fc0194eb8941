// Exit codes a script can trust, through the real command in child processes: a closed stdout (`| head`)
// does not end a training job; a command whose output is stdout fails when it cannot deliver it;
// SIGTERM/SIGINT exit 143/130, leaving a checkpoint when one was asked for and none of the run's other
// files; a report that cannot be written after the model was saved exits 3 and says the model is fine;
// divergence exits 1 and saves nothing unless early stopping kept earlier weights (then it says which).

import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/models/load-model.js';
import { DATA, runCli, spawnCli, tempDir, writeBundledCsvs } from './helpers.js';

const { dir, cleanup } = tempDir('exit-codes');
afterAll(cleanup);
const at = (name: string) => join(dir, name);
let iris = '';
const DIGITS = join(DATA, 'digits.csv');

beforeAll(() => {
  iris = writeBundledCsvs(dir).iris;
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Collects a spawned run's output until it exits. */
function ended(child: ChildProcess): Promise<Ended> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** Resolves once `text` appears on the child's stdout. */
function whenPrinted(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
  });
}

/** Files in `sub` (temp files included). */
const files = (sub: string) => readdirSync(sub).sort();

describe('a closed standard output', () => {
  it('`train … | head -3`: training finishes and saves; exit 0 only with the model saved', async () => {
    const sub = at('head');
    mkdirSync(sub);
    const child = spawnCli(['train', iris, '--target', 'species', '--epochs', '30', '--no-early-stop', '--out', join(sub, 'm.nntrain')]);
    let lines = 0;
    let text = '';
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // as `head -3`: read three lines, then close the pipe while the command still prints epoch lines
    child.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
      lines = text.split('\n').length - 1;
      if (lines >= 3) child.stdout?.destroy();
    });
    const code = await done;
    expect(lines).toBeGreaterThanOrEqual(3);
    expect(code).toBe(0);
    expect(files(sub)).toEqual(['m.nntrain', 'm.report.html', 'm.report.svg']); // no temp file left
    expect((await loadModel(join(sub, 'm.nntrain'))).params.length).toBeGreaterThan(0);
  });

  it('stdout and stderr both closed from the start: the job still saves and exits 0', async () => {
    const sub = at('both-closed');
    mkdirSync(sub);
    const child = spawnCli(['train', iris, '--target', 'species', '--epochs', '5', '--no-report', '--out', join(sub, 'm.nntrain')]);
    child.stdout?.destroy();
    child.stderr?.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(files(sub)).toEqual(['m.nntrain']);
  });

  it('commands whose product is stdout (predict, evaluate, info) exit 1 when it is closed', async () => {
    const model = at('closed.nntrain');
    expect((await runCli(['train', iris, '--target', 'species', '--epochs', '2', '--no-report', '--out', model])).code).toBe(0);
    const big = at('big.csv');
    const row = '5.1,3.5,1.4,0.2,setosa\n';
    writeFileSync(big, `sepal_length,sepal_width,petal_length,petal_width,species\n${row.repeat(20_000)}`);
    for (const args of [
      ['predict', model, big, '--chunk-rows', '100'],
      ['evaluate', model, iris],
      ['info', model],
    ]) {
      const child = spawnCli(args);
      child.stdout?.destroy(); // the reader is gone before anything is written
      const run = await ended(child);
      expect({ args: args[0], code: run.code }).toEqual({ args: args[0], code: 1 });
      expect(run.stderr).toMatch(/standard output was closed/);
    }
  });
});

describe('signals', () => {
  const LONG = ['--no-header', '--target', '-1', '--epochs', '100000', '--no-early-stop'];

  it('SIGTERM: exit 143, the checkpoint asked for is kept, no model, report or temp file', async () => {
    const sub = at('term');
    mkdirSync(sub);
    const child = spawnCli(['train', DIGITS, ...LONG, '--out', join(sub, 'm.nntrain'), '--checkpoint', join(sub, 'm.ckpt')]);
    const run = ended(child);
    await whenPrinted(child, 'Epoch 2/');
    child.kill('SIGTERM');
    const r = await run;
    expect(r.code).toBe(143);
    expect(r.stderr).toContain('nntrain: interrupted by SIGTERM');
    expect(r.stderr).toContain(`--resume ${join(sub, 'm.ckpt')}`);
    expect(files(sub)).toEqual(['m.ckpt']);
    const resumed = await runCli(['info', join(sub, 'm.ckpt'), '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ kind: 'checkpoint' });
  });

  it('SIGINT: exit 130 and nothing left behind', async () => {
    const sub = at('int');
    mkdirSync(sub);
    const child = spawnCli(['train', DIGITS, ...LONG, '--out', join(sub, 'm.nntrain')]);
    const run = ended(child);
    await whenPrinted(child, 'Epoch 2/');
    child.kill('SIGINT');
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('nntrain: interrupted by SIGINT');
    expect(files(sub)).toEqual([]);
  });
});

describe('partial and failed runs', () => {
  it('the model saved but the report not: exit 3, the path, and that the model is fine', async () => {
    const sub = at('report');
    mkdirSync(sub);
    const model = join(sub, 'm.nntrain');
    const child = spawnCli(['train', DIGITS, '--no-header', '--target', '-1', '--epochs', '300', '--no-early-stop', '--out', model]);
    const run = ended(child);
    await whenPrinted(child, 'Epoch 1/');
    mkdirSync(join(sub, 'm.report.html')); // after the checks before training: the report's write fails at the end
    const r = await run;
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`saved: ${model}`);
    const line = r.stderr.split('\n').find((l) => l.startsWith('nntrain: '));
    expect(line).toContain(`the report beside ${model} could not be written`);
    expect(line).toContain(join(sub, 'm.report.html'));
    expect(line).toContain(`the model ${model} is saved and complete`);
    expect((await loadModel(model)).params.length).toBeGreaterThan(0);
  });

  it('divergence from the start: exit 1 naming epoch and batch, nothing saved', async () => {
    const sub = at('diverged');
    mkdirSync(sub);
    const r = await runCli(['train', iris, '--target', 'species', '--optimizer', 'adam', '--lr', '1e6', '--epochs', '30', '--out', join(sub, 'm.nntrain')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nntrain: Training diverged: the loss \S+ at epoch 0, batch \d+/m);
    expect(r.stdout).not.toContain('saved:');
    expect(files(sub)).toEqual([]);
  });

  it('divergence after early stopping kept a better epoch: exit 1, those weights saved and named, predict stays finite', async () => {
    const sub = at('diverged-late');
    mkdirSync(sub);
    const model = join(sub, 'm.nntrain');
    // the learning rate grows 100× every epoch: a few good epochs, then divergence
    const r = await runCli(['train', iris, '--target', 'species', '--optimizer', 'sgd', '--lr', '0.01', '--schedule', 'exponential:decayRate=100', '--epochs', '30', '--out', model]);
    expect(r.code).toBe(1);
    const line = r.stderr.split('\n').find((l) => l.startsWith('nntrain: ')) ?? '';
    expect(line).toMatch(/(Training diverged|NaN or Infinity)/);
    const kept = /holds the weights of epoch (\d+), the best before the divergence/.exec(line);
    expect(kept, line).not.toBeNull();
    expect(r.stdout).toContain(`saved: ${model}`);
    const predictions = await runCli(['predict', model, iris]);
    expect(predictions.code).toBe(0);
    expect(predictions.stdout).not.toMatch(/NaN|Infinity/);
  });

  it('a model with a NaN weight is refused, not used to predict NaN', async () => {
    const good = at('nan-src.nntrain');
    expect((await runCli(['train', iris, '--target', 'species', '--epochs', '1', '--no-report', '--out', good])).code).toBe(0);
    const m = await loadModel(good);
    const params = m.params.slice();
    params[3] = Number.NaN;
    m.setParams(params);
    await m.save(at('nan.nntrain'));
    const r = await runCli(['predict', at('nan.nntrain'), iris]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${at('nan.nntrain')}: holds a NaN or infinite weight`);
    expect(existsSync(at('nan.nntrain'))).toBe(true);
  });
});
