// Crash-safe file replacement: the target path holds either the old complete file or the new complete
// file, never a partial one. Write a temp file in the same directory (rename is only atomic within one
// file system), fsync it so its bytes are on disk before the name points at them, rename over the
// target, then fsync the directory so the rename itself survives a power cut.

import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** The temp-file name pattern used next to `target` (hidden, unique per call). */
function tempPathFor(target: string): string {
  const abs = resolve(target);
  return join(dirname(abs), `.${basename(abs)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes `data` to `path` atomically (temp file + fsync + rename + directory fsync).
 * On failure the temp file is removed and an existing file at `path` is left untouched.
 * @throws the underlying fs error (ENOENT for a missing directory, EACCES, ENOSPC, EISDIR, ...).
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const target = resolve(path);
  const temp = tempPathFor(target);
  try {
    const handle = await open(temp, 'wx', 0o644); // 'wx': never reuse an existing file
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(target));
}

/** fsync of a directory: durable renames on POSIX; not supported on Windows, so failures are ignored. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort: EISDIR / EPERM / EINVAL on platforms that cannot fsync a directory
  }
}
