// The CLI's data pipeline, one forward pass: read (read.ts, target.ts) → split into row indices
// (split.ts) → copy each part into the model's buffers (gather.ts) → fit on the training part (fit.ts) →
// transform (the Preprocessor, src/data/preprocessing/); prepare.ts runs them for the training commands. evaluate and predict
// read with a saved schema and transform through the saved Preprocessor.

export { readLabeledData, readTrainingData, type DataSummary, type LabeledData, type TrainingData } from './read.js';
export { decideTask, mapClassValues, type TargetInfo, type Task } from './target.js';
export { allRows, splitRows, standardSplit, type RowSplit } from './split.js';
export { takeRows, type Rows } from './gather.js';
export { fitTransform } from './fit.js';
export { Preprocessor, PREPROCESSING_FORMAT, type SavedPreprocessing } from '../../data/preprocessing/index.js';
export { prepareSplit, prepareTraining, transformRows, type ModelData, type PreparedSplit } from './prepare.js';
