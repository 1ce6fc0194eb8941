// C (m,n) = alpha · op(A) (m,k) · op(B) (k,n) + beta · C, row-major, float32 storage.
// Two loop shapes, chosen by where op(B)'s rows are contiguous:
//   B not transposed (NN, TN): i-k-j "axpy" loops; four rows of B per pass so each C element is loaded
//     and stored once per four products; blocked over k and j so the B panel stays in cache.
//   B transposed (NT, TT):     dot products along k, four columns of C at a time, float64 accumulators;
//     TT first packs column i of A into a contiguous scratch row.
// No allocation per call except growing the one pack buffer (TT only).

/** Rows of B per k-block and columns per j-block of the axpy path: 64×512 floats = 128 KiB of B. */
const KC = 64;
const NC = 512;
/** Floats of B (rows of length k) per j-block on the dot path. */
const DOT_BLOCK_FLOATS = 32768;

let packA = new Float32Array(256);

/**
 * C (m,n) = alpha · op(A) · op(B) + beta · C. A is stored (m,k), or (k,m) when transA; B is stored (k,n),
 * or (n,k) when transB. beta = 0 overwrites C (NaN/Inf already in C do not propagate).
 */
export function gemm(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number): void {
  const mn = m * n;
  if (beta === 0) c.fill(0, 0, mn);
  else if (beta !== 1) for (let i = 0; i < mn; i++) c[i] *= beta;
  if (mn === 0 || k === 0 || alpha === 0) return;
  if (!transB) gemmAxpy(c, a, b, m, n, k, transA ? 1 : k, transA ? m : 1, alpha);
  else gemmDot(c, a, b, m, n, k, transA, alpha);
}

// C += alpha · op(A) · B with op(A)[i,p] = a[i·rsA + p·csA] and B (k,n) row-major.
function gemmAxpy(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, rsA: number, csA: number, alpha: number): void {
  for (let j0 = 0; j0 < n; j0 += NC) {
    const j1 = Math.min(j0 + NC, n);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const p1 = Math.min(p0 + KC, k);
      for (let i = 0; i < m; i++) {
        const ci = i * n;
        const ai = i * rsA;
        let p = p0;
        for (; p + 3 < p1; p += 4) {
          const a0 = alpha * a[ai + p * csA];
          const a1 = alpha * a[ai + (p + 1) * csA];
          const a2 = alpha * a[ai + (p + 2) * csA];
          const a3 = alpha * a[ai + (p + 3) * csA];
          const b0 = p * n;
          const b1 = b0 + n;
          const b2 = b1 + n;
          const b3 = b2 + n;
          for (let j = j0; j < j1; j++) {
            c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
          }
        }
        for (; p < p1; p++) {
          const a0 = alpha * a[ai + p * csA];
          const b0 = p * n;
          for (let j = j0; j < j1; j++) c[ci + j] += a0 * b[b0 + j];
        }
      }
    }
  }
}

// C += alpha · op(A) · Bᵀ with B stored (n,k): C[i,j] = Σ_p op(A)[i,p] · b[j·k + p].
function gemmDot(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, alpha: number): void {
  if (transA && packA.length < k) packA = new Float32Array(k);
  const jb = Math.max(4, Math.floor(DOT_BLOCK_FLOATS / k) & ~3);
  for (let j0 = 0; j0 < n; j0 += jb) {
    const j1 = Math.min(j0 + jb, n);
    for (let i = 0; i < m; i++) {
      let arow: Float32Array = a;
      let ai = i * k;
      if (transA) {
        for (let p = 0; p < k; p++) packA[p] = a[p * m + i]; // column i of the stored (k,m) A
        arow = packA;
        ai = 0;
      }
      const ci = i * n;
      let j = j0;
      for (; j + 3 < j1; j += 4) {
        const b0 = j * k;
        const b1 = b0 + k;
        const b2 = b1 + k;
        const b3 = b2 + k;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let p = 0; p < k; p++) {
          const av = arow[ai + p];
          s0 += av * b[b0 + p];
          s1 += av * b[b1 + p];
          s2 += av * b[b2 + p];
          s3 += av * b[b3 + p];
        }
        c[ci + j] += alpha * s0;
        c[ci + j + 1] += alpha * s1;
        c[ci + j + 2] += alpha * s2;
        c[ci + j + 3] += alpha * s3;
      }
      for (; j < j1; j++) {
        const b0 = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += arow[ai + p] * b[b0 + p];
        c[ci + j] += alpha * s;
      }
    }
  }
}

/**
 * Reference GEMM: the plain triple loop with float64 accumulation, same contract as {@link gemm}.
 * For tests and as the oracle of the native kernels; not used on any hot path.
 */
export function gemmNaive(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        const bv = transB ? b[j * k + p] : b[p * n + j];
        s += av * bv;
      }
      const prev = beta === 0 ? 0 : beta * c[i * n + j];
      c[i * n + j] = alpha * s + prev;
    }
  }
}
