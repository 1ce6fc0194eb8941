// Batch and layer normalization (twin of native/kernels/norm.cc, same operations in the same order):
// statistics by Welford's one-pass update in float64, each output rounded to float32 once.

/**
 * out (B,C) = γ·(inp − mean)·invStd + β per column. training: mean and the biased variance of the batch
 * (B >= 2) go to mean/invStd (C) and the running statistics, unless null, move by `momentum` toward the
 * batch's (the variance unbiased, ·B/(B−1), as PyTorch's BatchNorm1d); inference: the running
 * statistics (required) are used.
 */
export function batchNormForward(out: Float32Array, mean: Float64Array, invStd: Float64Array, runningMean: Float32Array | null, runningVar: Float32Array | null, inp: Float32Array, gamma: Float32Array, beta: Float32Array, B: number, C: number, eps: number, momentum: number, training: boolean): void {
  if (training) {
    const m2 = invStd; // holds the sums of squared deviations until the loop below
    mean.fill(0, 0, C);
    m2.fill(0, 0, C);
    for (let r = 0; r < B; r++) {
      const o = r * C;
      const invK = 1 / (r + 1);
      for (let c = 0; c < C; c++) {
        const x = inp[o + c];
        const d = x - mean[c];
        mean[c] += d * invK;
        m2[c] += d * (x - mean[c]);
      }
    }
    for (let c = 0; c < C; c++) {
      const s = m2[c];
      invStd[c] = 1 / Math.sqrt(s / B + eps);
      if (runningMean && runningVar) {
        runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c];
        runningVar[c] = (1 - momentum) * runningVar[c] + momentum * (s / (B - 1));
      }
    }
  } else {
    if (!runningMean || !runningVar) throw new Error('batchNormForward: inference needs the running statistics');
    for (let c = 0; c < C; c++) {
      mean[c] = runningMean[c];
      invStd[c] = 1 / Math.sqrt(runningVar[c] + eps);
    }
  }
  for (let r = 0; r < B; r++) {
    const o = r * C;
    for (let c = 0; c < C; c++) out[o + c] = (inp[o + c] - mean[c]) * (gamma[c] * invStd[c]) + beta[c];
  }
}

/**
 * Backward of batchNormForward from its mean/invStd: dgamma (C) += Σ_rows dout·x̂, dbeta (C) += Σ_rows dout
 * (overwritten unless accumulate); dinp (B,C) through the batch statistics when training, else
 * dout·γ·invStd, unless null. sums (2C) is scratch.
 */
export function batchNormBackward(dinp: Float32Array | null, dgamma: Float32Array, dbeta: Float32Array, sums: Float64Array, dout: Float32Array, inp: Float32Array, gamma: Float32Array, mean: Float64Array, invStd: Float64Array, B: number, C: number, training: boolean, accumulate: boolean): void {
  paramGrads(dgamma, dbeta, sums, dout, inp, mean, invStd, B, C, false, accumulate);
  if (!dinp) return;
  for (let r = 0; r < B; r++) {
    const o = r * C;
    for (let c = 0; c < C; c++) {
      const k = gamma[c] * invStd[c];
      const dy = dout[o + c];
      if (training) {
        const xhat = (inp[o + c] - mean[c]) * invStd[c];
        dinp[o + c] = k * (dy - sums[c] / B - xhat * (sums[C + c] / B));
      } else {
        dinp[o + c] = k * dy;
      }
    }
  }
}

/** out (B,C) = γ·(inp − mean_r)·invStd_r + β with each row's mean and biased variance; mean/invStd (B) kept. */
export function layerNormForward(out: Float32Array, mean: Float64Array, invStd: Float64Array, inp: Float32Array, gamma: Float32Array, beta: Float32Array, B: number, C: number, eps: number): void {
  for (let r = 0; r < B; r++) {
    const o = r * C;
    let m = 0;
    let m2 = 0;
    for (let c = 0; c < C; c++) {
      const x = inp[o + c];
      const d = x - m;
      m += d * (1 / (c + 1));
      m2 += d * (x - m);
    }
    const inv = 1 / Math.sqrt(m2 / C + eps);
    mean[r] = m;
    invStd[r] = inv;
    for (let c = 0; c < C; c++) out[o + c] = gamma[c] * ((inp[o + c] - m) * inv) + beta[c];
  }
}

/** Backward of layerNormForward: dgamma/dbeta (C) as batchNormBackward; dinp (B,C) unless null. sums (2C) is scratch. */
export function layerNormBackward(dinp: Float32Array | null, dgamma: Float32Array, dbeta: Float32Array, sums: Float64Array, dout: Float32Array, inp: Float32Array, gamma: Float32Array, mean: Float64Array, invStd: Float64Array, B: number, C: number, accumulate: boolean): void {
  paramGrads(dgamma, dbeta, sums, dout, inp, mean, invStd, B, C, true, accumulate);
  if (!dinp) return;
  for (let r = 0; r < B; r++) {
    const o = r * C;
    const inv = invStd[r];
    let s1 = 0;
    let s2 = 0;
    for (let c = 0; c < C; c++) {
      const g = dout[o + c] * gamma[c];
      s1 += g;
      s2 += g * ((inp[o + c] - mean[r]) * inv);
    }
    const m1 = s1 / C;
    const m2 = s2 / C;
    for (let c = 0; c < C; c++) {
      const g = dout[o + c] * gamma[c];
      const xhat = (inp[o + c] - mean[r]) * inv;
      dinp[o + c] = inv * (g - m1 - xhat * m2);
    }
  }
}

/**
 * dbeta += Σ_rows dout and dgamma += Σ_rows dout·x̂ (overwritten unless accumulate), x̂ normalized with the
 * statistics of its column (batch norm) or of its row (layer norm: perRow). sums (2C) is scratch.
 */
function paramGrads(dgamma: Float32Array, dbeta: Float32Array, sums: Float64Array, dout: Float32Array, inp: Float32Array, mean: Float64Array, invStd: Float64Array, B: number, C: number, perRow: boolean, accumulate: boolean): void {
  sums.fill(0, 0, 2 * C);
  for (let r = 0; r < B; r++) {
    const o = r * C;
    for (let c = 0; c < C; c++) {
      const s = perRow ? r : c;
      const dy = dout[o + c];
      sums[c] += dy;
      sums[C + c] += dy * ((inp[o + c] - mean[s]) * invStd[s]);
    }
  }
  for (let c = 0; c < C; c++) {
    dgamma[c] = accumulate ? dgamma[c] + sums[C + c] : sums[C + c];
    dbeta[c] = accumulate ? dbeta[c] + sums[c] : sums[c];
  }
}
