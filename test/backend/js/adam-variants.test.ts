// The js backend's NAdam μ product (src/backend/js/optim/adam-variants.ts) is a function of (β1, ψ, t)
// alone: remembered products give exactly the value of a product computed afresh, whatever order the
// steps come in (consecutive, jumps, a resume below every remembered step, models interleaved).

import { describe, expect, it } from 'vitest';
import { nadamMuProduct } from '../../../src/backend/js/optim/adam-variants.js';

/** ∏_{i=1..t} β1·(1 − 0.5·0.96^(i·ψ)), nothing remembered. */
function fresh(b1: number, psi: number, t: number): number {
  let product = 1;
  for (let i = 1; i <= t; i++) product *= b1 * (1 - 0.5 * Math.pow(0.96, i * psi));
  return product;
}

describe('nadamMuProduct', () => {
  it('equals the fresh product exactly in any order of steps', () => {
    for (const t of [1, 2, 3, 10, 4, 4, 5, 200, 7, 1, 3]) expect(Object.is(nadamMuProduct(0.9, 0.004, t), fresh(0.9, 0.004, t))).toBe(true);
    expect(nadamMuProduct(0.8, 0.01, 5)).toBe(fresh(0.8, 0.01, 5));
    expect(nadamMuProduct(0.9, 0.004, 6)).toBe(fresh(0.9, 0.004, 6));
  });

  it('keeps models at different steps apart when interleaved', () => {
    for (let t = 1; t <= 50; t++) {
      expect(nadamMuProduct(0.9, 0.004, 1000 + t)).toBe(fresh(0.9, 0.004, 1000 + t));
      expect(nadamMuProduct(0.9, 0.004, t)).toBe(fresh(0.9, 0.004, t));
      expect(nadamMuProduct(0.95, 0.004, t)).toBe(fresh(0.95, 0.004, t));
    }
  });

  it('tends to 0 (every μ_i < β1 < 1), so 1 − Πμ stays a safe denominator', () => {
    expect(nadamMuProduct(0.9, 0.004, 1)).toBeCloseTo(0.45007347, 7);
    expect(nadamMuProduct(0.9, 0.004, 30)).toBeLessThan(1e-8);
  });
});
