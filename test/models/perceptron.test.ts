import { describe, expect, it } from 'vitest';
import { Perceptron } from '../../src/models/perceptron.js';
import { matrix } from '../../src/data/matrix.js';
import { Rng } from '../../src/util/rng.js';

const GATE_X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];

/** The learning rule written out plainly over number arrays, rows in the given order every epoch. */
function referencePerceptron(x: number[][], y: number[], lr: number, epochs: number) {
  const w = new Array<number>(x[0].length).fill(0);
  let b = 0;
  const history: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let mistakes = 0;
    for (let r = 0; r < x.length; r++) {
      const s = x[r].reduce((acc, v, c) => acc + w[c] * v, b);
      const yHat = s > 0 ? 1 : 0;
      if (yHat !== y[r]) {
        mistakes++;
        for (let c = 0; c < w.length; c++) w[c] += lr * (y[r] - yHat) * x[r][c];
        b += lr * (y[r] - yHat);
      }
    }
    history.push(mistakes);
    if (mistakes === 0) break;
  }
  return { w, b, history };
}

/** Points in [-1, 1]^d labelled by a random hyperplane, keeping only those at distance >= margin. */
function separableData(rows: number, d: number, margin: number, seed: number) {
  const rng = new Rng(seed);
  const u = () => 2 * rng.uniform53() - 1;
  const wTrue = Array.from({ length: d }, u);
  const norm = Math.hypot(...wTrue);
  const bTrue = 0.3 * u();
  const x: number[][] = [];
  const y: number[] = [];
  while (x.length < rows) {
    // float32-representable points, so the margin holds for the values the perceptron sees
    const p = Array.from({ length: d }, () => Math.fround(u()));
    const s = (p.reduce((acc, v, c) => acc + wTrue[c] * v, 0) + bTrue) / norm;
    if (Math.abs(s) < margin) continue;
    x.push(p);
    y.push(s > 0 ? 1 : 0);
  }
  return { x, y };
}

describe('Perceptron', () => {
  it('learns AND exactly and stops after the first epoch without mistakes', () => {
    const y = [0, 0, 0, 1];
    const p = new Perceptron({ epochs: 50, seed: 3 }).fit(GATE_X, y);
    expect(Array.from(p.predict(GATE_X))).toEqual(y);
    expect(p.converged).toBe(true);
    const h = p.history;
    expect(h[h.length - 1]).toBe(0);
    expect(h.slice(0, -1).every((m) => m > 0)).toBe(true);
    expect(h.length).toBeLessThan(50);
  });

  it('learns OR exactly', () => {
    const y = [0, 1, 1, 1];
    const p = new Perceptron({ epochs: 50 }).fit(GATE_X, y);
    expect(Array.from(p.predict(GATE_X))).toEqual(y);
    expect(p.converged).toBe(true);
  });

  it('applies the Rosenblatt rule exactly (no shuffle, against a plain reference)', () => {
    for (const [y, lr] of [
      [[0, 0, 0, 1], 1],
      [[0, 1, 1, 1], 1],
      [[1, 1, 1, 0], 0.5], // NAND
    ] as const) {
      const ref = referencePerceptron(GATE_X, [...y], lr, 30);
      const p = new Perceptron({ epochs: 30, shuffle: false, learningRate: lr }).fit(GATE_X, [...y]);
      expect(p.history).toEqual(ref.history);
      expect(Array.from(p.weights)).toEqual(ref.w);
      expect(p.bias).toBe(ref.b);
    }
  });

  it('matches the reference on odd shapes (1 feature, 1 row, 7 features)', () => {
    const cases: [number[][], number[]][] = [
      [[[-2], [-1], [3], [5]], [0, 0, 1, 1]],
      [[[0.5]], [1]],
      [separableData(13, 7, 0.05, 11).x, separableData(13, 7, 0.05, 11).y],
    ];
    for (const [x, y] of cases) {
      const ref = referencePerceptron(x.map((r) => r.map(Math.fround)), y, 1, 200);
      const p = new Perceptron({ epochs: 200, shuffle: false }).fit(x, y);
      expect(p.history).toEqual(ref.history);
      Array.from(p.weights).forEach((w, i) => expect(w).toBeCloseTo(ref.w[i], 12));
      expect(p.bias).toBeCloseTo(ref.b, 12);
    }
  });

  it('converges to zero mistakes on linearly separable random data', () => {
    const all = separableData(400, 5, 0.05, 1234);
    const [x, y] = [all.x.slice(0, 200), all.y.slice(0, 200)];
    const p = new Perceptron({ epochs: 1000, seed: 9 }).fit(x, y);
    expect(p.converged).toBe(true);
    expect(p.history[p.history.length - 1]).toBe(0);
    expect(Array.from(p.predict(x))).toEqual(y);
    // held-out points from the same hyperplane are mostly right too
    const predicted = p.predict(all.x.slice(200));
    const correct = all.y.slice(200).filter((v, i) => v === predicted[i]).length;
    expect(correct).toBeGreaterThan(180);
  });

  it('never reaches zero mistakes on XOR (not linearly separable)', () => {
    const y = [0, 1, 1, 0];
    for (const shuffle of [false, true]) {
      const p = new Perceptron({ epochs: 200, shuffle, seed: 5 }).fit(GATE_X, y);
      expect(p.converged).toBe(false);
      expect(p.history).toHaveLength(200);
      expect(Math.min(...p.history)).toBeGreaterThan(0);
      const correct = Array.from(p.predict(GATE_X)).filter((v, i) => v === y[i]).length;
      expect(correct).toBeLessThan(4);
    }
  });

  it('reads -1/1 labels as 0/1 and predicts 0/1', () => {
    const a = new Perceptron({ seed: 2 }).fit(GATE_X, [-1, -1, -1, 1]);
    const b = new Perceptron({ seed: 2 }).fit(GATE_X, [0, 0, 0, 1]);
    expect(Array.from(a.predict(GATE_X))).toEqual([0, 0, 0, 1]);
    expect(a.history).toEqual(b.history);
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
  });

  it('scales weights linearly with the learning rate from zero init (same mistakes)', () => {
    const y = [0, 1, 1, 1];
    const one = new Perceptron({ learningRate: 1, seed: 4 }).fit(GATE_X, y);
    const quarter = new Perceptron({ learningRate: 0.25, seed: 4 }).fit(GATE_X, y);
    expect(quarter.history).toEqual(one.history);
    expect(Array.from(quarter.weights)).toEqual(Array.from(one.weights, (w) => w / 4));
    expect(quarter.bias).toBe(one.bias / 4);
  });

  it('is reproducible for a seed, and refitting starts from zero', () => {
    const { x, y } = separableData(60, 3, 0.05, 77);
    const a = new Perceptron({ seed: 10 }).fit(x, y);
    const b = new Perceptron({ seed: 10 }).fit(x, y);
    expect(b.history).toEqual(a.history);
    expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
    b.fit(x, y);
    expect(b.history).toEqual(a.history);
    expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
  });

  it('accepts Matrix inputs, Float32Array labels and decision scores', () => {
    const x = matrix(new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), 2);
    const p = new Perceptron().fit(x, new Float32Array([0, 0, 0, 1]));
    const scores = p.decisionFunction(x);
    expect(scores).toHaveLength(4);
    expect(Array.from(scores, (s) => (s > 0 ? 1 : 0))).toEqual(Array.from(p.predict(x)));
    expect(Array.from(p.predict(x))).toEqual([0, 0, 0, 1]);
  });

  it('stops at the epoch limit and keeps the last weights', () => {
    const p = new Perceptron({ epochs: 1, shuffle: false }).fit(GATE_X, [0, 0, 0, 1]);
    expect(p.history).toHaveLength(1);
    expect(p.converged).toBe(false);
  });

  it('rejects bad options with ConfigError', () => {
    expect(() => new Perceptron({ learningRate: 0 })).toThrow(/Expected number > 0 for learningRate but received 0/);
    expect(() => new Perceptron({ learningRate: NaN })).toThrow(expect.objectContaining({ code: 'ERR_NNTRAIN_CONFIG' }));
    expect(() => new Perceptron({ epochs: 2.5 })).toThrow(/Expected integer >= 1 for epochs but received 2.5/);
    expect(() => new Perceptron({ seed: -1 })).toThrow(/seed/);
    expect(() => new Perceptron({ shuffle: 1 as unknown as boolean })).toThrow(/Expected boolean for shuffle/);
    expect(() => new Perceptron({ learningrate: 1 } as never)).toThrow(/Did you mean 'learningRate'/);
  });

  it('rejects bad data with ShapeError / DataError and predict before fit with ConfigError', () => {
    const p = new Perceptron();
    expect(() => p.predict(GATE_X)).toThrow(expect.objectContaining({ code: 'ERR_NNTRAIN_CONFIG' }));
    expect(() => p.weights).toThrow(/not fitted/);
    expect(() => p.fit([], [])).toThrow(expect.objectContaining({ code: 'ERR_NNTRAIN_DATA' }));
    expect(() => p.fit([[0, 1], [1]], [0, 1])).toThrow(expect.objectContaining({ code: 'ERR_NNTRAIN_SHAPE' }));
    expect(() => p.fit(GATE_X, [0, 1, 1])).toThrow(expect.objectContaining({ code: 'ERR_NNTRAIN_SHAPE' }));
    expect(() => p.fit(GATE_X, [0, 2, 1, 1])).toThrow(/label 2 at row 1/);
    expect(() => p.fit(GATE_X, [0, -1, 1, 1])).toThrow(/mixes label codings/);
    expect(() => p.fit([[0, NaN]], [1])).toThrow(expect.objectContaining({ code: 'ERR_NNTRAIN_DATA', row: 0, column: 1 }));
    p.fit(GATE_X, [0, 0, 0, 1]);
    expect(() => p.predict([[1, 2, 3]])).toThrow(expect.objectContaining({ code: 'ERR_NNTRAIN_SHAPE' }));
  });
});
