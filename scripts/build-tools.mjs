// Finding what a native build needs, for the install script (shipped in the package) and the prebuild
// script alike.
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** True when an executable of that name is in a PATH directory (no shell involved). */
export function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** Node's headers beside this node binary (official tarballs, nvm, Debian's /usr), so node-gyp needs no download. */
export function localNodeDir() {
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include/node/common.gypi')) ? prefix : undefined;
}
