// The bf16 rows of the bench: native training samples/s with compile({ precision: 'bf16' }) beside fp32 on
// the same model (the two alternate for several rounds and each shows its best round: the shared host only
// ever slows a run down), and Fashion-MNIST test accuracy after 5 epochs with each.

import type { TrainParams, TrainResult } from './cases/train.js';
import type { Ctx } from './rows.js';
import { fmt, type Row } from './table.js';

const bestOf = (xs: number[]): number => Math.max(...xs);

/** Whether this machine runs bf16 plans: AVX512_BF16, or NNTRAIN_KERNEL_BF16=emulated forced by the user. */
function bf16Runs(ctx: Ctx): string | null {
  const kernel = ctx.info?.kernelBf16;
  if (ctx.info === null || kernel === undefined) return 'native addon not available';
  if (kernel === 'emulated' && process.env.NNTRAIN_KERNEL_BF16 !== 'emulated') return 'this CPU has no AVX512_BF16';
  return null;
}

export async function bf16Rows(ctx: Ctx): Promise<Row[]> {
  const missing = bf16Runs(ctx);
  const cases = [
    { units: [1024, 1024], batch: 128 },
    { units: [256, 128], batch: 128 },
  ];
  const rows: Row[] = [];
  for (const c of cases) {
    const name = `784-${c.units.join('-')}-10 b${c.batch} Adam 1e-3: bf16 vs fp32`;
    if (missing !== null) {
      rows.push({ group: 'bf16', case: name, unit: 'samples/s', native: 'skipped', js: null, peer: null, peerName: 'nntrain fp32', note: missing });
      continue;
    }
    const rounds = ctx.quick ? 1 : 3;
    const rates = { fp32: [] as number[], bf16: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      for (const precision of ['fp32', 'bf16'] as const) {
        const params: TrainParams & { case: string } = { case: 'train', backend: 'native', units: c.units, batch: c.batch, optimizer: 'adam', minSeconds: ctx.quick ? 1 : 3, precision };
        const o = await ctx.child<TrainResult>(`bf16-train-${precision}-${c.units.join('-')}-r${r}`, 'node', params);
        if (o.result) rates[precision].push(o.result.samplesPerSec);
      }
    }
    const runs = (xs: number[]) => xs.map((x) => fmt(x)).join(' / ');
    rows.push({
      group: 'bf16',
      case: name,
      unit: 'samples/s',
      native: rates.bf16.length > 0 ? bestOf(rates.bf16) : 'failed (see JSON)',
      js: null,
      peer: rates.fp32.length > 0 ? bestOf(rates.fp32) : 'failed (see JSON)',
      peerName: 'nntrain fp32',
      note: `native column bf16 (${ctx.info?.kernelBf16 ?? '?'}), peer column fp32 (${ctx.info?.kernel ?? '?'}), best of ${rounds} alternating round(s): bf16 ${runs(rates.bf16)}, fp32 ${runs(rates.fp32)}`,
    });
  }
  const epochs = 5;
  const name = `784-256-128-10 test accuracy after ${epochs} epochs, b128, Adam 1e-3: bf16 vs fp32`;
  if (missing !== null) {
    rows.push({ group: 'bf16', case: name, unit: 'accuracy', native: 'skipped', js: null, peer: null, peerName: 'nntrain fp32', note: missing });
    return rows;
  }
  const acc: Record<string, number | null> = {};
  for (const precision of ['fp32', 'bf16'] as const) {
    const o = await ctx.child<{ accuracy: number }>(`bf16-accuracy-${precision}`, 'node', { case: 'accuracy', backend: 'native', units: [256, 128], batch: 128, epochs, precision }, {}, false);
    acc[precision] = o.result?.accuracy ?? null;
  }
  const { fp32, bf16 } = acc;
  rows.push({
    group: 'bf16',
    case: name,
    unit: 'accuracy',
    native: bf16 !== null ? fmt(bf16, 4) : 'failed (see JSON)',
    js: null,
    peer: fp32 !== null ? fmt(fp32, 4) : 'failed (see JSON)',
    peerName: 'nntrain fp32',
    note: fp32 !== null && bf16 !== null ? `bf16 − fp32 = ${((bf16 - fp32) * 100).toFixed(2)} points (target: within 0.3)` : '',
  });
  return rows;
}
