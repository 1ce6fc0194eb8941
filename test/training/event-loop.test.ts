// Training must not block the event loop: a 5 ms interval keeps firing during fit, predict and evaluate
// (the js backend yields between ~10 ms chunks; native trains off the main thread). The work runs until
// the interval has fired a set number of times while it was in progress, with a cap in work (epochs,
// rounds) that a blocking implementation reaches without a tick: the counts, not the clock, are asserted,
// so a busy machine only makes the test take longer.

import { describe, expect, it } from 'vitest';
import { layers, matrix, nativeAvailable, Rng, Sequential } from '../../src/index.js';

const BACKENDS = ['js', ...(nativeAvailable() ? ['native'] : [])] as ('js' | 'native')[];
// enough ticks, in enough different epochs (or calls), to show the loop ran throughout the work
const TICKS = 20;
const PLACES = 3;

function dataset(rows: number, cols: number): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(3);
  const x = Float32Array.from({ length: rows * cols }, () => rng.normal());
  const y = Float32Array.from({ length: rows }, (_, r) => (x[r * cols] > 0 ? 1 : 0));
  return { x, y };
}

/** A 5 ms interval that counts its ticks while `busy` is set, and the values of `where()` at those ticks. */
function ticker(where: () => number = () => 0): { count: () => number; places: () => number; busy: (on: boolean) => void; stop: () => void } {
  let busy = false;
  let ticks = 0;
  const seen = new Set<number>();
  const timer = setInterval(() => {
    if (!busy) return;
    ticks++;
    seen.add(where());
  }, 5);
  return { count: () => ticks, places: () => seen.size, busy: (on) => void (busy = on), stop: () => clearInterval(timer) };
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
    let epoch = 0;
    const t = ticker(() => epoch);
    try {
      await m.fit(matrix(x, 32), y, {
        epochs: 2000, // a cap; a fit that lets the interval fire stops once it has enough ticks
        batchSize: 32,
        validationSplit: 0.1,
        callbacks: [
          {
            onTrainBegin: () => t.busy(true),
            onEpochBegin: (e) => void (epoch = e),
            onEpochEnd: () => {
              if (t.count() >= TICKS && t.places() >= PLACES) m.stopTraining = true;
            },
            onTrainEnd: () => t.busy(false),
          },
        ],
      });
    } finally {
      t.stop();
    }
    expect(t.count()).toBeGreaterThanOrEqual(TICKS);
    expect(t.places()).toBeGreaterThanOrEqual(PLACES);
  });

  it('keeps a 5 ms interval firing during predict and evaluate of many rows', async () => {
    const m = model();
    const big = dataset(60_000, 32);
    let call = 0;
    const t = ticker(() => call);
    try {
      // a cap of 50 rounds; each call is awaited alone, so ticks counted are ticks during a call
      for (let round = 0; round < 50 && (t.count() < TICKS || t.places() < PLACES); round++) {
        for (const work of [() => m.predict(matrix(big.x, 32), { batchSize: 64 }), () => m.evaluate(matrix(big.x, 32), big.y, { batchSize: 64 })]) {
          call++;
          t.busy(true);
          await work();
          t.busy(false);
        }
      }
    } finally {
      t.stop();
    }
    expect(t.count()).toBeGreaterThanOrEqual(TICKS);
    expect(t.places()).toBeGreaterThanOrEqual(PLACES);
  });
});
