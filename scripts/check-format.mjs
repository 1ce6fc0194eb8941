#!/usr/bin/env node
// Checks (or with --fix, applies) clang-format on the C++ sources under native/, test/native/ and fuzz/
// (vendored libraries under native/third_party/ are kept exactly as their authors ship them).
// Uses the clang-format binary shipped in the `clang-format` npm package, so no system install is needed.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fix = process.argv.includes('--fix');

function cppFiles(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (path !== join(root, 'native', 'third_party')) out = out.concat(cppFiles(path));
    }
    else if (/\.(cc|cpp|h|hpp)$/.test(name)) out.push(path);
  }
  return out;
}

const files = ['native', join('test', 'native'), 'fuzz']
  .map((dir) => join(root, dir))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => cppFiles(dir));
const bin = join(root, 'node_modules', '.bin', 'clang-format');
const args = fix ? ['-i', ...files] : ['--dry-run', '-Werror', ...files];
try {
  if (files.length > 0) execFileSync(bin, args, { stdio: 'inherit' });
  console.log(`clang-format: ${files.length} files ${fix ? 'formatted' : 'clean'}`);
} catch {
  console.error('clang-format found unformatted C++ files; run `npm run format` to fix them.');
  process.exit(1);
}
