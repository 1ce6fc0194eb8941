// `nntrain cv DATA.csv --target COL --folds K`: k-fold cross-validation (stratified for classes, seeded
// shuffle). Each fold fits its own preprocessing on its training rows, holds out --val-split of them for
// early stopping, and is scored on its test fold; the summary is the mean ± std of each headline metric.

import type { Command } from 'commander';
import { kFold } from '../../data/preprocess/index.js';
import { formatMetricValue, headlineValues } from '../../evaluation/index.js';
import { UsageError } from '../errors.js';
import { Output } from '../output.js';
import { preflightTraining } from '../preflight.js';
import { stdoutIsTheProduct } from '../stdio.js';
import { prepareSplit, readTrainingData, splitRows, takeRows, transformRows } from '../pipeline/index.js';
import { formatTable, meanStd, metricCells } from '../table.js';
import { givenValues, resolveConfig } from '../train-config.js';
import { evaluateModel, trainOne } from '../trainer.js';
import { applyRuntime } from './common.js';
import { checkLaunch } from '../distributed/launch.js';

export async function cvCommand(dataArg: string | undefined, cmd: Command): Promise<void> {
  const { given } = await givenValues(cmd, 'cv');
  const cfg = resolveConfig('cv', dataArg, given);
  checkLaunch('cv', cfg.distributed === 'mpi');
  if (cfg.valFile !== undefined) throw new UsageError('--val-file does not apply to cv: each fold holds out --val-split of its training rows');
  await preflightTraining(cfg, null);
  stdoutIsTheProduct(); // cv's result is what it prints
  const output = new Output(cfg.logFormat);
  try {
    applyRuntime(cfg);
    const data = await readTrainingData(cfg);
    if (cfg.folds > data.rows) throw new UsageError(`--folds ${cfg.folds} is more than the ${data.rows} rows of ${cfg.data}`);
    const stratify = data.target.task === 'regression' ? {} : { stratify: data.y };
    const folds = kFold(data.rows, { k: cfg.folds, shuffle: true, seed: cfg.seed, ...stratify });
    output.text(`cv: ${cfg.folds} folds of ${data.rows} rows, target '${data.target.name}' (${data.target.task})`);
    const scores: Record<string, number>[] = [];
    for (const fold of folds) {
      const label = `fold ${fold.fold + 1}/${cfg.folds}`;
      const rows = splitRows(data, cfg.valSplit, cfg.seed, fold.train);
      const split = prepareSplit(data, rows, cfg.scale, false);
      const result = await trainOne({ cfg, split, seed: cfg.seed, output, label, lines: false });
      const test = transformRows(split.pre, takeRows(data, fold.test, false), true);
      const evaluation = await evaluateModel(result.model, split.pre, test.x, test.yTrue);
      const values = headlineValues(evaluation);
      scores.push(values);
      output.text(`${label}: ${result.history.epoch.length} epochs, ${fold.test.length} test rows, ${Object.entries(values).map(([k, v]) => `${k} ${formatMetricValue(v)}`).join(', ')}`);
      output.event('fold', { fold: fold.fold + 1, folds: cfg.folds, epochs: result.history.epoch.length, test_rows: fold.test.length, ...values });
    }
    const names = Object.keys(scores[0]);
    const summary = Object.fromEntries(names.map((n) => [n, meanStd(scores.map((s) => s[n]))]));
    const rows = scores.map((s, i) => [`fold ${i + 1}`, ...metricCells(s, names)]);
    output.text(`\n${formatTable(['', ...names], rows)}\n`);
    output.text(`mean ± std over ${cfg.folds} folds:`);
    for (const n of names) output.text(`${n}: ${formatMetricValue(summary[n].mean)} ± ${formatMetricValue(summary[n].std)}`);
    output.event('cv', { folds: cfg.folds, rows: data.rows, mean: mapValues(summary, 'mean'), std: mapValues(summary, 'std') });
  } finally {
    output.close();
  }
}

function mapValues(summary: Record<string, { mean: number; std: number }>, key: 'mean' | 'std'): Record<string, number> {
  return Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, v[key]]));
}
