// The learning-rate schedule interface and the serialized configs of the built-in schedules.

/**
 * A learning-rate schedule: the learning rate of every optimizer step. The training loop calls `at` once
 * per step to fill TrainJob.lrs and `onEpochEnd` (when present) after each epoch's logs are complete.
 */
export interface LearningRateSchedule {
  readonly name: string;
  /**
   * The learning rate (>= 0) for optimizer step `step` (global, 0-based) in epoch `epoch` (0-based), given
   * the optimizer's learningRate `baseLr`.
   */
  at(baseLr: number, epoch: number, step: number): number;
  /** Sees the epoch's logs (loss, val_loss, accuracy, ...); stateful schedules adapt here. */
  onEpochEnd?(epoch: number, logs: Record<string, number>): void;
  /** Forgets state carried between epochs (reduceOnPlateau's best value and counters); called as fit starts. */
  reset?(): void;
  /**
   * State carried between epochs, for a checkpoint (stateful schedules only): a resumed fit restores it
   * with setState so that its learning rates equal the uninterrupted run's. Plain JSON and numbers.
   */
  getState?(): unknown;
  /** Restores getState output. Throws ConfigError for a state that does not fit. */
  setState?(state: unknown): void;
  /** Plain JSON with the name and every option; scheduleFromConfig restores it. */
  getConfig(): ScheduleConfig;
}

export interface ConstantConfig {
  name: 'constant';
}
export interface StepDecayConfig {
  name: 'stepDecay';
  stepSize: number;
  gamma: number;
}
export interface ExponentialDecayConfig {
  name: 'exponentialDecay';
  decaySteps: number;
  decayRate: number;
  staircase: boolean;
}
export interface CosineAnnealingConfig {
  name: 'cosineAnnealing';
  decaySteps: number;
  warmupSteps: number;
  minLearningRate: number;
}
export type PlateauMode = 'auto' | 'min' | 'max';
export interface ReduceOnPlateauConfig {
  name: 'reduceOnPlateau';
  monitor: string;
  factor: number;
  patience: number;
  minDelta: number;
  cooldown: number;
  minLearningRate: number;
  mode: PlateauMode;
}
/** A custom schedule's function cannot be serialized; its config only records that it existed. */
export interface CustomConfig {
  name: 'custom';
}

/** The serialized form of any schedule (plain JSON, see getConfig). */
export type ScheduleConfig =
  | ConstantConfig
  | StepDecayConfig
  | ExponentialDecayConfig
  | CosineAnnealingConfig
  | ReduceOnPlateauConfig
  | CustomConfig;

export type ScheduleName = ScheduleConfig['name'];
