// scripts/check-imports.mjs (run by `npm run lint`) on small src/ trees in a temp dir: io or util importing
// upward, or training importing models, fails with one line per import naming the file; a new directory
// cycle fails, a clean tree passes.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { packageRoot } from '../../src/util/package-info.js';

const script = join(packageRoot(), 'scripts', 'check-imports.mjs');
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (path under src/ → text) into a fresh temp dir and runs the checker on its src/. */
function check(files: Record<string, string>, args: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nntrain-imports-'));
  scratch.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'src', path)), { recursive: true });
    writeFileSync(join(dir, 'src', path), text);
  }
  const run = spawnSync(process.execPath, [script, join(dir, 'src'), ...args], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const clean = {
  'util/errors.ts': 'export class E extends Error {}\n',
  'io/format.ts': "import { E } from '../util/errors.js';\nexport const f = (): E => new E();\n",
  'training/state.ts': "import { f } from '../io/format.js';\nexport const s = f;\n",
  'models/model.ts': "import { s } from '../training/state.js';\nimport type { E } from '../util/errors.js';\nexport const m: E = s();\n",
  'index.ts': "export { m } from './models/model.js';\n",
};

describe('check-imports', () => {
  it('passes a tree whose io and util import only downward and that has no cycle', () => {
    const r = check(clean);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('fails an io file importing models, type-only and multi-line imports included, one line each', () => {
    const r = check({
      ...clean,
      'io/load.ts': "import {\n  m,\n} from '../models/model.js';\nimport type { s } from '../training/state.js';\nexport const x = m;\nexport type T = typeof s;\n",
    });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toContain("src/io/load.ts: imports '../models/model.js' (models); io may import only io, util");
    expect(lines).toContain("src/io/load.ts: imports '../training/state.js' (training); io may import only io, util");
  });

  it('fails util importing io, and an export-from re-export', () => {
    const r = check({ ...clean, 'util/more.ts': "export { f } from '../io/format.js';\n" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("src/util/more.ts: imports '../io/format.js' (io); util may import only util");
  });

  it('fails training importing models (type-only too) and models importing cli, naming the direction', () => {
    const r = check({
      ...clean,
      'training/back.ts': "import type { m } from '../models/model.js';\nexport type B = typeof m;\n",
      'cli/main.ts': "import { m } from '../models/model.js';\nexport const c = m;\n",
      'models/up.ts': "import { c } from '../cli/main.js';\nexport const u = c;\n",
    });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toContain("src/training/back.ts: imports '../models/model.js' (models); training may not import cli, models (cli → models → training → io → util)");
    expect(lines).toContain("src/models/up.ts: imports '../cli/main.js' (cli); models may not import cli (cli → models → training → io → util)");
    expect(lines.filter((l) => !l.startsWith('import cycle'))).toHaveLength(2);
  });

  it('fails a new directory cycle, and a known one that grows; passes a known one as it is', () => {
    const cycle = { 'layers/l.ts': "import { m } from '../models/model.js';\nexport const l = m;\n", 'models/uses.ts': "import { l } from '../layers/l.js';\nexport const u = l;\n" };
    const known = check({ ...clean, ...cycle }, ['--known-cycle', 'layers,models']);
    expect(known.stderr).toBe('');
    expect(known.status).toBe(0);
    const fresh = check({ ...clean, ...cycle });
    expect(fresh.status).toBe(1);
    expect(fresh.stderr).toContain('import cycle among src/ directories layers, models:');
    expect(fresh.stderr).toContain("src/models/uses.ts imports '../layers/l.js'");
    const back = { 'training/back.ts': "import { l } from '../layers/l.js';\nexport const b = l;\n" }; // layers → models → training → layers
    const grown = check({ ...clean, ...cycle, ...back }, ['--known-cycle', 'layers,models']);
    expect(grown.status).toBe(1);
    expect(grown.stderr).toContain('import cycle among src/ directories layers, models, training:');
  });

  it('fails a backend ↔ data cycle (data builds on the backend, never the reverse)', () => {
    const r = check({
      ...clean,
      'backend/codes.ts': 'export const K = 1;\n',
      'backend/native.ts': "import type { S } from '../data/source.js';\nexport type N = S;\n",
      'data/source.ts': "import { K } from '../backend/codes.js';\nexport type S = typeof K;\n",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('import cycle among src/ directories backend, data:');
  });

  it('passes src/ of this package: the spine one way, no cycle, no known cycle left over', () => {
    const run = spawnSync(process.execPath, [script], { cwd: packageRoot(), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('note:');
    expect(run.stdout).toContain('cli → models → training → io → util one way, no new cycles');
  });
});
