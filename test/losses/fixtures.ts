// Custom losses shared by the tests of losses.custom: the built-in mse and categorical cross-entropy
// written as custom losses (per-row forward, per-row gradient w.r.t. the post-activation output).

import { losses } from '../../src/losses/index.js';
import type { LossMatrix } from '../../src/losses/index.js';

/** mse per row: mean over the outputs of (p − t)². */
export const customMse = losses.custom({
  name: 'myMse',
  forward: (p: LossMatrix, t: LossMatrix, out: Float64Array) => {
    for (let r = 0; r < p.rows; r++) {
      let s = 0;
      for (let j = 0; j < p.cols; j++) s += (p.data[r * p.cols + j] - t.data[r * p.cols + j]) ** 2;
      out[r] = s / p.cols;
    }
    return out;
  },
  gradient: (p, t, d) => {
    for (let i = 0; i < p.rows * p.cols; i++) d.data[i] = (2 * (p.data[i] - t.data[i])) / p.cols;
  },
});

const EPS = 1e-7; // Keras's clip of probabilities, as the unfused built-in cross-entropy

/** Categorical cross-entropy per row on softmax probabilities: −Σ t·log(clip(p)). */
export const customCrossentropy = losses.custom({
  name: 'myCrossentropy',
  forward: (p, t, out) => {
    for (let r = 0; r < p.rows; r++) {
      let s = 0;
      for (let j = 0; j < p.cols; j++) s -= t.data[r * p.cols + j] * Math.log(Math.min(Math.max(p.data[r * p.cols + j], EPS), 1 - EPS));
      out[r] = s;
    }
    return out;
  },
  gradient: (p, t, d) => {
    for (let i = 0; i < p.rows * p.cols; i++) d.data[i] = -t.data[i] / Math.min(Math.max(p.data[i], EPS), 1 - EPS);
  },
});
