// A small reader for the learning-curve SVG, for tests: panels with their documented mapping (data-*
// attributes), polylines and markers per series, and tick labels. It also checks that the tags nest
// properly. Independent of the drawing code: it knows only the format documented in learningCurvesSvg.

export interface ParsedPanel {
  name: string;
  xDomain: [number, number];
  yDomain: [number, number];
  plot: { x0: number; y0: number; x1: number; y1: number };
  polylines: { series: string; points: [number, number][] }[];
  circles: { series: string; cx: number; cy: number }[];
  yTicks: { value: number; y: number; label: string }[];
  xTicks: { value: number; x: number; label: string }[];
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
export const unescapeXml = (s: string): string => s.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m]);

export function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/\s([\w:-]+)="([^"]*)"/g)) out[m[1]] = unescapeXml(m[2]);
  return out;
}

const nums = (s: string): number[] => s.trim().split(/[\s,]+/).map(Number);

/** Throws unless every opening tag has its closing tag in order (self-closing tags aside). */
export function checkWellFormed(markup: string): void {
  const stack: string[] = [];
  for (const m of markup.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (selfClosing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) throw new Error(`unbalanced </${name}> at ${m.index}`);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
}

/** The panels of a learning-curve SVG. */
export function parsePanels(svg: string): ParsedPanel[] {
  const panels: ParsedPanel[] = [];
  for (const g of svg.matchAll(/<g(\s[^>]*data-panel="[^"]*"[^>]*)>([\s\S]*?)<\/g>/g)) {
    const a = attrs(g[1]);
    const [x0, y0, x1, y1] = nums(a['data-plot']);
    const xd = nums(a['data-x-domain']);
    const yd = nums(a['data-y-domain']);
    const body = g[2];
    const polylines = [...body.matchAll(/<polyline\s[^>]*\/>/g)].map((m) => {
      const p = attrs(m[0]);
      const flat = nums(p.points);
      const points: [number, number][] = [];
      for (let i = 0; i < flat.length; i += 2) points.push([flat[i], flat[i + 1]]);
      return { series: p['data-series'], points };
    });
    const circles = [...body.matchAll(/<circle\s[^>]*\/>/g)].map((m) => {
      const c = attrs(m[0]);
      return { series: c['data-series'], cx: Number(c.cx), cy: Number(c.cy) };
    });
    const ticks = (axis: 'x' | 'y') =>
      [...body.matchAll(new RegExp(`<text(\\s[^>]*data-tick-${axis}="[^"]*"[^>]*)>([^<]*)</text>`, 'g'))].map((m) => {
        const t = attrs(m[1]);
        return { value: Number(t[`data-tick-${axis}`]), pos: Number(t[axis]), label: unescapeXml(m[2]) };
      });
    panels.push({
      name: a['data-panel'],
      xDomain: [xd[0], xd[1]],
      yDomain: [yd[0], yd[1]],
      plot: { x0, y0, x1, y1 },
      polylines,
      circles,
      yTicks: ticks('y').map((t) => ({ value: t.value, y: t.pos, label: t.label })),
      xTicks: ticks('x').map((t) => ({ value: t.value, x: t.pos, label: t.label })),
    });
  }
  return panels;
}

/**
 * The (epoch, value) pairs of one series, read back through the inverse of the documented mapping:
 * x = xMin + (px − x0)/(x1 − x0)·(xMax − xMin) is the 1-based epoch, so epoch = round(x) − 1;
 * v = yMin + (y1 − py)/(y1 − y0)·(yMax − yMin). Also returns the largest distance of x from an integer.
 */
export function readSeries(panel: ParsedPanel, series: string): { epochs: number[]; values: number[]; xError: number } {
  const { x0, y0, x1, y1 } = panel.plot;
  const [xMin, xMax] = panel.xDomain;
  const [yMin, yMax] = panel.yDomain;
  const epochs: number[] = [];
  const values: number[] = [];
  let xError = 0;
  for (const line of panel.polylines.filter((l) => l.series === series)) {
    for (const [px, py] of line.points) {
      const x = xMin + ((px - x0) / (x1 - x0)) * (xMax - xMin);
      xError = Math.max(xError, Math.abs(x - Math.round(x)));
      epochs.push(Math.round(x) - 1);
      values.push(yMin + ((y1 - py) / (y1 - y0)) * (yMax - yMin));
    }
  }
  return { epochs, values, xError };
}
