// Mutations of model files for fuzz/model_loader.ts. Random bytes almost never get past the checksum
// and the size checks, so most mutations work on the structure: the JSON header (a value replaced by
// an odd one, a key removed or copied, a subtree moved), the float data (NaN, infinities, huge values),
// then the file re-encoded with a matching header length, data size and CRC-32. Byte-level mutations
// (bit flips, inserts, cuts, splices) cover the framing, with the CRC-32 fixed up most of the time.

type Random = () => number;
type Crc = (data: Uint8Array) => number;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const PREAMBLE = 16;
const MAX_DATA_FLOATS = 1 << 16; // re-encoding does not size data sections beyond this

const ODD_VALUES: Json[] = [
  0, -1, 1, 2, 3, 7, 0.5, -0.5, 1e-30, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53, 1e6, 1e9, 65536, 255, 256,
  '', 'x', 'relu', 'softmax', 'sigmoid', 'linear', 'dense', 'dropout', 'gaussianNoise', 'activation', 'adam', 'sgd',
  'mse', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'earlyStopping', 'reduceOnPlateau', 'NaN',
  'Infinity', '-0', '__proto__', 'constructor', 'toString', null, true, false, [], {}, [1, 2, 3], [[]], { $f64: 'NaN' },
  { $nan: true }, { __proto__: 1 } as unknown as Json, 'x'.repeat(300),
];
const ODD_KEYS = ['__proto__', 'constructor', 'units', 'inputShape', 'rate', 'activation', 'layers', 'optimizer', 'loss', 'seed', 'step', 'slotCount', 'paramCount', 'tensors', 'state', 'version', 'format', 'epoch', 'batch', 'history', 'callbacks', 'schedule'];
const ODD_FLOATS = [NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-45, -0, 0, 1, -1];
const ODD_U32 = [0, 1, 2, 3, 4, 0xff, 0x100, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0, 16, 20];

const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)];
const int = (n: number, random: Random): number => Math.floor(random() * n);

/** The parts of a model file that parse, or null. */
interface Parts {
  version: number;
  header: Json;
  data: Uint8Array; // between the padded header and the CRC
}

function split(bytes: Uint8Array): Parts | null {
  if (bytes.length < PREAMBLE + 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(12, true);
  const start = (PREAMBLE + length + 3) & ~3;
  if (start + 4 > bytes.length) return null;
  try {
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE, PREAMBLE + length))) as Json;
    return { version: view.getUint32(8, true), header, data: bytes.slice(start, bytes.length - 4) };
  } catch {
    return null;
  }
}

/** Floats the header says the data holds, or -1 when it does not say sensibly. */
function dataFloats(header: Json): number {
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return -1;
  const n = header.paramCount;
  const opt = header.optimizer;
  const slots = opt !== null && typeof opt === 'object' && !Array.isArray(opt) ? opt.slotCount : 0;
  const training = header.training;
  const tensors = training !== null && typeof training === 'object' && !Array.isArray(training) ? training.tensors : [];
  if (typeof n !== 'number' || typeof slots !== 'number' || !Array.isArray(tensors)) return -1;
  const total = n * (1 + slots) + tensors.reduce<number>((s, t) => s + (typeof t === 'number' ? t : NaN), 0);
  return Number.isInteger(total) && total >= 0 && total <= MAX_DATA_FLOATS ? total : -1;
}

/** A model file from parts: header length, zero padding, data sized to the header when it can be, CRC. */
function join(parts: Parts, random: Random, crc: Crc): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(parts.header));
  const start = (PREAMBLE + header.length + 3) & ~3;
  let data = parts.data;
  const floats = dataFloats(parts.header);
  if (floats >= 0 && floats * 4 !== data.length && random() < 0.9) {
    const sized = new Uint8Array(floats * 4);
    sized.set(data.subarray(0, sized.length));
    data = sized;
  }
  const out = new Uint8Array(start + data.length + 4);
  const view = new DataView(out.buffer);
  out.set([0x4e, 0x4e, 0x54, 0x52, 0x41, 0x49, 0x4e, 0x00]);
  view.setUint32(8, parts.version, true);
  view.setUint32(12, header.length, true);
  out.set(header, PREAMBLE);
  out.set(data, start);
  view.setUint32(out.length - 4, crc(out.subarray(0, out.length - 4)), true);
  return out;
}

/** Every (container, key) in a JSON tree. */
function slots(root: Json): [Json[] | { [key: string]: Json }, string | number][] {
  const out: [Json[] | { [key: string]: Json }, string | number][] = [];
  const walk = (v: Json): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        out.push([v, i]);
        walk(item);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        out.push([v, k]);
        walk(v[k]);
      }
    }
  };
  walk(root);
  return out;
}

function mutateJson(root: Json, donor: Json, random: Random): void {
  const places = slots(root);
  if (places.length === 0) return;
  const [container, key] = pick(places, random);
  const set = (value: Json): void => {
    (container as Record<string | number, Json>)[key] = value;
  };
  const current = (container as Record<string | number, Json>)[key];
  switch (int(7, random)) {
    case 0:
    case 1:
      set(structuredClone(pick(ODD_VALUES, random)));
      break;
    case 2: // a number nudged: off by one, doubled, negated, fractional
      if (typeof current === 'number') set(pick([current + 1, current - 1, current * 2, -current, current + 0.5, current * 1e6], random));
      else set(int(20, random));
      break;
    case 3: // removed
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
      break;
    case 4: // a value from elsewhere in this tree or the donor's
      {
        const from = pick([...slots(root), ...slots(donor)], random);
        set(structuredClone((from[0] as Record<string | number, Json>)[from[1]]));
      }
      break;
    case 5: // a key added
      if (Array.isArray(container)) container.push(structuredClone(current));
      else container[pick(ODD_KEYS, random)] = structuredClone(pick(ODD_VALUES, random));
      break;
    default: // a string where a number was, and back
      set(typeof current === 'number' ? String(current) : typeof current === 'string' && current !== '' && !Number.isNaN(Number(current)) ? Number(current) : [current]);
  }
}

function mutateBytes(bytes: Uint8Array, other: Uint8Array, random: Random): Uint8Array {
  const out = Array.from(bytes);
  const at = (): number => int(out.length + 1, random);
  switch (int(8, random)) {
    case 0:
      if (out.length > 0) out[int(out.length, random)] ^= 1 << int(8, random);
      break;
    case 1:
      if (out.length > 0) out[int(out.length, random)] = pick([0, 0xff, 0x7f, 0x80, 0x22, 0x7b, 0x5d], random);
      break;
    case 2:
      out.splice(at(), 0, ...Array.from({ length: 1 + int(8, random) }, () => int(256, random)));
      break;
    case 3:
      out.splice(at(), 1 + int(16, random));
      break;
    case 4:
      out.length = int(out.length + 1, random);
      break;
    case 5: // a field of the preamble
      if (out.length >= 16) {
        const v = pick(ODD_U32, random);
        const off = pick([8, 12], random);
        for (let i = 0; i < 4; i++) out[off + i] = (v >>> (8 * i)) & 0xff;
      }
      break;
    case 6: {
      const from = int(other.length + 1, random);
      out.splice(at(), int(out.length, random) === 0 ? 0 : int(32, random), ...other.subarray(from, from + int(64, random)));
      break;
    }
    default: {
      const from = at();
      out.splice(at(), 0, ...out.slice(from, from + 1 + int(16, random)));
    }
  }
  return Uint8Array.from(out);
}

function fixCrc(bytes: Uint8Array, crc: Crc): Uint8Array {
  if (bytes.length < 4) return bytes;
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(bytes.length - 4, crc(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

/** One mutant of `bytes` (`other`: another corpus entry, for splices and donated JSON values). */
export function mutate(bytes: Uint8Array, other: Uint8Array, random: Random, crc: Crc): Uint8Array {
  const parts = split(bytes);
  const roll = random();
  if (parts !== null && roll < 0.55) {
    const rounds = 1 + int(3, random);
    for (let i = 0; i < rounds; i++) mutateJson(parts.header, split(other)?.header ?? null, random);
    return join(parts, random, crc);
  }
  if (parts !== null && roll < 0.7 && parts.data.length >= 4) {
    const view = new DataView(parts.data.buffer, parts.data.byteOffset, parts.data.byteLength);
    const rounds = 1 + int(4, random);
    for (let i = 0; i < rounds; i++) view.setFloat32(4 * int(Math.floor(parts.data.length / 4), random), pick(ODD_FLOATS, random), true);
    return join(parts, random, crc);
  }
  const rounds = 1 + int(3, random);
  let out = bytes;
  for (let i = 0; i < rounds; i++) out = mutateBytes(out, other, random);
  return random() < 0.8 ? fixCrc(out, crc) : out;
}
