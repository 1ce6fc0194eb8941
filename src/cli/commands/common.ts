// Steps the training commands share around the data pipeline (../pipeline/): runtime settings (threads),
// describing the data in one line, printing metrics, and saving a model with its report.

import { basename } from 'node:path';
import { getBackend, nativeAvailable } from '../../backend/index.js';
import { setThreads } from '../../backend/native.js';
import { headlineMetrics, headlineValues, type EvaluationResult } from '../../evaluation/index.js';
import type { Sequential } from '../../models/sequential.js';
import { writeReport, type ReportPaths } from '../../report/index.js';
import type { History } from '../../training/history.js';
import type { Output } from '../output.js';
import type { DataSummary, PreparedSplit } from '../pipeline/index.js';
import type { TrainConfig } from '../train-config.js';

/** Applies --threads to the native pool (results do not depend on it). */
export function applyRuntime(cfg: TrainConfig): void {
  if (cfg.threads !== undefined && cfg.backend !== 'js' && nativeAvailable()) setThreads(cfg.threads);
}

/** The backend and kernel line shown by info, --version and the report. */
export function backendLine(name?: string): string {
  const info = getBackend(name).info();
  return `${info.name} (kernel ${info.kernel}, ${info.threads} thread${info.threads === 1 ? '' : 's'})`;
}

/** One line about the data: rows, features, target and task, and the split. */
export function describeData(output: Output, data: DataSummary, split: PreparedSplit): void {
  const t = data.target;
  const task = t.task === 'regression' ? 'regression' : `${t.labels?.length ?? 0} classes: ${t.labels?.slice(0, 10).join(', ')}${(t.labels?.length ?? 0) > 10 ? ', …' : ''}`;
  const dropped = data.droppedRows > 0 ? ` (${data.droppedRows} rows without a target dropped)` : '';
  const val = split.validation === null ? 'no validation rows' : `${split.validation.x.rows} validation rows`;
  output.text(`data: ${basename(data.path)}: ${data.rows} rows${dropped}, ${data.xColumns.length} input columns, target '${t.name}' (${task}); ${split.train.x.rows} training rows, ${val}`);
  output.event('data', {
    file: data.path,
    rows: data.rows,
    dropped_rows: data.droppedRows,
    inputs: data.xColumns.length,
    target: t.name,
    task: t.task,
    classes: t.labels,
    training_rows: split.train.x.rows,
    validation_rows: split.validation?.x.rows ?? 0,
  });
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

/**
 * Saves the model (without optimizer state: checkpoints carry that) and, unless --no-report, its report
 * beside it; prints where.
 * @throws ModelFileError when the model cannot be written.
 */
export async function saveModelAndReport(output: Output, cfg: TrainConfig, model: Sequential, report: ReportContent): Promise<ReportPaths | null> {
  await model.save(cfg.out, { includeOptimizer: false });
  let paths: ReportPaths | null = null;
  if (cfg.report) {
    paths = await writeReport(cfg.out, {
      title: report.title,
      config: report.config,
      history: report.history,
      evaluation: report.evaluation,
      ...(report.bestEpoch !== undefined ? { curves: { bestEpoch: report.bestEpoch } } : {}),
      ...(report.notes !== undefined ? { notes: report.notes } : {}),
    });
  }
  output.text(`saved: ${cfg.out}${paths ? `\nreport: ${paths.htmlPath}\n        ${paths.svgPath}` : ''}`);
  output.event('saved', { model: cfg.out, ...(paths ? { report_html: paths.htmlPath, report_svg: paths.svgPath } : {}) });
  return paths;
}
