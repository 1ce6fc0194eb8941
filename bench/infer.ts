// The bench's inference section: `predict` against onnxruntime-node running the same model (exportOnnx), per
// model: rows/s on a batch of 1,024 rows and the p50 / p99 latency of one-row calls, both sides awaited
// promises on the main thread (onnxruntime-node's `run` is a setImmediate, then a synchronous run). The native
// backend and onnxruntime run in alternation for several rounds, each in its own process, and each number is
// that side's best round (the host only ever slows a run down); the js backend runs once, for reference.
// onnxruntime gets intraOpNumThreads = the addon's thread count and interOpNumThreads = 1.

import type { InferParams, InferResult } from './cases/infer.js';
import type { ChildOutcome } from './lib/protocol.js';
import type { Ctx } from './rows.js';
import { fmt, type Row } from './table.js';

type Outcome = ChildOutcome<InferResult & { error?: string }>;
type Metric = 'rowsPerSec' | 'p50Us' | 'p99Us';

const ok = (o: Outcome): InferResult | null => (o.ok && o.result !== undefined && o.result.installed !== false ? o.result : null);

/** The best round of `metric` (largest rate, smallest latency), or why there is none. */
function best(outs: Outcome[], metric: Metric): number | string {
  const values = outs.flatMap((o) => {
    const r = ok(o);
    return r === null ? [] : [r[metric]];
  });
  if (values.length > 0) return metric === 'rowsPerSec' ? Math.max(...values) : Math.min(...values);
  const first = outs[0];
  if (first?.result?.installed === false) return 'not installed';
  return 'failed (see JSON)';
}

const rounds = (outs: Outcome[], metric: Metric): string =>
  outs.map((o) => {
    const r = ok(o);
    return r === null ? '—' : fmt(r[metric]);
  }).join(' / ');

export async function inferRows(ctx: Ctx): Promise<Row[]> {
  const threads = ctx.info?.threads ?? 1;
  const n = ctx.quick ? 1 : 3;
  const minSeconds = ctx.quick ? 0.5 : 1.5;
  const rows: Row[] = [];
  for (const units of [[256, 128], [1024, 1024]]) {
    const name = `784-${units.join('-')}-10`;
    const params = (side: InferParams['side'], calls: number): InferParams & { case: string } => ({ case: 'infer', side, units, batch: 1024, calls, minSeconds, threads });
    const run = (side: InferParams['side'], id: string, calls: number): Promise<Outcome> => ctx.child<InferResult & { error?: string }>(`infer-${side}-${units.join('-')}${id}`, 'node', params(side, calls));
    // the js backend's one-row call takes ~1–4 ms: fewer calls keep its child within seconds
    const js = await run('js', '', units[0] > 256 ? 500 : 2000);
    const native: Outcome[] = [];
    const ort: Outcome[] = [];
    for (let r = 0; r < n; r++) {
      native.push(await run('native', `-r${r}`, 10000));
      ort.push(await run('onnxruntime', `-r${r}`, 10000));
    }
    const ortNote = ort.map(ok).find((r) => r !== null);
    const missing = ort[0]?.result?.installed === false ? `onnxruntime-node cannot be loaded (${ort[0].result.error ?? '?'}): column skipped` : '';
    const how = `${threads} thread(s) each (onnxruntime ${ortNote?.version ?? ''} intraOpNumThreads ${threads}, interOpNumThreads 1)`;
    const line = (label: string, unit: string, metric: Metric, extra: string): Row => ({
      group: 'inference',
      case: `${name} ${label}`,
      unit,
      native: best(native, metric),
      js: ok(js)?.[metric] ?? (js.ok ? 'failed (see JSON)' : 'failed'),
      peer: best(ort, metric),
      peerName: 'onnxruntime-node',
      note: missing || `best of ${n} alternating round(s): native ${rounds(native, metric)}, onnxruntime ${rounds(ort, metric)}${extra}`,
    });
    rows.push(line('predict, batch of 1,024 rows', 'rows/s', 'rowsPerSec', `; ${how}`));
    const calls = `; ${fmt(10000)} awaited calls (js ${fmt(ok(js)?.calls ?? 0)})`;
    rows.push(line('predict, one row, p50 latency', 'µs', 'p50Us', calls));
    rows.push(line('predict, one row, p99 latency', 'µs', 'p99Us', calls));
  }
  return rows;
}
