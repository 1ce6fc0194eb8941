// Model selection on real data, on small settings: `cv` (per-fold metrics and mean ± std), `tune` (grid and
// seeded random search, a ranked table, the best model saved), and ensembles (`ensemble --models N` and
// `train --ensemble N`: single models against their average, a manifest that evaluate and predict load).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonEvents, readCsvRows, runCli, tempDir, writeBundledCsvs } from './helpers.js';

const { dir, cleanup } = tempDir('search');
let files: ReturnType<typeof writeBundledCsvs>;
beforeAll(() => {
  files = writeBundledCsvs(dir);
});
afterAll(cleanup);

const QUICK = ['--epochs', '6', '--lr', '0.01', '--layers', '16'];
const HEADLINE = ['accuracy', 'macro_precision', 'macro_recall', 'macro_f1', 'weighted_f1', 'roc_auc'];

describe('nntrain cv', () => {
  it('trains one model per fold and prints each metric as mean ± std', async () => {
    const [text, json] = await Promise.all([
      runCli(['cv', files.cancer, '--target', 'diagnosis', '--folds', '3', ...QUICK]),
      runCli(['cv', files.cancer, '--target', 'diagnosis', '--folds', '3', ...QUICK, '--log-format', 'json']),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("cv: 3 folds of 569 rows, target 'diagnosis' (binary)");
    expect(text.stdout).toMatch(/^fold 1\/3: 6 epochs, 190 test rows, accuracy 0\.9\d{3}/m);
    const summary = text.stdout.split('mean ± std over 3 folds:\n')[1].trim().split('\n');
    expect(summary.map((l) => l.split(':')[0])).toEqual(HEADLINE);
    for (const line of summary) expect(line).toMatch(/^\w+: \d\.\d{4} ± \d\.\d{4}$/);

    const events = jsonEvents(json.stdout);
    const folds = events.filter((e) => e.event === 'fold');
    expect(folds.map((f) => f.test_rows)).toEqual([190, 190, 189]);
    const cv = events.find((e) => e.event === 'cv') as { mean: Record<string, number>; std: Record<string, number> };
    const accuracies = folds.map((f) => f.accuracy as number);
    const mean = accuracies.reduce((a, b) => a + b) / 3;
    expect(cv.mean.accuracy).toBeCloseTo(mean, 12);
    expect(cv.std.accuracy).toBeCloseTo(Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / 3), 12);
    expect(summary[0]).toBe(`accuracy: ${cv.mean.accuracy.toFixed(4)} ± ${cv.std.accuracy.toFixed(4)}`);
  });
});

describe('nntrain tune', () => {
  it('tries every grid combination, ranks them and saves the best model with its report', async () => {
    const out = join(dir, 'tuned.nntrain');
    const run = await runCli(['tune', files.iris, '--target', 'species', '--grid', 'lr=1e-3,3e-2 layers=8|16,8', '--epochs', '8', '--out', out, '--log-format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const events = jsonEvents(run.stdout);
    const trials = events.filter((e) => e.event === 'trial');
    expect(trials.map((t) => t.options)).toEqual([
      { lr: 0.001, layers: [8] },
      { lr: 0.001, layers: [16, 8] },
      { lr: 0.03, layers: [8] },
      { lr: 0.03, layers: [16, 8] },
    ]);
    const ranking = (events.find((e) => e.event === 'ranking') as { trials: { trial: number; accuracy: number }[] }).trials;
    const accuracies = ranking.map((r) => r.accuracy);
    expect(accuracies).toEqual([...accuracies].sort((a, b) => b - a));
    const best = trials[ranking[0].trial - 1];
    expect(events.find((e) => e.event === 'metrics')).toMatchObject({ on: 'validation', accuracy: best.accuracy });
    expect(existsSync(out) && existsSync(join(dir, 'tuned.report.html'))).toBe(true);
    const info = JSON.parse((await runCli(['info', out, '--json'])).stdout) as { run: { lr: number; layers: number[] } };
    expect(info.run).toMatchObject(best.options as object);
  });

  it('--val-file with a --scale axis: every trial ranks on the file\'s rows, each scaler fitted on all training rows', async () => {
    const out = join(dir, 'scaled.nntrain');
    const run = await runCli(['tune', files.iris, '--target', 'species', '--val-file', files.iris, '--grid', 'scale=standard,minMax,none', '--epochs', '3', '--no-report', '--out', out, '--log-format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const events = jsonEvents(run.stdout);
    expect(events.filter((e) => e.event === 'trial').map((t) => t.options)).toEqual([{ scale: 'standard' }, { scale: 'minMax' }, { scale: 'none' }]);
    expect(events.find((e) => e.event === 'metrics')).toMatchObject({ on: 'validation', rows: 150 });
    const info = JSON.parse((await runCli(['info', out, '--json'])).stdout) as { run: { scale: string } };
    const ranking = (events.find((e) => e.event === 'ranking') as { trials: { trial: number }[] }).trials;
    expect(info.run.scale).toBe(['standard', 'minMax', 'none'][ranking[0].trial - 1]);
  });

  it('random search: --trials N seeded draws from the grid, and a ranked table for people', async () => {
    const args = ['tune', files.iris, '--target', 'species', '--grid', 'lr=1e-3,1e-2,3e-2 batch=16,32 dropout=0,0.2', '--trials', '3', '--epochs', '3', '--no-report', '--out', join(dir, 'random.nntrain')];
    const [a, b] = await Promise.all([runCli(args), runCli(args)]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toContain('tune: 3 trials (random search), ranked by validation accuracy');
    const picks = (out: string) => [...out.matchAll(/^trial \d\/3: (.*):/gm)].map((m) => m[1]);
    expect(picks(a.stdout)).toHaveLength(3);
    expect(new Set(picks(a.stdout)).size).toBe(3);
    expect(picks(b.stdout)).toEqual(picks(a.stdout)); // seeded
    expect(a.stdout).toMatch(/^rank\s+trial\s+lr\s+batchSize\s+dropout\s+accuracy\s+epochs\s+seconds$/m);
    expect(a.stdout).toMatch(/^best: trial \d \(lr=/m);
  });
});

describe('ensembles', () => {
  it('ensemble --models N compares the single models with their average and saves a loadable ensemble', async () => {
    const out = join(dir, 'ens.nntrain');
    const run = await runCli(['ensemble', files.cancer, '--target', 'diagnosis', '--models', '3', ...QUICK, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^model 3\/3 \(seed 44\): 6 epochs, accuracy: 0\.\d{4}$/m);
    expect(run.stdout).toMatch(/^mean of models\s+(\d\.\d{4}\s+){5}\d\.\d{4}$/m);
    expect(run.stdout).toMatch(/^ensemble\s+(\d\.\d{4}\s+){5}\d\.\d{4}$/m);
    const ensembleAccuracy = /^ensemble\s+(\d\.\d{4})/m.exec(run.stdout)?.[1];
    expect(run.stdout).toContain(`ensemble validation metrics (113 rows):\naccuracy: ${ensembleAccuracy}`);
    const manifest = JSON.parse(readFileSync(out, 'utf8')) as { format: string; members: string[]; seeds: number[] };
    expect(manifest).toMatchObject({ format: 'nntrain.ensemble', members: ['ens.member1.nntrain', 'ens.member2.nntrain', 'ens.member3.nntrain'], seeds: [42, 43, 44] });

    const pred = join(dir, 'ens-pred.csv');
    const [evaluate, predict, info] = await Promise.all([runCli(['evaluate', out, files.cancer]), runCli(['predict', out, files.cancer, '--out', pred]), runCli(['info', out])]);
    expect(evaluate.code, evaluate.stderr).toBe(0);
    expect(evaluate.stdout).toMatch(/^accuracy: 0\.9\d{3}$/m);
    expect(predict.code, predict.stderr).toBe(0);
    const rows = readCsvRows(pred);
    expect(rows[0]).toEqual(['diagnosis', 'prob_malignant', 'prob_benign']);
    expect(rows).toHaveLength(570);
    expect(info.stdout).toContain('ensemble of 3 models');
  });

  it('train --ensemble N does the same from the train command', async () => {
    const run = await runCli(['train', files.iris, '--target', 'species', '--ensemble', '2', ...QUICK, '--no-report', '--out', join(dir, 'iris-ens.nntrain')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('saved: ' + join(dir, 'iris-ens.nntrain') + ' (ensemble of 2: iris-ens.member1.nntrain, iris-ens.member2.nntrain)');
    expect(existsSync(join(dir, 'iris-ens.report.html'))).toBe(false);
  });
});
