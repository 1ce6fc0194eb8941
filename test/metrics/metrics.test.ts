// Metric resolution and logs computed from summed stats rows.

import { describe, expect, it } from 'vitest';
import { LabelMode, STATS_WIDTH, Stat } from '../../src/backend/codes.js';
import { addStatsRow, emptyStats, logsFromStats, resolveMetrics } from '../../src/metrics/index.js';
import { ConfigError } from '../../src/index.js';

describe('resolveMetrics', () => {
  it('maps aliases, deduplicates and keeps order', () => {
    expect(resolveMetrics(['acc', 'meanAbsoluteError', 'accuracy', 'mse'], LabelMode.sparse, 'x')).toEqual(['accuracy', 'mae', 'mse']);
    expect(resolveMetrics(undefined, LabelMode.binary, 'x')).toEqual([]);
  });
  it('rejects unknown names, non-arrays and accuracy for regression', () => {
    expect(() => resolveMetrics(['mea'], LabelMode.regression, 'mse')).toThrow(/Unknown metric 'mea'.*Did you mean/);
    expect(() => resolveMetrics('accuracy', LabelMode.sparse, 'x')).toThrow(ConfigError);
    expect(() => resolveMetrics(['accuracy'], LabelMode.regression, 'huber')).toThrow(/huber/);
  });
});

describe('logsFromStats', () => {
  it('divides sums by their counts, over rows of different batch sizes', () => {
    const rows = new Float64Array(2 * STATS_WIDTH);
    const set = (r: number, values: Partial<Record<keyof typeof Stat, number>>) => {
      for (const [k, v] of Object.entries(values)) rows[r * STATS_WIDTH + Stat[k as keyof typeof Stat]] = v;
    };
    // batch of 4 with mean loss 0.5, batch of 1 with loss 2; penalty 0.1 per step
    set(0, { lossSum: 2, regLossSum: 0.4, rows: 4, accCorrect: 3, accCount: 4, binCorrect: 7, binCount: 8, absErrSum: 2, sqErrSum: 1, errCount: 8 });
    set(1, { lossSum: 2, regLossSum: 0.1, rows: 1, accCorrect: 0, accCount: 1, binCorrect: 1, binCount: 2, absErrSum: 1, sqErrSum: 3, errCount: 2 });
    const sum = emptyStats();
    addStatsRow(sum, rows, 0);
    addStatsRow(sum, rows, 1);
    const logs = logsFromStats(sum, ['accuracy', 'binaryAccuracy', 'mse', 'mae']);
    expect(logs.loss).toBeCloseTo(4.5 / 5, 12);
    expect(logs.accuracy).toBeCloseTo(3 / 5, 12);
    expect(logs.binaryAccuracy).toBeCloseTo(8 / 10, 12);
    expect(logs.mse).toBeCloseTo(4 / 10, 12);
    expect(logs.mae).toBeCloseTo(3 / 10, 12);
    expect(Object.keys(logsFromStats(sum, ['mae'], 1, 'val_'))).toEqual(['val_loss', 'val_mae']);
    expect(logsFromStats(sum, [], 1, 'val_').val_loss).toBeCloseTo(4.5 / 5 + 1, 12);
  });
});
