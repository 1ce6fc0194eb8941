// Backend selection: the `backend` option, else NNTRAIN_BACKEND, else native with a fallback to js.
// Asking for native explicitly and not getting it is an error; falling back silently is not allowed,
// so the automatic fallback warns once and says why.

import type { Backend } from './contract.js';
import { createJsBackend } from './js/index.js';
import { loadNativeBackend } from './native.js';
import { BackendError } from '../util/errors.js';
import { checkChoice } from '../util/validate.js';

/** A backend: 'native' (the C++ addon) or 'js' (pure TypeScript, the reference). */
export type BackendName = 'native' | 'js';
export const BACKEND_NAMES: readonly BackendName[] = ['native', 'js'];

let jsBackend: Backend | undefined;
let nativeBackend: Backend | undefined;
let nativeFailure: BackendError | undefined;
let warned = false;

function js(): Backend {
  return (jsBackend ??= createJsBackend());
}

function native(): Backend {
  if (nativeBackend) return nativeBackend;
  if (nativeFailure) throw nativeFailure;
  try {
    nativeBackend = loadNativeBackend();
    return nativeBackend;
  } catch (err) {
    nativeFailure = err instanceof BackendError ? err : new BackendError(String(err), { cause: err });
    throw nativeFailure;
  }
}

/**
 * The backend to use. `name` (an option) wins over the NNTRAIN_BACKEND environment variable; with
 * neither, native is tried and js is used, with one warning, when the addon cannot load.
 * @throws BackendError when native is requested explicitly and cannot load.
 * @throws ConfigError for an unknown backend name (with a did-you-mean hint).
 * @example
 * ```ts
 * getBackend().info(); // { name: 'native', kernel: 'avx2', threads: 8 } where the addon loads
 * getBackend('js').name; // 'js'
 * ```
 */
export function getBackend(name?: BackendName | string): Backend {
  const fromEnv = process.env.NNTRAIN_BACKEND;
  const requested = name ?? (fromEnv ? fromEnv : undefined);
  if (requested !== undefined) {
    const choice = checkChoice(name !== undefined ? 'backend' : 'NNTRAIN_BACKEND', requested, BACKEND_NAMES);
    return choice === 'js' ? js() : native();
  }
  try {
    return native();
  } catch (err) {
    if (!warned) {
      warned = true;
      process.emitWarning(`nntrain: using the js backend because the native addon could not load: ${(err as Error).message}`, {
        code: 'NNTRAIN_NATIVE_UNAVAILABLE',
      });
    }
    return js();
  }
}

/** True when the native addon loads here (the load is tried once and cached; never throws). */
export function nativeAvailable(): boolean {
  try {
    native();
    return true;
  } catch {
    return false;
  }
}

export type { Backend } from './contract.js';
