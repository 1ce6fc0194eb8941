// The evaluation metrics against independent naive reimplementations on seeded random data: the
// O(n²) pairwise AUC (with many ties), per-class counts by filtering, and float64 regression formulas.

import { describe, expect, it } from 'vitest';
import { binaryRocAuc, classificationMetrics, regressionMetrics, matrix, Rng } from '../../src/index.js';
import { checkClose, checkScalar } from '../helpers/check.js';
import { naiveClassification, naiveRegression, pairwiseAuc } from './naive.js';

/** Float32-rounded values, so the naive code sees exactly what the metrics see. */
const f32 = (v: number) => Math.fround(v);

describe('binaryRocAuc vs the pairwise definition', () => {
  it('hand-computed ties: each tied positive/negative pair counts ½', () => {
    // positives 0.5, 0.5, 0.9; negatives 0.5, 0.1: pairs (0.5,0.5) ½ ×2, (0.5,0.1) 1 ×2, (0.9,·) 1 ×2 → 5/6
    checkScalar(binaryRocAuc([0.5, 0.5, 0.9, 0.5, 0.1], [1, 1, 1, 0, 0]), 5 / 6, 1e-15, 'AUC');
    expect(binaryRocAuc([0.2, 0.2], [0, 1])).toBe(0.5);
    expect(binaryRocAuc([-0, 0, 0, -0], [1, 0, 1, 0])).toBe(0.5); // -0 and +0 tie
    expect(binaryRocAuc([0.9, 0.1], [0, 1])).toBe(0);
    expect(binaryRocAuc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it.each([
    { n: 7, levels: 3, seed: 1 },
    { n: 50, levels: 5, seed: 2 },
    { n: 300, levels: 20, seed: 3 },
    { n: 500, levels: 0, seed: 4 }, // continuous scores (few or no ties)
    { n: 400, levels: 1, seed: 5 }, // all scores equal
  ])('random scores, n=$n with $levels score levels', ({ n, levels, seed }) => {
    const rng = new Rng(seed);
    const scores: number[] = [];
    const positive: boolean[] = [];
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      scores.push(levels === 0 ? u : Math.floor(u * levels) / levels);
      positive.push(rng.uniform() < 0.3 + 0.4 * u); // scores carry some signal
    }
    if (!positive.includes(true)) positive[0] = true;
    if (!positive.includes(false)) positive[1] = false;
    checkScalar(binaryRocAuc(scores, positive.map(Number)), pairwiseAuc(scores, positive), 1e-12, `AUC n=${n}`);
  });
});

describe('classificationMetrics vs naive per-class counts', () => {
  it.each([
    { n: 40, classes: 3, seed: 11 },
    { n: 200, classes: 5, seed: 12 },
    { n: 120, classes: 7, seed: 13 }, // some classes missing from truth or predictions
    { n: 300, classes: 2, seed: 14 },
  ])('random scores, n=$n, C=$classes', ({ n, classes, seed }) => {
    const rng = new Rng(seed);
    const rows: number[][] = [];
    const truth: number[] = [];
    for (let i = 0; i < n; i++) {
      // truth skewed toward low classes; scores quantized (ties) and biased toward the true class
      const t = Math.min(classes - 1, Math.floor(rng.uniform() ** 2 * classes));
      truth.push(t);
      rows.push(Array.from({ length: classes }, (_, k) => f32(Math.round((rng.uniform() + (k === t ? 0.4 : 0)) * 8) / 8)));
    }
    const r = classificationMetrics(rows, truth);
    const pred = rows.map((row) => row.indexOf(Math.max(...row))); // first max, as argmax
    const want = naiveClassification(truth, pred, classes);

    checkScalar(r.accuracy, want.accuracy, 1e-15, 'accuracy');
    checkClose(r.perClass.map((m) => m.precision), want.precision, 1e-14, 'precision');
    checkClose(r.perClass.map((m) => m.recall), want.recall, 1e-14, 'recall');
    checkClose(r.perClass.map((m) => m.f1), want.f1, 1e-14, 'f1');
    expect(r.perClass.map((m) => m.support)).toEqual(want.support);
    checkClose([r.macro.precision, r.macro.recall, r.macro.f1], [want.macro.precision, want.macro.recall, want.macro.f1], 1e-14, 'macro');
    checkClose([r.weighted.precision, r.weighted.recall, r.weighted.f1], [want.weighted.precision, want.weighted.recall, want.weighted.f1], 1e-14, 'weighted');
    for (let t = 0; t < classes; t++) {
      for (let p = 0; p < classes; p++) expect(r.confusion[t][p]).toBe(truth.filter((v, i) => v === t && pred[i] === p).length);
    }

    const aucs = Array.from({ length: classes }, (_, k) => pairwiseAuc(rows.map((row) => row[k]), truth.map((t) => t === k)));
    checkClose(r.rocAucPerClass, aucs, 1e-12, 'per-class AUC');
    const defined = aucs.filter((a) => !Number.isNaN(a));
    const wantAuc = classes === 2 ? aucs[1] : defined.reduce((s, a) => s + a, 0) / defined.length;
    checkScalar(r.rocAuc, wantAuc, 1e-12, 'headline AUC');
  });

  it('one sigmoid column vs the same scores as two columns [1 − p, p]', () => {
    const rng = new Rng(21);
    const p = Array.from({ length: 150 }, () => f32(Math.round(rng.uniform() * 20) / 20));
    const y = p.map((v) => (rng.uniform() < v ? 1 : 0));
    const one = classificationMetrics(p, y);
    const two = classificationMetrics(p.map((v) => [f32(1 - v), v]), y);
    checkScalar(one.rocAuc, pairwiseAuc(p, y.map(Boolean)), 1e-12, 'sigmoid AUC');
    checkScalar(one.rocAuc, two.rocAuc, 1e-12, 'same AUC');
  });
});

describe('regressionMetrics vs float64 formulas', () => {
  it.each([
    { n: 1, k: 1, seed: 31 },
    { n: 100, k: 1, seed: 32 },
    { n: 257, k: 3, seed: 33 },
  ])('random data, n=$n, outputs=$k', ({ n, k, seed }) => {
    const rng = new Rng(seed);
    const y = Array.from({ length: n * k }, () => f32(rng.normal() * 3 + 1));
    const p = y.map((v) => f32(v + rng.normal()));
    const r = regressionMetrics(matrix(Float32Array.from(p), k), matrix(Float32Array.from(y), k));
    const per = Array.from({ length: k }, (_, c) => {
      const col = (a: number[]) => a.filter((_, i) => i % k === c);
      return naiveRegression(col(y), col(p));
    });
    checkClose(r.perOutput.map((m) => m.mse), per.map((m) => m.mse), 1e-12, 'mse');
    checkClose(r.perOutput.map((m) => m.rmse), per.map((m) => Math.sqrt(m.mse)), 1e-12, 'rmse');
    checkClose(r.perOutput.map((m) => m.mae), per.map((m) => m.mae), 1e-12, 'mae');
    checkClose(r.perOutput.map((m) => m.r2), per.map((m) => m.r2), 1e-12, 'r2');
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    checkScalar(r.mse, mean(per.map((m) => m.mse)), 1e-12, 'mean mse');
    checkScalar(r.rmse, mean(per.map((m) => Math.sqrt(m.mse))), 1e-12, 'mean rmse');
    checkScalar(r.r2, mean(per.map((m) => m.r2)), 1e-12, 'mean r2');
  });
});
