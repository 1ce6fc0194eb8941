// bcastJson and allgatherJson (src/backend/mpi-context.ts) under a real mpirun -np 3: every rank
// receives the root's value, and every rank's value in rank order, whatever each one's size.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { execMpirun, MPI_SKIP, nodeProgram } from '../helpers/mpirun.js';

const skip = MPI_SKIP;
if (skip !== null) console.warn(`skipping the JSON collective tests: ${skip}`);

describe.skipIf(skip !== null)('bcastJson and allgatherJson under mpirun -np 3', () => {
  it('every rank gets the root value and all values in rank order', async () => {
    const out = mkdtempSync(join(tmpdir(), 'nntrain-mpi-json-'));
    try {
      const run = await execMpirun(['-np', '3', ...nodeProgram('test/backend/mpi-context-program.ts')], { env: { OUT_DIR: out } });
      expect(run.code, run.stderr).toBe(0);
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
