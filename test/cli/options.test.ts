// The option checks of the command line, in-process: every flag and config key goes through one zod
// schema with the project's message style; options that span several flags, grids, schedules and
// losses are checked before any work. (errors.test.ts drives the same checks through the real command.)

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGivenValues, readConfigFile, type GivenValues } from '../../src/cli/config-schema.js';
import { UsageError } from '../../src/cli/errors.js';
import { flagValue } from '../../src/cli/flags.js';
import { gridSize, parseGrid, trialsOf } from '../../src/cli/grid.js';
import { buildModel, lossFor, optimizerOptions } from '../../src/cli/model-builder.js';
import { optionByKey } from '../../src/cli/option-table.js';
import { scheduleConfig } from '../../src/cli/schedule-spec.js';
import { resolveConfig } from '../../src/cli/train-config.js';
import { ConfigError } from '../../src/index.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir('options');
afterAll(cleanup);

/** The values as typed on the command line. */
function flags(values: Record<string, string | boolean>): GivenValues {
  return new Map(Object.entries(values).map(([key, text]) => [key, flagValue(optionByKey(key)!, text)]));
}

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect(err).toBeInstanceOf(ConfigError); // the project's class, code ERR_NNTRAIN_CONFIG
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('flag values', () => {
  it.each([
    [{ epochs: '0' }, 'Expected integer >= 1 for --epochs but received 0'],
    [{ epochs: '2.5' }, 'Expected integer >= 1 for --epochs but received 2.5'],
    [{ lr: 'fast' }, "Expected number > 0 for --lr but received 'fast'"],
    [{ valSplit: '1' }, 'Expected number in [0, 1) for --val-split but received 1'],
    [{ layers: '64,x' }, "Expected a comma-separated list of integers >= 1 (or 'none') for --layers but received '64,x'"],
    [{ seed: '-1' }, 'Expected integer in [0, 4294967295] for --seed but received -1'],
    [{ delimiter: ';;' }, "Expected one character for --delimiter but received ';;'"],
    [{ earlyStop: 'soon' }, "Expected integer >= 0 (or false) for --early-stop but received 'soon'"],
    [{ optimizer: 'adm' }, "Unknown --optimizer 'adm'. Did you mean 'adam'? Expected one of: sgd, adagrad, adadelta, rmsprop, adam, adamw, adamax, nadam, radam"],
    [{ scale: 'robust' }, "Unknown --scale 'robust'. Expected one of: standard, minMax, none"],
  ])('%o → %s', (values, expected) => {
    expect(message(() => checkGivenValues(flags(values), undefined))).toBe(expected);
  });

  it('--precision is fp32 by default and takes bf16; anything else is a usage error listing both', () => {
    expect(resolveConfig('train', 'd.csv', flags({ target: 'y' })).precision).toBe('fp32');
    expect(resolveConfig('train', 'd.csv', flags({ target: 'y', precision: 'bf16' })).precision).toBe('bf16');
    expect(message(() => checkGivenValues(flags({ precision: 'fp16' }), undefined))).toMatch(/^Unknown --precision 'fp16'.*Expected one of: fp32, bf16$/);
  });

  it('parses numbers, lists and on/off flags into typed values', () => {
    const values = checkGivenValues(flags({ epochs: '12', lr: '3e-4', layers: '256,128', ignore: 'id, name', earlyStop: 'false', header: false }), undefined);
    expect(values).toEqual({ epochs: 12, lr: 3e-4, layers: [256, 128], ignore: ['id', 'name'], earlyStop: false, header: false });
    expect(checkGivenValues(flags({ layers: 'none' }), undefined)).toEqual({ layers: [] });
  });
});

describe('config files', () => {
  it('hold the same options by camelCase key; flags override them', async () => {
    const path = join(dir, 'run.json');
    writeFileSync(path, JSON.stringify({ target: 'species', layers: [32, 16], epochs: 0, schedule: { name: 'cosineAnnealing', warmupSteps: 10 } }));
    const given = await readConfigFile(path);
    expect(message(() => checkGivenValues(given, path))).toBe(`Expected integer >= 1 for 'epochs' in ${path} but received 0`);
    for (const [k, v] of flags({ epochs: '5' })) given.set(k, v);
    const cfg = resolveConfig('train', 'iris.csv', given);
    expect(cfg).toMatchObject({ target: 'species', layers: [32, 16], epochs: 5, optimizer: 'adam', batchSize: 32, valSplit: 0.2, earlyStop: 10, scale: 'standard' });
  });

  it('name unknown keys with a hint and invalid JSON by line and column', async () => {
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, '{ "target": "y", "learningRate": 0.1 }');
    expect(message(() => checkGivenValues(new Map([['learningRate', { value: 0.1, source: 'config' }]]), unknown))).toMatch(
      new RegExp(`^Unknown option 'learningRate' in ${unknown}\\. Valid options: data, target, task, `),
    );
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "target": "y"\n  "epochs": 3\n}');
    await expect(readConfigFile(broken)).rejects.toThrow(new RegExp(`^${broken}: line 3, column 3: invalid JSON`));
  });
});

describe('options that go together', () => {
  const resolve = (values: Record<string, string | boolean>) => resolveConfig('train', 'data.csv', flags({ target: 'y', ...values }));

  it('optimizer hyperparameters belong to their optimizers', () => {
    expect(message(() => resolve({ momentum: '0.9' }))).toBe('--momentum does not apply to --optimizer adam; it applies to sgd, rmsprop');
    expect(message(() => resolve({ optimizer: 'sgd', beta1: '0.8' }))).toBe('--beta1 does not apply to --optimizer sgd; it applies to adam, adamw, adamax, nadam, radam');
    expect(resolve({ optimizer: 'sgd', momentum: '0.9', nesterov: true })).toMatchObject({ momentum: 0.9, nesterov: true });
  });

  it('adamax, nadam and radam take the Adam flags; --momentum-decay is nadam\'s, --decoupled-weight-decay nadam\'s and radam\'s', () => {
    const nadam = resolve({ optimizer: 'nadam', lr: '0.004', beta1: '0.8', eps: '1e-6', weightDecay: '0.01', momentumDecay: '0.01', decoupledWeightDecay: true });
    expect(optimizerOptions(nadam)).toEqual({ learningRate: 0.004, beta1: 0.8, eps: 1e-6, weightDecay: 0.01, momentumDecay: 0.01, decoupledWeightDecay: true });
    expect(optimizerOptions(resolve({ optimizer: 'radam', beta2: '0.99', decoupledWeightDecay: true }))).toEqual({ beta2: 0.99, decoupledWeightDecay: true });
    expect(optimizerOptions(resolve({ optimizer: 'adamax', beta2: '0.99' }))).toEqual({ beta2: 0.99 });
    expect(message(() => resolve({ optimizer: 'radam', momentumDecay: '0.01' }))).toBe('--momentum-decay does not apply to --optimizer radam; it applies to nadam');
    expect(message(() => resolve({ optimizer: 'adamax', decoupledWeightDecay: true }))).toBe('--decoupled-weight-decay does not apply to --optimizer adamax; it applies to nadam, radam');
    expect(message(() => resolve({ optimizer: 'nadam', amsgrad: true }))).toBe('--amsgrad does not apply to --optimizer nadam; it applies to adam, adamw');
    expect(message(() => checkGivenValues(flags({ momentumDecay: '-1' }), undefined))).toBe('Expected number >= 0 for --momentum-decay but received -1');
  });

  it('--activation geluTanh is gelu with approximate tanh', () => {
    expect(resolve({ activation: 'geluTanh' })).toMatchObject({ activation: 'geluTanh' });
    expect(message(() => checkGivenValues(flags({ activation: 'gelu-tanh' }), undefined))).toMatch(/^Unknown --activation 'gelu-tanh'\. Did you mean 'geluTanh'\?/);
  });

  it('--norm batch|layer puts the normalization between each hidden layer and its activation', () => {
    const target = { name: 'y', task: 'multiclass' as const, labels: ['a', 'b', 'c'], classValues: null };
    const run = { epochs: 1, stepsPerEpoch: 1, validation: false };
    const kinds = (norm: string) => buildModel(resolve({ norm, layers: '8,4', activation: 'tanh' }), 3, target, 1, run).layers.map((l) => l.type);
    expect(kinds('batch')).toEqual(['dense', 'batchNormalization', 'activation', 'dense', 'batchNormalization', 'activation', 'dense']);
    expect(kinds('layer')).toEqual(['dense', 'layerNormalization', 'activation', 'dense', 'layerNormalization', 'activation', 'dense']);
    expect(kinds('none')).toEqual(['dense', 'dense', 'dense']);
    expect(message(() => checkGivenValues(flags({ norm: 'group' }), undefined))).toBe("Unknown --norm 'group'. Expected one of: none, batch, layer");
  });

  it('one source of validation; defaults for the model path and the checkpoint', () => {
    expect(message(() => resolve({ valFile: 'v.csv', valSplit: '0.1' }))).toBe('--val-file and --val-split cannot be combined: validate on a file or on a split of the data');
    const cfg = resolve({ out: 'models/y.nntrain', checkpointEvery: '100' });
    expect(cfg.out.endsWith('models/y.nntrain')).toBe(true);
    expect(cfg.checkpoint).toBe(cfg.out.replace(/\.nntrain$/, '.ckpt'));
    expect(message(() => resolveConfig('train', 'data.csv', new Map()))).toMatch(/^missing --target/);
  });

  it('losses must fit the target', () => {
    const target = { name: 'y', task: 'multiclass' as const, labels: ['a', 'b', 'c'], classValues: null };
    expect(lossFor({ loss: 'auto' }, target)).toBe('sparseCategoricalCrossentropy');
    expect(lossFor({ loss: 'auto' }, { ...target, task: 'binary', labels: ['a', 'b'] })).toBe('binaryCrossentropy');
    expect(lossFor({ loss: 'auto' }, { ...target, task: 'regression', labels: null })).toBe('mse');
    expect(message(() => lossFor({ loss: 'huber' }, target))).toBe("--loss huber does not fit a 3-class target ('y'); use one of sparseCategoricalCrossentropy, categoricalCrossentropy");
  });
});

describe('--grid', () => {
  it("splits values on ',' or, when there is one, on '|'", () => {
    const axes = parseGrid('lr=1e-3,1e-2 batch=32,128 layers=128|256,128');
    expect(axes.map((a) => [a.key, a.values])).toEqual([
      ['lr', [0.001, 0.01]],
      ['batchSize', [32, 128]],
      ['layers', [[128], [256, 128]]],
    ]);
    expect(gridSize(axes)).toBe(8);
    expect(trialsOf(axes, undefined, 0)).toHaveLength(8);
    const drawn = trialsOf(axes, 3, 42);
    expect(new Set(drawn.map((t) => t.join())).size).toBe(3);
    expect(trialsOf(axes, 3, 42)).toEqual(drawn);
  });

  it.each([
    ['batchsize=32', "Unknown --grid key 'batchsize'. Did you mean 'batch-size'? Keys that can be tuned: scale, layers, activation"],
    ['lr=1e-3,-1', '--grid lr: Expected number > 0 for --lr but received -1'],
    ['lr', "Expected key=value1,value2 in --grid but received 'lr'"],
    ['lr=1 lr=2', "--grid names 'lr' twice"],
    ['target=y', "Unknown --grid key 'target'."],
  ])('%s → %s', (spec, expected) => {
    expect(message(() => parseGrid(spec))).toContain(expected);
  });
});

describe('--schedule', () => {
  const run = { epochs: 10, stepsPerEpoch: 50, validation: true };
  it('defaults what a schedule needs from the run length', () => {
    expect(scheduleConfig('constant', run)).toBeUndefined();
    expect(scheduleConfig('cosine:warmupSteps=100', run)).toEqual({ name: 'cosineAnnealing', warmupSteps: 100, decaySteps: 400 });
    expect(scheduleConfig('stepDecay', run)).toEqual({ name: 'stepDecay', stepSize: 3 });
    expect(scheduleConfig({ name: 'plateau', patience: 2 }, { ...run, validation: false })).toEqual({ name: 'reduceOnPlateau', patience: 2, monitor: 'loss' });
  });

  it('names an unknown schedule and a malformed option', () => {
    expect(message(() => scheduleConfig('cosin', run))).toMatch(/^Unknown --schedule 'cosin'\. Did you mean 'cosine'\? Expected one of: constant, stepDecay/);
    expect(message(() => scheduleConfig('stepDecay:10', run))).toBe("Expected key=value after 'stepDecay:' for --schedule but received '10' (e.g. --schedule stepDecay:key=value)");
  });
});
