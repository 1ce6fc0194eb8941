// Learning-rate schedules: values at chosen steps (computed by hand), ReduceOnPlateau's Keras semantics,
// validation messages and config round trips.

import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConstantSchedule,
  CustomSchedule,
  ReduceOnPlateau,
  type LearningRateSchedule,
  type ScheduleConfig,
  resolveSchedule,
  scheduleFromConfig,
  schedules,
} from '../../src/schedules/index.js';

import { expectConfigError } from '../helpers/errors.js';

function expectValues(s: LearningRateSchedule, baseLr: number, points: [epoch: number, step: number, lr: number][]): void {
  for (const [epoch, step, lr] of points) expect(s.at(baseLr, epoch, step), `epoch ${epoch}, step ${step}`).toBeCloseTo(lr, 12);
}

describe('closed-form schedules', () => {
  it('constant returns the base rate', () => {
    expectValues(schedules.constant(), 0.1, [
      [0, 0, 0.1],
      [7, 1234, 0.1],
    ]);
  });

  it('stepDecay multiplies by gamma every stepSize epochs', () => {
    expectValues(schedules.stepDecay({ stepSize: 3, gamma: 0.5 }), 0.2, [
      [0, 0, 0.2],
      [2, 99, 0.2],
      [3, 0, 0.1],
      [5, 0, 0.1],
      [6, 0, 0.05],
      [9, 0, 0.025],
    ]);
    expectValues(schedules.stepDecay({ stepSize: 2 }), 1, [
      [1, 0, 1],
      [2, 0, 0.1],
      [4, 0, 0.01],
    ]);
  });

  it('exponentialDecay: baseLr · rate^(step / decaySteps), floored exponent with staircase', () => {
    expectValues(schedules.exponentialDecay({ decaySteps: 10, decayRate: 0.5 }), 0.1, [
      [0, 0, 0.1],
      [0, 5, 0.070710678118654752], // 0.1 / √2
      [3, 10, 0.05],
      [9, 25, 0.017677669529663688], // 0.1 · 0.5^2.5
    ]);
    expectValues(schedules.exponentialDecay({ decaySteps: 10, decayRate: 0.5, staircase: true }), 0.1, [
      [0, 5, 0.1],
      [0, 9, 0.1],
      [0, 10, 0.05],
      [0, 19, 0.05],
      [0, 25, 0.025],
    ]);
  });

  it('cosineAnnealing: linear warmup from 0, half cosine to the floor, then the floor', () => {
    const s = schedules.cosineAnnealing({ decaySteps: 4, warmupSteps: 2, minLearningRate: 0.01 });
    expectValues(s, 0.1, [
      [0, 0, 0],
      [0, 1, 0.05],
      [0, 2, 0.1], // warmup done: the cosine starts at baseLr
      [0, 3, 0.01 + 0.09 * 0.5 * (1 + Math.SQRT1_2)], // 0.0868198...
      [1, 4, 0.055],
      [1, 5, 0.01 + 0.09 * 0.5 * (1 - Math.SQRT1_2)], // 0.0231801...
      [1, 6, 0.01],
      [50, 1000, 0.01],
    ]);
    expect(s.at(0.1, 0, 3)).toBeCloseTo(0.08681980515, 10);
    expectValues(schedules.cosineAnnealing({ decaySteps: 10 }), 2, [
      [0, 0, 2],
      [0, 5, 1],
      [0, 10, 0],
      [0, 11, 0],
    ]);
  });
});

describe('reduceOnPlateau (Keras ReduceLROnPlateau)', () => {
  afterEach(() => vi.restoreAllMocks());

  /** Feeds one value per epoch and records the rate used during each epoch. */
  function run(s: ReduceOnPlateau, baseLr: number, values: number[], key = 'val_loss'): number[] {
    return values.map((v, epoch) => {
      const lr = s.at(baseLr, epoch, epoch * 10);
      s.onEpochEnd(epoch, { loss: 99, [key]: v });
      return lr;
    });
  }

  it('patience, cooldown and the floor', () => {
    const s = schedules.reduceOnPlateau({ factor: 0.5, patience: 2, cooldown: 1, minLearningRate: 0.02, minDelta: 0 });
    // e0 best=1; e1 wait 1; e2 wait 2 → 0.05, cooldown 1; e3 cooldown ends, wait 1; e4 wait 2 → 0.025;
    // e5 improves; e6 wait 1; e7 wait 2 → max(0.0125, 0.02) = 0.02; e8 wait 1; e9 wait 2 but lr is at the floor.
    const lrs = run(s, 0.1, [1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    const expected = [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02];
    lrs.forEach((lr, i) => expect(lr, `epoch ${i}`).toBeCloseTo(expected[i], 12));
    expect(s.reductionCount).toBe(3);
  });

  it('without cooldown, waiting restarts right after a reduction', () => {
    const s = schedules.reduceOnPlateau({ factor: 0.1, patience: 1 });
    const lrs = run(s, 1, [5, 5, 5, 5]);
    [1, 1, 0.1, 0.01].forEach((lr, i) => expect(lrs[i]).toBeCloseTo(lr, 12));
  });

  it('patience 0 reduces at the first epoch without improvement', () => {
    const s = schedules.reduceOnPlateau({ factor: 0.5, patience: 0 });
    const lrs = run(s, 1, [3, 2, 2, 1]);
    expect(lrs).toEqual([1, 1, 1, 0.5]);
  });

  it('minDelta: smaller changes are not improvements', () => {
    const s = schedules.reduceOnPlateau({ factor: 0.5, patience: 2, minDelta: 0.1 });
    const lrs = run(s, 1, [1.0, 0.95, 0.92, 0.5]); // 0.95 and 0.92 are within 0.1 of the best 1.0
    expect(lrs).toEqual([1, 1, 1, 0.5]);
  });

  it("mode auto maximizes a monitor containing 'acc'; mode max/min are explicit", () => {
    const acc = schedules.reduceOnPlateau({ monitor: 'val_accuracy', factor: 0.5, patience: 1 });
    expect(run(acc, 1, [0.5, 0.6, 0.7, 0.7, 0.65], 'val_accuracy')).toEqual([1, 1, 1, 1, 0.5]);
    const max = schedules.reduceOnPlateau({ monitor: 'score', mode: 'max', factor: 0.5, patience: 1 });
    expect(run(max, 1, [1, 2, 1], 'score')).toEqual([1, 1, 1]);
    expect(max.at(1, 3, 0)).toBe(0.5);
    const min = schedules.reduceOnPlateau({ monitor: 'val_accuracy', mode: 'min', factor: 0.5, patience: 1 });
    expect(run(min, 1, [0.5, 0.6], 'val_accuracy')).toEqual([1, 1]);
    expect(min.at(1, 2, 0)).toBe(0.5);
  });

  it("falls back to 'loss' with one warning when the monitored key is missing", () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const s = schedules.reduceOnPlateau({ factor: 0.5, patience: 1 }); // monitors val_loss
    const lrs = [0, 1, 2, 3].map((epoch) => {
      const lr = s.at(1, epoch, epoch);
      s.onEpochEnd(epoch, { loss: [2, 1, 1, 1][epoch] });
      return lr;
    });
    expect(lrs).toEqual([1, 1, 1, 0.5]); // loss improves at e1, stalls at e2 → reduced for e3
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain("'val_loss' is not in the logs; monitoring 'loss' instead");
  });

  it('scales with the base rate it is given and resets', () => {
    const s = schedules.reduceOnPlateau({ factor: 0.5, patience: 0 });
    run(s, 1, [1, 1]);
    expect(s.at(0.4, 2, 0)).toBeCloseTo(0.2, 12);
    s.reset();
    expect(s.reductionCount).toBe(0);
    expect(s.at(0.4, 0, 0)).toBe(0.4);
  });

  it('defaults', () => {
    expect(schedules.reduceOnPlateau().getConfig()).toEqual({
      name: 'reduceOnPlateau',
      monitor: 'val_loss',
      factor: 0.1,
      patience: 10,
      minDelta: 1e-4,
      cooldown: 0,
      minLearningRate: 0,
      mode: 'auto',
    });
  });
});

describe('custom', () => {
  it('returns fn(epoch, step) and ignores the base rate', () => {
    const s = schedules.custom((epoch, step) => 0.1 / (1 + epoch + step));
    expect(s.at(5, 1, 2)).toBeCloseTo(0.025, 15);
    expect(s.name).toBe('custom');
  });

  it('rejects a non-positive or non-finite result, naming the schedule and where', () => {
    expectConfigError(
      () => schedules.custom(() => NaN).at(0.1, 1, 7),
      'Expected a finite number > 0 from the custom schedule at epoch 1, step 7 but received NaN',
    );
    expectConfigError(() => schedules.custom(() => 0).at(0.1, 0, 0), 'Expected a finite number > 0 from the custom schedule at epoch 0, step 0 but received 0');
    expectConfigError(
      () => schedules.custom((() => '0.1') as unknown as () => number).at(0.1, 2, 3),
      "Expected a finite number > 0 from the custom schedule at epoch 2, step 3 but received '0.1'",
    );
  });

  it('needs a function and cannot be restored from a config', () => {
    expectConfigError(
      () => schedules.custom(0.1 as unknown as () => number),
      'Expected a function (epoch, step) => learningRate for schedules.custom but received 0.1',
    );
    expectConfigError(
      () => scheduleFromConfig(schedules.custom(() => 1).getConfig()),
      'A custom schedule cannot be restored from a config (its function is not saved); pass schedules.custom(fn) again',
    );
  });
});

describe('validation', () => {
  it.each<[string, () => unknown, string]>([
    ['stepSize missing', () => schedules.stepDecay({} as { stepSize: number }), 'Expected integer >= 1 for stepSize but received undefined'],
    ['stepSize fractional', () => schedules.stepDecay({ stepSize: 1.5 }), 'Expected integer >= 1 for stepSize but received 1.5'],
    ['gamma 0', () => schedules.stepDecay({ stepSize: 1, gamma: 0 }), 'Expected number > 0 for gamma but received 0'],
    ['decaySteps 0', () => schedules.exponentialDecay({ decaySteps: 0, decayRate: 0.5 }), 'Expected integer >= 1 for decaySteps but received 0'],
    ['decayRate missing', () => schedules.exponentialDecay({ decaySteps: 5 } as { decaySteps: number; decayRate: number }), 'Expected number > 0 for decayRate but received undefined'],
    ['staircase type', () => schedules.exponentialDecay({ decaySteps: 5, decayRate: 0.5, staircase: 'yes' as unknown as boolean }), "Expected boolean for staircase but received 'yes'"],
    ['cosine decaySteps', () => schedules.cosineAnnealing({ decaySteps: -3 }), 'Expected integer >= 1 for decaySteps but received -3'],
    ['cosine warmupSteps', () => schedules.cosineAnnealing({ decaySteps: 3, warmupSteps: -1 }), 'Expected integer >= 0 for warmupSteps but received -1'],
    ['cosine minLearningRate', () => schedules.cosineAnnealing({ decaySteps: 3, minLearningRate: -0.1 }), 'Expected number >= 0 for minLearningRate but received -0.1'],
    ['plateau factor 1', () => schedules.reduceOnPlateau({ factor: 1 }), 'Expected number in (0, 1) for factor but received 1'],
    ['plateau patience', () => schedules.reduceOnPlateau({ patience: -1 }), 'Expected integer >= 0 for patience but received -1'],
    ['plateau cooldown', () => schedules.reduceOnPlateau({ cooldown: 0.5 }), 'Expected integer >= 0 for cooldown but received 0.5'],
    ['plateau minDelta', () => schedules.reduceOnPlateau({ minDelta: -1 }), 'Expected number >= 0 for minDelta but received -1'],
    ['plateau monitor', () => schedules.reduceOnPlateau({ monitor: '' }), "Expected a non-empty string for monitor but received ''"],
    ['plateau mode', () => schedules.reduceOnPlateau({ mode: 'mx' as 'max' }), "Unknown mode 'mx'. Did you mean 'max'? Expected one of: auto, min, max"],
    [
      'unknown key',
      () => schedules.cosineAnnealing({ decaySteps: 10, warmupStep: 2 } as unknown as { decaySteps: number }),
      "Unknown option 'warmupStep' for schedules.cosineAnnealing. Did you mean 'warmupSteps'? Valid options: decaySteps, warmupSteps, minLearningRate",
    ],
  ])('%s', (_label, fn, message) => expectConfigError(fn, message));
});

describe('configs and resolution', () => {
  const samples: LearningRateSchedule[] = [
    schedules.constant(),
    schedules.stepDecay({ stepSize: 4, gamma: 0.3 }),
    schedules.exponentialDecay({ decaySteps: 100, decayRate: 0.96, staircase: true }),
    schedules.cosineAnnealing({ decaySteps: 900, warmupSteps: 100, minLearningRate: 1e-5 }),
    schedules.reduceOnPlateau({ monitor: 'val_accuracy', factor: 0.2, patience: 3, cooldown: 2, mode: 'max' }),
  ];

  it.each(samples.map((s) => [s.name, s] as const))('%s survives getConfig → JSON → scheduleFromConfig', (_name, s) => {
    const config = JSON.parse(JSON.stringify(s.getConfig())) as ScheduleConfig;
    const again = scheduleFromConfig(config);
    expect(again.constructor).toBe(s.constructor);
    expect(again.getConfig()).toEqual(s.getConfig());
    for (const [epoch, step] of [[0, 0], [3, 150], [20, 1200]]) expect(again.at(0.1, epoch, step)).toBe(s.at(0.1, epoch, step));
  });

  it('resolveSchedule takes nothing, a schedule, a function, a name or a config', () => {
    expect(resolveSchedule(undefined)).toBeInstanceOf(ConstantSchedule);
    const s = schedules.stepDecay({ stepSize: 2 });
    expect(resolveSchedule(s)).toBe(s);
    expect(resolveSchedule(() => 0.5)).toBeInstanceOf(CustomSchedule);
    expect(resolveSchedule('reduceOnPlateau')).toBeInstanceOf(ReduceOnPlateau);
    expect(resolveSchedule({ name: 'stepDecay', stepSize: 2 }).at(1, 2, 0)).toBeCloseTo(0.1, 12);
    const userDefined: LearningRateSchedule = { name: 'half', at: (lr) => lr / 2, getConfig: () => ({ name: 'constant' }) };
    expect(resolveSchedule(userDefined)).toBe(userDefined);
  });

  it('rejects unknown names with a hint, and other values', () => {
    expectConfigError(
      () => resolveSchedule({ name: 'stepdecay', stepSize: 2 }),
      "Unknown schedule 'stepdecay'. Did you mean 'stepDecay'? Expected one of: constant, stepDecay, exponentialDecay, cosineAnnealing, reduceOnPlateau, custom",
    );
    expectConfigError(() => resolveSchedule('cosineAnnealing'), 'Expected integer >= 1 for decaySteps but received undefined');
    expectConfigError(() => resolveSchedule(3), 'Expected a schedule name, config object, function or LearningRateSchedule for schedule but received 3');
  });
});
