// Typed errors. Every error nntrain throws on purpose is an NNTrainError with a stable `code`, raised
// before any work starts where the input allows it.

/**
 * The base of every error nntrain throws on purpose; `code` is stable across versions (e.g.
 * 'ERR_NNTRAIN_CONFIG'), the message is not. Catch the subclasses to tell the causes apart.
 */
export class NNTrainError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A bad option, hyperparameter or name (unknown activation, learning rate <= 0, ...). */
export class ConfigError extends NNTrainError {
  constructor(message: string) {
    super('ERR_NNTRAIN_CONFIG', message);
  }
}

/** Arrays whose shapes do not fit together (input width, label width, buffer lengths). */
export class ShapeError extends NNTrainError {
  constructor(message: string) {
    super('ERR_NNTRAIN_SHAPE', message);
  }
}

/** Bad values in the data: NaN/Infinity, labels out of range. `row`/`column` are 0-based when known. */
export class DataError extends NNTrainError {
  readonly row: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, where: { row?: number; column?: number } = {}) {
    super('ERR_NNTRAIN_DATA', message);
    this.row = where.row;
    this.column = where.column;
  }
}

/** Training produced a NaN or infinite loss or gradient; the weights are those before the bad step. */
export class NonFiniteError extends NNTrainError {
  readonly epoch: number;
  readonly batch: number;
  constructor(message: string, epoch: number, batch: number) {
    super('ERR_NNTRAIN_NON_FINITE', message);
    this.epoch = epoch;
    this.batch = batch;
  }
}

/**
 * Training diverged with finite numbers: a step's loss grew past fit's `divergence.factor` times the
 * loss of the fit's first step (see FitOptions.divergence). The weights are those at the end of the chunk
 * of steps that held it, so they are not usable: keep earlier ones (earlyStopping's best weights, a
 * checkpoint). `epoch` and `batch` are 0-based.
 */
export class DivergenceError extends NNTrainError {
  readonly epoch: number;
  readonly batch: number;
  /** The step's loss and the fit's starting loss it was compared with. */
  readonly loss: number;
  readonly startLoss: number;
  constructor(message: string, where: { epoch: number; batch: number; loss: number; startLoss: number }) {
    super('ERR_NNTRAIN_DIVERGED', message);
    this.epoch = where.epoch;
    this.batch = where.batch;
    this.loss = where.loss;
    this.startLoss = where.startLoss;
  }
}

/** The native backend was asked for and cannot be used. */
export class BackendError extends NNTrainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_NNTRAIN_BACKEND', message, options);
  }
}

/** A model file that cannot be read: missing, truncated, corrupted, foreign or from a newer version. */
export class ModelFileError extends NNTrainError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('ERR_NNTRAIN_MODEL_FILE', `${path}: ${message}`, options);
    this.path = path;
  }
}

/** Training was stopped through an AbortSignal. The model keeps the weights of the last completed step. */
export class AbortError extends NNTrainError {
  constructor(message = 'Training was aborted') {
    super('ABORT_ERR', message);
  }
}
