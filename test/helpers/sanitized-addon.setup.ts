// Setup file of vitest.sanitizers.config.ts (scripts/check-sanitizers.sh): fails every test file whose
// worker does not run the ASan/UBSan addon. Without it a missing or unloadable sanitizer build would
// pass quietly: node-gyp-build would throw, nativeAvailable() would be false, and the native cases skipped.

import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { loadNativeAddon } from '../../src/backend/native.js';
import { neededLibraries } from '../../scripts/elf.mjs';

const prebuild = process.env.NNTRAIN_PREBUILD;
if (!prebuild) throw new Error('NNTRAIN_PREBUILD is not set: run this config through scripts/check-sanitizers.sh');
const expected = realpathSync(join(prebuild, 'build/Release/nntrain.node'));

loadNativeAddon(); // throws (with node-gyp-build's cause) when the sanitizer build does not load

// The files this process maps: exactly one nntrain.node, the expected one, and the ASan runtime.
const mapped = new Set(
  readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[5] ?? '')
    .filter((path) => path.startsWith('/')),
);
const addons = [...mapped].filter((path) => path.endsWith('/nntrain.node'));
if (addons.length !== 1 || addons[0] !== expected) {
  throw new Error(`expected the sanitizer addon ${expected} alone, this process maps: ${addons.join(', ') || 'none'}`);
}
if (![...mapped].some((path) => /\/libasan\.so/.test(path))) throw new Error('the ASan runtime is not mapped');
// and that addon is the instrumented one (NNTRAIN_PREBUILD could name a normal build)
const needed = neededLibraries(expected);
for (const lib of ['libasan.so', 'libubsan.so']) {
  if (!needed.some((name) => name.startsWith(lib))) throw new Error(`${expected} is not a sanitizer build (needs ${needed.join(', ')})`);
}
