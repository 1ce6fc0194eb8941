// `nntrain info [MODEL] [--json]` and `nntrain --version`: the version and which backend and SIMD kernel
// are in use; with a model file, what it holds (format, architecture, target and classes, preprocessing,
// the run's options) and, for a checkpoint, where the run stopped. An ensemble manifest lists its members.

import { getBackend, nativeAvailable } from '../../backend/index.js';
import { readModelFileWithTraining } from '../../training/checkpoint-file.js';
import { Sequential, type ModelConfig } from '../../models/sequential.js';
import { packageVersion } from '../../util/package-info.js';
import { jsonLine } from '../output.js';
import { stdoutIsTheProduct } from '../stdio.js';
import { startsWithJson } from '../../models/ensemble-manifest.js';
import { loadPredictor } from '../../models/predictor.js';
import { Preprocessor, type SavedPreprocessing } from '../pipeline/index.js';
import { runtimeOptions, type RuntimeFlags } from './runtime-flags.js';

export interface InfoFlags extends RuntimeFlags {
  json?: boolean;
}

/** Version, node, addon and backend lines (also `nntrain --version`). */
export function versionInfo(backend?: 'native' | 'js'): Record<string, unknown> {
  const info = getBackend(backend).info();
  return { version: packageVersion(), node: process.version, nativeAddon: nativeAvailable() ? 'loaded' : 'unavailable', backend: info.name, kernel: info.kernel, ...(info.kernelBf16 !== undefined ? { kernelBf16: info.kernelBf16 } : {}), threads: info.threads };
}

export function versionText(v: Record<string, unknown>): string {
  return [
    `nntrain ${String(v.version)}`,
    `node ${String(v.node)}, native addon ${String(v.nativeAddon)}`,
    `backend: ${String(v.backend)} (kernel ${String(v.kernel)}, ${String(v.threads)} thread${v.threads === 1 ? '' : 's'})`,
  ].join('\n');
}

export async function infoCommand(modelPath: string | undefined, flags: InfoFlags): Promise<void> {
  const { backend } = runtimeOptions(flags);
  stdoutIsTheProduct();
  const runtime = versionInfo(backend);
  if (modelPath === undefined) {
    process.stdout.write(`${flags.json === true ? jsonLine(runtime) : versionText(runtime)}\n`);
    return;
  }
  // an ensemble: every member is loaded and checked; a model file: read and checked (checksum, sizes)
  const members = (await startsWithJson(modelPath)) ? [...(await loadPredictor(modelPath, backend !== undefined ? { backend } : {})).memberPaths] : [modelPath];
  const { header, training } = await readModelFileWithTraining(members[0]);
  // a model saved from the API has no CSV preprocessing: its architecture is still shown
  const pre = header.preprocessing === undefined ? null : Preprocessor.fromJSON(header.preprocessing, members[0]);
  const saved = header.preprocessing as unknown as SavedPreprocessing | undefined;
  // the architecture alone (countParams, summary): compiling would need a custom loss's or metric's code
  const { compiled: _compiled, ...architecture } = header.model as unknown as ModelConfig;
  const model = Sequential.fromConfig(architecture, backend !== undefined ? { backend } : {});
  const target = pre?.target;
  const details = {
    file: modelPath,
    kind: members.length > 1 || members[0] !== modelPath ? 'ensemble' : training !== null ? 'checkpoint' : 'model',
    members: members[0] !== modelPath ? members : undefined,
    formatVersion: header.version,
    createdBy: header.createdBy,
    parameters: model.built ? model.countParams() : undefined, // as summary()'s total
    storedFloats: header.paramCount, // the weights as stored: the parameters plus the arena's 64-byte alignment gaps
    optimizerState: header.optimizer !== undefined,
    target: target?.name,
    task: target?.task,
    classes: target?.labels,
    inputs: pre?.xColumns.length ?? model.inputWidth,
    inputColumns: pre?.xColumns,
    scaler: (saved?.scaler as { kind?: string } | undefined)?.kind,
    imputer: saved !== undefined && saved.imputer !== null,
    unknown: pre?.unknown,
    compiled: (header.model as unknown as ModelConfig).compiled,
    training: training === null ? undefined : { epoch: training.epoch, batch: training.batch, step: training.step, epochs: training.fit.epochs, stopped: training.stopped },
    run: Preprocessor.runOf(saved) ?? undefined,
    runtime,
  };
  if (flags.json === true) {
    process.stdout.write(`${jsonLine(details)}\n`);
    return;
  }
  const what = details.kind === 'ensemble' ? `ensemble of ${members.length} models` : details.kind;
  const lines = [
    `${modelPath}: ${what} (format version ${header.version}, ${header.createdBy})`,
    ...(details.members !== undefined ? members.map((p, i) => `  member ${i + 1}: ${p}`) : []),
    target === undefined
      ? 'no CSV preprocessing (saved from the API): evaluate and predict need a model written by nntrain train'
      : `target: '${target.name}' (${target.task === 'regression' ? 'regression' : `${target.labels?.length} classes: ${target.labels?.join(', ')}`})`,
    ...(pre !== null ? [`inputs: ${details.inputs} columns (${summarize(pre.xColumns)}), scaler ${details.scaler}${details.imputer ? ', missing values imputed' : ''}, unseen categories: ${pre.unknown}`] : []),
    `loss: ${JSON.stringify(details.compiled?.loss)}, optimizer: ${details.compiled?.optimizer.name} (learning rate ${details.compiled?.optimizer.learningRate})${details.compiled?.precision !== undefined ? `, precision ${details.compiled.precision}` : ''}`,
    ...(training !== null ? [trainingPosition(training)] : []),
    '',
    model.summary(),
    '',
    versionText(runtime),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Where a checkpointed run stands, epochs 1-based as in the progress lines. */
function trainingPosition(t: { epoch: number; batch: number; step: number; stopped: boolean; fit: { epochs: number } }): string {
  if (t.stopped || t.epoch >= t.fit.epochs) return `training: finished after ${t.epoch} epoch${t.epoch === 1 ? '' : 's'}${t.stopped ? ' (stopped early)' : ''}, step ${t.step}`;
  return `training position: epoch ${t.epoch + 1} of ${t.fit.epochs}, batch ${t.batch}, step ${t.step} (resume with nntrain train --resume)`;
}

function summarize(names: readonly string[]): string {
  return names.length > 8 ? `${names.slice(0, 8).join(', ')}, …` : names.join(', ');
}
