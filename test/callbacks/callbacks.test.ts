// Callbacks against a fake model: earlyStopping (Keras semantics), modelCheckpoint, lambda, validation.

import { describe, expect, it, vi } from 'vitest';
import { CallbackList, checkCallbacks, type CallbackModel } from '../../src/callbacks/index.js';
import { callbacks, ConfigError } from '../../src/index.js';

function fakeModel(): CallbackModel & { saves: string[]; value: number } {
  const params = new Float32Array(1);
  return {
    stopTraining: false,
    saves: [],
    value: 0,
    get params() {
      return params;
    },
    setParams(v: Float32Array) {
      params.set(v);
    },
    async save(path: string) {
      this.saves.push(path);
    },
  };
}

/** Drives a callback over epochs with the given monitored values; params[0] = epoch index. Returns the stop epoch or -1. */
async function drive(cb: ReturnType<typeof callbacks.earlyStopping> | ReturnType<typeof callbacks.modelCheckpoint>, values: number[], key = 'val_loss') {
  const model = fakeModel();
  const list = new CallbackList([cb], model);
  await list.trainBegin({});
  let stopped = -1;
  for (let epoch = 0; epoch < values.length; epoch++) {
    model.params[0] = epoch;
    await list.epochEnd(epoch, { loss: 1, [key]: values[epoch] });
    if (model.stopTraining) {
      stopped = epoch;
      break;
    }
  }
  await list.trainEnd({});
  return { stopped, model };
}

describe('earlyStopping', () => {
  it('stops after patience epochs without improvement and restores the best weights', async () => {
    const es = callbacks.earlyStopping({ patience: 2, restoreBestWeights: true });
    const { stopped, model } = await drive(es, [1, 0.8, 0.9, 0.85, 0.7, 0.6]);
    expect(stopped).toBe(3);
    expect(es.bestEpoch).toBe(1);
    expect(model.params[0]).toBe(1);
  });

  it('with patience 0 stops at the first non-improving epoch; without restore keeps the last weights', async () => {
    const { stopped, model } = await drive(callbacks.earlyStopping(), [3, 2, 2.5, 1]);
    expect(stopped).toBe(2);
    expect(model.params[0]).toBe(2);
  });

  it('honours minDelta, mode auto for accuracy, and baseline', async () => {
    expect((await drive(callbacks.earlyStopping({ minDelta: 0.1, patience: 2 }), [1, 0.95, 0.92, 0.5])).stopped).toBe(2);
    expect((await drive(callbacks.earlyStopping({ patience: 2 }), [1, 0.95, 0.92, 0.5])).stopped).toBe(-1);
    expect((await drive(callbacks.earlyStopping({ monitor: 'val_accuracy', patience: 0 }), [0.5, 0.6, 0.55], 'val_accuracy')).stopped).toBe(2);
    expect((await drive(callbacks.earlyStopping({ monitor: 'val_accuracy', mode: 'min' }), [0.5, 0.6], 'val_accuracy')).stopped).toBe(1);
    // an epoch that does not beat the baseline does not restart the wait: one epoch earlier than without it
    expect((await drive(callbacks.earlyStopping({ baseline: 0.5, patience: 2 }), [1, 1.1, 1.2, 1.3])).stopped).toBe(1);
    expect((await drive(callbacks.earlyStopping({ patience: 2 }), [1, 1.1, 1.2, 1.3])).stopped).toBe(2);
  });

  it('falls back to loss with one warning when the monitored key is missing', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const es = callbacks.earlyStopping({ monitor: 'val_loss' });
      const { stopped } = await drive(es, [1, 1, 1], 'other');
      expect(stopped).toBe(1); // loss stays 1: no improvement at epoch 1
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/'val_loss' is not in the logs.*monitoring 'loss'/);
    } finally {
      warn.mockRestore();
    }
  });

  it('validates its options', () => {
    expect(() => callbacks.earlyStopping({ patience: -1 })).toThrow(/patience but received -1/);
    expect(() => callbacks.earlyStopping({ mode: 'up' as never })).toThrow(/Unknown mode 'up'/);
    expect(() => callbacks.earlyStopping({ patients: 3 } as never)).toThrow(/Did you mean 'patience'/);
  });
});

describe('modelCheckpoint', () => {
  it('saves when the monitored value improves, with {epoch} replaced (1-based)', async () => {
    const cp = callbacks.modelCheckpoint({ path: 'ck-{epoch}.nntrain' });
    const { model } = await drive(cp, [1, 0.5, 0.7, 0.4]);
    expect(model.saves).toEqual(['ck-1.nntrain', 'ck-2.nntrain', 'ck-4.nntrain']);
    expect(cp.saved).toEqual(model.saves);
  });
  it('saves every epoch with saveBestOnly false', async () => {
    const { model } = await drive(callbacks.modelCheckpoint({ path: 'm.nntrain', saveBestOnly: false }), [1, 2, 3]);
    expect(model.saves).toEqual(['m.nntrain', 'm.nntrain', 'm.nntrain']);
  });
  it('requires a path', () => {
    expect(() => callbacks.modelCheckpoint({} as never)).toThrow(/non-empty string for path/);
  });
});

describe('callback lists', () => {
  it('calls hooks in order, awaits promises and gives each callback its own logs', async () => {
    const order: string[] = [];
    const a = {
      async onEpochEnd(_e: number, logs: Record<string, number>) {
        await new Promise((r) => setTimeout(r, 5));
        logs.loss = 99;
        order.push('a');
      },
    };
    const b = callbacks.lambda({ onEpochEnd: (_e, logs) => void order.push(`b${logs.loss}`) });
    await new CallbackList([a, b], fakeModel()).epochEnd(0, { loss: 1 });
    expect(order).toEqual(['a', 'b1']);
  });
  it('rejects bad callbacks', () => {
    expect(() => checkCallbacks({})).toThrow(ConfigError);
    expect(() => checkCallbacks([null])).toThrow(/callbacks\[0\]/);
    expect(() => checkCallbacks([{ onBatchEnd: 3 }])).toThrow(/function for callbacks\[0\].onBatchEnd/);
    expect(() => callbacks.lambda({ onEpochEnd: 1 } as never)).toThrow(/function for onEpochEnd/);
    expect(() => callbacks.lambda({ onEpoch: () => {} } as never)).toThrow(/Unknown option 'onEpoch'/);
  });
});
