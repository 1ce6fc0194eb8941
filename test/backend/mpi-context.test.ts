// bcastJson and allgatherJson (src/backend/mpi-context.ts) under a real mpirun -np 3: every rank
// receives the root's value, and every rank's value in rank order, whatever each one's size.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { mpiAddonPath } from '../../src/backend/mpi.js';
import { ROOT } from '../helpers/run-script.js';

const hasMpirun = spawnSync('mpirun', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = !hasMpirun ? 'mpirun is not on PATH' : !existsSync(mpiAddonPath()) ? `nntrain's MPI addon is not built (${mpiAddonPath()})` : null;
if (skip !== null) console.warn(`skipping the JSON collective tests: ${skip}`);

describe.skipIf(skip !== null)('bcastJson and allgatherJson under mpirun -np 3', () => {
  it('every rank gets the root value and all values in rank order', () => {
    const out = mkdtempSync(join(tmpdir(), 'nntrain-mpi-json-'));
    try {
      execFileSync('mpirun', ['--allow-run-as-root', '--oversubscribe', '-np', '3', process.execPath, '--import', 'tsx', 'test/backend/mpi-context-program.ts'], {
        cwd: ROOT,
        env: { ...process.env, OUT_DIR: out },
        timeout: 45_000,
        stdio: 'pipe',
      });
      const everyone = [
        { rank: 0, words: ['é0', 'é1'] },
        { rank: 1, words: [] },
        { rank: 2, words: ['é0', 'é1', 'é2', 'é3'] },
      ];
      for (let rank = 0; rank < 3; rank++) {
        const got = JSON.parse(readFileSync(join(out, `rank-${rank}.json`), 'utf8'));
        expect(got).toEqual({ fromRoot: { root: 'zero', list: [1, 2, 3] }, fromLast: 'last', everyone });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
