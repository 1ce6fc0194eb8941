// A distributed fit's checkpoint writes. Only rank 0 writes the file; after each write one broadcast
// tells every rank whether it worked, so a write that fails (a full disk, a removed directory) stops
// every rank at the same chunk end with an error naming the file, instead of leaving the others in the
// next step's all-reduce until the watchdog ends the job. Runs between chunks, on the JS thread.

import { bcastJson, type DistributedContext } from '../../backend/mpi-context.js';
import { describeFailure, type Failure } from '../../data/collective.js';
import { ModelFileError } from '../../util/errors.js';
import type { CheckpointSource } from '../checkpointer.js';

type Save = CheckpointSource['save'];

/** `save` on rank 0, made collective (every rank calls the result at every checkpoint). */
export function distributedSave(ctx: DistributedContext, save: Save): Save {
  return async (path, state) => {
    let failed = false;
    let local: unknown;
    if (ctx.rank === 0) {
      try {
        await save(path, state);
      } catch (err) {
        [failed, local] = [true, err];
      }
    }
    const failure = bcastJson<Failure | null>(ctx, failed ? describeFailure(local) : null, 0, "the result of rank 0's checkpoint write");
    if (failure === null) return;
    if (ctx.rank === 0) throw local;
    throw new ModelFileError(path, `rank 0 of ${ctx.size} failed to write this checkpoint, so every rank stops: ${failure.message}`);
  };
}
