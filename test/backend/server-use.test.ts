// nntrain inside a server: the addon must be context-aware (loadable by the main thread and several
// worker_threads at once, each with its own instance data), and models training concurrently in one
// process must not share state (each model's result is what it would be alone).
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { getBackend, nativeAvailable } from '../../src/backend/index.js';
import { train, type BackendName, type TrainOutcome, type TrainRequest } from './fixtures/small-models.js';

const NATIVE = nativeAvailable();
const SKIP_REASON = 'skipped: the native addon is not built here (npm run build:native)';
const WORKER_URL = new URL('./fixtures/train-worker.mjs', import.meta.url);

/** Trains in a new worker thread; resolves with its outcome once the worker has also exited cleanly. */
function trainInWorker(request: TrainRequest): Promise<TrainOutcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: request });
    let outcome: TrainOutcome | undefined;
    worker.once('message', (message: TrainOutcome) => (outcome = message));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`));
      else if (!outcome) reject(new Error('worker exited without posting a result'));
      else resolve(outcome);
    });
  });
}

const blobsRequest = (backend: BackendName, seed: number): TrainRequest => ({ problem: 'blobs', backend, seed, dataSeed: 11 });
const wavesRequest = (backend: BackendName, seed: number): TrainRequest => ({ problem: 'waves', backend, seed, dataSeed: 12 });

function expectLearned(outcome: TrainOutcome, problem: TrainRequest['problem']): void {
  expect(outcome.loss[outcome.loss.length - 1]).toBeLessThan(outcome.loss[0]);
  if (problem === 'blobs') expect(outcome.metric).toBeGreaterThanOrEqual(0.95);
  else expect(outcome.metric).toBeLessThan(0.01);
}

// The worker plumbing itself (tsx inside a worker, transfer of results), independent of the addon.
describe('worker_threads with the js backend', () => {
  it('a worker trains the same model as the main thread, bit for bit', async () => {
    const request = wavesRequest('js', 8);
    const [main, worker] = await Promise.all([train(request), trainInWorker(request)]);
    expect(worker.backend).toBe('js');
    expectLearned(worker, 'waves');
    expect(worker.params).toEqual(main.params);
  });
});

describe.skipIf(!NATIVE)(`native addon in worker_threads${NATIVE ? '' : ` (${SKIP_REASON})`}`, () => {
  it('loads in the main thread and in 2 workers at once; every thread trains the same model identically', async () => {
    expect(getBackend('native').name).toBe('native'); // loaded here before any worker starts
    const request = blobsRequest('native', 21);
    const [main, ...workers] = await Promise.all([train(request), trainInWorker(request), trainInWorker(request)]);
    expect(main.backend).toBe('native');
    expectLearned(main, 'blobs');
    for (const w of workers) {
      expect(w.backend).toBe('native');
      expectLearned(w, 'blobs');
      expect(w.params).toEqual(main.params);
      expect(w.loss).toEqual(main.loss);
    }
  });

  it('workers on different problems at once, and a new worker after the first ones exited', async () => {
    const [a, b] = await Promise.all([trainInWorker(blobsRequest('native', 3)), trainInWorker(wavesRequest('native', 4))]);
    expectLearned(a, 'blobs');
    expectLearned(b, 'waves');
    // the addon was unloaded with those workers' environments; loading it again must work
    const again = await trainInWorker(wavesRequest('native', 4));
    expect(again.params).toEqual(b.params);
  });
});

const BACKENDS: { name: BackendName; available: boolean }[] = [
  { name: 'js', available: true },
  { name: 'native', available: NATIVE },
];

describe.each(BACKENDS)('two models training concurrently in one process ($name backend)', ({ name, available }) => {
  it.skipIf(!available)(`reach their targets with the same params as one after the other${available ? '' : ` (${SKIP_REASON})`}`, async () => {
    const alone = [await train(blobsRequest(name, 5)), await train(wavesRequest(name, 6))];
    const together = await Promise.all([train(blobsRequest(name, 5)), train(wavesRequest(name, 6))]);
    expectLearned(together[0], 'blobs');
    expectLearned(together[1], 'waves');
    for (let i = 0; i < 2; i++) {
      expect(together[i].backend).toBe(name);
      expect(together[i].params).toEqual(alone[i].params);
      expect(together[i].loss).toEqual(alone[i].loss);
    }
  });
});
