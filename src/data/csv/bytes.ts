// Positioned reads over what a CSV input holds, whatever its kind: the JS reader, its sampler and the
// syntax-error search call read(buffer, offset, length, position) as on a FileHandle. A gzip file is
// decompressed as a stream (node's zlib): a read ahead skips forward, a read behind starts the
// decompression again (a new pass). A stream (stdin, a FIFO, a character device) can be read once: its
// bytes are kept from the start until release() (the sample is read, then the reader starts over from
// byte 0), and a read behind what is kept is an error. Memory: one decompressed chunk, plus the kept
// prefix of a stream (the sample's bytes).

import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataError } from '../../util/errors.js';

/** The part of FileHandle the JS reader uses. Reads may return fewer bytes than asked; 0 is the end. */
export interface ByteHandle {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** A FileHandle as a ByteHandle (a plain regular file). */
export function fileBytes(fh: FileHandle): ByteHandle {
  return { read: (buffer, offset, length, position) => fh.read(buffer, offset, length, position), close: () => fh.close() };
}

const CHUNK = 64 << 10;

/** The message for a zlib failure: corrupt data, or a file that ends inside the compressed data. */
function gzipError(path: string, err: unknown): Error {
  if (err instanceof DataError) return err;
  const e = err as NodeJS.ErrnoException;
  if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
    const what = e.code === 'Z_BUF_ERROR' ? 'the gzip data ends early (a truncated file)' : `corrupt gzip data (${e.message})`;
    return new DataError(`Cannot read CSV file '${path}': ${what}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** Decompressed chunks of `raw`, or its own chunks when `gzip` is false; errors name `path`. */
function chunksOf(raw: Readable, gzip: boolean, path: string): AsyncIterator<Buffer> {
  const out = gzip ? pipeline(raw, createGunzip({ chunkSize: CHUNK }), () => undefined) : raw;
  const it = out[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return {
    next: () => it.next().catch((err: unknown) => Promise.reject(gzipError(path, err))),
    return: async () => {
      out.destroy();
      raw.destroy();
      return { done: true, value: undefined };
    },
  };
}

/** Sequential chunks behind positioned reads (see the file comment). */
class ChunkedBytes implements ByteHandle {
  private it: AsyncIterator<Buffer> | null = null;
  private chunk: Buffer = Buffer.alloc(0);
  private chunkStart = 0;
  private ended = false;
  // a stream's bytes from the start, kept until release()
  private kept: Buffer[] = [];
  private keeping: boolean;

  constructor(
    private readonly start: () => AsyncIterator<Buffer>,
    private readonly again: boolean,
    private readonly path: string,
  ) {
    this.keeping = !again;
  }

  /** Stops keeping a stream's first bytes once reads pass them. */
  release(): void {
    this.keeping = false;
  }

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    const keptEnd = this.kept.reduce((n, b) => n + b.length, 0);
    if (position < keptEnd) return { bytesRead: this.fromKept(buffer, offset, length, position) };
    if (!this.keeping && this.kept.length > 0 && position >= keptEnd) this.kept = [];
    if (this.it === null || position < this.chunkStart) await this.restart(position);
    while (!this.ended && position >= this.chunkStart + this.chunk.length) {
      const next = await (this.it as AsyncIterator<Buffer>).next();
      this.chunkStart += this.chunk.length;
      this.chunk = next.done ? Buffer.alloc(0) : next.value;
      if (next.done) this.ended = true;
      else if (this.keeping) this.kept.push(next.value);
    }
    const from = position - this.chunkStart;
    if (from >= this.chunk.length) return { bytesRead: 0 };
    const n = Math.min(length, this.chunk.length - from);
    this.chunk.copy(buffer, offset, from, from + n);
    return { bytesRead: n };
  }

  private fromKept(buffer: Buffer, offset: number, length: number, position: number): number {
    let at = 0;
    for (const b of this.kept) {
      if (position < at + b.length) {
        const from = position - at;
        const n = Math.min(length, b.length - from);
        b.copy(buffer, offset, from, from + n);
        return n;
      }
      at += b.length;
    }
    return 0;
  }

  private async restart(position: number): Promise<void> {
    if (this.it !== null) {
      if (!this.again) {
        throw new DataError(
          `${this.path}: a stream can be read only once, and byte ${position} was passed already: this read needs a file that can be read again (write the stream to a file first)`,
        );
      }
      await this.it.return?.();
    }
    this.it = this.start();
    this.chunk = Buffer.alloc(0);
    this.chunkStart = 0;
    this.ended = false;
  }

  async close(): Promise<void> {
    this.kept = [];
    await this.it?.return?.();
    this.it = null;
  }
}

/** A gzip file, decompressed anew for every pass. `path` is the name errors give. */
export function gzipFileBytes(file: string, path: string): ByteHandle {
  return new ChunkedBytes(() => chunksOf(createReadStream(file, { highWaterMark: CHUNK }), true, path), true, path);
}

/** A stream's bytes, read once; `head` are bytes already taken from it. Decompressed when `gzip`. */
export function streamBytes(raw: AsyncIterable<Buffer>, head: Buffer, gzip: boolean, path: string): ByteHandle & { release(): void } {
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for await (const chunk of raw) yield chunk;
  }
  let used = false;
  return new ChunkedBytes(
    () => {
      if (used) throw new Error('streamBytes: started twice');
      used = true;
      return chunksOf(Readable.from(all(), { objectMode: false }), gzip, path);
    },
    false,
    path,
  );
}

/** Copies everything `bytes` holds, in order, to `write`. Memory: one chunk. */
export async function copyBytes(bytes: ByteHandle, write: (chunk: Buffer) => Promise<void>): Promise<number> {
  let pos = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await bytes.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return pos;
    await write(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
}

/** The data of `bytes` as chunks of at most `size` bytes, in order (reads ahead only when asked). */
export async function* readChunks(bytes: ByteHandle, size = CHUNK): AsyncGenerator<Buffer> {
  for (let pos = 0; ; ) {
    const buf = Buffer.allocUnsafe(size); // fresh: a parser may keep views of it
    const { bytesRead } = await bytes.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}
