// What a CSV path names, settled before any reader opens it: a regular file (read in place, with byte
// ranges and as often as a pass needs), a gzip file (magic bytes 1f 8b, whatever the name: decompressed
// as a stream each pass), or a stream (`-` for stdin, /dev/stdin, a FIFO, a character device: read
// once, decompressed too when its first bytes are gzip's). Before this, every path that is not a
// regular file was reported as "a directory": the sampler's isFile() check took them all for one.

import { createReadStream, fstat } from 'node:fs';
import { promisify } from 'node:util';
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../../util/errors.js';
import { processAlive } from '../../util/process-alive.js';
import { copyBytes, fileBytes, gzipFileBytes, streamBytes, type ByteHandle } from './bytes.js';
import { fileError } from './errors.js';

export interface CsvInput {
  /** The path as given: messages name it. */
  path: string;
  /** What is opened: the path, '/dev/stdin' for '-', or a private decompressed copy. */
  file: string;
  /** Read once: stdin, a FIFO, a character device or a socket. */
  stream: boolean;
  /** Gzip data (by its first two bytes, 1f 8b). */
  gzip: boolean;
  /** A stream's bytes (it can be opened only once); null for a file. */
  bytes: (ByteHandle & { release(): void }) | null;
}

const GZIP = [0x1f, 0x8b];

/** The first bytes of a stream (at least 2 unless it ends first) and the iterator it continues with. */
async function peek(it: AsyncIterator<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  while (n < 2) {
    const next = await it.next();
    if (next.done) break;
    parts.push(next.value);
    n += next.value.length;
  }
  return Buffer.concat(parts);
}

/**
 * Looks at `path` (see the file comment). A stream is opened here and its first bytes read.
 * @throws DataError naming the path when it is missing, a directory or unreadable.
 */
export async function describeInput(path: string): Promise<CsvInput> {
  const stdin = path === '-' || path === '/dev/stdin';
  const file = stdin ? '/dev/stdin' : path;
  try {
    // stdin by its descriptor: a socket (as a parent process's pipe often is) cannot be opened by name
    const st = stdin ? await promisify(fstat)(0) : await stat(file);
    if (st.isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
    if (st.isFile()) {
      const fh = await open(file, 'r');
      try {
        const head = Buffer.alloc(2);
        const { bytesRead } = await fh.read(head, 0, 2, 0);
        return { path, file, stream: false, gzip: bytesRead === 2 && head[0] === GZIP[0] && head[1] === GZIP[1], bytes: null };
      } finally {
        await fh.close();
      }
    }
    const raw = stdin ? process.stdin : createReadStream(file, { highWaterMark: 64 << 10 });
    const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const head = await peek(it);
    const gzip = head.length >= 2 && head[0] === GZIP[0] && head[1] === GZIP[1];
    const rest = { [Symbol.asyncIterator]: () => it };
    return { path, file, stream: true, gzip, bytes: streamBytes(rest, head, gzip, path) };
  } catch (err) {
    throw fileError(path, err);
  }
}

/** A ByteHandle over the input's data (decompressed). The caller closes it (a stream's closes the stream). */
export async function openBytes(input: CsvInput): Promise<ByteHandle> {
  if (input.bytes !== null) return input.bytes;
  if (input.gzip) return gzipFileBytes(input.file, input.path);
  return fileBytes(await open(input.file, 'r'));
}

/** A plain regular file: the readers open it themselves (the native reader, byte ranges). */
export const isPlain = (input: CsvInput): boolean => !input.stream && !input.gzip;

/** An input with the decompressed data of `input` in a private temporary file, and its removal. */
export interface CopiedInput {
  input: CsvInput;
  dispose(): Promise<void>;
}

/**
 * Copies `input`'s data, decompressed, to a private temporary file (mode 0600, in the OS's temp
 * directory), as it is read: memory stays one chunk. For what must read a stream more than once. `check` runs before each chunk (it throws
 * to stop the copy).
 */
export async function copyToTempFile(input: CsvInput, check: () => void = () => undefined): Promise<CopiedInput> {
  await removeStaleCopies();
  const dir = await mkdtemp(join(tmpdir(), `nntrain-csv-${process.pid}-`));
  const dispose = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const file = join(dir, 'data.csv');
    const out = await open(file, 'wx', 0o600);
    const bytes = await openBytes(input);
    try {
      await copyBytes(bytes, async (chunk) => {
        check(); // an abort stops a long copy between chunks
        await out.write(chunk);
      });
    } finally {
      await bytes.close();
      await out.close();
    }
    return { input: { path: input.path, file, stream: false, gzip: false, bytes: null }, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** Removes the copies of processes that were killed before they could remove their own. */
async function removeStaleCopies(): Promise<void> {
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of entries) {
    const pid = Number(/^nntrain-csv-(\d+)-/.exec(name)?.[1] ?? NaN);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The paths of a path argument: one path, or a non-empty list of them (read as one dataset, in order). */
export function pathList(context: string, path: unknown): string[] {
  const list = Array.isArray(path) ? path : [path];
  if (list.length === 0) throw new DataError(`Expected a file path or a non-empty array of paths for ${context} but received an empty array`);
  for (const p of list) {
    if (typeof p !== 'string' || p.length === 0) throw new DataError(`Expected a file path${Array.isArray(path) ? ' in the array' : ''} for ${context} but received ${String(p)}`);
  }
  return list as string[];
}
