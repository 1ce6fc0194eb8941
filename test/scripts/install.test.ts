// scripts/install.mjs, the package's install step, run as npm runs it for a user: from an installed copy
// under node_modules, with PATH holding node alone (no compiler, make or python). It must stay silent
// when a prebuild loads, warn once and exit 0 when nothing fits and nothing can compile, and fail only
// when a source build was asked for. .ci/check-package.sh runs the same cases through npm on the tarball.
// Also scripts/elf.mjs, which checks every prebuild as it is made.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { packageRoot } from '../../src/util/package-info.js';

const root = packageRoot();
const require = createRequire(import.meta.url);
const builtAddon = (require('node-gyp-build') as { path(dir: string): string }).path(root);
const prebuildDir = join('prebuilds', `${process.platform}-${process.arch}`);

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An installed copy of the package: node_modules/nntrain with the install script and node-gyp-build. */
function installedCopy(prebuild?: 'working' | 'broken'): string {
  const project = mkdtempSync(join(tmpdir(), 'nntrain-install-'));
  scratch.push(project);
  const pkg = join(project, 'node_modules', 'nntrain');
  mkdirSync(join(pkg, 'scripts'), { recursive: true });
  for (const script of ['install.mjs', 'build-mpi.mjs', 'build-tools.mjs']) copyFileSync(join(root, 'scripts', script), join(pkg, 'scripts', script));
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'nntrain', version: '0.0.0', type: 'module' }));
  symlinkSync(dirname(require.resolve('node-gyp-build/package.json')), join(project, 'node_modules', 'node-gyp-build'), 'dir');
  if (prebuild) {
    mkdirSync(join(pkg, prebuildDir), { recursive: true });
    const file = join(pkg, prebuildDir, 'nntrain.glibc.node');
    if (prebuild === 'working') copyFileSync(builtAddon, file);
    else writeFileSync(file, 'not an ELF file');
  }
  return pkg;
}

/** Runs the install script with PATH = node's directory only and no npm configuration. */
function install(pkg: string, env: Record<string, string> = {}) {
  const bin = mkdtempSync(join(tmpdir(), 'nntrain-bin-'));
  scratch.push(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  const result = spawnSync(process.execPath, [join(pkg, 'scripts/install.mjs')], {
    cwd: pkg,
    env: { PATH: bin, HOME: bin, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('install script', () => {
  it('is silent and compiles nothing when a prebuild loads', () => {
    const { status, out } = install(installedCopy('working'));
    expect(status).toBe(0);
    expect(out).toBe('');
  });

  it('exits 0 with one warning naming what is missing when nothing fits and nothing can compile', () => {
    const { status, out } = install(installedCopy());
    expect(status).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^nntrain: warning: no prebuilt binary loads here \(No native build was found/);
    expect(lines[0]).toContain('missing build tools: python3, make, a C++20 compiler');
    expect(lines[0]).toContain('pure-TypeScript backend');
  });

  it('says why a prebuild that does not load was passed over', () => {
    const { status, out } = install(installedCopy('broken'));
    expect(status).toBe(0);
    expect(out).toMatch(/nntrain\.glibc\.node does not load here: .*(invalid ELF header|file too short)/);
  });

  it('fails when a source build was asked for and cannot run, even with a working prebuild', () => {
    const requests: Record<string, string>[] = [{ NNTRAIN_BUILD_FROM_SOURCE: '1' }, { npm_config_build_from_source: 'true' }];
    for (const env of requests) {
      const { status, out } = install(installedCopy('working'), env);
      expect(status).toBe(1);
      expect(out).toContain('nntrain: the native addon did not build: missing build tools');
    }
  });

  it('does not count NNTRAIN_BUILD_FROM_SOURCE=0 as a request', () => {
    expect(install(installedCopy('working'), { NNTRAIN_BUILD_FROM_SOURCE: '0' })).toEqual({ status: 0, out: '' });
  });
});

describe('prebuild checks (scripts/elf.mjs)', () => {
  it('reads the machine, the exports and the glibc versions of the built addon', async () => {
    const elf = await import('../../scripts/elf.mjs');
    const header = elf.elfHeader(builtAddon);
    expect(header.type).toBe(3);
    expect(header.machine).toBe(elf.ELF_MACHINES[process.arch as 'x64' | 'arm64']);
    expect(elf.dynamicExports(builtAddon)).toContain('napi_register_module_v1');
    expect(elf.neededLibraries(builtAddon)).toContain('libc.so.6');
    const glibc = elf.glibcVersionsNeeded(builtAddon);
    expect(glibc.length).toBeGreaterThan(0);
    expect([...glibc].sort(elf.compareVersions)).toEqual(glibc);
  });

  it('orders versions numerically', async () => {
    const { compareVersions } = await import('../../scripts/elf.mjs');
    expect(['2.28', '2.2.5', '2.17', '2.3'].sort(compareVersions)).toEqual(['2.2.5', '2.3', '2.17', '2.28']);
    expect(() => compareVersions('2.28', '2.28.0')).not.toThrow();
    expect(compareVersions('2.28', '2.28.0')).toBe(0);
  });

  it('rejects a file that is not ELF', async () => {
    const { elfHeader } = await import('../../scripts/elf.mjs');
    const dir = mkdtempSync(join(tmpdir(), 'nntrain-elf-'));
    scratch.push(dir);
    writeFileSync(join(dir, 'x.node'), 'MZ not elf at all, long enough');
    expect(() => elfHeader(join(dir, 'x.node'))).toThrow(/is not an ELF file/);
  });
});
