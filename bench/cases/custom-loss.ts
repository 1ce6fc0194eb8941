// Child and rows: what a custom loss (losses.custom) costs. 784-256-128-10 (relu, softmax), Adam, b128,
// synthetic data: steps/s with the built-in categoricalCrossentropy (native: fused, one call per chunk)
// against the same loss written in JS (one forwardStep / JS loss / backwardStep per step), the two fits
// alternating for several rounds in one process, each side's best round reported.

import { layers, losses, optimizers, Sequential, type BackendName, type CustomLoss } from '../../src/index.js';
import { emit } from '../lib/protocol.js';
import type { Ctx } from '../rows.js';
import { fmt, type Row } from '../table.js';

export interface CustomLossParams {
  backend: BackendName;
  steps: number; // per timed fit
  rounds: number;
}

export interface CustomLossResult {
  builtin: number; // best steps/s
  custom: number;
  rounds: { builtin: number; custom: number }[];
}

const EPS = 1e-7;
const crossentropy: CustomLoss = losses.custom({
  name: 'jsCrossentropy',
  forward: (p, t, out) => {
    for (let r = 0; r < p.rows; r++) {
      let s = 0;
      for (let j = 0; j < p.cols; j++) s -= t.data[r * p.cols + j] * Math.log(Math.min(Math.max(p.data[r * p.cols + j], EPS), 1 - EPS));
      out[r] = s;
    }
    return out;
  },
  gradient: (p, t, d) => {
    for (let i = 0; i < p.rows * p.cols; i++) d.data[i] = -t.data[i] / Math.min(Math.max(p.data[i], EPS), 1 - EPS);
  },
});

function model(backend: BackendName, loss: 'categoricalCrossentropy' | CustomLoss): Sequential {
  const m = new Sequential({ backend, seed: 1 });
  m.add(layers.dense({ units: 256, activation: 'relu', inputShape: [784] }));
  m.add(layers.dense({ units: 128, activation: 'relu' }));
  m.add(layers.dense({ units: 10, activation: 'softmax' }));
  m.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss });
  return m;
}

export async function runCustomLoss(p: CustomLossParams): Promise<void> {
  const batch = 128;
  const rows = batch * p.steps;
  const x = new Float32Array(rows * 784);
  const y = new Float32Array(rows * 10);
  let s = 12345;
  for (let i = 0; i < x.length; i++) x[i] = ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  for (let r = 0; r < rows; r++) y[r * 10 + ((r * 7) % 10)] = 1;
  const data = { x: { data: x, rows, cols: 784 }, y: { data: y, rows, cols: 10 } };
  const models = { builtin: model(p.backend, 'categoricalCrossentropy'), custom: model(p.backend, crossentropy) };
  const fit = async (m: Sequential) => {
    const t0 = performance.now();
    const h = await m.fit(data.x, data.y, { epochs: 1, batchSize: batch, verbose: 0, shuffle: false });
    if (!Number.isFinite(h.history.loss[0])) throw new Error('the loss is not finite');
    return (rows / batch) / ((performance.now() - t0) / 1000);
  };
  await fit(models.builtin); // warm-up: JIT, plans, scratch
  await fit(models.custom);
  const rounds: CustomLossResult['rounds'] = [];
  for (let r = 0; r < p.rounds; r++) rounds.push({ builtin: await fit(models.builtin), custom: await fit(models.custom) });
  emit({ builtin: Math.max(...rounds.map((r) => r.builtin)), custom: Math.max(...rounds.map((r) => r.custom)), rounds } satisfies CustomLossResult);
}

/** Two rows: the built-in and the custom cross-entropy, native and js columns, the ratio in the notes. */
export async function customLossRows(ctx: Ctx): Promise<Row[]> {
  const out: Partial<Record<BackendName, CustomLossResult | null>> = {};
  for (const backend of ['native', 'js'] as const) {
    const steps = backend === 'native' ? (ctx.quick ? 40 : 120) : ctx.quick ? 6 : 16;
    const o = await ctx.child<CustomLossResult>(`custom-loss-${backend}`, 'node', { case: 'customLoss', backend, steps, rounds: ctx.quick ? 2 : 4 });
    out[backend] = o.ok && o.result ? o.result : null;
  }
  const cell = (b: BackendName, k: 'builtin' | 'custom') => out[b]?.[k] ?? 'failed';
  const ratio = (b: BackendName) => (out[b] ? `${b} custom/built-in ${fmt(out[b].custom / out[b].builtin)}` : `${b} failed`);
  const base = { group: 'custom loss', unit: 'steps/s', peer: null, peerName: '' };
  return [
    { ...base, case: '784-256-128-10 b128 Adam, built-in categoricalCrossentropy', native: cell('native', 'builtin'), js: cell('js', 'builtin'), note: 'fused with softmax' },
    { ...base, case: '784-256-128-10 b128 Adam, the same loss as losses.custom', native: cell('native', 'custom'), js: cell('js', 'custom'), note: `${ratio('native')}, ${ratio('js')}; best of alternating rounds` },
  ];
}
