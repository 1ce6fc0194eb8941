// The reference GEMM, twin of native/kernels/ref/gemm_ref.cc: slow and obviously right, the oracle the
// blocked gemm (gemm/gemm.ts) and the native kernels are tested against; not used on any hot path.

/** The plain triple loop with float64 accumulation, same contract as gemm. */
export function gemmRef(c: Float32Array, a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number): void {
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
