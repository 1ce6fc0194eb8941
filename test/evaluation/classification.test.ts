// Classification metrics: hand-computed cases, edge cases (classes never predicted or absent, a single
// class, tied scores) and input errors.

import { describe, expect, it } from 'vitest';
import { classificationMetrics, matrix, ConfigError, DataError, ShapeError } from '../../src/index.js';
import { checkClose, checkScalar } from '../helpers/check.js';

// 6 rows, 3 classes; predictions (argmax) 0, 1, 1, 0, 2, 2 against truth 0, 1, 2, 1, 2, 2.
const SCORES = [
  [0.7, 0.2, 0.1],
  [0.1, 0.6, 0.3],
  [0.2, 0.5, 0.3],
  [0.6, 0.3, 0.1],
  [0.1, 0.2, 0.7],
  [0.3, 0.3, 0.4],
];
const TRUTH = [0, 1, 2, 1, 2, 2];

/** Thrown error of `fn`, for checking its class, message and fields. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('classificationMetrics: a hand-computed multi-class case', () => {
  const r = classificationMetrics(SCORES, TRUTH);

  it('counts the confusion matrix with rows = true class, columns = predicted class', () => {
    expect(r.confusion).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 2],
    ]);
    expect(r.classes).toBe(3);
    expect(r.samples).toBe(6);
    expect(r.threshold).toBeNull();
    expect(r.labelNames).toEqual(['0', '1', '2']);
  });

  it('gives accuracy and per-class precision, recall, F1 and support', () => {
    checkScalar(r.accuracy, 4 / 6, 1e-15, 'accuracy');
    checkClose(r.perClass.map((m) => m.precision), [0.5, 0.5, 1], 1e-15, 'precision');
    checkClose(r.perClass.map((m) => m.recall), [1, 0.5, 2 / 3], 1e-15, 'recall');
    checkClose(r.perClass.map((m) => m.f1), [2 / 3, 0.5, 0.8], 1e-15, 'f1');
    expect(r.perClass.map((m) => m.support)).toEqual([1, 2, 3]);
  });

  it('averages: macro unweighted, weighted by support', () => {
    checkClose([r.macro.precision, r.macro.recall, r.macro.f1], [2 / 3, 13 / 18, 59 / 90], 1e-15, 'macro');
    checkClose([r.weighted.precision, r.weighted.recall, r.weighted.f1], [0.75, 4 / 6, 61 / 90], 1e-15, 'weighted');
  });

  it('gives one-vs-rest AUCs (ties count ½) and their macro mean', () => {
    checkClose(r.rocAucPerClass, [1, 6.5 / 8, 8.5 / 9], 1e-15, 'per-class AUC');
    checkScalar(r.rocAuc, (1 + 6.5 / 8 + 8.5 / 9) / 3, 1e-15, 'macro AUC');
  });

  it('reads one-hot targets, Matrix inputs and Int32Array labels the same way', () => {
    const oneHot = TRUTH.map((t) => [0, 1, 2].map((k) => (k === t ? 1 : 0)));
    expect(classificationMetrics(matrix(SCORES), matrix(oneHot))).toEqual(r);
    expect(classificationMetrics(matrix(SCORES), Int32Array.from(TRUTH))).toEqual(r);
    expect(classificationMetrics(SCORES, matrix(TRUTH, 1))).toEqual(r);
  });

  it('keeps label names and survives JSON (NaN becomes null)', () => {
    const named = classificationMetrics(SCORES, TRUTH, { labelNames: ['a', 'b', 'c'] });
    expect(named.labelNames).toEqual(['a', 'b', 'c']);
    const back = JSON.parse(JSON.stringify(classificationMetrics([[0.9, 0.1]], [0]))) as { rocAuc: unknown; accuracy: number };
    expect(back.rocAuc).toBeNull();
    expect(back.accuracy).toBe(1);
  });
});

describe('classificationMetrics: binary', () => {
  it('thresholds one sigmoid column (class 1 when score > threshold) and ranks it for AUC', () => {
    const r = classificationMetrics([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(r.classes).toBe(2);
    expect(r.threshold).toBe(0.5);
    expect(r.confusion).toEqual([
      [2, 0],
      [1, 1],
    ]);
    checkScalar(r.rocAuc, 0.75, 1e-15, 'AUC'); // sklearn's roc_auc_score example
    checkClose(r.rocAucPerClass, [0.75, 0.75], 1e-15, 'class 0 ranks by 1 − p');
    const low = classificationMetrics([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], { threshold: 0.3 });
    expect(low.confusion).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(low.rocAuc).toBe(r.rocAuc); // AUC does not depend on the threshold
  });

  it('puts a score equal to the threshold in class 0, as the training-time binaryAccuracy', () => {
    expect(classificationMetrics([0.5, 0.5000001], [0, 1]).confusion).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('uses column 1 for AUC with two softmax columns', () => {
    const p1 = [0.1, 0.4, 0.35, 0.8];
    const r = classificationMetrics(p1.map((p) => [1 - p, p]), [0, 0, 1, 1]);
    checkScalar(r.rocAuc, 0.75, 1e-15, 'AUC');
    expect(r.threshold).toBeNull();
  });
});

describe('classificationMetrics: edge cases', () => {
  it('a class never predicted has precision 0 (zero division) and counts in the macro average', () => {
    // class 2 is in the truth but never the argmax
    const r = classificationMetrics(
      [
        [0.9, 0.05, 0.05],
        [0.1, 0.8, 0.1],
        [0.5, 0.1, 0.4],
        [0.2, 0.5, 0.3],
      ],
      [0, 1, 2, 2],
    );
    expect(r.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    checkClose([r.macro.precision, r.macro.recall, r.macro.f1], [(0.5 + 0.5 + 0) / 3, (1 + 1 + 0) / 3, (2 / 3 + 2 / 3 + 0) / 3], 1e-15, 'macro');
  });

  it('a class absent from the truth: recall 0, AUC undefined (NaN) and left out of the macro AUC', () => {
    // class 2 is predicted once but never true
    const r = classificationMetrics(
      [
        [0.9, 0.05, 0.05],
        [0.1, 0.8, 0.1],
        [0.1, 0.2, 0.7],
        [0.6, 0.3, 0.1],
      ],
      [0, 1, 1, 0],
    );
    expect(r.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r.rocAucPerClass[2]).toBeNaN();
    checkScalar(r.rocAuc, (r.rocAucPerClass[0] + r.rocAucPerClass[1]) / 2, 1e-15, 'macro AUC over defined classes');
    checkScalar(r.macro.f1, (r.perClass[0].f1 + r.perClass[1].f1 + 0) / 3, 1e-15, 'predicted-only class counts in macro');
  });

  it('a class absent from both truth and predictions does not pull the macro average down', () => {
    const four = classificationMetrics(
      [
        [0.9, 0.1, 0, 0],
        [0.2, 0.8, 0, 0],
        [0.6, 0.4, 0, 0],
      ],
      [0, 1, 1],
    );
    const two = classificationMetrics(
      [
        [0.9, 0.1],
        [0.2, 0.8],
        [0.6, 0.4],
      ],
      [0, 1, 1],
    );
    expect(four.perClass.slice(2)).toEqual([
      { precision: 0, recall: 0, f1: 0, support: 0 },
      { precision: 0, recall: 0, f1: 0, support: 0 },
    ]);
    expect(four.macro).toEqual(two.macro);
    expect(four.weighted).toEqual(two.weighted);
  });

  it('a single class in the truth: metrics defined, AUC NaN', () => {
    const r = classificationMetrics([0.9, 0.2, 0.7], [1, 1, 1]);
    checkScalar(r.accuracy, 2 / 3, 1e-15, 'accuracy');
    expect(r.perClass[1]).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
    expect(r.perClass[0]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r.rocAuc).toBeNaN();
    expect(r.rocAucPerClass.every(Number.isNaN)).toBe(true);
  });

  it('all-equal scores: argmax picks the first class, every AUC is 0.5', () => {
    const r = classificationMetrics(
      Array.from({ length: 6 }, () => [0.25, 0.25, 0.25, 0.25]),
      [0, 1, 2, 3, 0, 1],
    );
    expect(r.confusion.map((row) => row[0])).toEqual([2, 2, 1, 1]);
    expect(r.rocAucPerClass).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(r.rocAuc).toBe(0.5);
    expect(classificationMetrics([0.3, 0.3, 0.3], [0, 1, 0]).rocAuc).toBe(0.5);
  });

  it('one row', () => {
    const r = classificationMetrics([[0.2, 0.8]], [1]);
    expect(r.accuracy).toBe(1);
    expect(r.rocAuc).toBeNaN();
  });
});

describe('classificationMetrics: input errors', () => {
  it('NaN in the predictions is a DataError naming the row and column', () => {
    const err = thrown(() => classificationMetrics([[0.1, 0.9], [NaN, 0.5], [0.3, 0.7]], [1, 0, 1])) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toBe('predictions contains NaN at row 1, column 0: every value must be finite');
    expect([err.row, err.column]).toEqual([1, 0]);
    expect(thrown(() => classificationMetrics([0.1, Infinity], [0, 1])).message).toMatch(/predictions contains Infinity at row 1/);
    expect(thrown(() => classificationMetrics([0.1, 0.2], [0, NaN])).message).toMatch(/targets contains NaN at row 1/);
  });

  it('labels outside [0, C) or not integers, and rows that are not one-hot, are DataErrors naming the row', () => {
    expect(thrown(() => classificationMetrics(SCORES, [0, 1, 3, 1, 2, 2])).message).toBe('targets has label 3 at row 2: class labels must be integers in [0, 3)');
    expect(thrown(() => classificationMetrics([0.2, 0.7], [0, 0.5])).message).toMatch(/label 0.5 at row 1/);
    const soft = [[1, 0], [0.5, 0.5]];
    expect(thrown(() => classificationMetrics([[0.9, 0.1], [0.4, 0.6]], soft)).message).toBe('targets row 1 is not one-hot: expected one 1 among 0s, found 0.5 at column 0');
    expect(thrown(() => classificationMetrics([[0.9, 0.1], [0.4, 0.6]], [[1, 0], [0, 0]])).message).toBe('targets row 1 is not one-hot: all 2 values are 0');
    expect(thrown(() => classificationMetrics([[0.9, 0.1], [0.4, 0.6]], [[1, 0], [1, 1]]))).toBeInstanceOf(DataError);
  });

  it('shape mismatches are ShapeErrors naming both shapes', () => {
    const rows = thrown(() => classificationMetrics(SCORES, [0, 1, 2]));
    expect(rows).toBeInstanceOf(ShapeError);
    expect(rows.message).toBe('targets has shape [3, 1] but predictions has shape [6, 3]: every prediction row needs one target row');
    const width = thrown(() => classificationMetrics(SCORES, SCORES.map((r) => r.slice(0, 2))));
    expect(width).toBeInstanceOf(ShapeError);
    expect(width.message).toBe('targets has shape [6, 2] but predictions of shape [6, 3] need class indices of shape [6, 1] or one-hot rows of shape [6, 3]');
    expect(thrown(() => classificationMetrics('scores' as never, TRUTH))).toBeInstanceOf(ShapeError);
    expect(thrown(() => classificationMetrics([], []))).toBeInstanceOf(DataError);
  });

  it('bad options are ConfigErrors', () => {
    expect(thrown(() => classificationMetrics(SCORES, TRUTH, { labelNames: ['a', 'b'] })).message).toBe(
      'Expected 3 strings (one per class) for labelNames but received 2 entries; the predictions have 3 classes',
    );
    expect(thrown(() => classificationMetrics([0.2], [0], { threshold: NaN }))).toBeInstanceOf(ConfigError);
    expect(thrown(() => classificationMetrics([0.2], [0], { treshold: 0.3 } as never)).message).toMatch(/Did you mean 'threshold'/);
  });
});
