// A model compiled with a custom loss in files: the file records the loss's name, loadModel needs the
// loss in customObjects (else a ModelFileError naming it), a checkpoint resumes to the uninterrupted
// run's weights, and a distributed fit is refused before MPI starts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { layers } from '../../src/layers/index.js';
import { loadModel } from '../../src/models/load-model.js';
import { Sequential } from '../../src/models/sequential.js';
import { customMse } from '../losses/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'nntrain-custom-loss-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const x = Array.from({ length: 24 }, (_, r) => [Math.sin(r), (r % 4) / 4]);
const y = x.map(([a, b]) => [a * b, a - b]);

function model(): Sequential {
  const m = new Sequential({ seed: 9, backend: 'js' });
  m.add(layers.dense({ units: 6, activation: 'relu', inputShape: [2] }));
  m.add(layers.dense({ units: 2 }));
  m.compile({ optimizer: 'sgd', loss: customMse });
  return m;
}

describe('a custom loss in model files', () => {
  it('saves the name; loads with customObjects, else a ModelFileError naming the loss', async () => {
    const m = model();
    await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const path = join(dir, 'custom.nntrain');
    await m.save(path);
    expect(m.toConfig().compiled?.loss).toEqual({ custom: 'myMse' });
    await expect(loadModel(path)).rejects.toMatchObject({
      name: 'ModelFileError',
      message: expect.stringMatching(/compiled with the custom loss 'myMse': pass it in customObjects/) as unknown,
    });
    await expect(loadModel(path, { customObjects: [{ name: 'myMse' }] as never })).rejects.toThrow(/customObjects\[0\]/);
    // loaded into the default backend (native where built), whose float32 sums differ from js's in the last bits
    const again = await loadModel(path, { customObjects: [customMse] });
    expect((await again.evaluate(x, y)).loss).toBeCloseTo((await m.evaluate(x, y)).loss, 7);
    await again.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 }); // trains with the loss it was given
  });

  it('resumes a checkpoint to the weights of the uninterrupted run', async () => {
    const ckpt = join(dir, 'run.ckpt');
    const full = model();
    await full.fit(x, y, { epochs: 3, batchSize: 8, seed: 1, verbose: 0 });
    const first = model();
    await first.fit(x, y, { epochs: 1, batchSize: 8, seed: 1, verbose: 0, checkpoint: { path: ckpt } });
    const resumed = model();
    await resumed.fit(x, y, { epochs: 3, batchSize: 8, seed: 1, verbose: 0, checkpoint: { path: ckpt }, resumeFrom: ckpt });
    expect(Array.from(resumed.params)).toEqual(Array.from(full.params));
  });

  it("refuses distributed: 'mpi', naming the loss", async () => {
    await expect(model().fit(x, y, { epochs: 1, verbose: 0, distributed: 'mpi' })).rejects.toThrow(/distributed: 'mpi' does not support custom losses or metrics yet \(the model uses custom loss 'myMse'\)/);
  });
});
