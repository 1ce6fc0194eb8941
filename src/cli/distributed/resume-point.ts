// What `train --resume` takes from a checkpoint. Under mpirun only rank 0 reads the file, as the fit's
// own resumeFrom does (training/distributed/session.ts): the others get the run's options, the model's
// config and the position from it over MPI, so only rank 0's machine needs the checkpoint.

import { mpiLaunchSize } from '../../backend/mpi.js';
import { bcastJson, distributedContext } from '../../backend/mpi-context.js';
import { readCheckpoint, type Checkpoint } from '../../models/checkpoint.js';

/** A checkpoint as the command line uses it; `checkpoint` is the file's content where this process read it. */
export interface ResumePoint {
  path: string;
  model: Checkpoint['model'];
  preprocessing: unknown;
  position: { epoch: number; batch: number; step: number };
  /** The checkpoint itself (one process, or rank 0); null on the other ranks, whose fit gets rank 0's. */
  checkpoint: Checkpoint | null;
}

/**
 * Reads `path` (on rank 0 alone under mpirun, where MPI is started to share it: collective).
 * @throws ModelFileError for a missing or damaged checkpoint (on rank 0; mpirun then ends the others).
 */
export async function readResumePoint(path: string, env: NodeJS.ProcessEnv = process.env): Promise<ResumePoint> {
  const size = mpiLaunchSize(env);
  if (size === null || size <= 1) {
    const ckpt = await readCheckpoint(path);
    return { ...summary(ckpt), checkpoint: ckpt };
  }
  const ctx = distributedContext();
  const own = ctx.rank === 0 ? await readCheckpoint(path) : null;
  const shared = bcastJson(ctx, own === null ? null : summary(own)) as Omit<ResumePoint, 'checkpoint'>; // rank 0's: never null
  return { ...shared, checkpoint: own };
}

function summary(ckpt: Checkpoint): Omit<ResumePoint, 'checkpoint'> {
  const { epoch, batch, step } = ckpt.training;
  return { path: ckpt.path, model: ckpt.model, preprocessing: ckpt.preprocessing, position: { epoch, batch, step } };
}
