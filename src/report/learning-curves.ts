// The learning-curve figure: an SVG drawn from a History, one panel for the loss and one for a metric,
// each with training and validation curves. Every curve is a <polyline data-series="key"> whose points
// come from the documented linear mapping, and each panel carries that mapping in data-* attributes, so
// a test (or a script) can read the values back from the image.

import { ConfigError } from '../util/errors.js';
import { checkInteger, checkNumber, describe, readOptions } from '../util/validate.js';
import { el, escapeXml, num } from './markup.js';
import { choosePanels, historyEpochs, type HistoryLike, type Panel, type Series } from './panels.js';
import { epochAxis, linearScale, niceAxis, tickLabel, type NiceAxis } from './scale.js';

/** Options of {@link learningCurvesSvg}. */
export interface LearningCurvesOptions {
  /** The figure title (default 'Learning curves'). */
  title?: string;
  /** The metric of the second panel (a history key such as 'accuracy'); default: chosen from the history; null: loss only. */
  metric?: string | null;
  /** Width in px, 320–10000 (default 720). */
  width?: number;
  /** Height of each panel in px, 160–5000 (default 260). */
  panelHeight?: number;
  /** An epoch (0-based, as in history.epoch) to mark with a vertical line, e.g. the best epoch early stopping restored. */
  bestEpoch?: number;
}

const OPTION_KEYS = ['title', 'metric', 'width', 'panelHeight', 'bestEpoch'] as const;

const TITLE_HEIGHT = 40;
const PANEL_GAP = 10;
const MARGIN = { left: 72, right: 20, header: 30, footer: 46 };
const COLORS = { train: '#1f77b4', validation: '#e8590c', axis: '#333333', grid: '#e6e6e6', best: '#2f9e44' };
/** Up to this many epochs every point gets a marker; beyond, only isolated points (between gaps). */
const MARKER_LIMIT = 60;

/**
 * An SVG (a standalone document string) of the learning curves in `history`.
 *
 * Layout: the title, then one panel per quantity: 'loss' (loss, val_loss) and the metric (e.g. accuracy,
 * val_accuracy) when the history has one. Training curves are solid, validation curves dashed.
 *
 * Mapping (documented so the image can be checked): each panel is a `<g data-panel="name"
 * data-x-domain="xMin xMax" data-y-domain="yMin yMax" data-plot="x0 y0 x1 y1">`; a value v logged at
 * epoch e (0-based) is drawn at
 *
 *   px = x0 + (e + 1 − xMin) / (xMax − xMin) · (x1 − x0)
 *   py = y1 − (v − yMin) / (yMax − yMin) · (y1 − y0)
 *
 * (x is the 1-based epoch; the y domain is the nice-tick range around the panel's finite values),
 * rounded to 0.01 px. Each curve is one or more `<polyline data-series="key" points="px,py …">`:
 * a NaN or ±Infinity value is left out and splits the curve (a gap), and isolated points also get a
 * `<circle>` so they stay visible. One epoch gives a one-point curve in mid-axis; a constant series gets
 * a non-zero y range around its value. An empty history gives a figure that says so.
 *
 * @example await writeFile('curves.svg', learningCurvesSvg(history, { bestEpoch: 12 }));
 * @throws ConfigError for a bad option or a `metric` the history does not hold.
 * @throws ShapeError when the history's series differ in length from its epochs.
 */
export function learningCurvesSvg(history: HistoryLike, options?: LearningCurvesOptions): string {
  const opts = readOptions<LearningCurvesOptions>('learningCurvesSvg', options, OPTION_KEYS);
  const title = opts.title ?? 'Learning curves';
  if (typeof title !== 'string') throw new ConfigError(`Expected a string for title but received ${describe(title)}`);
  const width = opts.width === undefined ? 720 : checkInteger('width', opts.width, { min: 320, max: 10000 });
  const panelHeight = opts.panelHeight === undefined ? 260 : checkInteger('panelHeight', opts.panelHeight, { min: 160, max: 5000 });
  const bestEpoch = opts.bestEpoch === undefined ? undefined : checkNumber('bestEpoch', opts.bestEpoch);
  if (opts.metric !== undefined && opts.metric !== null && typeof opts.metric !== 'string') {
    throw new ConfigError(`Expected a history key or null for metric but received ${describe(opts.metric)}`);
  }

  const epochs = historyEpochs(history);
  const panels = epochs.length === 0 ? [] : choosePanels(history, opts.metric);
  const body: string[] = [el('text', { x: width / 2, y: 26, 'text-anchor': 'middle', 'font-size': 16, 'font-weight': 'bold' }, escapeXml(title))];
  let height = TITLE_HEIGHT + 60;
  if (panels.length === 0) {
    body.push(el('text', { x: width / 2, y: TITLE_HEIGHT + 30, 'text-anchor': 'middle', fill: '#666666' }, 'No epochs recorded'));
  } else {
    const xs = epochs.map((e) => e + 1);
    const [xLo, xHi] = range(xs);
    const xAxis = epochAxis(xLo, xHi, 10);
    panels.forEach((panel, i) => {
      const top = TITLE_HEIGHT + i * (panelHeight + PANEL_GAP);
      body.push(drawPanel(panel, xs, xAxis, { x0: MARGIN.left, y0: top + MARGIN.header, x1: width - MARGIN.right, y1: top + panelHeight - MARGIN.footer }, top, bestEpoch));
    });
    height = TITLE_HEIGHT + panels.length * panelHeight + (panels.length - 1) * PANEL_GAP + 10;
  }
  const desc =
    'Each panel maps a value v at epoch e (0-based) to px = x0 + (e + 1 - xMin) / (xMax - xMin) * (x1 - x0), ' +
    'py = y1 - (v - yMin) / (yMax - yMin) * (y1 - y0), with data-plot="x0 y0 x1 y1", data-x-domain="xMin xMax", data-y-domain="yMin yMax".';
  const rootAttrs = {
    xmlns: 'http://www.w3.org/2000/svg',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'font-family': 'system-ui, sans-serif',
    'font-size': 12,
    'data-generator': 'nntrain learningCurvesSvg',
  };
  const children = [el('title', {}, escapeXml(title)), el('desc', {}, escapeXml(desc)), el('rect', { width, height, fill: '#ffffff' }), ...body];
  return el('svg', rootAttrs, `\n${children.join('\n')}\n`);
}

/** [min, max] of a non-empty array (a loop: spreading a long history into Math.min overflows the stack). */
function range(values: readonly number[]): [number, number] {
  let lo = values[0];
  let hi = values[0];
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

interface Plot {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function drawPanel(panel: Panel, xs: readonly number[], xAxis: NiceAxis, plot: Plot, top: number, bestEpoch: number | undefined): string {
  const finite = panel.series.flatMap((s) => s.values.filter(Number.isFinite));
  const yAxis = finite.length === 0 ? niceAxis(0, 1, 5) : niceAxis(...range(finite), 5);
  const px = linearScale(xAxis.domain, plot.x0, plot.x1);
  const py = linearScale(yAxis.domain, plot.y1, plot.y0);
  const parts: string[] = [];

  for (const t of yAxis.ticks) {
    const y = py(t);
    parts.push(el('line', { x1: plot.x0, y1: y, x2: plot.x1, y2: y, stroke: COLORS.grid }));
    parts.push(el('text', { x: plot.x0 - 8, y, dy: '0.32em', 'text-anchor': 'end', 'data-tick-y': String(t) }, tickLabel(t, yAxis.decimals)));
  }
  for (const t of xAxis.ticks) {
    const x = px(t);
    parts.push(el('line', { x1: x, y1: plot.y1, x2: x, y2: plot.y1 + 5, stroke: COLORS.axis }));
    parts.push(el('text', { x, y: plot.y1 + 18, 'text-anchor': 'middle', 'data-tick-x': String(t) }, tickLabel(t, xAxis.decimals)));
  }
  parts.push(el('path', { d: `M${num(plot.x0)},${num(plot.y0)}V${num(plot.y1)}H${num(plot.x1)}`, fill: 'none', stroke: COLORS.axis }));
  parts.push(el('text', { x: (plot.x0 + plot.x1) / 2, y: plot.y1 + 38, 'text-anchor': 'middle' }, 'epoch'));
  const yMid = (plot.y0 + plot.y1) / 2;
  parts.push(el('text', { x: 18, y: yMid, 'text-anchor': 'middle', transform: `rotate(-90 18 ${num(yMid)})` }, escapeXml(panel.name)));
  parts.push(el('text', { x: plot.x0, y: top + 18, 'font-weight': 'bold' }, escapeXml(panel.name)));
  parts.push(legend(panel.series, plot.x1, top + 18));

  if (bestEpoch !== undefined && bestEpoch + 1 >= xAxis.domain.min && bestEpoch + 1 <= xAxis.domain.max) {
    const x = px(bestEpoch + 1);
    parts.push(el('line', { x1: x, y1: plot.y0, x2: x, y2: plot.y1, stroke: COLORS.best, 'stroke-dasharray': '2 3', 'data-marker': 'best-epoch' }));
    parts.push(el('text', { x: x + 4, y: plot.y0 + 12, fill: COLORS.best }, `best (epoch ${escapeXml(String(bestEpoch + 1))})`));
  }
  for (const s of panel.series) parts.push(...drawSeries(s, xs, px, py));

  const attrs = {
    'data-panel': panel.name,
    'data-x-domain': `${xAxis.domain.min} ${xAxis.domain.max}`,
    'data-y-domain': `${yAxis.domain.min} ${yAxis.domain.max}`,
    'data-plot': `${plot.x0} ${plot.y0} ${plot.x1} ${plot.y1}`,
  };
  return el('g', attrs, `\n${parts.join('\n')}\n`);
}

/** A curve as polylines split at non-finite values, plus markers (all points for short runs, else isolated ones). */
function drawSeries(s: Series, xs: readonly number[], px: (v: number) => number, py: (v: number) => number): string[] {
  const color = s.validation ? COLORS.validation : COLORS.train;
  const segments: string[][] = [];
  let current: string[] | null = null;
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i];
    if (!Number.isFinite(v)) {
      current = null;
      continue;
    }
    if (current === null) segments.push((current = []));
    current.push(`${num(px(xs[i]))},${num(py(v))}`);
  }
  const out: string[] = [];
  for (const points of segments) {
    out.push(
      el('polyline', {
        'data-series': s.key,
        points: points.join(' '),
        fill: 'none',
        stroke: color,
        'stroke-width': 2,
        'stroke-dasharray': s.validation ? '6 4' : undefined,
        'stroke-linejoin': 'round',
      }),
    );
    if (points.length === 1 || s.values.length <= MARKER_LIMIT) {
      for (const p of points) {
        const [cx, cy] = p.split(',');
        out.push(el('circle', { 'data-series': s.key, cx, cy, r: 2.5, fill: color }));
      }
    }
  }
  return out;
}

/** Legend entries right-aligned at (right, y): a line sample and "key (train|validation[, n gaps])". */
function legend(series: readonly Series[], right: number, y: number): string {
  const parts: string[] = [];
  let x = right;
  for (const s of [...series].reverse()) {
    const gaps = s.values.filter((v) => !Number.isFinite(v)).length;
    const label = `${s.key} (${s.validation ? 'validation' : 'train'}${gaps > 0 ? `, ${gaps} non-finite` : ''})`;
    const textWidth = label.length * 6.6; // ~average glyph width at 12 px
    x -= textWidth;
    parts.push(el('text', { x, y, 'data-legend': s.key }, escapeXml(label)));
    x -= 28;
    const color = s.validation ? COLORS.validation : COLORS.train;
    parts.push(el('line', { x1: x, y1: y - 4, x2: x + 22, y2: y - 4, stroke: color, 'stroke-width': 2, 'stroke-dasharray': s.validation ? '6 4' : undefined }));
    x -= 16;
  }
  return parts.join('\n');
}
