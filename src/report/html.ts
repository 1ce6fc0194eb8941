// The training report as one self-contained HTML page: inline CSS and SVG, no scripts, no external
// requests (a Content-Security-Policy says so to the browser too). Every value is escaped here.

import { formatClassificationReport } from '../evaluation/format.js';
import { formatMetricValue, headlineValues } from '../evaluation/headline.js';
import type { ClassificationResult, EvaluationResult, RegressionResult } from '../evaluation/types.js';
import { ConfigError } from '../util/errors.js';
import { describe, isPlainObject, readOptions } from '../util/validate.js';
import { learningCurvesSvg, type LearningCurvesOptions } from './learning-curves.js';
import { el, escapeXml } from './markup.js';
import { historyEpochs, type HistoryLike } from './panels.js';
import { REPORT_CSS } from './style.js';
import { flattenConfig, formatConfigValue } from './config-table.js';

/** Options of {@link reportHtml}; every part is optional and left out of the page when not given. */
export interface ReportOptions {
  /** The page title (default 'nntrain training report'). */
  title?: string;
  /** The run's configuration (options, data file, seed, …); nested objects are shown as dotted keys. */
  config?: Readonly<Record<string, unknown>>;
  /** Final metrics, name → value (default: the headline values of `evaluation`). */
  metrics?: Readonly<Record<string, number | string>>;
  /** An evaluation result: adds the per-class table and confusion matrix, or the per-output table. */
  evaluation?: EvaluationResult;
  /** The training history: adds the per-epoch table, and the curves when `svg` is not given. */
  history?: HistoryLike;
  /** The learning curves as SVG markup (default: learningCurvesSvg(history, curves)). Must not hold scripts or links. */
  svg?: string;
  /** Options for the default curves. */
  curves?: LearningCurvesOptions;
  /** Free lines shown under the title (e.g. 'early stopping restored epoch 12'). */
  notes?: readonly string[];
  /** Shown in the footer, e.g. a timestamp (default none, so the same run gives the same page). */
  generated?: string;
}

export const REPORT_OPTION_KEYS = ['title', 'config', 'metrics', 'evaluation', 'history', 'svg', 'curves', 'notes', 'generated'] as const;

/**
 * A self-contained HTML page for a training run: title and notes, final metrics, the learning curves,
 * the per-class metrics and confusion matrix (classification) or per-output metrics (regression), the
 * configuration table, and the per-epoch values. The CSS and SVG are inline; a Content-Security-Policy
 * meta tag forbids scripts and every external request. Text from the options (titles, keys, values,
 * label names) is HTML-escaped; numbers are printed as by the CLI (4 decimals, `nan`).
 * @example await writeFile('run.html', reportHtml({ title: 'digits', config, history, evaluation }));
 * @throws ConfigError for a bad option, or an `svg` that is not a plain `<svg>` element (scripts,
 *   event handlers, links and foreign objects are refused).
 */
export function reportHtml(options: ReportOptions): string {
  const opts = readOptions<ReportOptions>('reportHtml', options, REPORT_OPTION_KEYS);
  const title = opts.title ?? 'nntrain training report';
  if (typeof title !== 'string') throw new ConfigError(`Expected a string for title but received ${describe(title)}`);
  const svg = opts.svg !== undefined ? checkSvg(opts.svg) : opts.history !== undefined ? learningCurvesSvg(opts.history, opts.curves) : undefined;
  const metrics = opts.metrics ?? (opts.evaluation ? headlineValues(opts.evaluation) : undefined);
  if (metrics !== undefined && !isPlainObject(metrics)) throw new ConfigError(`Expected an object of name → value for metrics but received ${describe(metrics)}`);
  if (opts.config !== undefined && !isPlainObject(opts.config)) throw new ConfigError(`Expected an object for config but received ${describe(opts.config)}`);
  if (opts.notes !== undefined && !Array.isArray(opts.notes)) throw new ConfigError(`Expected an array of strings for notes but received ${describe(opts.notes)}`);

  const sections: string[] = [el('h1', {}, escapeXml(title))];
  if (opts.notes?.length) sections.push(el('ul', { class: 'notes' }, opts.notes.map((n) => el('li', {}, escapeXml(String(n)))).join('')));
  if (metrics) sections.push(section('Final metrics', keyValueTable(Object.entries(metrics).map(([k, v]) => [k, typeof v === 'number' ? formatMetricValue(v) : String(v)]), 'metrics')));
  if (svg) sections.push(section('Learning curves', el('div', { class: 'figure' }, svg)));
  if (opts.evaluation?.task === 'classification') sections.push(...classificationSections(opts.evaluation));
  if (opts.evaluation?.task === 'regression') sections.push(section('Per-output metrics', regressionTable(opts.evaluation)));
  if (opts.config) sections.push(section('Configuration', keyValueTable(flattenConfig(opts.config).map(([k, v]) => [k, formatConfigValue(v)]), 'config')));
  if (opts.history) sections.push(historySection(opts.history));
  const footer = el('footer', {}, escapeXml(`nntrain report${opts.generated !== undefined ? ` · ${String(opts.generated)}` : ''}`));

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    el('title', {}, escapeXml(title)),
    el('style', {}, REPORT_CSS),
    '</head>',
    '<body>',
    el('main', {}, `\n${sections.join('\n')}\n${footer}\n`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * `svg` if it is one plain <svg> element. Refuses, inside tags, what could run code, load anything or
 * escape the figure: script/style/foreignObject/iframe/image/use elements, on* handlers, href, url().
 * Text between tags is not inspected: in well-formed markup it cannot hold '<'.
 */
function checkSvg(svg: unknown): string {
  if (typeof svg !== 'string') throw new ConfigError(`Expected SVG markup (a string) for svg but received ${describe(svg)}`);
  const text = svg.trim().replace(/^<\?xml[^>]*\?>\s*/, '');
  if (!/^<svg[\s>]/.test(text) || !text.endsWith('</svg>')) throw new ConfigError('Expected svg to be one <svg>…</svg> element');
  for (const [tag] of text.matchAll(/<[^>]*>?/g)) {
    const bad = /^<\/?\s*(script|style|foreignObject|iframe|image|use|a)\b|\son[a-z]+\s*=|href\s*=|url\s*\(|javascript:|<!/i.exec(tag);
    if (bad) throw new ConfigError(`Refusing svg markup with '${bad[0].trim()}': the report must not run scripts or load anything`);
  }
  return text;
}

function section(heading: string, body: string): string {
  return el('section', {}, `${el('h2', {}, escapeXml(heading))}\n${body}`);
}

/** Two-column table of already formatted strings. */
function keyValueTable(rows: readonly (readonly [string, string])[], kind: string): string {
  const body = rows.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, escapeXml(k)) + el('td', {}, escapeXml(v)))).join('\n');
  return el('table', { class: `kv ${kind}` }, `\n${body}\n`);
}

function classificationSections(r: ClassificationResult): string[] {
  const f = (v: number) => escapeXml(formatMetricValue(v));
  const head = el('tr', {}, ['class', 'precision', 'recall', 'f1-score', 'support'].map((h) => el('th', {}, h)).join(''));
  const rows = r.perClass.map((m, k) => el('tr', {}, el('th', { scope: 'row' }, escapeXml(r.labelNames[k])) + [f(m.precision), f(m.recall), f(m.f1), String(m.support)].map((c) => el('td', {}, c)).join('')));
  const avg = (name: string, a: { precision: number; recall: number; f1: number }) =>
    el('tr', { class: 'avg' }, el('th', { scope: 'row' }, name) + [f(a.precision), f(a.recall), f(a.f1), String(r.samples)].map((c) => el('td', {}, c)).join(''));
  const perClass = el('table', { class: 'grid per-class' }, `\n${[head, ...rows, avg('macro avg', r.macro), avg('weighted avg', r.weighted)].join('\n')}\n`);

  let max = 0;
  for (const row of r.confusion) for (const v of row) max = Math.max(max, v);
  const cmHead = el('tr', {}, el('th', {}, 'true \\ predicted') + r.labelNames.map((n) => el('th', {}, escapeXml(n))).join(''));
  const cmRows = r.confusion.map((counts, t) => {
    const cells = counts.map((v, p) => {
      const alpha = max === 0 ? 0 : (0.55 * v) / max; // light enough to read the count on the darkest cell
      return el('td', { class: t === p ? 'diag' : undefined, style: `background: rgba(31, 119, 180, ${alpha.toFixed(3)})`, 'data-true': t, 'data-pred': p }, String(v));
    });
    return el('tr', {}, el('th', { scope: 'row' }, escapeXml(r.labelNames[t])) + cells.join(''));
  });
  const confusion = el('table', { class: 'grid confusion' }, `\n${[cmHead, ...cmRows].join('\n')}\n`);
  const text = el('details', {}, el('summary', {}, 'As text') + el('pre', {}, escapeXml(formatClassificationReport(r))));
  return [section('Per-class metrics', `${perClass}\n${text}`), section('Confusion matrix (rows: true class, columns: predicted class)', confusion)];
}

function regressionTable(r: RegressionResult): string {
  const f = (v: number) => escapeXml(formatMetricValue(v));
  const head = el('tr', {}, ['output', 'mse', 'rmse', 'mae', 'r2'].map((h) => el('th', {}, h)).join(''));
  const line = (name: string, m: { mse: number; rmse: number; mae: number; r2: number }, cls?: string) =>
    el('tr', { class: cls }, el('th', { scope: 'row' }, escapeXml(name)) + [m.mse, m.rmse, m.mae, m.r2].map((v) => el('td', {}, f(v))).join(''));
  const rows = r.perOutput.map((m, k) => line(r.outputNames[k], m));
  if (r.outputs > 1) rows.push(line('mean', r, 'avg'));
  return el('table', { class: 'grid per-output' }, `\n${[head, ...rows].join('\n')}\n`);
}

function historySection(history: HistoryLike): string {
  const epochs = historyEpochs(history);
  const keys = Object.keys(history.history);
  const head = el('tr', {}, el('th', {}, 'epoch') + keys.map((k) => el('th', {}, escapeXml(k))).join(''));
  const rows = epochs.map((e, i) => el('tr', {}, el('td', {}, escapeXml(String(e + 1))) + keys.map((k) => el('td', {}, escapeXml(formatMetricValue(Number(history.history[k][i]))))).join('')));
  const table = el('table', { class: 'grid history' }, `\n${[head, ...rows].join('\n')}\n`);
  return section('Per-epoch values', el('details', {}, `${el('summary', {}, `${epochs.length} epoch${epochs.length === 1 ? '' : 's'}`)}\n${table}`));
}
