// Model file format version 2: round trips of every section (preprocessing, training state and its
// tensors), version 1 files still loading, and damage of every kind — a cut at every byte and at every
// section boundary, random byte flips, a newer version, malformed sections — always a ModelFileError,
// never a crash or wrong weights.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32Table } from '../../src/io/crc32.js';
import { decodeModelFile, encodeModelFile, MODEL_FORMAT_VERSION, type ModelFileInput } from '../../src/io/model-format.js';
import { loadModel } from '../../src/models/load-model.js';
import { readCheckpoint } from '../../src/training/checkpoint-file.js';
import { packTrainingState, type TrainingState } from '../../src/training/training-state.js';
import { ModelFileError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'nntrain-model-v2-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODEL_CONFIG = { layers: [{ type: 'dense', units: 3 }], note: 'synthetic' };
const PREPROCESSING = { scaler: { kind: 'standard', mean: [0.5, -2], scale: [1.5, 0.25] }, labels: ['cat', 'dog'], target: 'species' };

/** A training state with every kind of value the codec handles, and two tensors (best weights, a second one). */
function sampleState(paramCount: number): TrainingState {
  const rng = new Rng(paramCount);
  return {
    seed: 0xdeadbeef,
    epoch: 3,
    batch: 2,
    step: 12,
    stopped: false,
    epochStats: Float64Array.from({ length: 10 }, (_, i) => (i === 3 ? -0 : rng.normal() * 1e3)),
    history: { epoch: [0, 1, 2], history: { loss: [1.25, 0.5, 1 / 3], val_mae: [NaN, 0.1, Infinity] } },
    fit: { epochs: 9, batchSize: 8, shuffle: true, validationSplit: 0.25, validation: 'split' },
    data: { rows: 30, inputWidth: 3, labelWidth: 1, crc32: 0x12345678, validationRows: 10, validationCrc32: 7 },
    schedule: { name: 'reduceOnPlateau', state: { best: -Infinity, wait: 1, $weird: 'key' } },
    callbacks: [
      { index: 0, kind: 'EarlyStopping', state: { best: Infinity, bestWeights: Float32Array.from({ length: paramCount }, () => rng.normal()) } },
      { index: 2, kind: 'Custom', state: { values: new Float32Array([1, -0, 3]), nested: [{ a: null, b: true }] } },
    ],
  };
}

/** A version 2 file with params, 2 optimizer slots, preprocessing and a training section. */
function fullFile(paramCount = 11): { bytes: Uint8Array; input: ModelFileInput; state: TrainingState } {
  const rng = new Rng(5);
  const params = Float32Array.from({ length: paramCount }, () => rng.normal());
  const slots = [0, 1].map(() => Float32Array.from({ length: paramCount }, () => rng.uniform()));
  const state = sampleState(paramCount);
  const packed = packTrainingState(state);
  const input: ModelFileInput = {
    createdBy: 'nntrain test',
    model: MODEL_CONFIG,
    params,
    optimizer: { step: 12, slots },
    preprocessing: PREPROCESSING,
    training: { state: packed.json, tensors: packed.tensors },
  };
  return { bytes: encodeModelFile(input), input, state };
}

function withCrc(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32Table(out.subarray(0, out.length - 4)), true);
  return out;
}

/** Replaces the header JSON (lengths and CRC fixed up), keeping the binary part. */
function withHeader(bytes: Uint8Array, edit: (header: Record<string, unknown>) => void): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const h = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + h))) as Record<string, unknown>;
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const data = bytes.subarray((16 + h + 3) & ~3, bytes.length - 4);
  const start = (16 + json.length + 3) & ~3;
  const out = new Uint8Array(start + data.length + 4);
  out.set(bytes.subarray(0, 12));
  new DataView(out.buffer).setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(data, start);
  return withCrc(out);
}

function decodeError(bytes: Uint8Array): ModelFileError {
  try {
    decodeModelFile(bytes, 'm.nntrain');
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFileError);
    return err as ModelFileError;
  }
  throw new Error('decodeModelFile accepted a bad file');
}

async function checkpointError(bytes: Uint8Array): Promise<ModelFileError> {
  const path = join(dir, 'bad-checkpoint.nntrain');
  writeFileSync(path, bytes);
  const err = await readCheckpoint(path).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ModelFileError);
  return err as ModelFileError;
}

describe('format version 2 round trips', () => {
  it('writes version 2 and reads back params, slots, preprocessing and training tensors exactly', () => {
    const { bytes, input } = fullFile();
    expect(MODEL_FORMAT_VERSION).toBe(2);
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(2);
    const out = decodeModelFile(bytes, 'm');
    expect(out.header.version).toBe(2);
    expect(out.params).toEqual(input.params);
    expect(out.slots).toEqual(input.optimizer?.slots);
    expect(out.header.preprocessing).toEqual(PREPROCESSING);
    expect(out.header.training?.tensors).toEqual([11, 3]);
    expect(out.tensors).toEqual(input.training?.tensors);
    expect(out.header.training?.state).toEqual(input.training?.state);
  });

  it('restores the training state bit for bit: NaN, ±Infinity, -0, Float32Array and Float64Array, $-keys', async () => {
    const { bytes, state } = fullFile();
    const path = join(dir, 'state.nntrain');
    writeFileSync(path, bytes);
    const ckpt = await readCheckpoint(path);
    expect(ckpt.training).toEqual(state);
    expect(Object.is(ckpt.training.epochStats?.[3], -0)).toBe(true);
    const custom = ckpt.training.callbacks[1].state as { values: Float32Array };
    expect(Object.is(custom.values[1], -0)).toBe(true);
    expect((ckpt.training.schedule?.state as Record<string, unknown>).$weird).toBe('key');
    expect(ckpt.preprocessing).toEqual(PREPROCESSING);
    expect(ckpt.optimizer.step).toBe(12);
  });

  it('the tensors sit after the optimizer slots, before the CRC', () => {
    const { bytes, input } = fullFile(4);
    const view = new DataView(bytes.buffer);
    const tensors = input.training?.tensors ?? [];
    const tail = bytes.length - 4 - 4 * (tensors[0].length + tensors[1].length);
    for (let i = 0; i < 4; i++) expect(view.getFloat32(tail + 4 * i, true)).toBe(tensors[0][i]);
    expect(view.getFloat32(bytes.length - 8, true)).toBe(3);
  });
});

describe('version 1 files', () => {
  const fixture = JSON.parse(readFileSync(new URL('fixtures/model-v1.json', import.meta.url), 'utf8')) as {
    paramCount: number;
    step: number;
    probe: number[][];
    predictions: number[];
    params: number[];
  };
  const path = new URL('fixtures/model-v1.nntrain', import.meta.url).pathname;

  it('a file written by nntrain 0.1.0 (format 1) still loads, with the same weights and predictions', async () => {
    expect(decodeModelFile(readFileSync(path), path).header.version).toBe(1);
    const model = await loadModel(path, { backend: 'js' });
    expect(Array.from(model.params)).toEqual(fixture.params);
    expect(model.getOptimizerState()?.step).toBe(fixture.step);
    expect(model.preprocessing).toBeNull();
    expect(Array.from((await model.predict(fixture.probe)).data)).toEqual(fixture.predictions);
  });

  it('is not a checkpoint, and version 2 fields in a version 1 header are ignored', async () => {
    await expect(readCheckpoint(path)).rejects.toThrow(/without a training position/);
    const v1 = withHeader(readFileSync(path), (h) => {
      h.preprocessing = { a: 1 };
      h.training = { state: null, tensors: [1000] };
    });
    const out = decodeModelFile(v1, 'v1');
    expect(out.header.preprocessing).toBeUndefined();
    expect(out.header.training).toBeUndefined();
  });
});

describe('damaged version 2 files', () => {
  const { bytes } = fullFile();
  const view = new DataView(bytes.buffer);
  const h = view.getUint32(12, true);
  const dataStart = (16 + h + 3) & ~3;

  it('a cut at every byte is a truncation error', () => {
    for (let cut = 0; cut < bytes.length; cut++) expect(decodeError(bytes.subarray(0, cut)).message, `cut ${cut}`).toMatch(/truncated/);
  });

  it('a cut at every section boundary is a truncation error, also through readCheckpoint and loadModel', async () => {
    // magic | version | header length | header | padding | params | slot 0 | slot 1 | tensor 0 | tensor 1 | CRC
    const boundaries = [8, 12, 16, 16 + h, dataStart, dataStart + 44, dataStart + 88, dataStart + 132, dataStart + 176, dataStart + 188];
    expect(dataStart + 188 + 4).toBe(bytes.length);
    const path = join(dir, 'cut.nntrain');
    for (const cut of boundaries) {
      expect(decodeError(bytes.subarray(0, cut)).message).toMatch(/truncated/);
      writeFileSync(path, bytes.subarray(0, cut));
      await expect(loadModel(path), `cut ${cut}`).rejects.toMatchObject({ code: 'ERR_NNTRAIN_MODEL_FILE', message: expect.stringMatching(/truncated/) });
      expect((await checkpointError(bytes.subarray(0, cut))).message).toMatch(/truncated/);
    }
  });

  it('random byte flips anywhere, single and several at once, are always rejected', () => {
    const rng = new Rng(2024);
    for (let trial = 0; trial < 3000; trial++) {
      const bad = bytes.slice();
      const count = trial < 2000 ? 1 : 2 + rng.int(7);
      for (let k = 0; k < count; k++) bad[rng.int(bad.length)] ^= 1 + rng.int(255);
      if (bad.every((b, i) => b === bytes[i])) continue; // two flips of one byte cancelled out
      decodeError(bad);
    }
  });

  it('a newer version is an upgrade error; a foreign file a magic error', () => {
    const v3 = bytes.slice();
    new DataView(v3.buffer).setUint32(8, 3, true);
    expect(decodeError(withCrc(v3)).message).toMatch(/format version 3, newer than version 2.*upgrade nntrain/);
    const pdf = new TextEncoder().encode('%PDF-1.7\n');
    expect(decodeError(pdf).message).toMatch(/not an nntrain model file/);
  });

  it('malformed sections with a valid checksum are clear errors', async () => {
    const edits: [string, (hd: Record<string, unknown>) => void, RegExp][] = [
      ['preprocessing not an object', (hd) => void (hd.preprocessing = [1, 2]), /preprocessing section that is not a JSON object/],
      ['training without tensors', (hd) => void (hd.training = { state: {} }), /training section without its state and tensor list/],
      ['negative tensor length', (hd) => void ((hd.training as { tensors: number[] }).tensors = [-1, 3]), /invalid training tensor list/],
      ['tensor lengths that do not fit the file', (hd) => void ((hd.training as { tensors: number[] }).tensors = [10, 3]), /sizes disagree.*training floats/],
    ];
    for (const [what, edit, message] of edits) expect(decodeError(withHeader(bytes, edit)).message, what).toMatch(message);
  });

  it('a training state that does not hold together is rejected when read', async () => {
    const state = (edit: (s: Record<string, unknown>) => void) =>
      withHeader(bytes, (hd) => edit((hd.training as { state: Record<string, unknown> }).state));
    const cases: [string, Uint8Array, RegExp][] = [
      ['bad tensor reference', state((s) => void ((s.callbacks as { state: { bestWeights: unknown } }[])[0].state.bestWeights = { $f32: 7 })), /reference to tensor 7/],
      ['unreferenced tensor', state((s) => void ((s.callbacks as unknown[]).length = 1)), /2 training tensors but its state references 1/],
      ['unknown tag', state((s) => void (s.seed = { $bigint: '1' })), /unknown tag '\$bigint'/],
      ['batch past the epoch', state((s) => void (s.batch = 4)), /batch 4 is not a batch of epoch 3/],
      ['missing partial-epoch sums', state((s) => void (s.epochStats = null)), /epochStats should be 10 float64 sums/],
      ['history lengths', state((s) => void ((s.history as { epoch: number[] }).epoch = [0, 1])), /history\.history\.loss should hold 2 numbers/],
      ['seed out of range', state((s) => void (s.seed = -1)), /seed should be a uint32/],
      ['validation mismatch', state((s) => void ((s.fit as { validation: string }).validation = 'none')), /validationSplit 0.25 does not fit validation 'none'/],
      ['step differs from the optimizer', state((s) => void (s.step = 13)), /training position at step 13 but optimizer state at step 12/],
    ];
    for (const [what, file, message] of cases) expect((await checkpointError(file)).message, what).toMatch(message);
    const noOptimizer = withHeader(bytes, (hd) => delete hd.optimizer);
    expect(decodeError(noOptimizer).message).toMatch(/sizes disagree/); // the slots are then extra bytes
  });
});
