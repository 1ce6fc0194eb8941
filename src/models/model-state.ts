// The parts of a model that a file or a checkpoint carries besides its weights: the serialized config
// (and the compile options it restores), and the optimizer state (step count and slots) copied out of and
// into the model's arena, checked so a wrong-sized state never reaches the optimizer.

import type { PrecisionName } from '../backend/codes.js';
import type { CompileOptions } from './compile-options.js';
import type { LayerConfig } from '../layers/index.js';
import { CustomLoss, type LossConfig } from '../losses/index.js';
import { CustomMetric } from '../metrics/index.js';
import type { Arena } from '../memory/arena.js';
import type { OptimizerConfig } from '../optimizers/index.js';
import { scheduleFromConfig, type LearningRateSchedule, type ScheduleConfig } from '../schedules/index.js';
import type { OptimizerState } from '../training/trainable-model.js';
import { ConfigError, ShapeError } from '../util/errors.js';
import { checkInteger, describe, invalid, isPlainObject } from '../util/validate.js';

/** The serialized model: plain JSON that fromConfig turns back into an equal (built, compiled) model. */
export interface ModelConfig {
  name: string;
  seed: number;
  layers: LayerConfig[];
  compiled?: {
    optimizer: OptimizerConfig;
    loss: LossConfig;
    metrics: (string | { custom: string })[];
    schedule?: ScheduleConfig;
    /** Absent: 'fp32'. */
    precision?: PrecisionName;
  };
}

// a plain value that training saves in checkpoints and restores, so it is defined there
export type { OptimizerState } from '../training/trainable-model.js';

/**
 * The compile options a saved config restores. A custom schedule (a function) cannot be restored: the
 * model is then compiled without it and a warning is emitted.
 */
export function compileOptionsFromConfig(c: NonNullable<ModelConfig['compiled']>, customObjects: readonly CustomObject[] = []): CompileOptions {
  // a config read from a file may hold anything here
  if (!isPlainObject(c)) throw invalid('compiled', 'an object of compile options', c);
  const saved: unknown = c.loss;
  const loss = isPlainObject(saved) && typeof saved.custom === 'string' ? customNamed('loss', saved.custom, customObjects) : c.loss;
  const metrics: unknown = Array.isArray(c.metrics)
    ? c.metrics.map((m: unknown) => (isPlainObject(m) && typeof m.custom === 'string' ? customNamed('metric', m.custom, customObjects) : m))
    : c.metrics;
  let schedule: LearningRateSchedule | undefined;
  if (isPlainObject(c.schedule) && c.schedule.name === 'custom') {
    process.emitWarning('nntrain: the model used a custom learning-rate schedule, which cannot be saved; it was compiled without one', {
      code: 'NNTRAIN_CUSTOM_SCHEDULE',
    });
  } else if (c.schedule !== undefined) {
    schedule = scheduleFromConfig(c.schedule);
  }
  return { optimizer: c.optimizer, loss, metrics: metrics as CompileOptions['metrics'], ...(schedule ? { schedule } : {}), ...(c.precision !== undefined ? { precision: c.precision } : {}) };
}

/** What `customObjects` (of fromConfig, loadModel) may hold: the custom losses and metrics a saved config names. */
export type CustomObject = CustomLoss | CustomMetric;

/** Checks a customObjects option: an array of custom losses and metrics. @throws ConfigError naming the bad entry. */
export function checkCustomObjects(value: unknown): readonly CustomObject[] {
  if (value === undefined) return [];
  const what = 'an array of custom losses and metrics (losses.custom(…), metrics.custom(…))';
  if (!Array.isArray(value)) throw invalid('customObjects', what, value);
  value.forEach((item: unknown, i) => {
    if (!(item instanceof CustomLoss || item instanceof CustomMetric)) throw invalid(`customObjects[${i}]`, 'a custom loss or metric (losses.custom(…), metrics.custom(…))', item);
  });
  return value as CustomObject[];
}

/** The custom loss or metric a saved config names. @throws ConfigError when customObjects lacks it. */
function customNamed(kind: 'loss', name: string, customObjects: readonly CustomObject[]): CustomLoss;
function customNamed(kind: 'metric', name: string, customObjects: readonly CustomObject[]): CustomMetric;
function customNamed(kind: 'loss' | 'metric', name: string, customObjects: readonly CustomObject[]): CustomObject {
  const Kind = kind === 'loss' ? CustomLoss : CustomMetric;
  const found = customObjects.find((o) => o instanceof Kind && o.name === name);
  if (found === undefined) {
    const make = kind === 'loss' ? `losses.custom({ name: '${name}', forward, gradient })` : `metrics.custom({ name: '${name}', fn })`;
    throw new ConfigError(`the model was compiled with the custom ${kind} '${name}': pass it in customObjects, e.g. loadModel(path, { customObjects: [${make}] })`);
  }
  return found;
}

/** Copies of the arena's optimizer slots with the step count. */
export function copyOptimizerState(arena: Arena, step: number): OptimizerState {
  return { step, slots: arena.slots.map((s) => s.slice()) };
}

/**
 * Copies a saved state's slots into the arena after checking them; returns its step count.
 * @throws ConfigError for a bad step; ShapeError for a wrong slot count or length.
 */
export function restoreOptimizerState(arena: Arena, optimizerName: string, state: OptimizerState): number {
  if (typeof state !== 'object' || state === null) throw new ConfigError(`Expected an optimizer state { step, slots } but received ${describe(state)}`);
  const step = checkInteger('step', state.step, { min: 0 });
  if (!Array.isArray(state.slots) || state.slots.length !== arena.slots.length) {
    throw new ShapeError(
      `${optimizerName} has ${arena.slots.length} optimizer slots but the state has ${Array.isArray(state.slots) ? state.slots.length : describe(state.slots)}`,
    );
  }
  state.slots.forEach((s, i) => {
    if (!(s instanceof Float32Array) || s.length !== arena.paramCount) {
      throw new ShapeError(
        `Optimizer slot ${i} must be a Float32Array of ${arena.paramCount} values but received ${describe(s)}${s instanceof Float32Array ? ` of ${s.length}` : ''}`,
      );
    }
  });
  state.slots.forEach((s, i) => arena.slots[i].set(s));
  return step;
}
