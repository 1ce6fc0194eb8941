// An ensemble saved by `nntrain train --ensemble` / `nntrain ensemble`: member models whose outputs are
// averaged, loaded from their manifest (ensemble-manifest.ts).

import type { BackendName } from '../backend/index.js';
import type { Matrix } from '../data/matrix.js';
import type { PredictInput } from '../data/validate-data.js';
import type { PredictOptions } from '../training/fit-options.js';
import { ModelFileError } from '../util/errors.js';
import { readManifest } from './ensemble-manifest.js';
import { loadModel } from './load-model.js';
import type { Sequential } from './sequential.js';

/** Member models whose outputs are averaged. */
export interface Ensemble {
  /** The manifest's path. */
  readonly path: string;
  readonly members: readonly Sequential[];
  /** Each member's model file (absolute). */
  readonly memberPaths: readonly string[];
  /** The members' common `model.preprocessing` (the first member's). */
  readonly preprocessing: unknown;
  /** The mean of the members' outputs for inputs `x` (as Sequential.predict takes them). */
  predict(x: PredictInput, options?: PredictOptions): Promise<Matrix>;
}

/**
 * Loads an ensemble manifest and every member model it names (paths relative to the manifest).
 * @example
 * ```ts
 * const ensemble = await loadEnsemble('iris.ensemble.nntrain');
 * const mean = await ensemble.predict(x); // the members' averaged outputs
 * ```
 * @throws ModelFileError for a missing or damaged manifest or member, or members whose preprocessing
 *   differs (they must be trained on the same data); BackendError when backend 'native' cannot load.
 */
export async function loadEnsemble(path: string, options: { backend?: BackendName } = {}): Promise<Ensemble> {
  const memberPaths = await readManifest(path);
  const members: Sequential[] = [];
  for (const member of memberPaths) members.push(await loadModel(member, options));
  const first = JSON.stringify({ ...(members[0].preprocessing ?? {}), run: null });
  members.forEach((m, i) => {
    if (JSON.stringify({ ...(m.preprocessing ?? {}), run: null }) !== first) {
      throw new ModelFileError(path, `member ${memberPaths[i]} has other preprocessing than ${memberPaths[0]}; the members of an ensemble must be trained on the same data`);
    }
  });
  return {
    path,
    members,
    memberPaths,
    preprocessing: members[0].preprocessing,
    async predict(x: PredictInput, predictOptions: PredictOptions = {}): Promise<Matrix> {
      return averageOutputs(members, (m) => m.predict(x, predictOptions));
    },
  };
}

/** The mean of every member's outputs (one member: its outputs as they are). */
export async function averageOutputs(members: readonly Sequential[], run: (m: Sequential) => Promise<Matrix>): Promise<Matrix> {
  let sum: Matrix | null = null;
  for (const model of members) {
    const out = await run(model);
    if (sum === null) sum = out;
    else for (let i = 0; i < out.data.length; i++) sum.data[i] += out.data[i];
  }
  const total = sum as Matrix;
  if (members.length > 1) for (let i = 0; i < total.data.length; i++) total.data[i] /= members.length;
  return total;
}
