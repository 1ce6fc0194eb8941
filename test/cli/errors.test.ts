// Every kind of bad input, through the real command: one clear line on stderr and the documented exit
// code — 2 for usage (unknown command or flag, bad or missing value, an invalid config file), 1 for
// failures (missing files, bad data with file, line and column, damaged model files). The wording of
// the remaining option checks is tested in-process in options.test.ts.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA, runCli, tempDir, writeBundledCsvs } from './helpers.js';

const { dir, cleanup } = tempDir('errors');
const at = (name: string) => join(dir, name);
const iris = at('iris.csv');
const model = at('iris.nntrain');

beforeAll(async () => {
  writeBundledCsvs(dir);
  const run = await runCli(['train', iris, '--target', 'species', '--epochs', '2', '--no-report', '--out', model]);
  expect(run.code, run.stderr).toBe(0);
  const bytes = readFileSync(model);
  writeFileSync(at('truncated.nntrain'), bytes.subarray(0, bytes.length - 100));
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 50] ^= 0xff;
  writeFileSync(at('corrupted.nntrain'), flipped);
  writeFileSync(at('bad-row.csv'), 'sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n4.9,3.0,1.4,0.2,setosa\n4.7,oops,1.3,0.2,versicolor\n');
  writeFileSync(at('no-target.csv'), 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n');
  writeFileSync(at('syntax.json'), '{\n  "target": "species",\n  "epochs": 3,\n}\n');
  writeFileSync(at('unknown-key.json'), '{ "target": "species", "batch-size": 16 }');
});
afterAll(cleanup);

/** [description, args, exit code, a line stderr must contain (or match)]. */
type Case = [string, () => string[], 1 | 2, string | RegExp];

const CASES: Case[] = [
  // usage: exit 2
  ['unknown command', () => ['trian', iris], 2, "nntrain: unknown command 'trian'. Did you mean 'train'? Commands: train, cv, tune, ensemble, evaluate, predict, info"],
  ['unknown flag', () => ['train', iris, '--target', 'species', '--epoch', '3'], 2, /nntrain: unknown option '--epoch'\n\(Did you mean --epochs\?\)/],
  ['bad integer', () => ['train', iris, '--target', 'species', '--epochs', '0'], 2, 'nntrain: Expected integer >= 1 for --epochs but received 0'],
  ['bad choice', () => ['train', iris, '--target', 'species', '--optimizer', 'adm'], 2, "nntrain: Unknown --optimizer 'adm'. Did you mean 'adam'? Expected one of: sgd, adagrad, adadelta, rmsprop, adam, adamw"],
  ['missing --target', () => ['train', iris], 2, 'nntrain: missing --target: name the column to predict'],
  ['headerless file read with a header', () => ['train', join(DATA, 'digits.csv'), '--target', '-1'], 2, `nntrain: ${join(DATA, 'digits.csv')}: line 1 holds only numbers, so it looks like data rather than a header row: pass --no-header`],
  ['missing argument', () => ['evaluate', model], 2, "nntrain: missing required argument 'data'"],
  ['config: invalid JSON', () => ['train', iris, '--config', at('syntax.json')], 2, `nntrain: ${at('syntax.json')}: line 4, column 1: invalid JSON`],
  ['config: unknown key', () => ['train', iris, '--config', at('unknown-key.json')], 2, `nntrain: Unknown option 'batch-size' in ${at('unknown-key.json')}. Did you mean 'batchSize'?`],
  // failures: exit 1
  ['missing data file', () => ['train', at('nope.csv'), '--target', 'species'], 1, `nntrain: Cannot read CSV file '${at('nope.csv')}': no such file (ENOENT)`],
  ['unknown target column', () => ['train', iris, '--target', 'specis'], 1, "no column named 'specis' for target. Did you mean 'species'? The columns are: sepal_length, sepal_width, petal_length, petal_width, species"],
  ['bad CSV value', () => ['train', at('bad-row.csv'), '--target', 'species'], 1, `nntrain: ${at('bad-row.csv')}: line 4, column 2 ('sepal_width'): expected a number but found 'oops'`],
  ['bad row at prediction', () => ['predict', model, at('bad-row.csv')], 1, `${at('bad-row.csv')}: line 4, column 2 ('sepal_width'): expected a number but found 'oops'`],
  ['missing model file', () => ['evaluate', at('nope.nntrain'), iris], 1, `nntrain: ${at('nope.nntrain')}: does not exist`],
  ['truncated model file', () => ['evaluate', at('truncated.nntrain'), iris], 1, `nntrain: ${at('truncated.nntrain')}: is truncated`],
  ['corrupted model file', () => ['predict', at('corrupted.nntrain'), iris], 1, `nntrain: ${at('corrupted.nntrain')}: is corrupted: checksum mismatch`],
  ['foreign model file', () => ['info', iris], 1, `nntrain: ${iris}: is not an nntrain model file`],
  ['evaluate without the target', () => ['evaluate', model, at('no-target.csv')], 1, `${at('no-target.csv')}: the file has no target column 'species'`],
  ['unwritable predictions', () => ['predict', model, iris, '--out', at('no/such/dir/pred.csv')], 1, `nntrain: ${at('no/such/dir/pred.csv')}: cannot be written (ENOENT)`],
  ['unwritable output', () => ['train', iris, '--target', 'species', '--epochs', '1', '--out', at('no/such/dir/m.nntrain')], 1, `nntrain: ${at('no/such/dir/m.nntrain')}: could not be written`],
];

/** Runs the cases a few at a time (each is a process). */
async function runAll(cases: Case[]): Promise<Awaited<ReturnType<typeof runCli>>[]> {
  const results: Awaited<ReturnType<typeof runCli>>[] = [];
  for (let i = 0; i < cases.length; i += 4) results.push(...(await Promise.all(cases.slice(i, i + 4).map(([, args]) => runCli(args(), { cwd: dir })))));
  return results;
}

describe('bad input: one line on stderr and the documented exit code', () => {
  it.each([['usage errors (exit 2)', 2] as const, ['failures (exit 1)', 1] as const])('%s', async (_name, code) => {
    const cases = CASES.filter((c) => c[2] === code);
    const results = await runAll(cases);
    cases.forEach(([what, , expected, message], i) => {
      const { code: got, stdout, stderr } = results[i];
      expect({ what, code: got }).toEqual({ what, code: expected });
      if (typeof message === 'string') expect(stderr, what).toContain(message);
      else expect(stderr, what).toMatch(message);
      expect(stderr.split('\n').filter((l) => l.startsWith('nntrain: ')), what).toHaveLength(1);
      expect(stdout.includes('saved:'), what).toBe(false);
    });
  });

  it('help: exit 0, examples for every command and the exit codes', async () => {
    const commands = ['train', 'evaluate', 'predict', 'cv', 'tune', 'ensemble', 'info', 'export'];
    const runs = await Promise.all([runCli(['--help']), ...commands.map((c) => runCli([c, '--help']))]);
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Examples:\n  $ nntrain');
      expect(run.stdout).toContain('Exit codes:');
    }
    expect(runs[1].stdout).toMatch(/--early-stop <patience>\s+stop after this many epochs without a better/);
    expect(runs[1].stdout).toContain('Optimizer options:');
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: nntrain [options] [command]');
  });
});
