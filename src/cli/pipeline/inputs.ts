// Data arguments as a scheduler hands them over: `-` for stdin, a FIFO or device path, a .csv.gz file
// (readCsv/openCsv take those as they are), or a quoted glob such as 'part-*.csv', which nntrain
// expands itself into the matching files, sorted by name, read as one dataset.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { DataError } from '../../util/errors.js';

const GLOB = /[*?[\]{}]/;

/** Whether `arg` is a pattern nntrain expands (a path that exists is taken as it is). */
export function isPattern(arg: string): boolean {
  return arg !== '-' && GLOB.test(arg) && !existsSync(arg);
}

/**
 * The path(s) a data argument names: `arg` itself, or the files a pattern matches, sorted by name.
 * @throws DataError naming the pattern and the option when no file matches.
 */
export async function dataPaths(arg: string, flag: string): Promise<string | string[]> {
  if (!isPattern(arg)) return arg;
  const found = await glob([arg], { absolute: true, onlyFiles: true, expandDirectories: false });
  if (found.length === 0) throw new DataError(`no file matches '${arg}' (${flag})`);
  // code-point order: part-2 before part-10 only with zero-padded numbers, as ls sorts them in the C locale
  const sorted = found.map((p) => resolve(p)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.length === 1 ? sorted[0] : sorted;
}

/** `arg` made absolute, `-` (stdin) kept. */
export function absoluteData(arg: string): string {
  return arg === '-' ? arg : resolve(arg);
}
