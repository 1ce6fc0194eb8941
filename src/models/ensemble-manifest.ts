// An ensemble on disk: a small JSON manifest (`nntrain.ensemble` v1) naming member model files beside
// it, each a checksummed model file, whose outputs are averaged. `nntrain train --ensemble` and
// `nntrain ensemble` write it; loadEnsemble and loadPredictor read it.

import { open, readFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../io/atomic-write.js';
import { ModelFileError } from '../util/errors.js';
import { packageVersion } from '../util/package-info.js';

export const ENSEMBLE_FORMAT = 'nntrain.ensemble';
const MAGIC = 'NNTRAIN\0';
/** A manifest is a few hundred bytes; anything much larger is not one. */
const MAX_MANIFEST_BYTES = 1 << 20;

const manifestSchema = z.object({
  format: z.literal(ENSEMBLE_FORMAT),
  version: z.literal(1),
  createdBy: z.string().optional(),
  members: z.array(z.string().min(1)).min(1),
  seeds: z.array(z.number()).optional(),
});

/** Whether the file starts like JSON (a manifest) rather than like a model file. Missing files are not. */
export async function startsWithJson(path: string): Promise<boolean> {
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      head = Buffer.alloc(16);
      const { bytesRead } = await handle.read(head, 0, 16, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return false; // loadModel reports it
  }
  if (head.toString('latin1').startsWith(MAGIC)) return false;
  return head.toString('utf8').trimStart().startsWith('{');
}

/**
 * The member paths of a manifest, resolved against its directory.
 * @throws ModelFileError for a file that is not a valid manifest.
 */
export async function readManifest(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  if (text.length > MAX_MANIFEST_BYTES) throw new ModelFileError(path, 'is not an nntrain model file or ensemble manifest (too large)');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelFileError(path, 'is not an nntrain model file, and not a valid ensemble manifest (invalid JSON; truncated?)');
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFileError(path, `is not a valid ensemble manifest: ${issue.path.join('.') || 'format'}: ${issue.message}`);
  }
  return parsed.data.members.map((m) => resolve(dirname(resolve(path)), m));
}

/** Where member k (0-based) of an ensemble saved at `out` goes: `iris.nntrain` → `iris.member1.nntrain`. */
export function memberPath(out: string, k: number): string {
  const stem = out.endsWith('.nntrain') ? out.slice(0, -'.nntrain'.length) : out;
  return `${stem}.member${k + 1}.nntrain`;
}

/** Writes the manifest atomically; member paths are stored relative to it, so the files can move together. */
export async function writeManifest(out: string, members: string[], seeds: number[]): Promise<void> {
  const dir = dirname(resolve(out));
  const manifest = {
    format: ENSEMBLE_FORMAT,
    version: 1,
    createdBy: `nntrain ${packageVersion()}`,
    members: members.map((m) => relative(dir, resolve(m)) || basename(m)),
    seeds,
  };
  try {
    await writeFileAtomic(out, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
  } catch (err) {
    throw new ModelFileError(out, `could not be written (${(err as Error).message})`, { cause: err });
  }
}
