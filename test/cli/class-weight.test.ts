// `nntrain train --class-weight`: balanced (scikit-learn's n_samples / (n_classes · n_c)) or a JSON map of
// class label → weight, saved in the model's run options; a label the target lacks, text that is not JSON
// and a regression target are usage errors naming the flag.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classWeights } from '../../src/cli/class-weight.js';
import { UsageError } from '../../src/cli/errors.js';
import { loadModel } from '../../src/index.js';
import { runCli, tempDir, writeBundledCsvs } from './helpers.js';

const { dir, cleanup } = tempDir('class-weight');
let files: ReturnType<typeof writeBundledCsvs>;
beforeAll(() => {
  files = writeBundledCsvs(dir);
});
afterAll(cleanup);

const train = (out: string, ...flags: string[]) => runCli(['train', files.iris, '--target', 'species', '--epochs', '2', '--seed', '5', '--layers', '8', '--no-report', '--out', out, ...flags]);
const runOptions = async (out: string) => (JSON.parse((await runCli(['info', out, '--json'])).stdout) as { run: { classWeight?: unknown } }).run;
const params = async (out: string) => {
  const m = await loadModel(out);
  const p = Array.from(m.params);
  m.dispose();
  return p;
};

describe('classWeights', () => {
  const target = { name: 'c', task: 'binary' as const, labels: ['no', 'yes'], classValues: null };
  const y = { data: Float32Array.from([0, 1, 1, 1]), rows: 4, cols: 1 };
  it('balanced is rows / (classes · rows of the class); a map sets the named classes, the rest 1', () => {
    expect(classWeights('balanced', target, y)).toEqual([2, 4 / 6]);
    expect(classWeights({ yes: 3 }, target, y)).toEqual([1, 3]);
    expect(classWeights(undefined, target, y)).toBeNull();
  });
  it('rejects a label the target lacks and a regression target', () => {
    expect(() => classWeights({ maybe: 2 }, target, y)).toThrow(new UsageError("--class-weight names the class 'maybe', which the target 'c' does not have (classes: no, yes)"));
    expect(() => classWeights('balanced', { ...target, task: 'regression', labels: null }, y)).toThrow(/--class-weight needs a classification target/);
  });
});

describe('nntrain train --class-weight', () => {
  it('balanced and a JSON map train, are saved in the run options, and change the weights', async () => {
    const plain = join(dir, 'plain.nntrain');
    const balanced = join(dir, 'balanced.nntrain');
    const mapped = join(dir, 'mapped.nntrain');
    for (const [out, flags] of [[plain, []], [balanced, ['--class-weight', 'balanced']], [mapped, ['--class-weight', '{"virginica": 5}']]] as const) {
      const run = await train(out, ...flags);
      expect(run.code, run.stderr).toBe(0);
    }
    expect((await runOptions(balanced)).classWeight).toBe('balanced');
    expect((await runOptions(mapped)).classWeight).toEqual({ virginica: 5 });
    expect((await runOptions(plain)).classWeight).toBeUndefined();
    expect(await params(mapped)).not.toEqual(await params(plain));
  });

  it('a label the target lacks, text that is not JSON and a negative weight are usage errors', async () => {
    const bad = await train(join(dir, 'bad.nntrain'), '--class-weight', '{"tulip": 2}');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--class-weight names the class 'tulip'");
    const json = await train(join(dir, 'json.nntrain'), '--class-weight', '{virginica: 2}');
    expect(json.code).toBe(2);
    expect(json.stderr).toContain("--class-weight '{virginica: 2}' is not valid JSON");
    const negative = await train(join(dir, 'neg.nntrain'), '--class-weight', '{"virginica": -1}');
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain('--class-weight');
  });
});
