// nntrain's public API. Re-exports only.

export { Sequential, type SequentialOptions, type CompileOptions, type ModelConfig, type OptimizerState } from './models/sequential.js';
export { Perceptron, type PerceptronOptions } from './models/perceptron.js';
export { saveModel, type SaveModelOptions } from './io/model-file.js';
export { loadModel, type LoadModelOptions } from './models/load-model.js';
export { loadEnsemble, type Ensemble } from './models/ensemble.js';
export { loadPredictor, Predictor, type LoadPredictorOptions, type PredictRowsOptions, type PredictCsvOptions, type CsvPrediction } from './models/predictor.js';
export type { SavedPreprocessing, TargetInfo, Task, RawRow, Prediction, ClassPrediction, ValuePrediction } from './data/preprocessing/index.js';
export { readCheckpoint, type Checkpoint } from './models/checkpoint.js';
export { importOnnx, ONNX_OPSET, type OnnxExportOptions, type OnnxImportOptions } from './models/onnx/index.js';
export type { JsonObject, JsonValue } from './io/json-value.js';
export type { TrainingState, CheckpointFitOptions, DataFingerprint, ValidationSource } from './training/training-state.js';
export type { EarlyStoppingState, CallbackStateEntry } from './callbacks/index.js';
export type { ReduceOnPlateauState } from './schedules/index.js';

export { layers, layerFromConfig, Layer, Dense, Dropout, GaussianNoise, ActivationLayer } from './layers/index.js';
export type {
  LayerConfig,
  LayerType,
  CommonLayerOptions,
  DenseOptions,
  DropoutOptions,
  GaussianNoiseOptions,
  ActivationLayerOptions,
  WeightTensor,
  WeightInput,
} from './layers/index.js';
export type { ActivationOption, InitializerOption, RegularizerOption } from './layers/dense.js';
export type { ActivationConfig } from './layers/activations.js';

export { optimizers, Optimizer, type OptimizerConfig, type OptimizerOptions } from './optimizers/index.js';
export { schedules, type LearningRateSchedule, type ScheduleConfig } from './schedules/index.js';
export { initializers, type Initializer, type InitializerConfig } from './initializers/index.js';
export { regularizers, type Regularizer } from './regularizers/index.js';
export { losses, type CustomLoss, type CustomLossOptions, type LossConfig, type LossMatrix } from './losses/index.js';
export { callbacks, EarlyStopping, ModelCheckpoint } from './callbacks/index.js';
export type { Callback, CallbackModel, Logs, EarlyStoppingOptions, ModelCheckpointOptions, LambdaCallbackOptions } from './callbacks/index.js';
export { metrics, type CustomMetric, type CustomMetricOptions, type MetricMatrix, type MetricName } from './metrics/index.js';

export { History } from './training/history.js';
export { initDistributed, launchedByMpirun, type DistributedInfo } from './backend/mpi-context.js';
export type { FitOptions, EvaluateOptions, PredictOptions } from './training/fit-options.js';
export type { HistoryData } from './training/history.js';
export type { CheckpointOptions } from './training/fit-options.js';

export { matrix, isMatrix, fromRows, row, sliceRows, toRows, argmaxRows, type Matrix, type MatrixInput } from './data/matrix.js';
export type { InputData, InputRow, NumericArray, PredictInput, TargetData } from './data/validate-data.js';
export { isDataset, type Dataset, type DataBlock, type PassOptions } from './data/dataset.js';
export { streamingDataset, memoryDataset, type StreamingDataset, type StreamingDatasetOptions, type RowSource } from './data/streaming-dataset.js';
export { csvDataset, type CsvDataset, type CsvDatasetOptions, type CsvDatasetShard } from './data/csv-dataset.js';
export { readNumericCsv, type NumericCsv, type NumericCsvOptions } from './data/csv/index.js';
export { readCsv, openCsv, inferCsvSchema, formatSchema, CsvStream, DEFAULT_MISSING_VALUES } from './data/csv/index.js';
export type {
  CsvData,
  CsvBatch,
  CsvBatchBuffers,
  CsvSchema,
  CsvColumn,
  CsvColumnKind,
  CsvColumnRole,
  CsvLayout,
  CsvReadOptions,
  CsvOpenOptions,
  CsvSchemaOptions,
  CsvProgress,
  ColumnRef,
  MissingPolicy,
  CategoricalEncoding,
  UnknownCategories,
  CsvShard,
  CsvShardRange,
} from './data/csv/index.js';
export {
  scalers,
  scalerFromJSON,
  Scaler,
  Imputer,
  imputerFromJSON,
  SplitPart,
  randomSplit,
  stratifiedSplit,
  timeSplit,
  trainTestSplit,
  kFold,
  leaveOneOut,
  Folds,
  hashSplit,
  hashSplitter,
  hashSplitIndices,
  gatherRows,
  takeRows,
  splitData,
  tileRows,
  classIndices,
  addGaussianNoise,
  randomOversample,
  smote,
  fitScaler,
  fitImputer,
} from './data/preprocess/index.js';
export type {
  ScalerKind,
  ScalerOptions,
  MinMaxScalerOptions,
  ScalerJSON,
  ScalerStatistics,
  ImputerOptions,
  ImputerJSON,
  FromJSONOptions,
  SplitFractions,
  SplitIndices,
  RandomSplitOptions,
  StratifiedSplitOptions,
  TimeSplitOptions,
  TrainTestSplit,
  TrainTestSplitOptions,
  SplitRows,
  Fold,
  KFoldOptions,
  RowSplitter,
  SplitPartNumber,
  LabeledData,
  SplitData,
  LabelInput,
  GaussianNoiseAugmentOptions,
  OversampleOptions,
  ResampledData,
  SmoteOptions,
  SmoteResult,
  DistributedFitOptions,
} from './data/preprocess/index.js';

export { getBackend, nativeAvailable, type BackendName } from './backend/index.js';
export { setThreads } from './backend/native.js';
export type { Backend, BackendInfo } from './backend/contract.js';
export type { ActivationName, LossName, OptimizerName } from './backend/codes.js';

export {
  NNTrainError,
  ConfigError,
  ShapeError,
  DataError,
  NonFiniteError,
  DivergenceError,
  BackendError,
  ModelFileError,
  AbortError,
} from './util/errors.js';

export { Rng } from './util/rng.js';

export {
  classificationMetrics,
  regressionMetrics,
  evaluatePredictions,
  confusionMatrix,
  binaryRocAuc,
  headlineValues,
  headlineMetrics,
  formatMetricValue,
  formatClassificationReport,
  formatConfusionMatrix,
  formatRegressionReport,
  formatEvaluation,
} from './evaluation/index.js';
export type {
  ClassificationOptions,
  RegressionOptions,
  EvaluatePredictionsOptions,
  EvaluationTask,
  EvaluationInput,
  EvaluationFormatOptions,
  ClassMetrics,
  AveragedMetrics,
  ClassificationResult,
  RegressionMetrics,
  RegressionResult,
  EvaluationResult,
} from './evaluation/index.js';
export { learningCurvesSvg, reportHtml, writeReport } from './report/index.js';
export type { LearningCurvesOptions, ReportOptions, WriteReportOptions, ReportPaths, HistoryLike } from './report/index.js';
