// SIGINT (Ctrl-C) and SIGTERM (a scheduler's stop): the running command stops at its next safe point —
// training after the current step (fit's AbortSignal), predict between chunks, the others between their
// steps — writes a checkpoint if --checkpoint asked for one (fit does, on abort), removes the files this run
// had written, and exits 130 or 143. A second signal exits at once.

import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { NNTrainError } from '../util/errors.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** 128 + the signal's number, as shells report a process ended by it. */
export const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** The command stopped because of a signal. */
export class InterruptedError extends NNTrainError {
  constructor(readonly signal: StopSignal) {
    super('ERR_NNTRAIN_INTERRUPTED', `interrupted by ${signal}`);
  }
}

const controller = new AbortController();
let received: StopSignal | null = null;
const hooks: (() => void)[] = [];
const written = new Set<string>();
let checkpoint: string | null = null;

/** Installs the handlers: call once at start. */
export function watchSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (received !== null) process.exit(SIGNAL_EXIT[received]);
      received = signal;
      for (const hook of hooks) hook();
      controller.abort(new InterruptedError(signal));
    });
  }
}

/** Aborts when a signal arrives: pass it to fit and to readers. */
export function interruptSignal(): AbortSignal {
  return controller.signal;
}

/** The signal received, or null. */
export function interrupted(): StopSignal | null {
  return received;
}

/** @throws InterruptedError once a signal has arrived. */
export function throwIfInterrupted(): void {
  if (received !== null) throw new InterruptedError(received);
}

/** Runs `hook` when a signal arrives (e.g. to give a terminal its cursor back). */
export function onInterrupt(hook: () => void): void {
  hooks.push(hook);
}

/** Records a file this run wrote, removed if the run is interrupted. */
export function recordOutput(path: string): void {
  written.add(path);
}

/** Removes the files this run wrote; returns those removed. */
export async function removeOutputs(): Promise<string[]> {
  const removed: string[] = [];
  for (const path of written) {
    try {
      await rm(path);
      removed.push(path);
    } catch {
      // already gone
    }
  }
  written.clear();
  return removed;
}

/** Names the run's checkpoint, which an interrupted run keeps (fit writes its position on abort). */
export function recordCheckpoint(path: string): void {
  checkpoint = path;
}

/** '; the checkpoint … holds the run' when one exists, for the interruption's message. */
export function checkpointNote(): string {
  return checkpoint !== null && existsSync(checkpoint) ? `; the checkpoint ${checkpoint} holds the run: continue it with --resume ${checkpoint}` : '';
}
