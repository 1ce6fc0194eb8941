// Inputs a scheduler hands over, through the real command: a quoted glob of gzip shards trains the
// model the concatenated plain file trains, stdin (`-`) feeds train and predict, and evaluate and
// --val-file take gzip files and patterns.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/models/load-model.js';
import { runCli, tempDir, writeBundledCsvs } from './helpers.js';

const { dir, cleanup } = tempDir('inputs');
afterAll(cleanup);

let iris = '';
let header = '';
let rows: string[] = [];
const TRAIN = ['--target', 'species', '--epochs', '4', '--seed', '3', '--batch-size', '16', '--no-report'];

async function params(model: string): Promise<Float32Array> {
  const m = await loadModel(model);
  const p = Float32Array.from(m.params);
  m.dispose?.();
  return p;
}

beforeAll(() => {
  iris = writeBundledCsvs(dir).iris;
  const lines = readFileSync(iris, 'utf8').trim().split('\n');
  header = lines[0];
  rows = lines.slice(1);
  // shards in name order 0, 1, 2: the concatenation is the file itself
  const cuts = [0, 40, 95, rows.length];
  for (let i = 0; i < 3; i++) writeFileSync(join(dir, `shard-${i}.csv.gz`), gzipSync(`${header}\n${rows.slice(cuts[i], cuts[i + 1]).join('\n')}\n`));
});

describe('inputs a scheduler hands over', () => {
  it("train 'shard-*.csv.gz' saves the model training on the concatenated plain file saves", async () => {
    const plain = await runCli(['train', iris, ...TRAIN, '--out', join(dir, 'plain.nntrain')], { cwd: dir });
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    const sharded = await runCli(['train', 'shard-*.csv.gz', ...TRAIN, '--out', join(dir, 'sharded.nntrain')], { cwd: dir });
    expect(sharded.stderr).toBe('');
    expect(sharded.code).toBe(0);
    expect(await params(join(dir, 'sharded.nntrain'))).toEqual(await params(join(dir, 'plain.nntrain')));
    // the default output name leaves the wildcards out
    const named = await runCli(['train', 'shard-*.csv.gz', ...TRAIN], { cwd: dir });
    expect(named.code).toBe(0);
    expect(await params(join(dir, 'shard.nntrain'))).toEqual(await params(join(dir, 'plain.nntrain')));
  });

  it('train - reads the data from stdin (gzip too); predict - scores stdin as it arrives', async () => {
    const fromStdin = await runCli(['train', '-', ...TRAIN, '--out', join(dir, 'stdin.nntrain')], { cwd: dir, input: gzipSync(readFileSync(iris)) });
    expect(fromStdin.stderr).toBe('');
    expect(fromStdin.code).toBe(0);
    const model = join(dir, 'plain-p.nntrain');
    expect((await runCli(['train', iris, ...TRAIN, '--out', model], { cwd: dir })).code).toBe(0);
    expect(await params(join(dir, 'stdin.nntrain'))).toEqual(await params(model));
    const fromFile = await runCli(['predict', model, iris], { cwd: dir });
    expect(fromFile.code).toBe(0);
    const piped = await runCli(['predict', model, '-', '--chunk-rows', '7'], { cwd: dir, input: readFileSync(iris) });
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(fromFile.stdout);
    expect(piped.stdout.trim().split('\n')).toHaveLength(rows.length + 1);
    // --keep reads the kept columns beside the parser: from gzip shards too, not from a stream
    const kept = await runCli(['predict', model, iris, '--keep', 'petal_width'], { cwd: dir });
    expect(kept.code).toBe(0);
    const keptShards = await runCli(['predict', model, 'shard-*.csv.gz', '--keep', 'petal_width', '--chunk-rows', '11'], { cwd: dir });
    expect(keptShards.stderr).toBe('');
    expect(keptShards.stdout).toBe(kept.stdout);
    const keptStdin = await runCli(['predict', model, '-', '--keep', 'petal_width'], { cwd: dir, input: readFileSync(iris) });
    expect(keptStdin.code).toBe(1);
    expect(keptStdin.stderr).toContain('a stream can be read once: write it to a file to keep columns');
  });

  it('evaluate takes a gzip file; --val-file takes a pattern; a pattern that matches nothing fails naming it', async () => {
    const model = join(dir, 'eval.nntrain');
    expect((await runCli(['train', iris, ...TRAIN, '--out', model], { cwd: dir })).code).toBe(0);
    const gz = join(dir, 'iris.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(iris)));
    const a = await runCli(['evaluate', model, iris, '--json'], { cwd: dir });
    const b = await runCli(['evaluate', model, gz, '--json'], { cwd: dir });
    expect(b.code).toBe(0);
    expect((JSON.parse(b.stdout) as { metrics: unknown }).metrics).toEqual((JSON.parse(a.stdout) as { metrics: unknown }).metrics);
    const val = await runCli(['train', iris, ...TRAIN, '--val-file', 'shard-[12].csv.gz', '--out', join(dir, 'val.nntrain')], { cwd: dir });
    expect(val.stderr).toBe('');
    expect(val.code).toBe(0);
    const none = await runCli(['train', 'nothing-*.csv', ...TRAIN], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("nothing-*.csv' (the data file)");
    expect(none.stderr).toContain('no file matches');
  });
});
