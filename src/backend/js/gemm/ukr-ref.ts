// The GEMM micro-kernel of the js backend (portable, like native/kernels/gemm/ukr_ref.cc): one MR×NR = 4×4 tile
// of C from packed panels.
// Contract (shared with gemm.ts): the A panel holds op(A) rows i..i+3 as kc groups of 4 (element (i+r, p) at
// p·4 + r), the B panel holds op(B) columns j..j+3 as kc groups of 4 (element (p, j+q) at p·4 + q); rows and
// columns past the matrix edge are zero in the panels. 16 float64 accumulators stay in registers, so each
// step of p costs 8 loads for 16 multiply-adds; C is read and written once per tile.

export const MR = 4;
export const NR = 4;

const edge = new Float64Array(MR * NR);

/** C[ci + r·ldc + q] += alpha · (Apanel · Bpanel)[r, q] for r < mr, q < nr (mr, nr <= 4 at the edges). */
export function ukrRef4x4(c: Float32Array, ci: number, ldc: number, pa: Float32Array, ao: number, pb: Float32Array, bo: number, kc: number, alpha: number, mr: number, nr: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  const end = ao + kc * 4;
  for (let x = ao, y = bo; x < end; x += 4, y += 4) {
    const a0 = pa[x];
    const a1 = pa[x + 1];
    const a2 = pa[x + 2];
    const a3 = pa[x + 3];
    const b0 = pb[y];
    const b1 = pb[y + 1];
    const b2 = pb[y + 2];
    const b3 = pb[y + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  if (mr === MR && nr === NR) {
    let o = ci;
    c[o] += alpha * c00;
    c[o + 1] += alpha * c01;
    c[o + 2] += alpha * c02;
    c[o + 3] += alpha * c03;
    o += ldc;
    c[o] += alpha * c10;
    c[o + 1] += alpha * c11;
    c[o + 2] += alpha * c12;
    c[o + 3] += alpha * c13;
    o += ldc;
    c[o] += alpha * c20;
    c[o + 1] += alpha * c21;
    c[o + 2] += alpha * c22;
    c[o + 3] += alpha * c23;
    o += ldc;
    c[o] += alpha * c30;
    c[o + 1] += alpha * c31;
    c[o + 2] += alpha * c32;
    c[o + 3] += alpha * c33;
    return;
  }
  // edge tile: only the mr×nr corner exists in C
  edge[0] = c00;
  edge[1] = c01;
  edge[2] = c02;
  edge[3] = c03;
  edge[4] = c10;
  edge[5] = c11;
  edge[6] = c12;
  edge[7] = c13;
  edge[8] = c20;
  edge[9] = c21;
  edge[10] = c22;
  edge[11] = c23;
  edge[12] = c30;
  edge[13] = c31;
  edge[14] = c32;
  edge[15] = c33;
  for (let r = 0; r < mr; r++) for (let q = 0; q < nr; q++) c[ci + r * ldc + q] += alpha * edge[r * NR + q];
}
