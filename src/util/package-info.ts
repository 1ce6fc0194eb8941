// The package's own package.json, found by walking up from this file: the same code runs from src/
// (tsx, vitest) and from dist/src/ (compiled).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root directory (holding package.json and binding.gyp). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'binding.gyp'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('nntrain: cannot find the package root (package.json beside binding.gyp)');
    dir = parent;
  }
}

let version: string | undefined;

/** The package version from package.json. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
