// One arena per model: parameters, gradients and optimizer state in a single SharedArrayBuffer,
// laid out [params | grads | slot 0 | slot 1 | ...], each region paramCount floats. Every tensor is a
// view at the same offset in params and grads, so an optimizer step is one flat loop over the arena and
// the gradient region is the one flat buffer a future all-reduce will take.

import type { ArenaViews, TensorRef } from '../backend/contract.js';

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

export class Arena implements ArenaViews {
  readonly buffer: SharedArrayBuffer;
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly slots: Float32Array[];

  constructor(
    readonly paramCount: number,
    readonly slotCount: number,
  ) {
    const regions = 2 + slotCount;
    this.buffer = new SharedArrayBuffer(Math.max(1, paramCount * regions) * Float32Array.BYTES_PER_ELEMENT);
    const region = (i: number) => new Float32Array(this.buffer, i * paramCount * 4, paramCount);
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
    const next = new Arena(this.paramCount, slotCount);
    next.params.set(this.params);
    return next;
  }
}
