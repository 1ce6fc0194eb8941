// The learning-curve SVG is drawn from the history: the polylines, read back through the documented
// mapping, reproduce the logged values; gaps, one epoch, constant and empty series; escaping; options.

import { describe, expect, it } from 'vitest';
import { History, learningCurvesSvg, ConfigError, ShapeError } from '../../src/index.js';
import { checkClose } from '../helpers/check.js';
import { checkWellFormed, parsePanels, readSeries, type ParsedPanel } from '../helpers/svg-parse.js';

function makeHistory(epochs: number, logs: (e: number) => Record<string, number>, first = 0): History {
  const h = new History();
  for (let e = first; e < first + epochs; e++) h.record(e, logs(e));
  return h;
}

/** Value tolerance of a 0.01 px rounding, from the panel's scale (plus float slack). */
const yTol = (p: ParsedPanel) => (0.006 * (p.yDomain[1] - p.yDomain[0])) / (p.plot.y1 - p.plot.y0) + 1e-12;

/** Reads every series of every panel back and compares it with the finite values of the history. */
function expectCurvesMatch(svg: string, h: History): void {
  const panels = parsePanels(svg);
  for (const panel of panels) {
    for (const key of new Set(panel.polylines.map((l) => l.series))) {
      const got = readSeries(panel, key);
      const want = h.history[key].map((v, i) => ({ epoch: h.epoch[i], v })).filter((p) => Number.isFinite(p.v));
      expect(got.xError, `${key}: x on whole epochs`).toBeLessThan(1e-3);
      expect(got.epochs, `${key}: epochs`).toEqual(want.map((p) => p.epoch));
      checkClose(got.values, want.map((p) => p.v), { abs: yTol(panel), rel: 0 }, `${key} values`);
    }
  }
}

const TRAINING = (e: number) => ({
  loss: 2 * Math.exp(-e / 5) + 0.05,
  accuracy: 0.5 + 0.45 * (1 - Math.exp(-e / 4)),
  val_loss: 2.1 * Math.exp(-e / 6) + 0.1,
  val_accuracy: 0.5 + 0.4 * (1 - Math.exp(-e / 5)),
});

describe('learningCurvesSvg', () => {
  it('draws loss and metric panels whose points map back to the history values', () => {
    const h = makeHistory(25, TRAINING);
    const svg = learningCurvesSvg(h, { title: 'digits' });
    checkWellFormed(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const panels = parsePanels(svg);
    expect(panels.map((p) => p.name)).toEqual(['loss', 'accuracy']);
    expect(panels[0].polylines.map((l) => l.series)).toEqual(['loss', 'val_loss']);
    expect(panels[1].polylines.map((l) => l.series)).toEqual(['accuracy', 'val_accuracy']);
    expect(panels.every((p) => p.polylines.every((l) => l.points.length === 25))).toBe(true);
    expectCurvesMatch(svg, h);
    expect(svg).toContain('>loss (train)<');
    expect(svg).toContain('>val_accuracy (validation)<');
    expect(svg).toContain('<title>digits</title>');
  });

  it('axes: tick labels sit where the mapping puts their values, and span the y domain', () => {
    const panels = parsePanels(learningCurvesSvg(makeHistory(25, TRAINING)));
    for (const p of panels) {
      const { x0, y0, x1, y1 } = p.plot;
      const [yMin, yMax] = p.yDomain;
      const [xMin, xMax] = p.xDomain;
      expect(p.yTicks.length).toBeGreaterThanOrEqual(3);
      expect(p.yTicks[0].value).toBe(yMin);
      expect(p.yTicks[p.yTicks.length - 1].value).toBe(yMax);
      for (const t of p.yTicks) {
        expect(Number(t.label)).toBeCloseTo(t.value, 10);
        expect(t.y).toBeCloseTo(y1 - ((t.value - yMin) / (yMax - yMin)) * (y1 - y0), 1);
      }
      expect(p.xTicks.length).toBeGreaterThanOrEqual(3);
      for (const t of p.xTicks) {
        expect(Number(t.label)).toBe(t.value);
        expect(Number.isInteger(t.value)).toBe(true);
        expect(t.x).toBeCloseTo(x0 + ((t.value - xMin) / (xMax - xMin)) * (x1 - x0), 1);
      }
      expect([xMin, xMax]).toEqual([1, 25]); // 1-based epochs, first and last on the edges
    }
    expect(panels[1].yDomain[1]).toBeLessThanOrEqual(1); // accuracy: nice range, not padded past 1
  });

  it('NaN and Infinity leave gaps, never a crash or a "NaN" coordinate', () => {
    const h = makeHistory(12, (e) => ({
      loss: e === 4 || e === 5 ? NaN : 1 / (e + 1),
      val_loss: e === 8 ? Infinity : e === 10 ? -Infinity : 1.2 / (e + 1),
      accuracy: NaN,
    }));
    const svg = learningCurvesSvg(h);
    checkWellFormed(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
    const [loss, acc] = parsePanels(svg);
    expect(loss.polylines.filter((l) => l.series === 'loss').map((l) => l.points.length)).toEqual([4, 6]);
    expect(loss.polylines.filter((l) => l.series === 'val_loss').map((l) => l.points.length)).toEqual([8, 1, 1]);
    expectCurvesMatch(svg, h);
    expect(svg).toContain('loss (train, 2 non-finite)');
    expect(svg).toContain('val_loss (validation, 2 non-finite)');
    expect(acc.name).toBe('accuracy');
    expect(acc.polylines).toEqual([]); // all NaN: an empty panel with a default range
    expect(acc.yDomain).toEqual([0, 1]);
  });

  it('isolated points get markers, so they stay visible in long runs', () => {
    const h = makeHistory(100, (e) => ({ loss: e % 10 === 5 ? 0.5 : NaN }));
    const [loss] = parsePanels(learningCurvesSvg(h));
    expect(loss.polylines).toHaveLength(10);
    expect(loss.circles).toHaveLength(10);
    const dense = parsePanels(learningCurvesSvg(makeHistory(100, (e) => ({ loss: 1 / (e + 1) }))))[0];
    expect(dense.circles).toHaveLength(0);
  });

  it('one epoch: one point in the middle of the x axis', () => {
    const h = makeHistory(1, () => ({ loss: 0.7, val_loss: 0.9, accuracy: 0.6 }));
    const svg = learningCurvesSvg(h);
    const [loss, acc] = parsePanels(svg);
    expect(loss.xDomain).toEqual([0.5, 1.5]);
    expect(loss.xTicks.map((t) => t.value)).toEqual([1]);
    const [[px]] = loss.polylines[0].points;
    expect(px).toBeCloseTo((loss.plot.x0 + loss.plot.x1) / 2, 2);
    expect(loss.circles.map((c) => c.series)).toEqual(['loss', 'val_loss']);
    expect(acc.polylines.map((l) => l.series)).toEqual(['accuracy']);
    expectCurvesMatch(svg, h);
  });

  it('a constant series gets a non-zero range with the value inside it', () => {
    for (const v of [0, 0.25, -3, 1e6]) {
      const h = makeHistory(5, () => ({ loss: v }));
      const [p] = parsePanels(learningCurvesSvg(h));
      expect(p.yDomain[1]).toBeGreaterThan(p.yDomain[0]);
      expect(p.yDomain[0]).toBeLessThan(v);
      expect(p.yDomain[1]).toBeGreaterThan(v);
      expectCurvesMatch(learningCurvesSvg(h), h);
    }
  });

  it('a resumed run is plotted at its own epochs', () => {
    const h = makeHistory(6, TRAINING, 10);
    const svg = learningCurvesSvg(h, { bestEpoch: 12 });
    const [loss] = parsePanels(svg);
    expect(loss.xDomain).toEqual([11, 16]);
    expectCurvesMatch(svg, h);
    const best = /<line [^>]*data-marker="best-epoch"[^>]*>/.exec(svg)?.[0] ?? '';
    const x = Number(/x1="([^"]+)"/.exec(best)?.[1]);
    expect(x).toBeCloseTo(loss.plot.x0 + ((13 - 11) / 5) * (loss.plot.x1 - loss.plot.x0), 2);
    expect(svg).toContain('best (epoch 13)');
  });

  it('a plain { history } object without epochs counts epochs from 0', () => {
    const h = { history: { loss: [3, 2, 1], mae: [1.5, 1, 0.5] } };
    const svg = learningCurvesSvg(h);
    const panels = parsePanels(svg);
    expect(panels.map((p) => p.name)).toEqual(['loss', 'mae']);
    const back = readSeries(panels[1], 'mae');
    expect(back.epochs).toEqual([0, 1, 2]);
    checkClose(back.values, [1.5, 1, 0.5], { abs: yTol(panels[1]), rel: 0 }, 'mae');
  });

  it('chooses the metric panel: preferred metric, explicit metric, or none', () => {
    const h = makeHistory(3, (e) => ({ loss: 1 / (e + 1), lr: 0.01, mse: 2, accuracy: 0.5, val_loss: 1, val_accuracy: 0.4 }));
    expect(parsePanels(learningCurvesSvg(h)).map((p) => p.name)).toEqual(['loss', 'accuracy']);
    expect(parsePanels(learningCurvesSvg(h, { metric: 'mse' })).map((p) => p.name)).toEqual(['loss', 'mse']);
    expect(parsePanels(learningCurvesSvg(h, { metric: 'val_accuracy' }))[1].polylines.map((l) => l.series)).toEqual(['accuracy', 'val_accuracy']);
    expect(parsePanels(learningCurvesSvg(h, { metric: null })).map((p) => p.name)).toEqual(['loss']);
    expect(parsePanels(learningCurvesSvg(makeHistory(3, () => ({ loss: 1, lr: 0.1 })))).map((p) => p.name)).toEqual(['loss']);
    expect(() => learningCurvesSvg(h, { metric: 'f1' })).toThrow('Unknown metric \'f1\' for the learning curves: the history holds loss, lr, mse, accuracy, val_loss, val_accuracy');
  });

  it('escapes the title and history keys', () => {
    const h = makeHistory(3, (e) => ({ loss: e, '<img src=x onerror=alert(1)>': e }));
    const svg = learningCurvesSvg(h, { title: '<script>alert("x")</script> & co' });
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    checkWellFormed(svg);
    expect(parsePanels(svg)[1].name).toBe('<img src=x onerror=alert(1)>');
  });

  it('an empty history gives a figure that says so', () => {
    const svg = learningCurvesSvg(new History());
    checkWellFormed(svg);
    expect(parsePanels(svg)).toEqual([]);
    expect(svg).toContain('No epochs recorded');
  });

  it('rejects malformed histories and options', () => {
    expect(() => learningCurvesSvg({ epoch: [0, 1], history: { loss: [1] } })).toThrow(ShapeError);
    expect(() => learningCurvesSvg({ epoch: [0, 1], history: { loss: [1] } })).toThrow("history.history['loss'] has 1 values but history.epoch has 2: one value per epoch");
    expect(() => learningCurvesSvg(null as never)).toThrow(ConfigError);
    expect(() => learningCurvesSvg({ history: { loss: 'x' } } as never)).toThrow(ConfigError);
    expect(() => learningCurvesSvg(new History(), { width: 10 })).toThrow(ConfigError);
    expect(() => learningCurvesSvg(new History(), { colour: 'red' } as never)).toThrow(/Unknown option 'colour'/);
  });

  it('handles long histories (no stack overflow from spreading arrays)', () => {
    const h = makeHistory(200_000, (e) => ({ loss: 1 / (e + 1) }));
    const [p] = parsePanels(learningCurvesSvg(h));
    expect(p.polylines[0].points).toHaveLength(200_000);
  });
});
