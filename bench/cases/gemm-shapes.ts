// The GEMM shapes of the bench: squares, and the MLP 784-256-128 step's products at batch 32/128/512
// (forward X·W, and backprop's dW = Xᵀ·dZ (AᵀB) and dX = dZ·Wᵀ (ABᵀ)). Shared by the js/native child and
// the numpy peer (which receives them as JSON).

export interface GemmShape {
  label: string;
  m: number;
  n: number;
  k: number;
  tA: boolean;
  tB: boolean;
}

const square = (s: number): GemmShape => ({ label: `${s}²`, m: s, n: s, k: s, tA: false, tB: false });

function mlp(b: number): GemmShape[] {
  return [
    { label: `(${b}×784)·(784×256) fwd1`, m: b, n: 256, k: 784, tA: false, tB: false },
    { label: `(${b}×256)·(256×128) fwd2`, m: b, n: 128, k: 256, tA: false, tB: false },
    { label: `(${b}×784)ᵀ·(${b}×256) dW1`, m: 784, n: 256, k: b, tA: true, tB: false },
    { label: `(${b}×256)ᵀ·(${b}×128) dW2`, m: 256, n: 128, k: b, tA: true, tB: false },
    { label: `(${b}×128)·(256×128)ᵀ dX2`, m: b, n: 256, k: 128, tA: false, tB: true },
  ];
}

export function gemmShapes(quick: boolean): GemmShape[] {
  const squares = (quick ? [256, 1024] : [256, 512, 1024, 2048]).map(square);
  const batches = quick ? [128] : [32, 128, 512];
  return [...squares, ...batches.flatMap(mlp)];
}
