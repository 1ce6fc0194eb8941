// One process of the fault tests (faults.mpi.test.ts runs it under mpirun): a small classifier with
// dropout, momentum, a stateful schedule and a stateful callback, trained with distributed: 'mpi' on
// this rank's strided shard; writes { hash, loss, epochs } to OUT_DIR/rank-<rank>.json.
//   EPOCHS; CKPT: checkpoint path (CKPT_RANK1: rank 1's, to show it never writes); EVERY_STEPS: the
//   checkpoint's everySteps; RESUME: resumeFrom (RESUME_RANK1: rank 1's, e.g. a path that does not exist);
//   READY_FILE: after epoch READY_EPOCH, rank 1 writes its pid there and sleeps (the test kills it);
//   BUSY_RANK=r: rank r spins forever before its fit; STOP_RANK=r: rank r stops itself (SIGSTOP) after
//   its first epoch; DIST_TIMEOUT: fit's distributedTimeout.
//   RM_CKPT_DIR_EPOCH=e: rank 0 removes its checkpoint's directory at the end of epoch e (its next write
//   fails); a fit that throws then writes { rank, error, message } instead of ending the process.

import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { callbacks, initDistributed, layers, optimizers, schedules, Sequential } from '../../../src/index.js';
import { Rng } from '../../../src/util/rng.js';

const env = (key: string, fallback = '') => process.env[key] ?? fallback;
const features = 6;
const classes = 3;
const rows = 96;

const rng = new Rng(7);
const x = Float32Array.from({ length: rows * features }, () => rng.uniform() * 2 - 1);
const y = Float32Array.from({ length: rows }, (_, r) => {
  const scores = Array.from({ length: classes }, (_, c) => x.subarray(r * features, (r + 1) * features).reduce((s, v, f) => s + v * Math.sin(1 + c * features + f), 0));
  return scores.indexOf(Math.max(...scores));
});

const { rank, size } = initDistributed();
const mine = Array.from({ length: rows }, (_, i) => i).filter((i) => i % size === rank);
const xs = mine.map((r) => Array.from(x.subarray(r * features, (r + 1) * features)));
const ys = mine.map((r) => y[r]);

const model = new Sequential({ seed: 11 });
model.add(layers.dense({ units: 16, activation: 'relu', inputShape: [features] }));
model.add(layers.dropout({ rate: 0.2 }));
model.add(layers.dense({ units: classes, activation: 'softmax' }));
const schedule = schedules.reduceOnPlateau({ monitor: 'loss', patience: 1, factor: 0.5, minDelta: 0.05 });
model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'], schedule });

const pick = (key: string) => (rank === 1 && process.env[`${key}_RANK1`] !== undefined ? env(`${key}_RANK1`) : env(key));
const ckpt = pick('CKPT');
const resume = pick('RESUME');
const readyEpoch = Number(env('READY_EPOCH', '1'));

if (env('BUSY_RANK') === String(rank)) for (;;); // never reaches its fit
const removeDirAt = env('RM_CKPT_DIR_EPOCH') === '' ? -1 : Number(env('RM_CKPT_DIR_EPOCH'));
const fit = model.fit(xs, ys, {
  epochs: Number(env('EPOCHS', '4')),
  batchSize: 8,
  seed: 5,
  distributed: 'mpi',
  ...(ckpt !== '' ? { checkpoint: { path: ckpt, ...(env('EVERY_STEPS') !== '' ? { everySteps: Number(env('EVERY_STEPS')) } : {}) } } : {}),
  ...(resume !== '' ? { resumeFrom: resume } : {}),
  ...(env('DIST_TIMEOUT') !== '' ? { distributedTimeout: Number(env('DIST_TIMEOUT')) } : {}),
  callbacks: [
    callbacks.earlyStopping({ monitor: 'loss', patience: 50, restoreBestWeights: true }),
    {
      onEpochEnd: (epoch: number) => {
        if (rank === 1 && env('READY_FILE') !== '' && epoch === readyEpoch) {
          writeFileSync(env('READY_FILE'), String(process.pid));
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000); // killed while it waits
        }
        if (env('STOP_RANK') === String(rank) && epoch === 0) process.kill(process.pid, 'SIGSTOP');
        if (rank === 0 && epoch === removeDirAt) rmSync(dirname(ckpt), { recursive: true, force: true });
      },
    },
  ],
});
const failed = (err: Error) => writeFileSync(join(env('OUT_DIR', '.'), `rank-${rank}.json`), JSON.stringify({ rank, error: err.name, message: err.message }));
const history = removeDirAt < 0 ? await fit : await fit.catch((err: Error) => (failed(err), null));
if (history !== null) {
  const params = model.params;
  const hash = createHash('sha256').update(new Uint8Array(params.buffer, params.byteOffset, params.byteLength)).digest('hex');
  writeFileSync(join(env('OUT_DIR', '.'), `rank-${rank}.json`), JSON.stringify({ rank, size, hash, loss: history.history.loss, epochs: history.epoch.length }));
}
