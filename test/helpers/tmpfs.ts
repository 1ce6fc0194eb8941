// A scratch directory in memory (/dev/shm, a tmpfs) where there is a writable one, else in the OS temp
// directory: for tests that write and fsync many files, where each fsync on a disk costs milliseconds.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new directory named `prefix`XXXXXX on /dev/shm, or in tmpdir() where /dev/shm is missing or read-only. */
export function memoryTempDir(prefix: string): string {
  try {
    return mkdtempSync(join('/dev/shm', prefix));
  } catch {
    return mkdtempSync(join(tmpdir(), prefix));
  }
}
