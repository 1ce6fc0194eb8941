// One arena per model: parameters, gradients and optimizer state in a single SharedArrayBuffer,
// laid out [params | grads | slot 0 | slot 1 | ...], each region paramCount floats. Every tensor is a
// view at the same offset in params and grads, so an optimizer step is one flat loop over the arena and
// the gradient region is the one flat buffer a future all-reduce will take.

import type { ArenaViews, TensorRef } from '../backend/contract.js';
import { ConfigError } from '../util/errors.js';

/** Tensor offsets are aligned to 16 floats (64 bytes, one cache line, one AVX-512 register). */
export const ARENA_ALIGN = 16;

/** Lays out tensors of the given lengths back to back, each aligned; returns their refs and the total. */
export function layoutTensors(lengths: readonly number[]): { refs: TensorRef[]; paramCount: number } {
  let offset = 0;
  const refs = lengths.map((length) => {
    const ref = { offset, length };
    offset += Math.ceil(length / ARENA_ALIGN) * ARENA_ALIGN;
    return ref;
  });
  return { refs, paramCount: offset };
}

/** Floats from a view's start to its first 64-byte boundary: a backend's cacheLineShift. */
export type CacheLineShift = (view: Float32Array) => number;

/**
 * `length` zeros starting `past` floats after a 64-byte line boundary that `shiftOf` finds: operands
 * placed as a model's tensors are (past 0), or deliberately off a line (benchmarks and tests).
 */
export function floatsOnCacheLine(length: number, shiftOf: CacheLineShift, past = 0): Float32Array {
  const buf = new Float32Array(length + 2 * ARENA_ALIGN);
  const start = shiftOf(buf) + past;
  return buf.subarray(start, start + length);
}

export class Arena implements ArenaViews {
  readonly buffer: SharedArrayBuffer;
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly slots: Float32Array[];

  /**
   * @param shiftOf where the buffer's first cache line boundary is (the model's backend). JS buffers
   *   start 16 bytes into a line; native training steps are faster when every tensor starts on one
   *   (bench/README.md, Notes). The buffer holds ARENA_ALIGN spare floats for the shift.
   */
  constructor(
    readonly paramCount: number,
    readonly slotCount: number,
    private readonly shiftOf: CacheLineShift = () => 0,
  ) {
    const regions = 2 + slotCount;
    const floats = Math.max(1, paramCount * regions) + ARENA_ALIGN;
    this.buffer = allocateArena(floats, paramCount, regions);
    const shift = shiftOf(new Float32Array(this.buffer, 0, ARENA_ALIGN));
    if (!Number.isInteger(shift) || shift < 0 || shift >= ARENA_ALIGN) throw new RangeError(`cacheLineShift returned ${shift}, expected an integer in [0, ${ARENA_ALIGN})`);
    const region = (i: number) => new Float32Array(this.buffer, (shift + i * paramCount) * 4, paramCount);
    this.params = region(0);
    this.grads = region(1);
    this.slots = Array.from({ length: slotCount }, (_, i) => region(2 + i));
  }

  /** The parameter view of a tensor. */
  param(ref: TensorRef): Float32Array {
    return this.params.subarray(ref.offset, ref.offset + ref.length);
  }

  /** The gradient view of a tensor. */
  grad(ref: TensorRef): Float32Array {
    return this.grads.subarray(ref.offset, ref.offset + ref.length);
  }

  /** A new arena with `slotCount` optimizer slots (zeroed) and these parameters copied in. */
  withSlots(slotCount: number): Arena {
    const next = new Arena(this.paramCount, slotCount, this.shiftOf);
    next.params.set(this.params);
    return next;
  }
}

/** The arena's buffer; a model too large for this process is a ConfigError that says how large, not V8's bare RangeError. */
function allocateArena(floats: number, paramCount: number, regions: number): SharedArrayBuffer {
  const bytes = floats * Float32Array.BYTES_PER_ELEMENT;
  try {
    return new SharedArrayBuffer(bytes);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    const gib = (bytes / 2 ** 30).toFixed(1);
    throw new ConfigError(`the model's arena needs ${gib} GiB (${paramCount} parameters × ${regions} regions: params, grads and optimizer slots), more than this process can allocate: use fewer or smaller layers`);
  }
}
