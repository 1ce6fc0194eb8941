#!/usr/bin/env node
// Builds the N-API prebuilds the npm package ships (npm pack and npm publish run this as `prepack`):
//   prebuilds/linux-x64/nntrain.glibc.node    compiled here
//   prebuilds/linux-arm64/nntrain.glibc.node  cross-compiled with Debian's aarch64-linux-gnu-g++
// One N-API binary serves every Node.js from 20 on. Each is the portable link of binding.gyp
// (NNTRAIN_PORTABLE=1: libstdc++ inside, glibc <= 2.28) and is checked as it is made: the right ELF
// machine, only the N-API entry points exported, no glibc version above MAX_GLIBC.
// prebuildify runs node-gyp in a scratch copy of the native sources, so the checkout's build/ (the
// developer's own build) is left as it was.
//
// Usage: node scripts/prebuild.mjs [x64] [arm64]   (default: both, or NNTRAIN_PREBUILDS=x64,arm64)
//   NNTRAIN_PREBUILDS=none packs without prebuilds (on a machine that cannot make them)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { localNodeDir, onPath } from './build-tools.mjs';
import { ELF_MACHINES, MAX_GLIBC, compareVersions, dynamicExports, elfHeader, glibcVersionsNeeded, neededLibraries } from './elf.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prebuildify = promisify(createRequire(import.meta.url)('prebuildify'));

// What each target needs beyond node-gyp: the cross toolchain for arm64
const TARGETS = {
  x64: { env: {}, stripBin: 'strip' },
  arm64: {
    env: { CC: 'aarch64-linux-gnu-gcc', CXX: 'aarch64-linux-gnu-g++', LINK: 'aarch64-linux-gnu-g++', AR: 'aarch64-linux-gnu-ar' },
    stripBin: 'aarch64-linux-gnu-strip',
    missing: 'the aarch64 cross compiler (Debian: apt-get install g++-aarch64-linux-gnu)',
  },
};
const EXPORTS = ['napi_register_module_v1', 'node_api_module_get_api_version_v1'];
// glibc's own libraries and libgcc_s, which every glibc system has (glibc loads it itself to unwind);
// libstdc++ is linked in, as its versions differ between distributions
const SYSTEM_LIBRARIES = /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libgcc_s\.so\.1|ld-linux-[\w-]+\.so\.\d)$/;

// thrown, so the scratch copy is removed on the way out
function fail(message) {
  throw new Error(message);
}

/** A scratch project holding what node-gyp compiles, with the checkout's node_modules (node-addon-api). */
function scratchCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'nntrain-prebuild-'));
  for (const path of ['package.json', 'binding.gyp', 'native']) cpSync(join(root, path), join(dir, path), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Checks one built prebuild; returns a line describing it. */
function check(arch, file) {
  const { type, machine } = elfHeader(file);
  if (type !== 3 || machine !== ELF_MACHINES[arch]) fail(`${file}: ELF type ${type}, machine ${machine}; expected a shared object (3) for ${arch} (${ELF_MACHINES[arch]})`);
  const exports = dynamicExports(file);
  if (exports.join() !== EXPORTS.join()) fail(`${file} exports ${exports.join(', ')}; expected only ${EXPORTS.join(', ')}`);
  const foreign = neededLibraries(file).filter((lib) => !SYSTEM_LIBRARIES.test(lib));
  if (foreign.length > 0) fail(`${file} needs ${foreign.join(', ')}; a prebuild may need glibc's libraries and libgcc_s alone`);
  const glibc = glibcVersionsNeeded(file);
  const newest = glibc.at(-1) ?? 'none';
  if (glibc.length > 0 && compareVersions(newest, MAX_GLIBC) > 0) {
    const symbols = execFileSync('readelf', ['--dyn-syms', '-W', file], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => glibc.filter((v) => compareVersions(v, MAX_GLIBC) > 0).some((v) => line.includes(`@GLIBC_${v}`)));
    fail(`${file} needs GLIBC_${newest}, newer than ${MAX_GLIBC}; wrap these in native/portable/glibc_compat.cc and binding.gyp:\n${symbols.join('\n')}`);
  }
  return `${arch}: newest glibc symbol ${newest}, needs ${neededLibraries(file).join(' ')}, exports ${exports.join(', ')}`;
}

async function main() {
  const fromEnv = process.env.NNTRAIN_PREBUILDS?.split(',').filter(Boolean);
  const archs = process.argv.length > 2 ? process.argv.slice(2) : (fromEnv ?? Object.keys(TARGETS));
  rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
  if (archs.join() === 'none') {
    console.log('prebuild: NNTRAIN_PREBUILDS=none, packing without prebuilds');
    return;
  }
  for (const arch of archs) if (!TARGETS[arch]) fail(`unknown target '${arch}'; expected ${Object.keys(TARGETS).join(', ')} or none`);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(`prebuilds are made on Linux x64 (this is ${process.platform}-${process.arch}); NNTRAIN_PREBUILDS=none packs without them`);
  }
  const nodedir = process.env.npm_config_nodedir || localNodeDir();
  const baseEnv = { NNTRAIN_PORTABLE: '1', ...(nodedir ? { npm_config_nodedir: nodedir } : {}) };
  // every toolchain before the first build, not after it
  for (const arch of archs) {
    const target = TARGETS[arch];
    if (target.missing && !onPath(target.env.CXX)) {
      fail(`cannot build the ${arch} prebuild without ${target.missing}; NNTRAIN_PREBUILDS=x64 packs the x64 one alone`);
    }
  }
  const scratch = scratchCopy();
  try {
    for (const arch of archs) {
      const target = TARGETS[arch];
      console.log(`prebuild: building linux-${arch}`);
      // prebuildify hands its own process.env to node-gyp
      Object.assign(process.env, baseEnv, target.env);
      await prebuildify({
        cwd: scratch,
        out: root,
        arch,
        napi: true,
        strip: true,
        stripBin: target.stripBin,
        tagLibc: true,
        nodeGyp: join(root, 'node_modules/.bin/node-gyp'),
        quiet: process.env.NNTRAIN_PREBUILD_VERBOSE !== '1',
      }).catch((err) => fail(`building linux-${arch} failed: ${err.message} (NNTRAIN_PREBUILD_VERBOSE=1 shows the compiler output)`));
      for (const name of Object.keys(target.env)) delete process.env[name];
      console.log(`prebuild: ${check(arch, join(root, 'prebuilds', `linux-${arch}`, 'nntrain.glibc.node'))}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main().catch((err) => {
  console.error(`prebuild: ${err.message}`);
  process.exitCode = 1;
});
