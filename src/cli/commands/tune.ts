// `nntrain tune DATA.csv --target COL --grid '…' [--trials N]`: grid search (or seeded random search
// over the grid) on one validation split. Every trial's options are checked and its model built before
// the first one trains; trials are ranked by a validation metric and the best model is saved.

import { basename } from 'node:path';
import type { Command } from 'commander';
import { formatMetricValue, headlineValues } from '../../evaluation/index.js';
import { DivergenceError, NonFiniteError } from '../../util/errors.js';
import { UsageError } from '../errors.js';
import { parseGrid, trialsOf, type GridAxis } from '../grid.js';
import { buildModel } from '../model-builder.js';
import { Output } from '../output.js';
import { preflightTraining } from '../preflight.js';
import { prepareSplit, readTrainingData, standardSplit, type PreparedSplit, type TrainingData } from '../pipeline/index.js';
import { formatTable } from '../table.js';
import { givenValues, resolveConfig, type TrainConfig } from '../train-config.js';
import { runRecord, stepsPerEpoch, trainOne, type TrainedModel } from '../trainer.js';
import { applyRuntime, backendLine, describeData, finishRun, printMetrics, saveModelAndReport, splitRowsOf } from './common.js';
import { checkLaunch } from '../distributed/launch.js';

const HIGHER_IS_BETTER = ['accuracy', 'macro_precision', 'macro_recall', 'macro_f1', 'weighted_f1', 'roc_auc', 'r2'];
const REGRESSION_METRICS = ['mse', 'rmse', 'mae', 'r2'];

interface Trial {
  index: number;
  cfg: TrainConfig;
  texts: string[];
  score: number;
  values: Record<string, number>;
  epochs: number;
  seconds: number;
  diverged?: boolean;
}

export async function tuneCommand(dataArg: string | undefined, cmd: Command): Promise<void> {
  const { given } = await givenValues(cmd, 'tune');
  const cfg = resolveConfig('tune', dataArg, given);
  checkLaunch('tune', cfg.distributed === 'mpi');
  if (cfg.grid === undefined) throw new UsageError("missing --grid: the values to try, e.g. --grid 'lr=1e-3,1e-2 layers=64|128,64'");
  if (cfg.valSplit === 0 && cfg.valFile === undefined) throw new UsageError('tune ranks trials on validation data: give --val-split > 0 or --val-file');
  const axes = parseGrid(cfg.grid);
  const picks = trialsOf(axes, cfg.trials, cfg.seed);
  await preflightTraining(cfg, { members: 1 });
  const output = new Output(cfg.logFormat);
  try {
    applyRuntime(cfg);
    const data = await readTrainingData(cfg);
    const metric = rankingMetric(cfg.metric, data);
    const configs = picks.map((p) => withValues(cfg, axes, p));
    // The rows and the validation file are the same for every trial: split and read once. Only the
    // preprocessing differs, one prepared split per --scale value tried; with a single one, it may use
    // the data's own buffers.
    const cut = await standardSplit(cfg, data);
    const consume = new Set(configs.map((c) => c.scale)).size === 1;
    const splits = new Map<string, PreparedSplit>();
    const splitFor = (c: TrainConfig): PreparedSplit => {
      let split = splits.get(c.scale);
      if (split === undefined) {
        split = prepareSplit(data, cut, c.scale, consume);
        splits.set(c.scale, split);
      }
      return split;
    };
    const first = splitFor(configs[0]);
    for (const c of configs) {
      const split = splitFor(c);
      buildModel(c, split.train.x.cols, data.target, c.seed, { epochs: c.epochs, stepsPerEpoch: stepsPerEpoch(split.train.x.rows, c.batchSize), validation: split.validation !== null }).dispose();
    }
    describeData(output, data, splitRowsOf(first));
    output.text(`tune: ${configs.length} trial${configs.length === 1 ? '' : 's'}${cfg.trials !== undefined ? ' (random search)' : ''}, ranked by validation ${metric}`);
    const trials: Trial[] = [];
    let firstDivergence: DivergenceError | NonFiniteError | null = null;
    let best: { trial: Trial; result: TrainedModel; split: PreparedSplit } | null = null;
    for (const [i, c] of configs.entries()) {
      const label = `trial ${i + 1}/${configs.length}`;
      const split = splitFor(c);
      let result: TrainedModel;
      try {
        result = await trainOne({ cfg: c, split, seed: c.seed, output, label, lines: false });
      } catch (err) {
        // a trial that diverged ranks last; the search goes on
        if (!(err instanceof DivergenceError || err instanceof NonFiniteError)) throw err;
        firstDivergence ??= err;
        const trial: Trial = { index: i, cfg: c, texts: picks[i].map((k, a) => axes[a].texts[k]), score: NaN, values: {}, epochs: err.epoch + 1, seconds: 0, diverged: true };
        trials.push(trial);
        output.text(`${label}: ${describeTrial(axes, trial)}: diverged in epoch ${err.epoch + 1}`);
        output.event('trial', { trial: i + 1, trials: configs.length, options: optionsOf(axes, trial), diverged: true, epoch: err.epoch + 1, batch: err.batch + 1 });
        continue;
      }
      const values = headlineValues(result.evaluation);
      const trial: Trial = { index: i, cfg: c, texts: picks[i].map((k, a) => axes[a].texts[k]), score: values[metric], values, epochs: result.history.epoch.length, seconds: result.seconds };
      trials.push(trial);
      output.text(`${label}: ${describeTrial(axes, trial)}: ${metric} ${formatMetricValue(trial.score)} (${trial.epochs} epochs)`);
      output.event('trial', { trial: i + 1, trials: configs.length, options: optionsOf(axes, trial), epochs: trial.epochs, seconds: trial.seconds, ...values });
      if (best === null || better(metric, trial.score, best.trial.score)) best = { trial, result, split };
      else result.model.dispose();
    }
    const ranked = [...trials].sort((a, b) => (better(metric, a.score, b.score) ? -1 : better(metric, b.score, a.score) ? 1 : a.index - b.index));
    const header = ['rank', 'trial', ...axes.map((a) => a.key), metric, 'epochs', 'seconds'];
    const rows = ranked.map((t, r) => [String(r + 1), String(t.index + 1), ...t.texts, t.diverged === true ? 'diverged' : formatMetricValue(t.score), String(t.epochs), t.seconds.toFixed(1)]);
    output.text(`\n${formatTable(header, rows)}\n`);
    output.event('ranking', { metric, trials: ranked.map((t, r) => ({ rank: r + 1, trial: t.index + 1, options: optionsOf(axes, t), [metric]: t.score })) });
    if (best === null) throw firstDivergence ?? new UsageError('no trial to rank');
    const winner = best;
    output.text(`best: trial ${winner.trial.index + 1} (${describeTrial(axes, winner.trial)})`);
    const saved = await saveModelAndReport(output, winner.trial.cfg, winner.result.model, {
      title: `nntrain tune: ${basename(cfg.data)} → ${data.target.name} (best of ${configs.length})`,
      config: { ...runRecord(winner.trial.cfg), grid: cfg.grid, trials: configs.length, backend: backendLine(cfg.backend) },
      history: winner.result.history,
      evaluation: winner.result.evaluation,
      bestEpoch: winner.result.bestEpoch,
      notes: [`best of ${configs.length} trials by validation ${metric}: ${describeTrial(axes, winner.trial)}`],
    });
    printMetrics(output, winner.result.evaluation, winner.result.evaluatedOn, winner.result.evaluation.samples);
    finishRun(winner.trial.cfg, saved, undefined, undefined);
  } finally {
    output.close();
  }
}

/** --metric, or the task's default; it must be a metric of the task. */
function rankingMetric(metric: string, data: TrainingData): string {
  const regression = data.target.task === 'regression';
  if (metric === 'auto') return regression ? 'mse' : 'accuracy';
  if (REGRESSION_METRICS.includes(metric) !== regression) {
    throw new UsageError(`--metric ${metric} is a ${regression ? 'classification' : 'regression'} metric but '${data.target.name}' is a ${regression ? 'regression' : 'classification'} target`);
  }
  return metric;
}

function better(metric: string, a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return HIGHER_IS_BETTER.includes(metric) ? a > b : a < b;
}

function withValues(cfg: TrainConfig, axes: readonly GridAxis[], picks: readonly number[]): TrainConfig {
  const c: Record<string, unknown> = { ...cfg };
  axes.forEach((a, i) => (c[a.key] = a.values[picks[i]]));
  return c as unknown as TrainConfig;
}

function describeTrial(axes: readonly GridAxis[], t: Trial): string {
  return axes.map((a, i) => `${a.key}=${t.texts[i]}`).join(' ');
}

function optionsOf(axes: readonly GridAxis[], t: Trial): Record<string, unknown> {
  return Object.fromEntries(axes.map((a) => [a.key, (t.cfg as unknown as Record<string, unknown>)[a.key]]));
}
