// Training must not block the event loop: a 5 ms interval keeps firing during a fit of a few hundred ms
// (the js backend yields between ~10 ms chunks; native trains off the main thread). No speed assertions.

import { describe, expect, it } from 'vitest';
import { layers, matrix, nativeAvailable, Rng, Sequential } from '../../src/index.js';

const BACKENDS = ['js', ...(nativeAvailable() ? ['native'] : [])] as ('js' | 'native')[];

function dataset(rows: number, cols: number): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(3);
  const x = Float32Array.from({ length: rows * cols }, () => rng.normal());
  const y = Float32Array.from({ length: rows }, (_, r) => (x[r * cols] > 0 ? 1 : 0));
  return { x, y };
}

/** Runs `work` while a 5 ms interval records its ticks; returns the tick count, the largest gap and the elapsed time. */
async function watch(work: () => Promise<unknown>): Promise<{ ticks: number; maxGap: number; elapsed: number }> {
  const ticks: number[] = [];
  const start = performance.now();
  const timer = setInterval(() => ticks.push(performance.now()), 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const end = performance.now();
  let maxGap = 0;
  let prev = start;
  for (const t of [...ticks, end]) {
    maxGap = Math.max(maxGap, t - prev);
    prev = t;
  }
  return { ticks: ticks.length, maxGap, elapsed: end - start };
}

describe.each(BACKENDS)('event loop during training on %s', (backend) => {
  const { x, y } = dataset(4000, 32);

  function model(): Sequential {
    const m = new Sequential({ seed: 1, backend });
    m.add(layers.dense({ units: 64, activation: 'relu', inputShape: [32] }));
    m.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    return m;
  }

  it('keeps a 5 ms interval firing during fit', async () => {
    const m = model();
    let started = 0;
    const { ticks, maxGap, elapsed } = await watch(() =>
      m.fit(matrix(x, 32), y, {
        epochs: 10_000,
        batchSize: 32,
        validationSplit: 0.1,
        callbacks: [
          {
            onTrainBegin: () => void (started = performance.now()),
            onEpochEnd: () => {
              if (performance.now() - started > 400) m.stopTraining = true;
            },
          },
        ],
      }),
    );
    expect(elapsed).toBeGreaterThan(400);
    expect(ticks).toBeGreaterThan((elapsed / 5) * 0.25);
    expect(maxGap).toBeLessThan(200);
  });

  it('keeps a 5 ms interval firing during predict and evaluate of many rows', async () => {
    const m = model();
    const big = dataset(60_000, 32);
    const { ticks, maxGap, elapsed } = await watch(async () => {
      for (let i = 0; i < 3; i++) {
        await m.predict(matrix(big.x, 32), { batchSize: 64 });
        await m.evaluate(matrix(big.x, 32), big.y, { batchSize: 64 });
      }
    });
    expect(ticks).toBeGreaterThan((elapsed / 5) * 0.25);
    expect(maxGap).toBeLessThan(200);
  });
});
