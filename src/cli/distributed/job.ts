// A distributed `nntrain train` (--distributed mpi): MPI started once, before any data is read, and the
// line rank 0 prints about the job. Every rank runs the same command; rank 0 alone prints and writes
// (the model, its report); the others stay silent unless they fail.

import { basename } from 'node:path';
import { getBackend } from '../../backend/index.js';
import { allgatherJson, distributedContext, type DistributedContext } from '../../backend/mpi-context.js';
import { BackendError } from '../../util/errors.js';
import type { Output } from '../output.js';
import type { DataSummary } from '../pipeline/index.js';

/**
 * Starts MPI for a `--distributed mpi` run (a job of one process without mpirun).
 * @throws BackendError when the run would use the js backend, or nntrain's MPI addon is missing (with
 *   the command that installs it).
 */
export function startDistributed(backend: 'native' | 'js' | undefined): DistributedContext {
  const name = getBackend(backend).name;
  if (name !== 'native') {
    const why = backend === 'js' ? ' (--backend js)' : process.env.NNTRAIN_BACKEND === 'js' ? ' (NNTRAIN_BACKEND=js)' : ': the native addon does not load here';
    throw new BackendError(`--distributed mpi needs the native backend (the all-reduce runs inside the addon's training chunk), but this run uses the js backend${why}`);
  }
  return distributedContext();
}

/** The MPI library's name and version: 'Open MPI v4.1.4' from its longer version string. */
export function mpiLibrary(ctx: DistributedContext): string {
  const full = ctx.mpi.info().library.trim();
  return full.split(/[,\n]/)[0].trim() || 'MPI';
}

/** Rank 0's first line: how many processes, and the batch per process and in all (a step's rows). */
export function describeJob(output: Output, ctx: DistributedContext, batchSize: number): void {
  const library = mpiLibrary(ctx);
  const global = batchSize * ctx.size;
  output.text(`distributed: ${ctx.size} process${ctx.size === 1 ? '' : 'es'} (${library}), batch ${batchSize} per process, ${global} global`);
  output.event('distributed', { processes: ctx.size, library, batch_per_process: batchSize, batch_global: global });
}

/**
 * How the file was spread over the processes (collective): the bytes each read of it (its byte range,
 * the header, rank 0's inference sample) and the rows it holds; printed by rank 0.
 */
export function describeParts(output: Output, ctx: DistributedContext, data: DataSummary): void {
  const mine = { first_line: data.shard?.firstLine ?? 1, bytes_read: data.shard?.bytesRead ?? data.bytes, rows: data.rows };
  const parts = allgatherJson(ctx, mine);
  const range = (values: number[]) => `${Math.min(...values).toLocaleString('en-US')}–${Math.max(...values).toLocaleString('en-US')}`;
  output.text(
    `read: each process its own byte range of ${basename(data.path)} (${data.bytes.toLocaleString('en-US')} bytes): ${range(parts.map((p) => p.bytes_read))} bytes read and ${range(parts.map((p) => p.rows))} rows per process`,
  );
  output.event('parts', { file: data.path, bytes: data.bytes, per_rank: parts });
}
