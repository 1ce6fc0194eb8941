// The options of the training commands (train, cv, tune, ensemble) in one table: flag, config-file key,
// type, range, default and help. The command-line flags, the config file's schema, the help text and the
// error messages are all generated from it, so a flag and its config key can never drift apart.

import { ACTIVATION_NAMES } from '../layers/activations.js';

/** How an option's value is parsed and checked. */
export type OptionKind = 'int' | 'number' | 'string' | 'choice' | 'bool' | 'intList' | 'stringList' | 'target' | 'schedule' | 'earlyStop' | 'classWeight';

/** The commands that take training options. */
export type TrainingCommand = 'train' | 'cv' | 'tune' | 'ensemble';

export interface OptionSpec {
  /** The key in a config file and in the resolved config (camelCase). */
  key: string;
  /** The long flag, e.g. '--batch-size'. */
  flag: string;
  /** The value placeholder, e.g. '<n>'; absent for on/off flags. */
  arg?: string;
  kind: OptionKind;
  /** What a valid value is, for messages: 'integer >= 1'. */
  expected: string;
  help: string;
  /** The default, applied after the config file and the flags (undefined: none). */
  default?: unknown;
  /** The default as shown in the help when it is not the plain value. */
  defaultText?: string;
  choices?: readonly string[];
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
  /** A `--no-…` flag that sets the option to false. */
  negate?: string;
  /** The help of the `--no-…` flag (default: "turn <flag> off"). */
  negateHelp?: string;
  /** Commands that take it (default: every training command). */
  commands?: readonly TrainingCommand[];
  /** Help section. */
  group: 'data' | 'model' | 'optimizer' | 'training' | 'output' | 'search';
}

const ALL: readonly TrainingCommand[] = ['train', 'cv', 'tune', 'ensemble'];
const SAVING: readonly TrainingCommand[] = ['train', 'tune', 'ensemble'];

/** Hidden-layer activations: every activation but softmax (an output activation). */
export const HIDDEN_ACTIVATIONS = ACTIVATION_NAMES.filter((a) => a !== 'softmax');
export const LOSSES = ['auto', 'mse', 'mae', 'huber', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'] as const;
export const OPTIMIZERS = ['sgd', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'radam'] as const;
export const TASKS = ['auto', 'classification', 'regression'] as const;
export const SCALERS = ['standard', 'minMax', 'none'] as const;
export const MISSING = ['impute', 'drop', 'error'] as const;
export const UNKNOWN = ['error', 'ignore'] as const;
export const NORMS = ['none', 'batch', 'layer'] as const;
export const LOG_FORMATS = ['text', 'json'] as const;
export const BACKENDS = ['native', 'js'] as const;
export const DISTRIBUTED_MODES = ['mpi'] as const;
export const PRECISIONS = ['fp32', 'bf16'] as const;
/** Metrics tune can rank by: the headline metrics of both tasks. */
export const TUNE_METRICS = ['auto', 'accuracy', 'macro_precision', 'macro_recall', 'macro_f1', 'weighted_f1', 'roc_auc', 'mse', 'rmse', 'mae', 'r2'] as const;

const num = (key: string, flag: string, help: string, group: OptionSpec['group'], range: Partial<OptionSpec>, expected: string): OptionSpec => ({
  key,
  flag,
  arg: '<x>',
  kind: 'number',
  expected,
  help,
  group,
  ...range,
});

export const OPTION_TABLE: readonly OptionSpec[] = [
  // data
  { key: 'target', flag: '--target', arg: '<column>', kind: 'target', expected: 'a column name or a 0-based column index (-1 = last)', help: 'the column to predict: a name, or an index (negative from the end)', group: 'data' },
  { key: 'task', flag: '--task', arg: '<task>', kind: 'choice', choices: TASKS, expected: 'one of auto, classification, regression', help: 'auto: categories or a few integer values are classes, other numbers regression', default: 'auto', group: 'data' },
  { key: 'valSplit', flag: '--val-split', arg: '<fraction>', kind: 'number', min: 0, max: 1, maxOpen: true, expected: 'number in [0, 1)', help: 'fraction of rows held out for validation (stratified for classes, seeded)', default: 0.2, group: 'data' },
  { key: 'weightColumn', flag: '--weight-column', arg: '<column>', kind: 'string', expected: 'a column name', help: "a column of per-row loss weights (numbers >= 0; not a feature), multiplied by --class-weight; --val-file's rows are weighed by it too", group: 'data' },
  { key: 'valFile', flag: '--val-file', arg: '<file.csv>', kind: 'string', expected: 'a CSV file path', help: 'validate on this file instead of a split', group: 'data' },
  { key: 'scale', flag: '--scale', arg: '<scaler>', kind: 'choice', choices: SCALERS, expected: 'one of standard, minMax, none', help: 'input scaling, fitted on the training rows and saved in the model', default: 'standard', group: 'data' },
  { key: 'missing', flag: '--missing', arg: '<policy>', kind: 'choice', choices: MISSING, expected: 'one of impute, drop, error', help: 'missing feature values: impute (training means/modes, saved), drop the row, or error', default: 'impute', group: 'data' },
  { key: 'unknown', flag: '--unknown', arg: '<policy>', kind: 'choice', choices: UNKNOWN, expected: 'one of error, ignore', help: "a category training never saw, at evaluate/predict time: error, or ignore (its one-hot columns all 0); saved as the model's default", default: 'error', commands: SAVING, group: 'data' },
  { key: 'delimiter', flag: '--delimiter', arg: '<char>', kind: 'string', expected: 'one character', help: 'field delimiter', default: ',', group: 'data' },
  { key: 'header', flag: '--header', kind: 'bool', expected: 'true or false', help: 'the first row holds column names', negate: '--no-header', negateHelp: 'the file has no header row (columns are named col1, col2, …)', default: true, group: 'data' },
  { key: 'ignore', flag: '--ignore', arg: '<columns>', kind: 'stringList', expected: 'a comma-separated list of column names', help: 'columns not used (ids, free text)', default: [], group: 'data' },
  { key: 'categorical', flag: '--categorical', arg: '<columns>', kind: 'stringList', expected: 'a comma-separated list of column names', help: 'columns read as categories even when they look numeric', default: [], group: 'data' },
  // model
  { key: 'layers', flag: '--layers', arg: '<units>', kind: 'intList', min: 1, expected: "a comma-separated list of integers >= 1 (or 'none')", help: "hidden layer sizes, e.g. 256,128 ('none': a linear/logistic model)", default: [128, 64], defaultText: '128,64', group: 'model' },
  { key: 'activation', flag: '--activation', arg: '<name>', kind: 'choice', choices: HIDDEN_ACTIVATIONS, expected: `one of ${HIDDEN_ACTIVATIONS.join(', ')}`, help: 'activation of the hidden layers', default: 'relu', group: 'model' },
  { key: 'norm', flag: '--norm', arg: '<kind>', kind: 'choice', choices: NORMS, expected: 'one of none, batch, layer', help: 'normalization in each hidden layer, between its linear part and its activation: batch (batchNormalization) or layer (layerNormalization)', default: 'none', group: 'model' },
  { key: 'dropout', flag: '--dropout', arg: '<rate>', kind: 'number', min: 0, max: 1, maxOpen: true, expected: 'number in [0, 1)', help: 'dropout after each hidden layer', default: 0, group: 'model' },
  { key: 'loss', flag: '--loss', arg: '<name>', kind: 'choice', choices: LOSSES, expected: `one of ${LOSSES.join(', ')}`, help: 'auto: mse (regression), binaryCrossentropy (2 classes), sparseCategoricalCrossentropy (more)', default: 'auto', group: 'model' },
  num('l1', '--l1', 'L1 penalty on every weight matrix', 'model', { min: 0, default: 0 }, 'number >= 0'),
  num('l2', '--l2', 'L2 penalty on every weight matrix', 'model', { min: 0, default: 0 }, 'number >= 0'),
  // optimizer
  { key: 'optimizer', flag: '--optimizer', arg: '<name>', kind: 'choice', choices: OPTIMIZERS, expected: `one of ${OPTIMIZERS.join(', ')}`, help: 'update rule (torch.optim semantics)', default: 'adam', group: 'optimizer' },
  num('lr', '--lr', 'learning rate', 'optimizer', { min: 0, minOpen: true, defaultText: 'per optimizer: adam 1e-3, sgd 1e-2, …' }, 'number > 0'),
  num('momentum', '--momentum', 'momentum (sgd, rmsprop)', 'optimizer', { min: 0, max: 1 }, 'number in [0, 1]'),
  { key: 'nesterov', flag: '--nesterov', kind: 'bool', expected: 'true or false', help: 'Nesterov momentum (sgd)', group: 'optimizer' },
  num('beta1', '--beta1', 'first-moment decay (adam, adamw, adamax, nadam, radam)', 'optimizer', { min: 0, max: 1, maxOpen: true }, 'number in [0, 1)'),
  num('beta2', '--beta2', 'second-moment (adamax: infinity-norm) decay (adam, adamw, adamax, nadam, radam)', 'optimizer', { min: 0, max: 1, maxOpen: true }, 'number in [0, 1)'),
  num('eps', '--eps', 'denominator epsilon (every optimizer but sgd)', 'optimizer', { min: 0, minOpen: true }, 'number > 0'),
  num('weightDecay', '--weight-decay', 'weight decay (every optimizer; decoupled in adamw)', 'optimizer', { min: 0 }, 'number >= 0'),
  { key: 'decoupledWeightDecay', flag: '--decoupled-weight-decay', kind: 'bool', expected: 'true or false', help: 'decay the weights directly, as adamw (nadam, radam)', group: 'optimizer' },
  num('momentumDecay', '--momentum-decay', 'momentum schedule decay psi (nadam)', 'optimizer', { min: 0 }, 'number >= 0'),
  num('rho', '--rho', 'running-average decay (adadelta)', 'optimizer', { min: 0, max: 1 }, 'number in [0, 1]'),
  num('alpha', '--alpha', 'squared-gradient smoothing (rmsprop)', 'optimizer', { min: 0, max: 1 }, 'number in [0, 1]'),
  { key: 'centered', flag: '--centered', kind: 'bool', expected: 'true or false', help: 'centered RMSprop', group: 'optimizer' },
  { key: 'amsgrad', flag: '--amsgrad', kind: 'bool', expected: 'true or false', help: 'AMSGrad (adam, adamw)', group: 'optimizer' },
  num('clipNorm', '--clip-norm', 'clip gradients to this global L2 norm (0: off)', 'optimizer', { min: 0 }, 'number >= 0'),
  num('clipValue', '--clip-value', 'clip every gradient to [-x, x] (0: off)', 'optimizer', { min: 0 }, 'number >= 0'),
  { key: 'schedule', flag: '--schedule', arg: '<spec>', kind: 'schedule', expected: "a schedule: constant, stepDecay, exponentialDecay, cosineAnnealing or reduceOnPlateau, optionally with ':key=value,…'", help: "learning-rate schedule, e.g. cosineAnnealing:warmupSteps=100 or reduceOnPlateau:patience=3", default: 'constant', group: 'optimizer' },
  // training
  { key: 'epochs', flag: '--epochs', arg: '<n>', kind: 'int', min: 1, expected: 'integer >= 1', help: 'most epochs to train', default: 100, group: 'training' },
  { key: 'batchSize', flag: '--batch-size', arg: '<n>', kind: 'int', min: 1, expected: 'integer >= 1', help: 'rows per step', default: 32, group: 'training' },
  { key: 'earlyStop', flag: '--early-stop', arg: '<patience>', kind: 'earlyStop', min: 0, expected: 'integer >= 0 (or false)', help: 'stop after this many epochs without a better validation loss, and restore the best weights', negate: '--no-early-stop', default: 10, group: 'training' },
  { key: 'classWeight', flag: '--class-weight', arg: '<balanced|json>', kind: 'classWeight', expected: `balanced or a JSON map of class label to weight >= 0, e.g. '{"yes": 3}'`, help: `weigh each class's rows in the loss: balanced (rows / (classes × rows of the class), as scikit-learn) or a JSON map of class label to weight, e.g. '{"yes": 3}' (classes left out weigh 1)`, group: 'training' },
  { key: 'seed', flag: '--seed', arg: '<n>', kind: 'int', min: 0, max: 0xffffffff, expected: 'integer in [0, 4294967295]', help: 'seed of the split, the weights, the shuffles and dropout', default: 42, group: 'training' },
  { key: 'threads', flag: '--threads', arg: '<n>', kind: 'int', min: 1, max: 256, expected: 'integer in [1, 256]', help: 'native threads (results do not depend on it)', defaultText: 'the CPUs available', group: 'training' },
  { key: 'precision', flag: '--precision', arg: '<p>', kind: 'choice', choices: PRECISIONS, expected: 'one of fp32, bf16', help: "GEMM arithmetic: bf16 rounds the GEMMs' inputs to bfloat16 and accumulates in float32 (mixed precision; needs AVX512_BF16), saved in the model for evaluate and predict", default: 'fp32', group: 'training' },
  { key: 'backend', flag: '--backend', arg: '<name>', kind: 'choice', choices: BACKENDS, expected: 'one of native, js', help: 'native (the C++ addon) or js', defaultText: 'native, else js', group: 'training' },
  { key: 'distributed', flag: '--distributed', arg: '<mode>', kind: 'choice', choices: DISTRIBUTED_MODES, expected: 'mpi', help: 'train one model with every process of an mpirun job (train only; --batch-size is per process)', group: 'training' },
  { key: 'checkpoint', flag: '--checkpoint', arg: '<file>', kind: 'string', expected: 'a file path', help: 'save the training position here every epoch (default <model>.ckpt with --checkpoint-every)', commands: ['train'], group: 'training' },
  { key: 'checkpointEvery', flag: '--checkpoint-every', arg: '<steps>', kind: 'int', min: 1, expected: 'integer >= 1', help: 'also checkpoint every N optimizer steps', commands: ['train'], group: 'training' },
  { key: 'resume', flag: '--resume', arg: '<checkpoint>', kind: 'string', expected: 'a checkpoint file path', help: 'continue the run saved in this checkpoint (its options are the defaults)', commands: ['train'], group: 'training' },
  { key: 'ensemble', flag: '--ensemble', arg: '<n>', kind: 'int', min: 1, max: 100, expected: 'integer in [1, 100]', help: 'train N models with seeds seed, seed+1, … and average their predictions', default: 1, commands: ['train'], group: 'training' },
  { key: 'models', flag: '--models', arg: '<n>', kind: 'int', min: 2, max: 100, expected: 'integer in [2, 100]', help: 'ensemble members', default: 5, commands: ['ensemble'], group: 'training' },
  // search
  { key: 'folds', flag: '--folds', arg: '<k>', kind: 'int', min: 2, max: 100, expected: 'integer in [2, 100]', help: 'number of folds', default: 5, commands: ['cv'], group: 'search' },
  { key: 'grid', flag: '--grid', arg: '<spec>', kind: 'string', expected: "a grid such as 'lr=1e-3,1e-2 batch=32,128 layers=128|256,128'", help: "values to try: key=v1,v2 … (alternatives with '|' when values hold commas)", commands: ['tune'], group: 'search' },
  { key: 'trials', flag: '--trials', arg: '<n>', kind: 'int', min: 1, expected: 'integer >= 1', help: 'random search: this many seeded draws from the grid instead of all of it', commands: ['tune'], group: 'search' },
  { key: 'metric', flag: '--metric', arg: '<name>', kind: 'choice', choices: TUNE_METRICS, expected: `one of ${TUNE_METRICS.join(', ')}`, help: 'ranking metric on the validation split (auto: accuracy, or mse for regression)', default: 'auto', commands: ['tune'], group: 'search' },
  // output
  { key: 'out', flag: '--out', arg: '<model>', kind: 'string', expected: 'a file path', help: 'the model file to write (an existing file is replaced only if it is an nntrain model)', defaultText: '<data name>.nntrain; tune: <data name>.tune.nntrain; an ensemble: <data name>.ensemble.nntrain', commands: SAVING, group: 'output' },
  { key: 'report', flag: '--report', kind: 'bool', expected: 'true or false', help: 'write <model>.report.svg and .html beside the model', negate: '--no-report', negateHelp: 'do not write the report (<model>.report.svg and .html)', default: true, commands: SAVING, group: 'output' },
  { key: 'logFormat', flag: '--log-format', arg: '<format>', kind: 'choice', choices: LOG_FORMATS, expected: 'one of text, json', help: 'text (a progress bar on a terminal, else a line per epoch) or json (one object per line)', default: 'text', group: 'output' },
];

/** The options `command` takes. */
export function optionsFor(command: TrainingCommand): OptionSpec[] {
  return OPTION_TABLE.filter((o) => (o.commands ?? ALL).includes(command));
}

/** The spec of a config key. */
export function optionByKey(key: string): OptionSpec | undefined {
  return OPTION_TABLE.find((o) => o.key === key);
}
