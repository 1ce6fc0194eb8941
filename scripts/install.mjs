#!/usr/bin/env node
// nntrain's install step (package.json "install"). It never fails a user's `npm install`:
//   1. a binary that loads here (a prebuild from the package, or an earlier build) -> done, silently;
//   2. none -> compile from source with node-gyp, saying so in one line;
//   3. compiling impossible or failed -> exit 0 with one warning; nntrain then runs on its js backend.
// Then, where Open MPI's mpicc is on PATH, the optional MPI addon is built (scripts/build-mpi.mjs).
// Forcing a source build (NNTRAIN_BUILD_FROM_SOURCE=1 or `npm install --build-from-source`) skips
// step 1, and a failed forced build fails the install: the user asked for it explicitly.
// In a development checkout (not under node_modules) a failed build fails too, as node-gyp-build did.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildMpiAddon, nodeGypCommand } from './build-mpi.mjs';
import { localNodeDir, onPath } from './build-tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const LOG = join(root, 'build', 'nntrain-install.log');

const truthy = (value) => value !== undefined && value !== '' && value !== '0' && value !== 'false';
const forced = truthy(process.env.NNTRAIN_BUILD_FROM_SOURCE) || truthy(process.env.npm_config_build_from_source);
const developing = !root.split(sep).includes('node_modules');

const BUILT = join(root, 'build/Release/nntrain.node');

/**
 * The binary nntrain would load (node-gyp-build: build/Release, then prebuilds/), if it loads; else why
 * not. A development checkout counts its own build only, so it compiles from source.
 */
function loadableBinary(ownBuildOnly = developing) {
  let file;
  try {
    file = ownBuildOnly ? BUILT : require('node-gyp-build').resolve(root);
    if (!existsSync(file)) return { error: `${file} does not exist` };
  } catch (err) {
    return { error: err.message.split('\n')[0] };
  }
  // a child process, so a binary that cannot load (too old a glibc, say) cannot take this one down
  const env = { ...process.env };
  delete env.NNTRAIN_KERNEL; // a forced kernel this CPU lacks says nothing about the binary
  const probe = spawnSync(process.execPath, ['-e', 'require(process.argv[1]).info()', file], { encoding: 'utf8', env });
  if (probe.status === 0) return { file };
  const reason = (probe.stderr || probe.error?.message || `exit ${probe.status}`).split('\n').find((l) => /error/i.test(l)) ?? 'it does not load';
  return { error: `${file} does not load here: ${reason.trim()}` };
}

/** The build tools node-gyp needs that are not on PATH. */
function missingTools() {
  const missing = [];
  if (!process.env.PYTHON && !onPath('python3') && !onPath('python')) missing.push('python3');
  if (!onPath('make')) missing.push('make');
  const cxx = process.env.CXX?.split(' ')[0];
  if (cxx ? !onPath(cxx) && !existsSync(cxx) : !['c++', 'g++', 'clang++'].some(onPath)) missing.push('a C++20 compiler (g++ 10+ or clang++ 10+)');
  return missing;
}

/** Why compiling cannot even start here (tools or node-gyp missing), or undefined. */
function cannotCompile() {
  const missing = process.platform === 'win32' ? [] : missingTools();
  if (missing.length > 0) return `missing build tools: ${missing.join(', ')}`;
  return nodeGypCommand() ? undefined : 'node-gyp was not found';
}

/**
 * Compiles build/Release/nntrain.node with node-gyp; returns undefined on success, else the reason.
 * A user's install keeps the compiler's output in a log; a developer sees it.
 */
function compile(quiet) {
  const nodeGyp = nodeGypCommand();
  const nodedir = process.env.npm_config_nodedir ? [] : [localNodeDir()].filter(Boolean).map((dir) => `--nodedir=${dir}`);
  const build = spawnSync(nodeGyp[0], [...nodeGyp.slice(1), 'rebuild', '--jobs=max', ...nodedir], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    shell: process.platform === 'win32' && nodeGyp.length === 1, // node-gyp.cmd from PATH
    stdio: quiet ? 'pipe' : 'inherit',
  });
  if (!quiet) return build.status === 0 ? undefined : `node-gyp exited with ${build.status ?? build.error?.message}`;
  const output = `${build.stdout ?? ''}${build.stderr ?? ''}`;
  mkdirSync(dirname(LOG), { recursive: true });
  writeFileSync(LOG, output);
  if (build.status === 0) return undefined;
  const cause = output.split('\n').find((l) => /error/i.test(l) && !/gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l));
  return `node-gyp failed${cause ? `: ${cause.trim()}` : ''}; full log: ${LOG}`;
}

/** A failed build: an error where a build was asked for (forced, or a developer's checkout), else one warning. */
function failed(reason, noPrebuild) {
  if (forced || developing) {
    console.error(`nntrain: the native addon did not build: ${reason}`);
    return 1;
  }
  console.warn(
    `nntrain: warning: ${noPrebuild ? `no prebuilt binary loads here (${noPrebuild}) and ` : ''}the native addon could not be ` +
      `built (${reason}). nntrain will use its pure-TypeScript backend, which is much slower; for the native one, install ` +
      'a C++20 compiler, make and python3 and run `npm rebuild nntrain`.',
  );
  return 0;
}

/**
 * The optional MPI addon (scripts/build-mpi.mjs), once the main addon is in place: built where Open MPI's
 * mpicc is on PATH, silently skipped elsewhere. A failed build fails a developer's or a forced install;
 * a user's install goes on with one warning (only distributed training needs it).
 */
function mpi() {
  const result = buildMpiAddon({ quiet: !developing });
  if (!result.error) return 0;
  if (forced || developing) {
    console.error(`nntrain: the MPI addon did not build: ${result.error}`);
    return 1;
  }
  console.warn(`nntrain: warning: the MPI addon for distributed training could not be built (${result.error}); everything else works.`);
  return 0;
}

function main() {
  const found = forced ? undefined : loadableBinary();
  if (found?.file) return mpi();
  const impossible = cannotCompile();
  if (impossible) return failed(impossible, found?.error);
  if (!developing) {
    console.log(
      forced
        ? 'nntrain: compiling the native addon from source, as requested (1-3 minutes)'
        : `nntrain: no prebuilt binary loads here (${found.error}); compiling the native addon from source (1-3 minutes)`,
    );
  }
  // a build that compiles but does not load counts as failed, not as done
  const failure = compile(!developing) ?? loadableBinary(true).error;
  return failure ? failed(failure) : mpi();
}

process.exitCode = main();
