// The end-to-end CSV target: examples/fashion-mnist-csv.ts reads the 60,000-row Fashion-MNIST CSV
// (built by data/prepare/fashion-mnist.ts from Debian's dataset-fashion-mnist, which CI installs), trains
// 784-256-128-10 for 5 epochs and reaches test accuracy >= 0.88 on the 10,000-row test CSV. Native only:
// the js backend would take minutes. Skipped, with the reason, where the dataset is absent.

import { describe, expect, it } from 'vitest';
import { fashionMnistMissing } from '../../data/prepare/fashion-mnist.js';
import { nativeAvailable } from '../../src/backend/index.js';
import { runTs } from '../helpers/run-script.js';

const skip = !nativeAvailable() ? 'the native addon does not load' : fashionMnistMissing({ csv: true });

describe.skipIf(skip !== undefined)(`examples/fashion-mnist-csv.ts${skip === undefined ? '' : ` (skipped: ${skip})`}`, () => {
  it('reads the CSV natively, trains and ends with test accuracy >= 0.88', async () => {
    const result = await runTs('examples/fashion-mnist-csv.ts', {}, 300_000);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^read 60000 rows × 785 columns \(133 MB\) in [\d.]+ s \(native reader\)$/);
    const last = lines[lines.length - 1];
    expect(last).toMatch(/^test accuracy: 0\.\d{4}$/);
    expect(Number(last.split(': ')[1])).toBeGreaterThanOrEqual(0.88);
  }, 320_000);
});
