// Headline lines, value formatting and the text tables the CLI prints, and the task dispatcher.

import { describe, expect, it } from 'vitest';
import {
  classificationMetrics,
  evaluatePredictions,
  formatClassificationReport,
  formatConfusionMatrix,
  formatEvaluation,
  formatMetricValue,
  formatRegressionReport,
  headlineMetrics,
  headlineValues,
  regressionMetrics,
  ConfigError,
} from '../../src/index.js';

const SCORES = [
  [0.7, 0.2, 0.1],
  [0.1, 0.6, 0.3],
  [0.2, 0.5, 0.3],
  [0.6, 0.3, 0.1],
  [0.1, 0.2, 0.7],
  [0.3, 0.3, 0.4],
];
const TRUTH = [0, 1, 2, 1, 2, 2];

describe('headline metrics', () => {
  it('classification: a fixed set of name: value lines', () => {
    const r = classificationMetrics(SCORES, TRUTH);
    expect(Object.keys(headlineValues(r))).toEqual(['accuracy', 'macro_precision', 'macro_recall', 'macro_f1', 'weighted_f1', 'roc_auc']);
    expect(headlineMetrics(r)).toEqual([
      'accuracy: 0.6667',
      'macro_precision: 0.6667',
      'macro_recall: 0.7222',
      'macro_f1: 0.6556',
      'weighted_f1: 0.6778',
      'roc_auc: 0.9190',
    ]);
    expect(headlineMetrics(classificationMetrics([0.9], [1]))).toContain('roc_auc: nan');
  });

  it('regression: mse, rmse, mae, r2', () => {
    const r = regressionMetrics([2.5, 0, 2, 8], [3, -0.5, 2, 7]);
    expect(headlineMetrics(r)).toEqual(['mse: 0.3750', 'rmse: 0.6124', 'mae: 0.5000', 'r2: 0.9486']);
    expect(headlineValues(r)).toEqual({ mse: r.mse, rmse: r.rmse, mae: r.mae, r2: r.r2 });
    expect(headlineMetrics(r, 2)[0]).toBe('mse: 0.38');
  });

  it('formats values like the progress lines', () => {
    expect(formatMetricValue(0.965)).toBe('0.9650');
    expect(formatMetricValue(0)).toBe('0.0000');
    expect(formatMetricValue(2.5e-5)).toBe('2.500e-5');
    expect(formatMetricValue(-12345.678)).toBe('-12345.6780');
    expect(formatMetricValue(NaN)).toBe('nan');
    expect(formatMetricValue(Infinity)).toBe('inf');
    expect(formatMetricValue(-Infinity)).toBe('-inf');
  });
});

describe('text tables', () => {
  const r = classificationMetrics(SCORES, TRUTH, { labelNames: ['setosa', 'versicolor', 'virginica'] });

  it('per-class report in sklearn layout', () => {
    expect(formatClassificationReport(r)).toBe(
      [
        '              precision  recall  f1-score  support',
        '      setosa     0.5000  1.0000    0.6667        1',
        '  versicolor     0.5000  0.5000    0.5000        2',
        '   virginica     1.0000  0.6667    0.8000        3',
        '',
        '    accuracy                       0.6667        6',
        '   macro avg     0.6667  0.7222    0.6556        6',
        'weighted avg     0.7500  0.6667    0.6778        6',
      ].join('\n'),
    );
  });

  it('confusion matrix with label names, and with names given to the formatter', () => {
    expect(formatConfusionMatrix(r)).toBe(
      [
        'true \\ predicted  setosa  versicolor  virginica',
        'setosa                 1           0          0',
        'versicolor             1           1          0',
        'virginica              0           1          2',
      ].join('\n'),
    );
    const plain = classificationMetrics(SCORES, TRUTH);
    expect(formatConfusionMatrix(plain).split('\n')[0]).toBe('true \\ predicted  0  1  2');
    expect(formatConfusionMatrix(plain, { labelNames: ['x', 'y\nz', 'w'] }).split('\n')[0]).toBe('true \\ predicted  x  y?z  w');
    expect(() => formatConfusionMatrix(plain, { labelNames: ['x'] })).toThrow(ConfigError);
  });

  it('regression table, with a mean row for several outputs', () => {
    const one = regressionMetrics([2.5, 0, 2, 8], [3, -0.5, 2, 7]);
    expect(formatRegressionReport(one)).toBe(['output     mse    rmse     mae      r2', '0       0.3750  0.6124  0.5000  0.9486'].join('\n'));
    const two = regressionMetrics([[1, 2], [2, 4]], [[1, 2], [3, 4]], { outputNames: ['price', 'rent'] });
    expect(formatEvaluation(two).split('\n')).toEqual([
      'output     mse    rmse     mae      r2',
      'price   0.5000  0.7071  0.5000  0.5000',
      'rent    0.0000  0.0000  0.0000  1.0000',
      '',
      'mean    0.2500  0.3536  0.2500  0.7500',
    ]);
  });

  it('formatEvaluation of a classification joins the report and the matrix', () => {
    expect(formatEvaluation(r)).toBe(`${formatClassificationReport(r)}\n\n${formatConfusionMatrix(r)}`);
  });
});

describe('evaluatePredictions', () => {
  it('dispatches on the task and ignores the other task’s options', () => {
    const c = evaluatePredictions(SCORES, TRUTH, { task: 'classification', labelNames: ['a', 'b', 'c'], outputNames: ['ignored'] });
    expect(c).toEqual(classificationMetrics(SCORES, TRUTH, { labelNames: ['a', 'b', 'c'] }));
    const g = evaluatePredictions([1, 2], [1, 3], { task: 'regression', threshold: 0.2 });
    expect(g).toEqual(regressionMetrics([1, 2], [1, 3]));
    const t = evaluatePredictions([0.4, 0.6], [0, 1], { task: 'classification', threshold: 0.7 });
    expect(t.task === 'classification' && t.confusion).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it('rejects a missing or unknown task', () => {
    expect(() => evaluatePredictions([1], [1], undefined as never)).toThrow(ConfigError);
    expect(() => evaluatePredictions([1], [1], { task: 'regresion' as never })).toThrow(/Did you mean 'regression'/);
  });
});
