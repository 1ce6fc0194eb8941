// A saved model's data preprocessing (what `nntrain train` stores in `model.preprocessing`) and the
// pieces that apply it to raw rows. Re-exports only.

export { Preprocessor, PREPROCESSING_FORMAT, type SavedPreprocessing } from './preprocessor.js';
export type { TargetInfo, Task } from './target-info.js';
export { rawFeatures, type RawRow } from './rows.js';
export { classScores, decodeOutputs, type ClassPrediction, type Prediction, type ValuePrediction } from './outputs.js';
export { MissingCounter, addMissing, describeMissing, type MissingCounts } from './missing-count.js';
export { keptColumns, type KeptColumns } from './keep-columns.js';
