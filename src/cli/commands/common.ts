// Steps the training commands share around the data pipeline (../pipeline/): runtime settings (threads),
// describing the data in one line, printing metrics, and saving a model with its report.

import { basename } from 'node:path';
import { getBackend, nativeAvailable } from '../../backend/index.js';
import { setThreads } from '../../backend/native.js';
import { headlineMetrics, headlineValues, type EvaluationResult } from '../../evaluation/index.js';
import type { Sequential } from '../../models/sequential.js';
import { writeReport, type ReportPaths } from '../../report/index.js';
import type { History } from '../../training/history.js';
import { NNTrainError } from '../../util/errors.js';
import { PartialError } from '../errors.js';
import { InterruptedError, recordOutput, throwIfInterrupted } from '../interrupt.js';
import type { Output } from '../output.js';
import type { DataSummary, PreparedSplit } from '../pipeline/index.js';
import type { TrainConfig } from '../train-config.js';
import { reportImputed } from './scoring-flags.js';

/** Applies --threads to the native pool (results do not depend on it). */
export function applyRuntime(cfg: TrainConfig): void {
  if (cfg.threads !== undefined && cfg.backend !== 'js' && nativeAvailable()) setThreads(cfg.threads);
}

/** The backend and kernel line shown by info, --version and the report. */
export function backendLine(name?: string): string {
  const info = getBackend(name).info();
  return `${info.name} (kernel ${info.kernel}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`;
}

/** Rows of the training and validation parts: this process's, or every rank's together in a distributed run. */
export interface SplitRows {
  training: number;
  validation: number;
}

/** The rows of each part of `split`. */
export function splitRowsOf(split: PreparedSplit): SplitRows {
  return { training: split.train.x.rows, validation: split.validation?.x.rows ?? 0 };
}

/** One line about the data: rows (of the whole file), features, target and task, and the split. */
export function describeData(output: Output, data: DataSummary, parts: SplitRows): void {
  const t = data.target;
  const { rows, droppedRows } = data.total;
  const task = t.task === 'regression' ? 'regression' : `${t.labels?.length ?? 0} classes: ${t.labels?.slice(0, 10).join(', ')}${(t.labels?.length ?? 0) > 10 ? ', …' : ''}`;
  const dropped = droppedRows > 0 ? ` (${droppedRows} rows without a target dropped)` : '';
  const val = parts.validation === 0 ? 'no validation rows' : `${parts.validation} validation rows`;
  output.text(`data: ${basename(data.path)}: ${rows} rows${dropped}, ${data.xColumns.length} input columns, target '${t.name}' (${task}); ${parts.training} training rows, ${val}`);
  output.event('data', {
    file: data.path,
    rows,
    dropped_rows: droppedRows,
    inputs: data.xColumns.length,
    target: t.name,
    task: t.task,
    classes: t.labels,
    training_rows: parts.training,
    validation_rows: parts.validation,
  });
  reportImputed(output, data.missing, data.path);
}

/** Prints the headline metrics of an evaluation as `name: value` lines (and one event). */
export function printMetrics(output: Output, evaluation: EvaluationResult, on: string, rows: number): void {
  output.text(`${on} metrics (${rows} rows):`);
  for (const line of headlineMetrics(evaluation)) output.text(line);
  output.event('metrics', { on, rows, ...headlineValues(evaluation) });
}

/** What a saved model's report shows. */
export interface ReportContent {
  title: string;
  config: Record<string, unknown>;
  history: History;
  evaluation: EvaluationResult;
  bestEpoch: number | undefined;
  notes?: string[];
}

/** What saveModelAndReport wrote, and the report's failure (the model is then saved and complete). */
export interface SavedRun {
  paths: ReportPaths | null;
  reportError: unknown;
}

/**
 * Saves the model (without optimizer state: checkpoints carry that) and, unless --no-report, its report
 * beside it; prints where. A report that cannot be written does not undo the model: it comes back in
 * `reportError`, for finishRun to report once the metrics are printed.
 * @throws ModelFileError when the model cannot be written; NNTrainError for weights that are not finite
 *   (nothing is saved); InterruptedError after SIGINT/SIGTERM.
 */
export async function saveModelAndReport(output: Output, cfg: TrainConfig, model: Sequential, report: ReportContent): Promise<SavedRun> {
  throwIfInterrupted();
  checkFiniteWeights(model);
  await model.save(cfg.out, { includeOptimizer: false });
  recordOutput(cfg.out);
  let paths: ReportPaths | null = null;
  let reportError: unknown = null;
  if (cfg.report) {
    try {
      throwIfInterrupted();
      paths = await writeReport(cfg.out, {
        title: report.title,
        config: report.config,
        history: report.history,
        evaluation: report.evaluation,
        ...(report.bestEpoch !== undefined ? { curves: { bestEpoch: report.bestEpoch } } : {}),
        ...(report.notes !== undefined ? { notes: report.notes } : {}),
      });
      recordOutput(paths.htmlPath);
      recordOutput(paths.svgPath);
    } catch (err) {
      if (err instanceof InterruptedError) throw err;
      reportError = err;
    }
  }
  output.text(`saved: ${cfg.out}${paths ? `\nreport: ${paths.htmlPath}\n        ${paths.svgPath}` : ''}`);
  output.event('saved', { model: cfg.out, ...(paths ? { report_html: paths.htmlPath, report_svg: paths.svgPath } : {}) });
  return { paths, reportError };
}

/** @throws NNTrainError when a weight is NaN or infinite: such a model would predict NaN. */
export function checkFiniteWeights(model: Sequential, what = 'the trained model'): void {
  const params = model.params;
  for (let i = 0; i < params.length; i++) {
    if (!Number.isFinite(params[i])) {
      throw new NNTrainError('ERR_NNTRAIN_NON_FINITE', `${what} has a NaN or infinite weight (parameter ${i}): training diverged; nothing was saved. Try a lower --lr or --clip-norm.`);
    }
  }
}

/**
 * Ends a training command that saved its model: a divergence whose best earlier weights were saved is a
 * failure (exit 1) that says which epoch's weights the file holds; a report that could not be written is
 * a partial result (exit 3) that says the model is fine.
 */
export function finishRun(cfg: TrainConfig, saved: SavedRun, diverged: NNTrainError | undefined, bestEpoch: number | undefined): void {
  if (diverged !== undefined) {
    throw new NNTrainError(
      diverged.code,
      `${diverged.message} ${cfg.out} holds the weights of epoch ${(bestEpoch ?? 0) + 1}, the best before the divergence (kept by early stopping).`,
    );
  }
  if (saved.reportError !== null) {
    const err = saved.reportError;
    const why = err instanceof Error ? err.message : String(err);
    throw new PartialError(`the report beside ${cfg.out} could not be written (${why}); the model ${cfg.out} is saved and complete`, { cause: err });
  }
}
