// The MPI addon's entries that need no running MPI (native/mpi/addon.cc), in a child process so this
// worker never loads libmpi: the watchdog's and the labels' argument checks, and what info() reports
// (the Collective table version JS compares with the main addon's). Skips where the addon is not built.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { mpiAddonPath } from '../../../src/backend/mpi.js';

const skip = existsSync(mpiAddonPath()) ? null : `nntrain's MPI addon is not built (${mpiAddonPath()}; npm run build:mpi)`;
if (skip !== null) console.warn(`skipping the MPI addon entry tests: ${skip}`);

const PROBE = `
const m = { exports: {} };
process.dlopen(m, process.argv[1], require('os').constants.dlopen.RTLD_NOW | require('os').constants.dlopen.RTLD_GLOBAL);
const mpi = m.exports;
const error = (fn) => { try { fn(); return null; } catch (e) { return e.constructor.name + ': ' + e.message; } };
console.log(JSON.stringify({
  info: mpi.info(),
  negative: error(() => mpi.watchdog(-1)),
  text: error(() => mpi.watchdog('5')),
  missing: error(() => mpi.watchdog()),
  init: error(() => mpi.init(Infinity)),
  label: error(() => mpi.allreduce(new Float64Array(1), 'sum', 5)),
  bcastLabel: error(() => mpi.bcast(new Float64Array(1), 0, {})),
  off: error(() => mpi.watchdog(0)),
}));`;

describe.skipIf(skip !== null)('MPI addon entries', () => {
  it('checks the watchdog timeout and the labels, and reports the collective table version', () => {
    // without the sanitizer run's LD_PRELOAD: the MPI addon and libmpi are not built with ASan
    const { LD_PRELOAD: _preload, ...env } = process.env;
    const probe = spawnSync(process.execPath, ['-e', PROBE, mpiAddonPath()], { encoding: 'utf8', env });
    expect(probe.status, probe.stderr).toBe(0);
    const got = JSON.parse(probe.stdout) as Record<string, unknown> & { info: Record<string, unknown> };
    expect(got.info.collectiveVersion).toBe(1);
    expect(got.info.watchdogSeconds).toBe(0);
    expect(got.info.active).toBe(false);
    expect(got.negative).toBe('RangeError: watchdog: timeout must be a number of seconds >= 0');
    expect(got.text).toBe('RangeError: watchdog: timeout must be a number of seconds >= 0');
    expect(got.missing).toBe('TypeError: watchdog: expected 1 arguments');
    expect(got.init).toBe('RangeError: init: timeout must be a number of seconds >= 0');
    expect(got.label).toBe('TypeError: allreduce: what must be a string');
    expect(got.bcastLabel).toBe('TypeError: bcast: what must be a string');
    expect(got.off).toBeNull();
  });
});
