// Which backends run bf16 plans here: js always (it emulates the rounding); native where the CPU has
// AVX512_BF16, or where NNTRAIN_KERNEL_BF16=emulated asks for the emulated GEMM (elsewhere createPlan
// refuses a bf16 plan).

import { getBackend, nativeAvailable } from '../../src/backend/index.js';

/** True when the native backend loads and runs bf16 plans in this process. */
export function nativeBf16Runs(): boolean {
  if (!nativeAvailable()) return false;
  const kernel = getBackend('native').info().kernelBf16;
  return kernel !== undefined && (kernel !== 'emulated' || process.env.NNTRAIN_KERNEL_BF16 === 'emulated');
}

/** The backends that run bf16 plans here. */
export function bf16Backends(): ('js' | 'native')[] {
  return nativeBf16Runs() ? ['js', 'native'] : ['js'];
}
