// Children that watch the process while native training runs: event-loop lag (lateness of a 10 ms
// setInterval, p99) and resident memory across many epochs (growth from the end of epoch 1 to the end).

import { headRows, loadFashionMnist } from '../fashion-mnist.js';
import { emit, percentile } from '../lib/protocol.js';
import { buildModel } from './train.js';

/** p50/p99/max lateness of a 10 ms interval during ≥ seconds of training at batch 128. */
export async function runLag(p: { seconds: number }): Promise<void> {
  const train = await loadFashionMnist('train');
  const model = buildModel('native', [256, 128], 'adam');
  await model.fit(headRows(train, 4096).x, headRows(train, 4096).y, { epochs: 1, batchSize: 128, verbose: 0 }); // warm-up
  const late: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    late.push(Math.max(0, now - last - 10));
    last = now;
  }, 10);
  const t0 = performance.now();
  let samples = 0;
  while (performance.now() - t0 < p.seconds * 1000) {
    await model.fit(train.x, train.y, { epochs: 1, batchSize: 128, verbose: 0 });
    samples += train.x.rows;
  }
  clearInterval(timer);
  if (late.length < 10) throw new Error(`only ${late.length} timer ticks: the event loop was blocked`);
  emit({ p50: percentile(late, 50), p99: percentile(late, 99), max: Math.max(...late), ticks: late.length, samples, seconds: (performance.now() - t0) / 1000 });
}

/** RSS (MB) after epoch 1, at the end, and the max, over `epochs` epochs on a `rows` subset. */
export async function runMemory(p: { epochs: number; rows: number }): Promise<void> {
  const train = await loadFashionMnist('train');
  const { x, y } = headRows(train, p.rows);
  const model = buildModel('native', [256, 128], 'adam');
  const mb = (): number => process.memoryUsage.rss() / 2 ** 20;
  const before = mb();
  const rss: number[] = [];
  await model.fit(x, y, { epochs: p.epochs, batchSize: 128, verbose: 0, callbacks: [{ onEpochEnd: () => void rss.push(mb()) }] });
  if (rss.length !== p.epochs) throw new Error(`expected ${p.epochs} epochs, saw ${rss.length}`);
  emit({ before, start: rss[0], end: rss[rss.length - 1], max: Math.max(...rss), growth: rss[rss.length - 1] - rss[0], epochs: p.epochs, rows: p.rows });
}
