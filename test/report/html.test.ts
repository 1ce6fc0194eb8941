// The HTML report: self-contained (no scripts, no external requests), every value escaped, and holding
// the configuration, the final metrics, the evaluation tables and the curves.

import { describe, expect, it } from 'vitest';
import { History, classificationMetrics, learningCurvesSvg, regressionMetrics, reportHtml, ConfigError } from '../../src/index.js';
import { parsePanels, readSeries } from '../helpers/svg-parse.js';

const EVIL = '<script>alert("pwned")</script>';
const EVIL_ESCAPED = '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;';

function history(): History {
  const h = new History();
  for (let e = 0; e < 8; e++) h.record(e, { loss: 1 / (e + 1), accuracy: e === 3 ? NaN : 0.5 + e / 20, val_loss: 1.1 / (e + 1), val_accuracy: 0.5 + e / 25 });
  return h;
}

/** Every way a page could fetch something or run code. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script|<link|<iframe|<img|<object|<embed|\ssrc\s*=|\shref\s*=|url\(|@import|\son[a-z]+\s*=/i);
  const urls = html.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
  expect(urls.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true); // the SVG namespace is a name, not a request
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
}

describe('reportHtml', () => {
  const scores = [
    [0.8, 0.1, 0.1],
    [0.2, 0.7, 0.1],
    [0.1, 0.3, 0.6],
    [0.5, 0.4, 0.1],
  ];
  const evaluation = classificationMetrics(scores, [0, 1, 2, 1], { labelNames: ['cat', 'dog', EVIL] });

  it('holds the title, configuration, final metrics, per-class table, confusion matrix and the curves', () => {
    const h = history();
    const html = reportHtml({
      title: 'digits run',
      config: { data: 'digits.csv', target: 'label', layers: [256, 128], optimizer: { name: 'adam', lr: 0.001 }, seed: 7, verbose: false },
      history: h,
      evaluation,
      notes: ['early stopping restored epoch 6'],
      generated: '2026-01-02T03:04:05Z',
    });
    expectSelfContained(html);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>digits run</title>');
    expect(html).toContain('<h1>digits run</h1>');
    expect(html).toContain('<li>early stopping restored epoch 6</li>');
    for (const [k, v] of [['data', 'digits.csv'], ['layers', '[256,128]'], ['optimizer.name', 'adam'], ['optimizer.lr', '0.001'], ['seed', '7'], ['verbose', 'false']]) {
      expect(html).toContain(`<tr><th scope="row">${k}</th><td>${v}</td></tr>`);
    }
    // final metrics default to the headline values, printed as the CLI prints them
    expect(html).toContain('<tr><th scope="row">accuracy</th><td>0.7500</td></tr>');
    expect(html).toContain('<tr><th scope="row">macro_f1</th><td>');
    expect(html).toContain('<tr><th scope="row">roc_auc</th><td>');
    // per-class table and confusion matrix with label names
    expect(html).toContain('<th scope="row">dog</th><td>1.0000</td><td>0.5000</td><td>0.6667</td><td>2</td>');
    expect(html).toMatch(/<td class="diag" style="[^"]*" data-true="0" data-pred="0">1<\/td>/);
    expect(html).toMatch(/data-true="1" data-pred="0">1<\/td>/);
    // the curves, inline, still readable back to the history
    const svg = learningCurvesSvg(h);
    expect(html).toContain(svg);
    const back = readSeries(parsePanels(html)[0], 'loss');
    expect(back.epochs).toEqual(h.epoch);
    // per-epoch values, NaN as nan
    expect(html).toContain('<th>val_accuracy</th>');
    expect(html).toMatch(/<tr><td>4<\/td><td>0\.2500<\/td><td>nan<\/td>/);
    expect(html).toContain('nntrain report · 2026-01-02T03:04:05Z');
  });

  it('escapes malicious strings everywhere: title, config keys and values, metrics, label names, notes, history keys', () => {
    const h = new History();
    h.record(0, { loss: 1, [EVIL]: 2 });
    const html = reportHtml({
      title: EVIL,
      config: { [EVIL]: EVIL, nested: { deeper: `"quoted" & 'single' ${EVIL}` } },
      metrics: { [EVIL]: 0.5, note: EVIL },
      evaluation,
      history: h,
      notes: [EVIL],
      generated: EVIL,
    });
    expectSelfContained(html);
    expect(html).not.toContain('<script');
    expect(html).toContain(`<title>${EVIL_ESCAPED}</title>`);
    expect(html).toContain(`<tr><th scope="row">${EVIL_ESCAPED}</th><td>${EVIL_ESCAPED}</td></tr>`);
    expect(html).toContain(`<td>&quot;quoted&quot; &amp; &#39;single&#39; ${EVIL_ESCAPED}</td>`);
    expect(html).toContain(`<tr><th scope="row">${EVIL_ESCAPED}</th><td>0.5000</td></tr>`);
    expect(html).toContain(`<th scope="row">${EVIL_ESCAPED}</th><td>1.0000</td>`); // the class named EVIL
  });

  it('regression: the per-output table', () => {
    const r = regressionMetrics([[1, 2], [2, 4]], [[1, 2], [3, 4]], { outputNames: ['price', 'rent'] });
    const html = reportHtml({ evaluation: r });
    expectSelfContained(html);
    expect(html).toContain('<tr><th scope="row">price</th><td>0.5000</td><td>0.7071</td><td>0.5000</td><td>0.5000</td></tr>');
    expect(html).toContain('<tr class="avg"><th scope="row">mean</th>');
    expect(html).toContain('<tr><th scope="row">r2</th><td>0.7500</td></tr>');
    expect(html).not.toContain('<svg'); // no history, no curves
  });

  it('explicit metrics and svg win over the defaults; parts not given are left out', () => {
    const svg = learningCurvesSvg(history(), { title: 'custom' });
    const html = reportHtml({ metrics: { 'test accuracy': 0.9812, backend: 'native' }, svg });
    expect(html).toContain('<tr><th scope="row">test accuracy</th><td>0.9812</td></tr>');
    expect(html).toContain('<tr><th scope="row">backend</th><td>native</td></tr>');
    expect(html).toContain(svg);
    expect(html).not.toContain('Configuration');
    expect(html).not.toContain('Confusion matrix');
    expect(reportHtml({})).toContain('<h1>nntrain training report</h1>');
  });

  it('refuses svg markup that could run code or load anything', () => {
    const ok = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>';
    expect(reportHtml({ svg: ok })).toContain(ok);
    for (const bad of [
      '<svg><script>alert(1)</script></svg>',
      '<svg onload="alert(1)"></svg>',
      '<svg><image href="http://example.com/x.png"/></svg>',
      '<svg><rect style="fill:url(http://x/)"/></svg>',
      '<svg><foreignObject><div/></foreignObject></svg>',
      '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
      '<div>not svg</div>',
    ]) {
      expect(() => reportHtml({ svg: bad }), bad).toThrow(ConfigError);
    }
    expect(() => reportHtml({ svg: 42 as never })).toThrow(ConfigError);
  });

  it('rejects unknown options with a hint', () => {
    expect(() => reportHtml({ metric: {} } as never)).toThrow(/Did you mean 'metrics'/);
  });
});
