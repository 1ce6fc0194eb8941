// The .nntrain model file format, version 2: encoding and validated decoding of the bytes. No file I/O
// and no model classes here (model-file.ts does the file I/O), so every check can be tested on byte arrays.
//
//   offset            size                      field
//   0                 8                         magic "NNTRAIN\0"
//   8                 4                         format version, uint32 LE (2; 1 is still read)
//   12                4                         header byte length H, uint32 LE
//   16                H                         header, UTF-8 JSON (ModelFileHeader below)
//   16 + H            0..3                      zero padding to a 4-byte boundary (= D, the data start)
//   D                 4·P                       parameters, float32 LE, P = header.paramCount
//   D + 4·P           4·S·P                     optimizer slots, S = header.optimizer?.slotCount ?? 0,
//                                               slot 0 first, each P float32 LE
//   D + 4·P·(1+S)     4·T                       training tensors (version 2), float32 LE, back to back,
//                                               lengths header.training?.tensors (T = their sum)
//   end − 4           4                         CRC-32 (IEEE) of every preceding byte, uint32 LE
//
// Version 2 adds two optional header sections and the tensors: `preprocessing` (opaque JSON from the data
// layer: scalers, column mapping, label names) and `training` (the position of an interrupted fit, packed
// by state-codec.ts; its Float32Arrays, e.g. early stopping's best weights, are the training tensors).
// A version 1 file is a version 2 file without them.
//
// The header is JSON so that a model's architecture and training config can be read with any tool and
// grow new optional fields without a format bump; the weights are raw float32 so that loading is one copy.
// Readers reject a version newer than theirs; the checksum catches corruption before any weight is used.

import { crc32 } from './crc32.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { ModelFileError, ShapeError } from '../util/errors.js';
import { isInteger, isPlainObject } from '../util/validate.js';

/** The first 8 bytes of every model file. */
export const MODEL_MAGIC: Uint8Array = new Uint8Array([0x4e, 0x4e, 0x54, 0x52, 0x41, 0x49, 0x4e, 0x00]); // "NNTRAIN\0"
/** The format version this build writes and the newest it reads. */
export const MODEL_FORMAT_VERSION = 2;
/** The `format` field of the JSON header. */
export const MODEL_FORMAT_NAME = 'nntrain.model';

const PREAMBLE_BYTES = 16; // magic + version + header length
const TRAILER_BYTES = 4; // CRC-32
const MAX_SLOTS = 16; // far above any optimizer's slot count; bounds what a corrupt header can ask for
const MAX_TENSORS = 1024; // training tensors (one per Float32Array in callback state); bounds a corrupt header
const MAX_PLAUSIBLE_VERSION = 255; // above this a version field is damage, not a future release
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Optimizer state stored after the parameters. */
export interface ModelFileOptimizer {
  /** Optimizer steps taken so far (t of the last update; the next update is t = step + 1). */
  step: number;
  slotCount: number;
}

/** The training section of the header (version 2): packed state and the lengths of its tensors. */
export interface ModelFileTraining {
  /** Packed by state-codec.ts; validated as a TrainingState by training-state.ts. */
  state: JsonValue;
  /** Float counts of the training tensors stored after the optimizer slots, in order. */
  tensors: number[];
}

/** The JSON header. `model` is the Sequential's toConfig() output. */
export interface ModelFileHeader {
  format: typeof MODEL_FORMAT_NAME;
  version: number;
  createdBy: string;
  model: Record<string, unknown>;
  paramCount: number;
  optimizer?: ModelFileOptimizer;
  /** Version 2: the data layer's preprocessing, opaque JSON. */
  preprocessing?: JsonObject;
  /** Version 2: the position of an interrupted fit. */
  training?: ModelFileTraining;
}

/** What a model file holds. `slots` is empty without optimizer state, `tensors` without a training section. */
export interface ModelFileContents {
  header: ModelFileHeader;
  params: Float32Array; // (paramCount)
  slots: Float32Array[]; // slotCount × (paramCount)
  tensors: Float32Array[]; // training tensors, lengths header.training.tensors
}

/** What encodeModelFile writes; the optional sections are left out when null or undefined. */
export interface ModelFileInput {
  createdBy: string;
  model: Record<string, unknown>;
  params: Float32Array;
  optimizer?: { step: number; slots: readonly Float32Array[] } | null;
  preprocessing?: JsonObject | null;
  training?: { state: JsonValue; tensors: readonly Float32Array[] } | null;
}

const align4 = (n: number): number => (n + 3) & ~3;
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** Total file length implied by a header of `headerLength` bytes. */
function expectedFileLength(headerLength: number, paramCount: number, slotCount: number, tensorFloats: number): number {
  return align4(PREAMBLE_BYTES + headerLength) + 4 * (paramCount * (1 + slotCount) + tensorFloats) + TRAILER_BYTES;
}

/** The file length a decoded header describes. */
function lengthOf(header: ModelFileHeader, headerLength: number): number {
  return expectedFileLength(headerLength, header.paramCount, header.optimizer?.slotCount ?? 0, sum(header.training?.tensors ?? []));
}

/**
 * Encodes a model file (always the current version). `optimizer` carries the step count and the slot
 * arrays; `training` the packed training state and its tensors.
 * @throws ShapeError when a slot's length differs from params.length.
 */
export function encodeModelFile(content: ModelFileInput): Uint8Array {
  const { params, optimizer, preprocessing, training } = content;
  const paramCount = params.length;
  const slots = optimizer ? optimizer.slots : [];
  slots.forEach((slot, i) => {
    if (slot.length !== paramCount) {
      throw new ShapeError(`Optimizer slot ${i} has ${slot.length} values but the model has ${paramCount} parameters`);
    }
  });
  const tensors = training ? training.tensors : [];
  const header: ModelFileHeader = {
    format: MODEL_FORMAT_NAME,
    version: MODEL_FORMAT_VERSION,
    createdBy: content.createdBy,
    model: content.model,
    paramCount,
    ...(optimizer ? { optimizer: { step: optimizer.step, slotCount: slots.length } } : {}),
    ...(preprocessing ? { preprocessing } : {}),
    ...(training ? { training: { state: training.state, tensors: tensors.map((t) => t.length) } } : {}),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(lengthOf(header, headerBytes.length)); // zero-filled, so the padding is zeros
  const view = new DataView(out.buffer);
  out.set(MODEL_MAGIC, 0);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  out.set(headerBytes, PREAMBLE_BYTES);
  let offset = align4(PREAMBLE_BYTES + headerBytes.length);
  for (const values of [params, ...slots, ...tensors]) {
    writeFloat32s(out, view, offset, values);
    offset += 4 * values.length;
  }
  view.setUint32(offset, crc32(out.subarray(0, offset)), true);
  return out;
}

/**
 * Decodes and validates a model file's bytes (version 1 or 2). `path` only names the file in errors.
 * @throws ModelFileError for a truncated, corrupted (checksum), foreign (magic) or newer-version file,
 *   a header that is not valid JSON or not a model header, or header sizes that disagree with the length.
 */
export function decodeModelFile(bytes: Uint8Array, path: string): ModelFileContents {
  const size = bytes.length;
  const fail = (message: string) => new ModelFileError(path, message);
  const magicBytes = Math.min(size, MODEL_MAGIC.length);
  for (let i = 0; i < magicBytes; i++) {
    if (bytes[i] !== MODEL_MAGIC[i]) {
      throw fail(`is not an nntrain model file (it does not start with the bytes "NNTRAIN\\0")`);
    }
  }
  if (size < PREAMBLE_BYTES + TRAILER_BYTES) {
    throw fail(`is truncated: ${size} bytes is shorter than the smallest model file (${PREAMBLE_BYTES + TRAILER_BYTES} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version > MODEL_FORMAT_VERSION && version <= MAX_PLAUSIBLE_VERSION) {
    throw fail(
      `uses model format version ${version}, newer than version ${MODEL_FORMAT_VERSION} that this nntrain reads; upgrade nntrain to load it`,
    );
  }
  if (version < 1 || version > MODEL_FORMAT_VERSION) throw fail(`is corrupted: invalid model format version ${version}`);
  const headerLength = view.getUint32(12, true);
  const dataStart = align4(PREAMBLE_BYTES + headerLength);
  if (dataStart + TRAILER_BYTES > size) {
    throw fail(`is truncated or corrupted: its header length (${headerLength} bytes) runs past the end of the file (${size} bytes)`);
  }
  const header = parseHeader(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength), version);
  const stored = view.getUint32(size - TRAILER_BYTES, true);
  const computed = crc32(bytes.subarray(0, size - TRAILER_BYTES));
  if (stored !== computed) {
    // A cut file fails the checksum too; when the header survived, say how much is missing instead.
    if (typeof header !== 'string') {
      const expected = lengthOf(header, headerLength);
      if (expected > size) throw fail(`is truncated: it has ${size} bytes but its header describes ${expected}`);
      if (expected < size) throw fail(`has ${size - expected} unexpected bytes after its end (${expected} bytes expected)`);
    }
    throw fail(
      `is corrupted: checksum mismatch (stored CRC-32 0x${hex32(stored)}, computed 0x${hex32(computed)})`,
    );
  }
  if (typeof header === 'string') throw fail(header);
  const slotCount = header.optimizer?.slotCount ?? 0;
  const tensorLengths = header.training?.tensors ?? [];
  const expected = lengthOf(header, headerLength);
  if (expected !== size) {
    throw fail(
      `has a header whose sizes disagree with the file length: paramCount ${header.paramCount}, ` +
        `${slotCount} optimizer slots and ${sum(tensorLengths)} training floats need ${expected} bytes but the file has ${size}`,
    );
  }
  for (let i = PREAMBLE_BYTES + headerLength; i < dataStart; i++) {
    if (bytes[i] !== 0) throw fail(`is corrupted: non-zero padding byte at offset ${i}`);
  }
  const n = header.paramCount;
  const params = readFloat32s(bytes, view, dataStart, n);
  const slots = Array.from({ length: slotCount }, (_, s) => readFloat32s(bytes, view, dataStart + 4 * n * (1 + s), n));
  let offset = dataStart + 4 * n * (1 + slotCount);
  const tensors = tensorLengths.map((length) => {
    const values = readFloat32s(bytes, view, offset, length);
    offset += 4 * length;
    return values;
  });
  return { header, params, slots, tensors };
}

/** The parsed header, or a message saying what is wrong with it. */
function parseHeader(raw: Uint8Array, version: number): ModelFileHeader | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (err) {
    return `has a header that is not valid UTF-8 JSON (${(err as Error).message})`;
  }
  if (!isPlainObject(value)) return 'has a header that is not a JSON object';
  if (value.format !== MODEL_FORMAT_NAME) {
    return `has a header whose format is ${JSON.stringify(value.format)}, expected "${MODEL_FORMAT_NAME}"`;
  }
  if (value.version !== version) {
    return `has a header version (${JSON.stringify(value.version)}) that disagrees with its format version ${version}`;
  }
  if (!isPlainObject(value.model)) return 'has a header without a model config object';
  if (!isInteger(value.paramCount) || value.paramCount < 0) {
    return `has an invalid paramCount ${JSON.stringify(value.paramCount)} in its header`;
  }
  const optimizer = value.optimizer;
  if (optimizer !== undefined) {
    if (
      !isPlainObject(optimizer) ||
      !isInteger(optimizer.step) ||
      optimizer.step < 0 ||
      !isInteger(optimizer.slotCount) ||
      optimizer.slotCount < 0 ||
      optimizer.slotCount > MAX_SLOTS
    ) {
      return `has an invalid optimizer entry in its header: ${JSON.stringify(optimizer)}`;
    }
  }
  const header: ModelFileHeader = {
    format: MODEL_FORMAT_NAME,
    version,
    createdBy: typeof value.createdBy === 'string' ? value.createdBy : 'unknown',
    model: value.model,
    paramCount: value.paramCount,
    ...(optimizer !== undefined ? { optimizer: { step: optimizer.step as number, slotCount: optimizer.slotCount as number } } : {}),
  };
  if (version < 2) return header; // version 1 has no optional sections
  const { preprocessing, training } = value;
  if (preprocessing !== undefined) {
    if (!isPlainObject(preprocessing)) return 'has a preprocessing section that is not a JSON object';
    header.preprocessing = preprocessing as JsonObject;
  }
  if (training !== undefined) {
    if (!isPlainObject(training) || !('state' in training) || !Array.isArray(training.tensors)) {
      return 'has a training section without its state and tensor list';
    }
    const lengths = training.tensors as unknown[];
    if (lengths.length > MAX_TENSORS || !lengths.every((n) => isInteger(n) && n >= 0)) {
      return `has an invalid training tensor list (${lengths.length} entries; each a float count >= 0, at most ${MAX_TENSORS})`;
    }
    header.training = { state: training.state as JsonValue, tensors: lengths as number[] };
  }
  return header;
}

function writeFloat32s(out: Uint8Array, view: DataView, offset: number, values: Float32Array): void {
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    return;
  }
  for (let i = 0; i < values.length; i++) view.setFloat32(offset + 4 * i, values[i], true);
}

function readFloat32s(bytes: Uint8Array, view: DataView, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (LITTLE_ENDIAN_HOST) {
    // a copy, not a view: the file's offset need not be 4-aligned within its Buffer's pool
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + 4 * count));
    return out;
  }
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, true);
  return out;
}

const hex32 = (n: number): string => n.toString(16).padStart(8, '0');
