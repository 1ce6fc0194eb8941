#!/usr/bin/env node
// Builds nntrain's optional MPI addon (native/mpi/binding.gyp → native/mpi/build/Release/nntrain_mpi.node)
// with node-gyp, where Open MPI's compiler wrapper mpicc is on PATH; the flags come from
// `mpicc --showme:compile` / `--showme:link`, so the machine's own mpi.h and libmpi are used. The main
// addon (and every prebuild) stays free of libmpi. scripts/install.mjs calls buildMpiAddon() after the
// main addon is in place; `npm run build:mpi` runs this file, which fails when the build does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { localNodeDir, onPath } from './build-tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
export const MPI_ADDON = join(root, 'native/mpi/build/Release/nntrain_mpi.node');
const LOG = join(root, 'build', 'nntrain-mpi-install.log');

/** node-gyp: npm's own (npm_config_node_gyp), a dependency, or on PATH; undefined when none. */
export function nodeGypCommand() {
  if (process.env.npm_config_node_gyp) return [process.execPath, process.env.npm_config_node_gyp];
  try {
    return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')];
  } catch {
    return onPath('node-gyp') ? ['node-gyp'] : undefined;
  }
}

/** True when the built MPI addon loads in a child process (a broken one cannot take this one down). */
function mpiAddonLoads() {
  if (!existsSync(MPI_ADDON)) return false;
  const probe = spawnSync(process.execPath, ['-e', 'process.dlopen({ exports: {} }, process.argv[1], require("os").constants.dlopen.RTLD_NOW | require("os").constants.dlopen.RTLD_GLOBAL)', MPI_ADDON]);
  return probe.status === 0;
}

/**
 * Builds the MPI addon when mpicc is on PATH and no loadable build is there (`force` rebuilds).
 * Returns { skipped: why } when there is nothing to do, {} after a build, { error } when it failed.
 * `quiet` keeps the compiler's output in build/nntrain-mpi-install.log instead of showing it.
 */
export function buildMpiAddon({ quiet = false, force = false } = {}) {
  if (!onPath('mpicc')) return { skipped: 'mpicc (Open MPI) is not on PATH' };
  if (!force && mpiAddonLoads()) return { skipped: 'already built' };
  const nodeGyp = nodeGypCommand();
  if (!nodeGyp) return { error: 'node-gyp was not found' };
  const nodedir = process.env.npm_config_nodedir ? [] : [localNodeDir()].filter(Boolean).map((dir) => `--nodedir=${dir}`);
  const build = spawnSync(nodeGyp[0], [...nodeGyp.slice(1), 'rebuild', '--directory=native/mpi', ...nodedir], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: quiet ? 'pipe' : 'inherit',
  });
  if (quiet) {
    mkdirSync(dirname(LOG), { recursive: true });
    writeFileSync(LOG, `${build.stdout ?? ''}${build.stderr ?? ''}`);
  }
  if (build.status !== 0) return { error: `node-gyp exited with ${build.status ?? build.error?.message}${quiet ? `; full log: ${LOG}` : ''}` };
  return mpiAddonLoads() ? {} : { error: `${MPI_ADDON} was built but does not load` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = buildMpiAddon({ force: true });
  if (result.skipped) {
    console.error(`build:mpi: nothing built: ${result.skipped} (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev)`);
    process.exitCode = 1;
  } else if (result.error) {
    console.error(`build:mpi: the MPI addon did not build: ${result.error}`);
    process.exitCode = 1;
  } else {
    console.log(`build:mpi: built ${MPI_ADDON}`);
  }
}
