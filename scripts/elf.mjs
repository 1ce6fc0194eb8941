// What a built addon asks of the system it loads on, read from its ELF file: the machine it is for, the
// symbols it exports and the glibc versions it needs. Used by scripts/prebuild.mjs (every prebuild is
// checked as it is made) and the CI checks. readelf reads ELF files of any architecture.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';

/** ELF e_machine values of the architectures nntrain prebuilds for. */
export const ELF_MACHINES = { x64: 62, arm64: 183 };

/** The newest glibc a prebuild may ask for: RHEL 8, Ubuntu 20.04 and Debian 11 have 2.28 or later. */
export const MAX_GLIBC = '2.28';

/**
 * The ELF header fields that say what a file is: type (3 = shared object) and machine.
 * @throws Error when the file is not a 64-bit little-endian ELF file.
 */
export function elfHeader(path) {
  const bytes = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, bytes, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  if (bytes.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`);
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error(`${path} is not a 64-bit little-endian ELF file`);
  return { type: bytes.readUInt16LE(16), machine: bytes.readUInt16LE(18) };
}

/** The defined global symbols in the file's dynamic symbol table, sorted. */
export function dynamicExports(path) {
  const out = execFileSync('readelf', ['--dyn-syms', '-W', path], { encoding: 'utf8' });
  const names = [];
  for (const line of out.split('\n')) {
    // Num: Value Size Type Bind Vis Ndx Name
    const f = line.trim().split(/\s+/);
    if (f.length >= 8 && /^\d+:$/.test(f[0]) && f[4] !== 'LOCAL' && f[6] !== 'UND') names.push(f[7]);
  }
  return names.sort();
}

/** The shared libraries the file names as NEEDED, in order. */
export function neededLibraries(path) {
  const out = execFileSync('readelf', ['--dynamic', '-W', path], { encoding: 'utf8' });
  return [...out.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
}

/** Every GLIBC_x.y version the file needs, oldest first. */
export function glibcVersionsNeeded(path) {
  const out = execFileSync('readelf', ['--version-info', '-W', path], { encoding: 'utf8' });
  const versions = new Set([...out.matchAll(/Name: GLIBC_([\d.]+)/g)].map((m) => m[1]));
  return [...versions].sort(compareVersions);
}

/** Orders dotted version strings numerically ('2.9' before '2.17'). */
export function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
