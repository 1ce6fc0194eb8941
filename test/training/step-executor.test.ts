// stepExecutor, the one place that decides how a chunk of steps runs: the plan is made once for the fit's
// largest batch, and every job is one PlanHandle.train call taken through the model's plan queue.

import { describe, expect, it } from 'vitest';
import { TrainStatus } from '../../src/backend/codes.js';
import type { PlanHandle, TrainJob, TrainResult } from '../../src/backend/contract.js';
import type { TrainingRuntime } from '../../src/training/runtime.js';
import { stepExecutor } from '../../src/training/step-executor.js';

describe('stepExecutor', () => {
  it('makes the plan once for maxBatch and runs each job as one train call inside exclusive', async () => {
    const events: string[] = [];
    const plan = {
      train: (job: TrainJob): Promise<TrainResult> => {
        events.push(`train ${job.steps}`);
        return Promise.resolve({ stepsDone: job.steps, status: TrainStatus.ok });
      },
    } as unknown as PlanHandle;
    const rt = {
      plan: (maxBatch: number) => {
        events.push(`plan ${maxBatch}`);
        return plan;
      },
      exclusive: async <T>(fn: () => Promise<T>): Promise<T> => {
        events.push('enter');
        const out = await fn();
        events.push('leave');
        return out;
      },
      stepsReleased: () => Promise.resolve(),
      customLoss: null,
      customMetrics: [],
    } as unknown as TrainingRuntime;

    const steps = stepExecutor(rt, 32);
    const job = (n: number) => ({ steps: n }) as TrainJob;
    expect(await steps.run(job(3))).toEqual({ stepsDone: 3, status: TrainStatus.ok });
    expect(await steps.run(job(5))).toEqual({ stepsDone: 5, status: TrainStatus.ok });
    expect(events).toEqual(['plan 32', 'enter', 'train 3', 'leave', 'enter', 'train 5', 'leave']);
  });

  it('starts a chunk only once no predict or evaluate holds the steps', async () => {
    const events: string[] = [];
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const plan = { train: (job: TrainJob): Promise<TrainResult> => (events.push('train'), Promise.resolve({ stepsDone: job.steps, status: TrainStatus.ok })) } as unknown as PlanHandle;
    const rt = { plan: () => plan, exclusive: <T>(fn: () => Promise<T>) => fn(), stepsReleased: () => held, customLoss: null, customMetrics: [] } as unknown as TrainingRuntime;
    const run = stepExecutor(rt, 8).run({ steps: 1 } as TrainJob);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([]);
    release();
    await run;
    expect(events).toEqual(['train']);
  });
});
