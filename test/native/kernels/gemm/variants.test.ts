// GEMM of every native kernel variant against the float64 naive reference. The kernel is chosen once
// per process, so each variant runs in its own child (variants.child.ts) with NNTRAIN_KERNEL set:
// 2,000 seeded shapes per variant (1..300 in each dimension, block and tile edges first), every
// transpose combination, alpha/beta including beta = 0 over a NaN-filled C, guard cells past C, A and B
// unchanged. Variants the CPU cannot run must be refused at load with a clear message, and are skipped.

import { describe, expect, it } from 'vitest';
import { nativeAvailable } from '../../../../src/backend/index.js';
import { runNode } from '../../../helpers/run-script.js';
import { transpiled } from '../../../helpers/transpiled.js';
import type { GemmVariantReport } from './variants.child.js';

const VARIANTS = ['ref', 'simple', 'packed', 'avx2', 'avx512'] as const;
/** Variants that exist only on some CPUs; the portable ones must always load. */
const ISA_VARIANTS = new Set<string>(['avx2', 'avx512']);
const CHILD = 'test/native/kernels/gemm/variants.child.ts';

// Start every child at once (they are independent processes); each test awaits its own.
const runs = new Map<string, Promise<{ code: number; report: GemmVariantReport | null; stderr: string }>>();
if (nativeAvailable()) {
  for (const v of VARIANTS) {
    runs.set(
      v,
      runNode([transpiled(CHILD)], { NNTRAIN_KERNEL: v, GEMM_CASES: '2000', GEMM_SEED: '3' }).then(({ code, stdout, stderr }) => {
        const line = stdout.trim().split('\n').at(-1) ?? '';
        let report: GemmVariantReport | null = null;
        try {
          report = JSON.parse(line) as GemmVariantReport;
        } catch {
          report = null;
        }
        return { code, report, stderr };
      }),
    );
  }
}

describe.skipIf(!nativeAvailable())('gemm, every native kernel variant vs float64 reference', () => {
  for (const variant of VARIANTS)
    it(`NNTRAIN_KERNEL=${variant}`, async (ctx) => {
    const run = await runs.get(variant)!;
    expect(run.code, run.stderr).toBe(0);
    const report = run.report;
    expect(report, run.stderr).not.toBeNull();
    if (report!.loadError !== undefined) {
      // only an ISA variant may be missing: on x86-64 with the "not supported by this CPU" error, and
      // elsewhere (the arm64 prebuild under qemu) as a name the build does not have
      expect(ISA_VARIANTS.has(variant), report!.loadError).toBe(true);
      const why = process.arch === 'x64' ? ' is not supported by this CPU' : ' is not supported by this CPU|\\. Expected one of: ref, simple, packed';
      expect(report!.loadError).toMatch(new RegExp(`NNTRAIN_KERNEL '${variant}'(${why})`));
      ctx.skip(`${variant}: not supported by this CPU`);
      return;
    }
    expect(report!.kernel).toBe(variant);
    expect(report!.failures).toEqual([]);
    expect(report!.placedCases).toBe(24); // 6 shapes, B on and off a cache line, A as stored and transposed
    expect(report!.cases).toBe(2000 + report!.placedCases);
    expect(report!.worstRatio).toBeLessThanOrEqual(1);
    });
});
