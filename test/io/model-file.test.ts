import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32, crc32IsNative, crc32Table } from '../../src/io/crc32.js';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { decodeModelFile, encodeModelFile, MODEL_FORMAT_VERSION } from '../../src/io/model-format.js';
import { saveModel } from '../../src/io/model-file.js';
import { loadModel } from '../../src/models/load-model.js';
import { ModelFileError } from '../../src/util/errors.js';
import { Sequential } from '../../src/models/sequential.js';
import { layers } from '../../src/layers/index.js';
import { optimizers } from '../../src/optimizers/index.js';
import { nativeAvailable } from '../../src/backend/index.js';
import { Rng } from '../../src/util/rng.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nntrain-model-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODEL_CONFIG = { layers: [{ type: 'dense', units: 3 }], note: 'synthetic' };

/** A small file with params and two optimizer slots, values that make every byte position matter. */
function sampleFile(paramCount = 37, slotCount = 2): { bytes: Uint8Array; params: Float32Array; slots: Float32Array[] } {
  const rng = new Rng(paramCount * 31 + slotCount);
  const params = Float32Array.from({ length: paramCount }, () => rng.normal());
  const slots = Array.from({ length: slotCount }, () => Float32Array.from({ length: paramCount }, () => rng.uniform()));
  const optimizer = slotCount > 0 ? { step: 12, slots } : null;
  return { bytes: encodeModelFile({ createdBy: 'nntrain test', model: MODEL_CONFIG, params, optimizer }), params, slots };
}

/** A file assembled by hand (for headers the encoder would never write), with a valid checksum. */
function rawFile(header: string | Uint8Array | object, payloadFloats: number, version = MODEL_FORMAT_VERSION): Uint8Array {
  const json =
    header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const dataStart = (16 + json.length + 3) & ~3;
  const out = new Uint8Array(dataStart + 4 * payloadFloats + 4);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('NNTRAIN\0'), 0);
  view.setUint32(8, version, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  return withCrc(out);
}

/** Rewrites the trailing CRC so that only the change under test is wrong. */
function withCrc(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32Table(out.subarray(0, out.length - 4)), true);
  return out;
}

const header = (paramCount: number, extra: object = {}) => ({
  format: 'nntrain.model',
  version: MODEL_FORMAT_VERSION,
  createdBy: 'test',
  model: MODEL_CONFIG,
  paramCount,
  ...extra,
});

function decodeError(bytes: Uint8Array): ModelFileError {
  try {
    decodeModelFile(bytes, '/models/m.nntrain');
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as ModelFileError).code).toBe('ERR_NNTRAIN_MODEL_FILE');
    expect((err as ModelFileError).message.startsWith('/models/m.nntrain: ')).toBe(true);
    return err as ModelFileError;
  }
  throw new Error('decodeModelFile accepted a bad file');
}

describe('crc32', () => {
  it('matches the IEEE check value and the table reference', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Table(check)).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const rng = new Rng(1);
    for (const n of [1, 7, 255, 4099]) {
      const data = Uint8Array.from({ length: n }, () => rng.nextUint32() & 0xff);
      expect(crc32(data)).toBe(crc32Table(data));
      expect(crc32Table(data.subarray(3), crc32Table(data.subarray(0, 3)))).toBe(crc32Table(data)); // continuation
    }
  });

  it('uses zlib.crc32 when this Node has it (v20.15+ / v22.2+)', () => {
    expect(crc32IsNative).toBe(typeof (zlib as { crc32?: unknown }).crc32 === 'function');
  });
});

describe('model file format (bytes)', () => {
  it('round-trips header, params and optimizer slots exactly', () => {
    for (const [paramCount, slotCount] of [
      [37, 2],
      [1, 3],
      [0, 0],
      [16, 1],
    ]) {
      const { bytes, params, slots } = sampleFile(paramCount, slotCount);
      const out = decodeModelFile(bytes, 'm');
      expect(out.header.model).toEqual(MODEL_CONFIG);
      expect(out.header.paramCount).toBe(paramCount);
      expect(out.header.optimizer).toEqual(slotCount > 0 ? { step: 12, slotCount } : undefined);
      expect(out.params).toEqual(params);
      expect(out.slots).toEqual(slots);
    }
  });

  it('lays out magic, version, header length, 4-byte aligned float32 LE data and a trailing CRC', () => {
    const { bytes, params } = sampleFile(5, 0);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('NNTRAIN\0');
    expect(view.getUint32(8, true)).toBe(2);
    const h = view.getUint32(12, true);
    const json = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + h)));
    expect(json).toMatchObject({ format: 'nntrain.model', version: 2, paramCount: 5, model: MODEL_CONFIG });
    expect(json.preprocessing).toBeUndefined();
    expect(json.training).toBeUndefined();
    expect(json.optimizer).toBeUndefined();
    const start = (16 + h + 3) & ~3;
    for (let i = 16 + h; i < start; i++) expect(bytes[i]).toBe(0);
    for (let i = 0; i < 5; i++) expect(view.getFloat32(start + 4 * i, true)).toBe(params[i]);
    expect(bytes.length).toBe(start + 20 + 4);
    expect(view.getUint32(bytes.length - 4, true)).toBe(crc32Table(bytes.subarray(0, bytes.length - 4)));
  });

  it('reads a file whose bytes start at an odd offset of a larger buffer', () => {
    const { bytes, params } = sampleFile(9, 1);
    const pool = new Uint8Array(bytes.length + 3);
    pool.set(bytes, 3);
    expect(decodeModelFile(pool.subarray(3), 'm').params).toEqual(params);
  });

  it('rejects a file truncated at every length', () => {
    const { bytes } = sampleFile(11, 2);
    for (let cut = 0; cut < bytes.length; cut++) {
      const err = decodeError(bytes.subarray(0, cut));
      expect(err.message).toMatch(/truncated/);
    }
  });

  it('rejects a flipped bit anywhere (checksum, magic or version)', () => {
    const { bytes } = sampleFile(11, 2);
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const bad = bytes.slice();
        bad[i] ^= bit;
        decodeError(bad); // every position must fail, whatever the message
      }
    }
    const bad = bytes.slice();
    bad[bytes.length - 30] ^= 0x10; // inside the slot data
    expect(decodeError(bad).message).toMatch(/corrupted: checksum mismatch/);
  });

  it('rejects extra bytes after the end', () => {
    const { bytes } = sampleFile(4, 0);
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    expect(decodeError(longer).message).toMatch(/8 unexpected bytes after its end/);
  });

  it('rejects a foreign file by its magic bytes', () => {
    expect(decodeError(new TextEncoder().encode('{"hello": "json"}')).message).toMatch(/not an nntrain model file/);
    expect(decodeError(new Uint8Array([0x50, 0x4b, 0x03, 0x04])).message).toMatch(/not an nntrain model file/);
    const pngLike = rawFile(header(0), 0);
    pngLike[0] = 0x89;
    expect(decodeError(pngLike).message).toMatch(/not an nntrain model file/);
  });

  it('rejects a newer format version with an upgrade hint', () => {
    const v3 = rawFile({ ...header(2), version: 3 }, 2, 3);
    expect(decodeError(v3).message).toMatch(/format version 3, newer than version 2.*upgrade nntrain/);
    expect(decodeError(rawFile(header(0), 0, 0)).message).toMatch(/invalid model format version 0/);
  });

  it('rejects a header whose sizes disagree with the file length (checksum valid)', () => {
    expect(decodeError(rawFile(header(10), 9)).message).toMatch(/sizes disagree with the file length.*paramCount 10/);
    expect(decodeError(rawFile(header(10), 11)).message).toMatch(/sizes disagree/);
    const withSlots = rawFile(header(4, { optimizer: { step: 3, slotCount: 3 } }), 4 * 3);
    expect(decodeError(withSlots).message).toMatch(/3 optimizer slots and 0 training floats need/);
    expect(() => decodeModelFile(rawFile(header(4, { optimizer: { step: 3, slotCount: 3 } }), 16), 'm')).not.toThrow();
    // a header length field pointing past the end of the file
    const longHeader = rawFile(header(0), 0);
    new DataView(longHeader.buffer).setUint32(12, 1 << 30, true);
    expect(decodeError(withCrc(longHeader)).message).toMatch(/header length .* runs past the end/);
  });

  it('rejects headers that are not valid JSON or not a model header (checksum valid)', () => {
    expect(decodeError(rawFile('{"format": "nntrain.model", ', 0)).message).toMatch(/not valid UTF-8 JSON/);
    expect(decodeError(rawFile(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 0)).message).toMatch(/not valid UTF-8 JSON/);
    expect(decodeError(rawFile('[1, 2]', 0)).message).toMatch(/not a JSON object/);
    expect(decodeError(rawFile({ ...header(0), format: 'other' }, 0)).message).toMatch(/format is "other"/);
    expect(decodeError(rawFile({ ...header(0), version: 3 }, 0)).message).toMatch(/disagrees with its format version 2/);
    expect(decodeError(rawFile({ ...header(0), model: 'x' }, 0)).message).toMatch(/without a model config/);
    expect(decodeError(rawFile({ ...header(0), paramCount: -1 }, 0)).message).toMatch(/invalid paramCount -1/);
    expect(decodeError(rawFile({ ...header(0), paramCount: 1.5 }, 0)).message).toMatch(/invalid paramCount 1.5/);
    const badOpt = rawFile(header(1, { optimizer: { step: -1, slotCount: 1 } }), 2);
    expect(decodeError(badOpt).message).toMatch(/invalid optimizer entry/);
  });

  it('rejects non-zero padding (checksum valid)', () => {
    // pick a createdBy length that leaves 1..3 padding bytes after the header
    const encoded = [0, 1, 2, 3].map((k) =>
      encodeModelFile({ createdBy: 'x'.repeat(k), model: MODEL_CONFIG, params: new Float32Array([1, 2, 3]) }),
    );
    const bytes = encoded.find((b) => (16 + new DataView(b.buffer).getUint32(12, true)) % 4 !== 0)!;
    const h = new DataView(bytes.buffer).getUint32(12, true);
    expect(decodeModelFile(bytes, 'm').params).toEqual(new Float32Array([1, 2, 3]));
    const bad = bytes.slice();
    bad[16 + h] = 7;
    expect(decodeError(withCrc(bad)).message).toMatch(/non-zero padding/);
  });
});

describe('writeFileAtomic', () => {
  const temps = (d: string) => readdirSync(d).filter((f) => f.endsWith('.tmp'));

  it('replaces a file by rename (new inode) and leaves no temp files', async () => {
    const sub = mkdtempSync(join(dir, 'atomic-'));
    const target = join(sub, 'file.bin');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    const first = statSync(target).ino;
    await writeFileAtomic(target, new Uint8Array([4, 5]));
    expect(Array.from(readFileSync(target))).toEqual([4, 5]);
    expect(statSync(target).ino).not.toBe(first); // a rename, not an in-place rewrite
    expect(readdirSync(sub)).toEqual(['file.bin']);
  });

  it('leaves no temp file and keeps what was there when the rename fails', async () => {
    const sub = mkdtempSync(join(dir, 'atomic-'));
    const target = join(sub, 'occupied');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'kept');
    await expect(writeFileAtomic(target, new Uint8Array([1]))).rejects.toThrow();
    expect(temps(sub)).toEqual([]);
    expect(readFileSync(join(target, 'keep.txt'), 'utf8')).toBe('kept');
  });

  it('fails cleanly in a directory that does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'missing-dir', 'f.bin'), new Uint8Array([1]))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(temps(dir)).toEqual([]);
  });
});

// ---- whole models ----

const BACKENDS = (['js', 'native'] as const).filter((b) => b === 'js' || nativeAvailable());

function regressionData(rows: number, seed: number) {
  const rng = new Rng(seed);
  const x = Array.from({ length: rows }, () => [rng.normal(), rng.normal(), rng.normal()]);
  const y = x.map(([a, b, c]) => [Math.sin(a) + 0.5 * b * c, a - c]);
  return { x, y };
}

function buildModel(backend: 'js' | 'native', seed = 7): Sequential {
  const model = new Sequential({ seed, backend });
  model.add(layers.dense({ units: 13, activation: 'tanh', inputShape: [3] }));
  model.add(layers.dropout({ rate: 0.1 }));
  model.add(layers.dense({ units: 2 }));
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
  return model;
}

describe.each(BACKENDS)('saveModel / loadModel (%s backend)', (backend) => {
  const { x, y } = regressionData(64, 3);

  it('round-trips a trained model: same config, weights and predictions', async () => {
    const model = buildModel(backend);
    await model.fit(x, y, { epochs: 2, batchSize: 16, seed: 1, verbose: 0 });
    const path = join(dir, `round-trip-${backend}.nntrain`);
    await saveModel(model, path);
    const loaded = await loadModel(path, { backend });
    expect(loaded.toConfig()).toEqual(model.toConfig());
    expect(loaded.params).toEqual(model.params);
    const before = await model.predict(x);
    const after = await loaded.predict(x);
    expect(after.data).toEqual(before.data);
    expect(loaded.getOptimizerState()).toEqual(model.getOptimizerState());
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const { header } = decodeModelFile(readFileSync(path), path);
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(header.createdBy).toBe(`nntrain ${version}`);
    expect(header.optimizer).toEqual({ step: 8, slotCount: 3 }); // adam: expAvg, expAvgSq, maxExpAvgSq
  });

  it('round-trips a built model that was never compiled', async () => {
    const model = new Sequential({ seed: 4, backend });
    model.add(layers.dense({ units: 5, activation: 'relu', inputShape: [3] }));
    model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
    model.build();
    const path = join(dir, `uncompiled-${backend}.nntrain`);
    await saveModel(model, path);
    const loaded = await loadModel(path, { backend });
    expect(loaded.isCompiled).toBe(false);
    expect(loaded.getOptimizerState()).toBeNull();
    expect((await loaded.predict(x)).data).toEqual((await model.predict(x)).data);
  });

  it('saves without optimizer state when asked, and the file is smaller', async () => {
    const model = buildModel(backend);
    await model.fit(x, y, { epochs: 1, batchSize: 16, seed: 1, verbose: 0 });
    const full = join(dir, `full-${backend}.nntrain`);
    const weightsOnly = join(dir, `weights-only-${backend}.nntrain`);
    await saveModel(model, full);
    await saveModel(model, weightsOnly, { includeOptimizer: false });
    expect(statSync(weightsOnly).size).toBeLessThan(statSync(full).size);
    const loaded = await loadModel(weightsOnly, { backend });
    expect(loaded.params).toEqual(model.params);
    expect((await loaded.predict(x)).data).toEqual((await model.predict(x)).data);
    const state = loaded.getOptimizerState();
    expect(state === null || state.step === 0).toBe(true);
  });

  // Dropout draws from stepRng(seed, globalStep) and Adam needs its moments and t: all restored from the file.
  async function resumeMatchesStraight(shuffle: boolean): Promise<void> {
    const options = { batchSize: 16, seed: 5, shuffle, verbose: 0 } as const;
    const straight = buildModel(backend);
    await straight.fit(x, y, { ...options, epochs: 4 });

    const first = buildModel(backend);
    await first.fit(x, y, { ...options, epochs: 2 });
    const path = join(dir, `resume-${backend}-${shuffle}.nntrain`);
    await first.save(path);
    const resumed = await loadModel(path, { backend });
    expect(resumed.getOptimizerState()?.step).toBe(8); // 2 epochs × 4 batches
    await resumed.fit(x, y, { ...options, epochs: 4, initialEpoch: 2 });
    expect(resumed.params).toEqual(straight.params);
  }

  it('continues training after load exactly as uninterrupted training (no shuffle)', () => resumeMatchesStraight(false));

  // Each epoch's shuffle is seeded by (seed, epoch), so the resumed run visits rows in the same orders.
  it('continues training after load exactly as uninterrupted training (shuffle)', () => resumeMatchesStraight(true));

  it('a model saved on one backend loads on the other with the same weights', async () => {
    const model = buildModel(backend);
    await model.fit(x, y, { epochs: 1, batchSize: 16, seed: 2, verbose: 0 });
    const path = join(dir, `cross-${backend}.nntrain`);
    await saveModel(model, path);
    for (const other of BACKENDS) {
      const loaded = await loadModel(path, { backend: other });
      expect(loaded.params).toEqual(model.params);
    }
  });
});

describe('loadModel / saveModel errors', () => {
  async function savedModelBytes(): Promise<{ path: string; bytes: Buffer }> {
    const model = buildModel('js');
    await model.fit(regressionData(16, 1).x, regressionData(16, 1).y, { epochs: 1, batchSize: 8, seed: 1, verbose: 0 });
    const path = join(dir, 'errors.nntrain');
    await saveModel(model, path);
    return { path, bytes: readFileSync(path) };
  }

  it('names the path when the file is missing or a directory', async () => {
    const missing = join(dir, 'nope.nntrain');
    await expect(loadModel(missing)).rejects.toMatchObject({
      code: 'ERR_NNTRAIN_MODEL_FILE',
      path: missing,
      message: `${missing}: does not exist`,
    });
    await expect(loadModel(dir)).rejects.toMatchObject({ code: 'ERR_NNTRAIN_MODEL_FILE', message: expect.stringMatching(/is a directory/) });
  });

  it('rejects truncated, corrupted and foreign files on disk', async () => {
    const { bytes } = await savedModelBytes();
    const bad = join(dir, 'bad.nntrain');
    const cuts = [0, 5, 8, 15, 16, 40, bytes.length >> 1, bytes.length - 5, bytes.length - 1];
    for (const cut of cuts) {
      writeFileSync(bad, bytes.subarray(0, cut));
      await expect(loadModel(bad), `cut at ${cut}`).rejects.toMatchObject({
        code: 'ERR_NNTRAIN_MODEL_FILE',
        message: expect.stringMatching(/truncated/),
      });
    }
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 9] ^= 0x04;
    writeFileSync(bad, flipped);
    await expect(loadModel(bad)).rejects.toMatchObject({ message: expect.stringMatching(/checksum mismatch/) });
    writeFileSync(bad, 'x,y\n1,2\n');
    await expect(loadModel(bad)).rejects.toMatchObject({ message: expect.stringMatching(/not an nntrain model file/) });
  });

  it('rejects a valid file whose model config cannot be built, or whose paramCount does not fit it', async () => {
    const { bytes } = await savedModelBytes();
    const decoded = decodeModelFile(bytes, 'm');
    const bad = join(dir, 'bad-config.nntrain');
    const unknownLayer = { ...decoded.header.model, layers: [{ type: 'conv2d', filters: 3 }] };
    writeFileSync(bad, encodeModelFile({ createdBy: 't', model: unknownLayer, params: decoded.params }));
    await expect(loadModel(bad)).rejects.toMatchObject({
      code: 'ERR_NNTRAIN_MODEL_FILE',
      message: expect.stringMatching(/model config that cannot be built/),
    });
    writeFileSync(bad, encodeModelFile({ createdBy: 't', model: decoded.header.model, params: decoded.params.subarray(1) }));
    await expect(loadModel(bad)).rejects.toMatchObject({ message: expect.stringMatching(/parameters but its model config builds/) });
  });

  it('save into a missing directory fails with ModelFileError, leaving no temp file', async () => {
    const model = buildModel('js');
    const target = join(dir, 'no-such-dir', 'm.nntrain');
    await expect(saveModel(model, target)).rejects.toMatchObject({
      code: 'ERR_NNTRAIN_MODEL_FILE',
      message: expect.stringMatching(/could not be written \(ENOENT/),
    });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a failed save keeps the previous file intact', async () => {
    const { path, bytes } = await savedModelBytes();
    const model = buildModel('js', 99);
    // a slot length that does not match params makes the encoder throw before anything is written
    const broken = Object.create(model) as Sequential;
    Object.defineProperty(broken, 'getOptimizerState', { value: () => ({ step: 1, slots: [new Float32Array(1)] }) });
    await expect(saveModel(broken, path)).rejects.toThrow();
    expect(readFileSync(path)).toEqual(bytes);
    expect((await loadModel(path)).params).toEqual(decodeModelFile(bytes, 'm').params);
  });

  it('validates options', async () => {
    const model = buildModel('js');
    await expect(saveModel(model, '')).rejects.toMatchObject({ code: 'ERR_NNTRAIN_CONFIG' });
    await expect(saveModel(model, join(dir, 'o.nntrain'), { includeOptimiser: true } as never)).rejects.toThrow(/Did you mean 'includeOptimizer'/);
    await expect(loadModel(join(dir, 'o.nntrain'), { backend: 'cuda' } as never)).rejects.toMatchObject({ code: 'ERR_NNTRAIN_CONFIG' });
  });
});
