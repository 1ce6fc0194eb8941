// Temp files that a killed save left behind. writeFileAtomic (and predict's output) write to
// `.<name>.<pid>.<hex>.tmp` beside the target and rename it into place; a process killed between the two
// leaves the temp file. The next run in that directory removes those whose process is gone. A live
// process's temp file (including one whose pid was reused by another live process) is never touched.

import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '../util/process-alive.js';

/** `.name.<pid>.tmp` or `.name.<pid>.<hex>.tmp`; group 1 is the pid. */
const TEMP_NAME = /^\..+\.(\d+)(?:\.[0-9a-f]+)?\.tmp$/;

export { processAlive };

/**
 * Removes the temp files in `dir` whose writing process has exited. A directory that cannot be listed is
 * skipped (the write that follows reports it); a file that cannot be removed is left.
 * @returns the paths removed.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const match = TEMP_NAME.exec(entry.name);
    if (match === null || !entry.isFile()) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || !Number.isSafeInteger(pid) || pid <= 0 || processAlive(pid)) continue;
    const path = join(dir, entry.name);
    try {
      await rm(path);
      removed.push(path);
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
  return removed;
}
