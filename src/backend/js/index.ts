// The pure-TypeScript backend: every kernel of the Backend contract over Float32Array, and the plan
// executor. It is the fallback where the addon cannot load and the reference the native backend is tested against.

import type { ArenaViews, Backend, BackendInfo, PlanHandle, PlanSpec } from '../contract.js';
import { activationBackward, activationForward } from './act/activation.js';
import { denseBackward, denseForward } from './dense.js';
import { gemm } from './gemm/gemm.js';
import { lossBackward, lossForward } from './loss/loss.js';
import { sumSquares } from './optim/clip.js';
import { optimizerStep } from './optim/optim.js';
import { JsPlan } from './train/plan.js';
import { checkInteger } from '../../util/validate.js';

/**
 * Creates the js backend. Kernels are synchronous; `train()` of a plan runs its steps synchronously inside
 * the returned Promise (the training loop chooses chunk sizes to keep the event loop responsive).
 * @example const be = createJsBackend(); be.gemm(c, a, b, 2, 3, 4, false, false, 1, 0);
 */
export function createJsBackend(): Backend {
  return {
    name: 'js',
    info(): BackendInfo {
      return { name: 'js', kernel: 'js', threads: 1 };
    },
    // Single-threaded: 1 is the only valid count (a larger one is an error rather than silently
    // ignored, so a caller never believes it got threads it did not).
    setThreads(n: number): void {
      checkInteger('threads', n, { min: 1, max: 1 });
    },
    // Plain loops over Float32Array gain nothing from the arena's alignment
    cacheLineShift(): number {
      return 0;
    },
    gemm,
    denseForward,
    denseBackward,
    activationForward,
    activationBackward,
    lossForward,
    lossBackward,
    optimizerStep,
    sumSquares,
    createPlan(spec: PlanSpec, arena: ArenaViews, maxBatch: number): PlanHandle {
      return new JsPlan(spec, arena, maxBatch);
    },
  };
}

export { gemm } from './gemm/gemm.js';
export { gemmRef } from './ref/gemm-ref.js';
export { erf } from './act/erf.js';
