#!/usr/bin/env node
// Compiles every native source for aarch64 with Debian's cross compiler (g++-aarch64-linux-gnu), with
// the defines and flags of native/sources.gypi: the x86 micro-kernels compile to nothing there and the
// portable path (ukr_ref, scalar elementwise loops) must build alone. Objects go to a temp dir and are
// not linked (Node's aarch64 libraries are not here); compiling is what an aarch64 prebuild would fail at.
// Usage: node scripts/check-aarch64.mjs [compiler]; exit 1 naming the first files that fail.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiler = process.argv[2] ?? 'aarch64-linux-gnu-g++';
const gyp = JSON.parse(
  readFileSync(join(root, 'native/sources.gypi'), 'utf8')
    .replace(/#.*$/gm, '')
    .replace(/'/g, '"')
    .replace(/,(\s*[\]}])/g, '$1'),
);
const addonApi = dirname(createRequire(import.meta.url).resolve('node-addon-api/package.json'));
const out = mkdtempSync(join(tmpdir(), 'nntrain-aarch64-'));
const failures = [];
try {
  for (const [i, source] of gyp.sources.entries()) {
    const args = [...gyp.cflags_cc, ...gyp.defines.map((d) => `-D${d}`), '-I/usr/include/node', `-I${addonApi}`, '-fPIC', '-c', join(root, 'native', source), '-o', join(out, `${i}.o`)];
    try {
      execFileSync(compiler, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      failures.push(`native/${source}:\n${String(err.stderr ?? err.message).split('\n').slice(0, 12).join('\n')}`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`check-aarch64: ${failures.length} of ${gyp.sources.length} sources do not compile with ${compiler}`);
  for (const f of failures.slice(0, 5)) console.error(f);
  process.exit(1);
}
console.log(`check-aarch64: all ${gyp.sources.length} native sources compile for aarch64 (${compiler})`);
