// One rank's distributed fit from its first collective to its end. The first collective (the
// handshake) checks that every rank got that far and that all of them resume, checkpoint (at the same
// cadence) or neither; a resumed fit then gets rank 0's checkpoint (only rank 0 reads the file: other
// machines may not see its disk). A rank that fails joins the collective the others wait in as failed,
// so every rank throws instead of waiting: the handshake before it, the fit-start agreement after.

import { bcastJson, distributedContext, type DistributedContext } from '../../backend/mpi-context.js';
import type { JsonValue } from '../../io/json-value.js';
import { ConfigError } from '../../util/errors.js';
import type { Checkpoint } from '../checkpoint-file.js';
import type { FitConfig } from '../fit-options.js';
import { loadResumeSource } from '../resume.js';
import { packTrainingState, readTrainingState } from '../training-state.js';
import { acquireFit } from './fit-lock.js';
import { abandonDistributedFit, agree, checkCollectiveVersion, checkDistributedFit, failAgreement } from './setup.js';

const HANDSHAKE = 'the handshake at the start of a fit';
const HANDSHAKE_VALUES = 3;
const RESUME = "the broadcast of rank 0's checkpoint to resume from";

/** What rank 0 sends of its checkpoint: all but the weights and slots, which the fit-start broadcast carries. */
interface ResumeHeader {
  path: string;
  model: object;
  paramCount: number;
  slotCount: number;
  step: number;
  preprocessing: Checkpoint['preprocessing'];
  state: JsonValue;
  tensors: number[];
}

export class DistributedSession {
  /** The collective this rank joins as failed when its fit throws; null once the ranks agreed. */
  private pending: 'handshake' | 'agreement' | null = 'handshake';

  private constructor(
    readonly ctx: DistributedContext,
    private readonly release: () => void,
    private readonly restoreTimeout: (() => void) | null,
    private readonly nativeCollectiveVersion: number | undefined,
  ) {}

  /**
   * Starts a distributed fit on this rank (MPI too, on first use).
   * @throws BackendError for the js backend or a missing MPI addon; ConfigError while another
   *   distributed fit runs in this process.
   */
  static open(backend: { name: string; info(): { collectiveVersion?: number } }, cfg: FitConfig): DistributedSession {
    checkDistributedFit(backend.name);
    const ctx = distributedContext();
    const release = acquireFit();
    let restoreTimeout: (() => void) | null = null;
    if (cfg.distributedTimeout !== null) {
      const before = ctx.mpi.info().watchdogSeconds ?? 0;
      ctx.mpi.watchdog(cfg.distributedTimeout);
      restoreTimeout = () => ctx.mpi.watchdog(before);
    }
    return new DistributedSession(ctx, release, restoreTimeout, backend.info().collectiveVersion);
  }

  /**
   * Runs the fit `fn`; when it throws before the ranks agreed, joins the collective they wait in as failed.
   * @throws BackendError where the main addon predates the MPI addon's Collective table (ConfigError on
   *   the other ranks).
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      // here, so that a rank with a stale build (one machine not rebuilt) fails every rank
      checkCollectiveVersion(this.nativeCollectiveVersion, this.ctx.mpi.info().collectiveVersion);
      return await fn();
    } catch (err) {
      if (this.pending === 'handshake') failAgreement(this.ctx, HANDSHAKE_VALUES, HANDSHAKE);
      else if (this.pending === 'agreement') abandonDistributedFit(this.ctx);
      throw err;
    } finally {
      this.restoreTimeout?.();
      this.release();
    }
  }

  /**
   * The handshake (collective), then the checkpoint to resume from on every rank: rank 0's, read from
   * its disk; the other ranks get its config, preprocessing and training position, their weights and
   * optimizer slots (zero here) coming with the fit-start broadcast. Each rank's data are checked
   * against its own fingerprint in the checkpoint.
   * @throws ConfigError on every rank when a rank failed before, or they differ in resumeFrom or
   *   checkpoint; the reader's errors on rank 0.
   */
  async resumeSource(cfg: FitConfig): Promise<Checkpoint | null> {
    const { ctx } = this;
    const loaded = ctx.rank === 0 && cfg.resumeFrom !== null ? await loadResumeSource(cfg.resumeFrom) : null;
    // a rank that throws in the handshake threw with every other: none joins another collective
    this.pending = null;
    agree(
      ctx,
      [
        ['resumeFrom (given or not)', cfg.resumeFrom === null ? 0 : 1],
        ['checkpoint (given or not)', cfg.checkpoint === null ? 0 : 1],
        ['checkpoint.everySteps', cfg.checkpoint?.everySteps ?? 0],
      ],
      0,
      HANDSHAKE,
      'The ranks of the distributed fit differ in',
      ': pass the same checkpoint and resumeFrom options on every rank (only rank 0 reads and writes the file)',
    );
    this.pending = 'agreement';
    if (cfg.resumeFrom === null) return null;
    const ckpt = shareCheckpoint(ctx, loaded);
    const saved = ckpt.training.ranks?.length ?? 1;
    if (saved !== ctx.size) {
      throw new ConfigError(`The checkpoint ${ckpt.path} was written by a fit of ${saved} process${saved === 1 ? '' : 'es'} but this job has ${ctx.size}: resume it with mpirun -np ${saved} (each rank with its own rows as before)`);
    }
    const data = ckpt.training.ranks?.[ctx.rank] ?? ckpt.training.data;
    return { ...ckpt, training: { ...ckpt.training, data } };
  }

  /** The ranks agreed on the fit's start: a failure from here on is the same on every rank, or ends the job. */
  joined(): void {
    this.pending = null;
  }
}

/** Rank 0's checkpoint on every rank (collective); `loaded` is read on rank 0 only. */
function shareCheckpoint(ctx: DistributedContext, loaded: Checkpoint | null): Checkpoint {
  let header: ResumeHeader | null = null;
  let tensors: Float32Array[] = [];
  if (loaded !== null) {
    const packed = packTrainingState(loaded.training);
    tensors = packed.tensors;
    header = {
      path: loaded.path,
      model: loaded.model,
      paramCount: loaded.params.length,
      slotCount: loaded.optimizer.slots.length,
      step: loaded.optimizer.step,
      preprocessing: loaded.preprocessing,
      state: packed.json,
      tensors: tensors.map((t) => t.length),
    };
  }
  const h = bcastJson(ctx, header, 0, RESUME);
  if (h === null) throw new RangeError('rank 0 sent no checkpoint');
  const received = h.tensors.map((length, i) => (ctx.rank === 0 ? tensors[i] : new Float32Array(length)));
  for (const t of received) ctx.mpi.bcast(t, 0, RESUME);
  if (loaded !== null) return loaded;
  const training = readTrainingState(h.state, received);
  if (typeof training === 'string') throw new ConfigError(`The checkpoint ${h.path} received from rank 0 ${training}`);
  return {
    path: h.path,
    model: h.model,
    params: new Float32Array(h.paramCount),
    optimizer: { step: h.step, slots: Array.from({ length: h.slotCount }, () => new Float32Array(h.paramCount)) },
    preprocessing: h.preprocessing,
    training,
  };
}
