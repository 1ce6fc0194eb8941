// `nntrain ensemble DATA.csv --target COL --models N` (and `train --ensemble N`): N models on the same
// split and preprocessing with seeds seed, seed+1, …; their predictions are averaged and the average is
// evaluated against each single model. The members are saved as model files, the ensemble as a manifest
// naming them, which evaluate and predict load like a model.

import { basename } from 'node:path';
import type { Command } from 'commander';
import { headlineMetrics, headlineValues, type EvaluationResult } from '../../evaluation/index.js';
import type { Matrix } from '../../data/matrix.js';
import { Output } from '../output.js';
import { preflightTraining } from '../preflight.js';
import { memberPath, writeManifest } from '../../models/ensemble-manifest.js';
import { formatTable, meanOf, metricCells } from '../table.js';
import { givenValues, resolveConfig, type TrainConfig } from '../train-config.js';
import { evaluateOutputs, runRecord, trainOne, type TrainedModel } from '../trainer.js';
import { prepareTraining } from '../pipeline/index.js';
import { recordOutput, throwIfInterrupted } from '../interrupt.js';
import { applyRuntime, backendLine, checkFiniteWeights, describeData, finishRun, printMetrics, splitRowsOf } from './common.js';
import { checkLaunch } from '../distributed/launch.js';
import { writeReport } from '../../report/index.js';

export async function ensembleCommand(dataArg: string | undefined, cmd: Command): Promise<void> {
  const { given } = await givenValues(cmd, 'ensemble');
  const cfg = resolveConfig('ensemble', dataArg, given);
  checkLaunch('ensemble', cfg.distributed === 'mpi');
  await preflightTraining(cfg, { members: cfg.models });
  const output = new Output(cfg.logFormat);
  try {
    applyRuntime(cfg);
    await trainEnsemble(cfg, cfg.models, output);
  } finally {
    output.close();
  }
}

/** Trains `n` members, compares them with their average, saves members, manifest and report. */
export async function trainEnsemble(cfg: TrainConfig, n: number, output: Output): Promise<void> {
  const { data, split } = await prepareTraining(cfg);
  describeData(output, data, splitRowsOf(split));
  const on = split.validation ?? split.train;
  const members: TrainedModel[] = [];
  let sum: Matrix | null = null;
  for (let k = 0; k < n; k++) {
    const seed = (cfg.seed + k) >>> 0;
    const label = `model ${k + 1}/${n}`;
    const result = await trainOne({ cfg, split, seed, output, label, lines: false });
    members.push(result);
    // the member's evaluation already predicted these rows: sum its outputs (a copy: the sum is summed into)
    const out = result.outputs;
    if (sum === null) sum = { data: out.data.slice(), rows: out.rows, cols: out.cols };
    else for (let i = 0; i < out.data.length; i++) sum.data[i] += out.data[i];
    const first = headlineMetrics(result.evaluation)[0];
    output.text(`${label} (seed ${seed}): ${result.history.epoch.length} epochs, ${first}`);
    output.event('model', { run: label, seed, epochs: result.history.epoch.length, ...headlineValues(result.evaluation) });
  }
  const average = sum as Matrix;
  for (let i = 0; i < average.data.length; i++) average.data[i] /= n;
  const ensemble = evaluateOutputs(average, data.target, on.yTrue);
  const where = split.validation !== null ? 'validation' : 'training';
  printComparison(output, members.map((m) => m.evaluation), ensemble, where);

  const paths = members.map((_, k) => memberPath(cfg.out, k));
  throwIfInterrupted();
  members.forEach((m, k) => checkFiniteWeights(m.model, `model ${k + 1} of the ensemble`));
  for (let k = 0; k < n; k++) {
    await members[k].model.save(paths[k], { includeOptimizer: false });
    recordOutput(paths[k]);
  }
  await writeManifest(cfg.out, paths, members.map((_, k) => (cfg.seed + k) >>> 0));
  recordOutput(cfg.out);
  output.text(`saved: ${cfg.out} (ensemble of ${n}: ${paths.map((p) => basename(p)).join(', ')})`);
  let reportError: unknown = null;
  if (cfg.report) {
    const singles = meanOf(members.map((m) => headlineValues(m.evaluation)));
    const report = await writeReport(cfg.out, {
      title: `nntrain ensemble of ${n}: ${basename(cfg.data)} → ${data.target.name}`,
      config: { ...runRecord(cfg), members: n, backend: backendLine(cfg.backend) },
      history: members[0].history,
      evaluation: ensemble,
      notes: [
        `averaged predictions of ${n} models with seeds ${cfg.seed}…${cfg.seed + n - 1}; the curves are those of model 1`,
        `mean of the single models on the ${where} rows: ${Object.entries(singles).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}`,
      ],
    }).catch((err: unknown) => void (reportError = err));
    if (report !== undefined) {
      recordOutput(report.htmlPath);
      recordOutput(report.svgPath);
      output.text(`report: ${report.htmlPath}\n        ${report.svgPath}`);
    }
  }
  output.event('saved', { model: cfg.out, members: paths });
  printMetrics(output, ensemble, `ensemble ${where}`, ensemble.samples);
  finishRun(cfg, { paths: null, reportError }, undefined, undefined);
}

/** The table of each member, their mean and the ensemble. */
function printComparison(output: Output, singles: EvaluationResult[], ensemble: EvaluationResult, where: string): void {
  const names = Object.keys(headlineValues(ensemble));
  const values = singles.map((e) => headlineValues(e));
  const rows = values.map((v, k) => [`model ${k + 1}`, ...metricCells(v, names)]);
  rows.push(['mean of models', ...metricCells(meanOf(values), names)]);
  rows.push(['ensemble', ...metricCells(headlineValues(ensemble), names)]);
  output.text(`\n${where} rows: single models against their average\n${formatTable(['', ...names], rows)}\n`);
  output.event('ensemble', { on: where, models: values, mean_of_models: meanOf(values), ensemble: headlineValues(ensemble) });
}
