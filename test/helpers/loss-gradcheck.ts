// Finite-difference check of a custom loss's gradient (losses.custom): each output element of a batch is
// moved by ±eps, the row's loss recomputed through the loss's own forward, and the central difference
// compared with what its gradient function gives. Float64 losses over float32 inputs: the step is the
// difference of the two stored float32 values, not eps itself.

import type { CustomLoss, LossMatrix } from '../../src/losses/index.js';

export interface GradcheckResult {
  /** Largest |analytic − numeric| / max(1, |numeric|) over the elements. */
  maxError: number;
  row: number;
  col: number;
  analytic: number;
  numeric: number;
}

function rowLosses(loss: CustomLoss, yPred: LossMatrix, yTrue: LossMatrix): Float64Array {
  const out = new Float64Array(yPred.rows);
  const got = loss.forward(yPred, yTrue, out) ?? out;
  return Float64Array.from({ length: yPred.rows }, (_, r) => Number(got[r]));
}

/** Compares loss.gradient with central differences of loss.forward at yPred (not modified). */
export function lossGradcheck(loss: CustomLoss, yPred: LossMatrix, yTrue: LossMatrix, eps = 1e-3): GradcheckResult {
  const { rows, cols } = yPred;
  const d: LossMatrix = { data: new Float32Array(rows * cols), rows, cols };
  const given = loss.gradient({ ...yPred, data: yPred.data.slice() }, yTrue, d);
  const analytic = given === undefined || given === d.data ? d.data : Float64Array.from(given);
  const p = yPred.data.slice();
  const probe: LossMatrix = { data: p, rows, cols };
  const worst: GradcheckResult = { maxError: 0, row: -1, col: -1, analytic: 0, numeric: 0 };
  for (let i = 0; i < rows * cols; i++) {
    const v = p[i];
    p[i] = v + eps;
    const hi = p[i];
    const up = rowLosses(loss, probe, yTrue);
    p[i] = v - eps;
    const lo = p[i];
    const down = rowLosses(loss, probe, yTrue);
    p[i] = v;
    const r = Math.floor(i / cols);
    const numeric = (up[r] - down[r]) / (hi - lo);
    const err = Math.abs(analytic[i] - numeric) / Math.max(1, Math.abs(numeric));
    if (err > worst.maxError || worst.row < 0) Object.assign(worst, { maxError: err, row: r, col: i % cols, analytic: analytic[i], numeric });
  }
  return worst;
}

/** Throws, naming the loss and the worst element, when the gradient is off by more than `tol`. */
export function expectLossGradient(loss: CustomLoss, yPred: LossMatrix, yTrue: LossMatrix, tol = 1e-3, eps = 1e-3): GradcheckResult {
  const res = lossGradcheck(loss, yPred, yTrue, eps);
  if (!(res.maxError <= tol)) {
    throw new Error(
      `custom loss '${loss.name}': gradient differs from finite differences by ${res.maxError.toExponential(2)} (> ${tol}) at row ${res.row}, output ${res.col}: ` +
        `gradient ${res.analytic}, finite difference ${res.numeric}`,
    );
  }
  return res;
}
