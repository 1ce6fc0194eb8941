// Data preparation: scalers, imputation, splits and augmentation over Matrix. Re-exports only.

export { Scaler, type ScalerKind, type ScalerOptions, type MinMaxScalerOptions, type ScalerJSON, type ScalerStatistics } from './scaler.js';
export { scalers, scalerFromJSON } from './scalers.js';
export { Imputer, type ImputerOptions, type ImputerJSON, type ImputerState } from './imputer.js';
export { imputerFromJSON } from './imputers.js';
export { fitScaler, fitImputer, type DistributedFitOptions } from './distributed-fit.js';
export type { FromJSONOptions } from './json-fields.js';
export type { ColumnStatsJSON } from './column-stats.js';

export { SplitPart, type SplitFractions, type SplitIndices } from './fractions.js';
export { randomSplit, stratifiedSplit, timeSplit, type RandomSplitOptions, type StratifiedSplitOptions, type TimeSplitOptions } from './splits.js';
export { trainTestSplit, type TrainTestSplit, type TrainTestSplitOptions, type SplitRows } from './train-test-split.js';
export { kFold, leaveOneOut, Folds, type Fold, type KFoldOptions } from './kfold.js';
export { hashSplit, hashSplitter, hashSplitIndices, type RowSplitter, type SplitPartNumber } from './hash-split.js';
export { gatherRows, takeRows, splitData, tileRows, type LabeledData, type SplitData } from './gather.js';
export { classIndices, type LabelInput } from './labels.js';

export { addGaussianNoise, type GaussianNoiseAugmentOptions } from './noise.js';
export { randomOversample, type OversampleOptions, type ResampledData } from './oversample.js';
export { smote, type SmoteOptions, type SmoteResult } from './smote.js';
