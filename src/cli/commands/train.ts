// `nntrain train DATA.csv --target COL`: read and split the data, fit the preprocessing on the training
// rows, train (or continue a checkpointed run with --resume), save the model and its report, and print
// the headline metrics on the validation rows. `--ensemble N` hands over to the ensemble command.

import { basename } from 'node:path';
import type { Command } from 'commander';
import type { DistributedContext } from '../../backend/mpi-context.js';
import { Sequential } from '../../models/sequential.js';
import { ModelFileError } from '../../util/errors.js';
import { describe } from '../../util/validate.js';
import type { GivenValues } from '../config-schema.js';
import { sumAcross } from '../distributed/collectives.js';
import { describeJob, describeParts, startDistributed } from '../distributed/job.js';
import { checkLaunch } from '../distributed/launch.js';
import { readResumePoint, type ResumePoint } from '../distributed/resume-point.js';
import { checkSameWeights } from '../distributed/weights.js';
import { UsageError } from '../errors.js';
import { optionByKey } from '../option-table.js';
import { recordCheckpoint } from '../interrupt.js';
import { Output } from '../output.js';
import { preflightTraining } from '../preflight.js';
import { prepareTraining, Preprocessor } from '../pipeline/index.js';
import { givenValues, resolveConfig, type TrainConfig } from '../train-config.js';
import { runRecord, trainOne } from '../trainer.js';
import { applyRuntime, backendLine, describeData, finishRun, printMetrics, saveModelAndReport, splitRowsOf } from './common.js';
import { trainEnsemble } from './ensemble.js';

/** Options a resumed run may change: they do not alter what is trained. */
const CHANGEABLE_ON_RESUME = ['resume', 'epochs', 'out', 'report', 'logFormat', 'threads', 'backend', 'checkpoint', 'checkpointEvery', 'unknown'];

export async function trainCommand(dataArg: string | undefined, cmd: Command): Promise<void> {
  const { given } = await givenValues(cmd, 'train');
  const resume = given.get('resume')?.value as string | undefined;
  const point = resume === undefined ? null : await readResumePoint(resume);
  const base = point === null ? {} : savedRun(point.preprocessing, resume as string, given);
  const cfg = resolveConfig('train', dataArg, given, base);
  checkLaunch('train', cfg.distributed === 'mpi');
  if (cfg.distributed === 'mpi' && cfg.ensemble > 1) throw new UsageError('--ensemble trains its members on one process; it cannot be combined with --distributed mpi');
  const dist = cfg.distributed === 'mpi' ? startDistributed(cfg.backend) : null;
  const writer = dist === null || dist.rank === 0; // rank 0 writes for the job
  await preflightTraining(cfg, writer ? { members: cfg.ensemble } : null);
  if (cfg.checkpoint !== undefined && writer) recordCheckpoint(cfg.checkpoint);
  const output = new Output(cfg.logFormat, process.stdout, { muted: !writer });
  try {
    applyRuntime(cfg);
    if (cfg.ensemble > 1) return await trainEnsemble(cfg, cfg.ensemble, output);
    await train(cfg, output, point, dist);
  } finally {
    output.close();
  }
}

async function train(cfg: TrainConfig, output: Output, point: ResumePoint | null, dist: DistributedContext | null): Promise<void> {
  if (dist !== null) describeJob(output, dist, cfg.batchSize);
  const { data, split } = await prepareTraining(cfg, dist);
  const parts = splitRowsOf(split);
  const [training, validation] = dist === null ? [parts.training, parts.validation] : sumAcross(dist, [parts.training, parts.validation]);
  describeData(output, data, { training, validation });
  if (dist !== null) describeParts(output, dist, data);
  // a resumed run continues the checkpoint's model, whatever the options would build now
  const model = point === null ? undefined : Sequential.fromConfig(point.model, cfg.backend !== undefined ? { backend: cfg.backend } : {});
  if (point !== null) {
    const { epoch, batch, step } = point.position;
    output.text(`resuming ${point.path} at epoch ${epoch + 1}, batch ${batch} (step ${step})`);
    output.event('resume', { checkpoint: point.path, epoch: epoch + 1, batch, step });
  }
  const everySteps = cfg.checkpointEvery !== undefined ? { everySteps: cfg.checkpointEvery } : {};
  const result = await trainOne({
    cfg,
    split,
    seed: cfg.seed,
    output,
    lines: true,
    keepBestOnDivergence: true,
    ...(model !== undefined ? { model } : {}),
    ...(cfg.checkpoint !== undefined ? { checkpoint: { path: cfg.checkpoint, ...everySteps } } : {}),
    ...(point !== null ? { resumeFrom: point.checkpoint ?? point.path } : {}), // read once, above (by rank 0 alone under mpirun)
    ...(dist !== null ? { dist } : {}),
  });
  const epochs = result.history.epoch.length;
  const processes = dist === null ? '' : ` × ${dist.size} process${dist.size === 1 ? '' : 'es'}`;
  const notes = [`${epochs} epoch${epochs === 1 ? '' : 's'} in ${result.seconds.toFixed(1)} s on ${backendLine(cfg.backend)}${processes}`];
  if (result.bestEpoch !== undefined) notes.push(`early stopping restored the weights of epoch ${result.bestEpoch + 1}`);
  for (const note of notes) output.text(note);
  output.event('trained', { epochs, seconds: result.seconds, best_epoch: result.bestEpoch === undefined ? null : result.bestEpoch + 1 });
  if (result.diverged !== undefined) output.text(`training diverged at epoch ${result.diverged.epoch + 1}, batch ${result.diverged.batch + 1}; keeping the weights of epoch ${(result.bestEpoch ?? 0) + 1}`);
  if (dist !== null) checkSameWeights(dist, result.model.params, output);
  // rank 0 writes for the job: every rank holds the same model and figures
  const job = dist === null ? {} : { processes: dist.size, batch_global: cfg.batchSize * dist.size };
  const report = {
    title: `nntrain: ${basename(cfg.data)} → ${data.target.name}`,
    config: { ...runRecord(cfg), rows: data.total.rows, inputs: data.xColumns.length, task: data.target.task, parameters: result.model.countParams(), backend: backendLine(cfg.backend), ...job },
    history: result.history,
    evaluation: result.evaluation,
    bestEpoch: result.bestEpoch,
    notes,
  };
  const saved = dist === null || dist.rank === 0 ? await saveModelAndReport(output, cfg, result.model, report) : { paths: null, reportError: null };
  printMetrics(output, result.evaluation, result.evaluatedOn, result.evaluation.samples);
  finishRun(cfg, saved, result.diverged, result.bestEpoch);
}

/**
 * The options of the checkpointed run, which a resumed run keeps. A flag that would change what is
 * trained must equal the saved value.
 * @throws ModelFileError for a checkpoint without the command line's saved options; UsageError for a
 *   flag that differs from the checkpoint's.
 */
function savedRun(preprocessing: unknown, path: string, given: GivenValues): Partial<TrainConfig> {
  const run = Preprocessor.runOf(preprocessing) as Partial<TrainConfig> | null;
  if (run === null) throw new ModelFileError(path, 'holds no options of an `nntrain train` run; resume it from the API (fit resumeFrom)');
  for (const [key, { value }] of given) {
    if (CHANGEABLE_ON_RESUME.includes(key)) continue;
    const saved = (run as Record<string, unknown>)[key];
    if (JSON.stringify(saved) === JSON.stringify(value)) continue;
    const flag = optionByKey(key)?.flag ?? key;
    throw new UsageError(
      `${flag} ${describe(value)} differs from the checkpointed run's ${saved === undefined ? 'default' : describe(saved)} (${path}); a resumed run keeps its options. Options that may change: ${CHANGEABLE_ON_RESUME.map((k) => optionByKey(k)?.flag ?? k).join(', ')}`,
    );
  }
  return run;
}
